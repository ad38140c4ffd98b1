#!/usr/bin/env bash
# Quick start, second command: set up, build, and run every test.
#   scripts/test.sh              normal build in build/
#   scripts/test.sh --sanitize   AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ "${1:-}" == "--sanitize" ]]; then
  build_dir="$root/build-asan"
  bash "$root/scripts/build.sh" "$build_dir" -DPROVISO_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
else
  build_dir="$root/build"
  bash "$root/scripts/build.sh" "$build_dir"
fi
cd "$build_dir"
ctest --output-on-failure --parallel "$(nproc)"
