#!/usr/bin/env bash
# Installs an already built tree into a prefix and builds examples/ against it as a project of
# its own, exactly as docs/embedding.md says, then runs the host on the bundled contract (ctest
# matches its output). Run from the source root:
#   tests/install/install_test.sh CMAKE BUILD_DIR WORK_DIR CXX_COMPILER [EXTRA_CXX_FLAGS]
set -euo pipefail
cmake="$1"
build_dir="$2"
work="$3"
cxx="$4"
flags="${5:-}"

rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"
"$cmake" --install "$build_dir" --prefix "$prefix" >/dev/null

# Every header an installed header includes (as "stage/….hpp") is installed too.
missing=0
for header in "$prefix"/include/proviso/*/*.hpp; do
  while read -r included; do
    if [ ! -f "$prefix/include/proviso/$included" ]; then
      echo "$header includes $included, which is not installed" >&2
      missing=1
    fi
  done < <(sed -n 's/^#include "\([a-z_]*\/[^"]*\)".*/\1/p' "$header")
done
[ "$missing" -eq 0 ] || exit 1

"$cmake" -S examples -B "$work/host" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS=$flags" "-DCMAKE_EXE_LINKER_FLAGS=$flags" \
  >/dev/null
"$cmake" --build "$work/host" >/dev/null
"$work/host/proviso_example_host" contracts/amd_openai.proviso
