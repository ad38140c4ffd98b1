#!/usr/bin/env bash
# Sets up (installs missing packages) and builds Proviso into build/ (or $1): every target, or
# only the one named by --target.
#   scripts/build.sh [BUILD_DIR] [--target TARGET] [extra cmake options…]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${1:-$root/build}"
shift || true
target=()
if [[ "${1:-}" == "--target" ]]; then
  target=(--target "$2")
  shift 2
fi

bash "$root/scripts/setup.sh"
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)" "${target[@]}"
