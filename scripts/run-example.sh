#!/usr/bin/env bash
# Quick start, first command: set up, build, and run Proviso on the bundled example contract.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/build.sh" "$root/build"
echo
echo "\$ proviso check contracts/amd_openai.proviso"
cd "$root"
"$root/build/cli/proviso" check contracts/amd_openai.proviso
