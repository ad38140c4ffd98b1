#!/usr/bin/env bash
# Quick start, first command: set up, build, check the bundled example contract and replay its
# example log through it, printing the timeline of every state change.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Only the `proviso` command and the libraries under it: the tests are scripts/test.sh's.
bash "$root/scripts/build.sh" "$root/build" --target proviso
cd "$root"
echo
echo "\$ proviso check contracts/amd_openai.proviso"
"$root/build/cli/proviso" check contracts/amd_openai.proviso
echo
echo "\$ proviso run contracts/amd_openai.proviso contracts/logs/amd_openai.jsonl"
"$root/build/cli/proviso" run contracts/amd_openai.proviso contracts/logs/amd_openai.jsonl
