#!/usr/bin/env bash
# Sets up (installs missing packages) and builds Proviso into build/ (or $1).
#   scripts/build.sh [BUILD_DIR] [extra cmake options…]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${1:-$root/build}"
shift || true

bash "$root/scripts/setup.sh"
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
