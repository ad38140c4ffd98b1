#!/usr/bin/env bash
# Check-time benchmark: how long `proviso check` takes on a 1,000-clause contract
# (DESIGN.md's target: under 100 ms). Prints the best of 5 wall-clock runs. The target is the
# checker's: the runs pass --no-warnings; WARNINGS=1 also times one run with the solver's
# warnings (lint/), which asks Z3 a few questions per clause.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
proviso="${PROVISO:-$root/build/cli/proviso}"
[ -x "$proviso" ] || bash "$root/scripts/build.sh" "$root/build"
clauses="${1:-1000}"
contract="$(mktemp --suffix=.proviso)"
trap 'rm -f "$contract"' EXIT
python3 "$root/bench/large_contract.py" "$clauses" > "$contract"
"$proviso" check --no-warnings "$contract" > /dev/null
best=""
for _ in 1 2 3 4 5; do
  start=$(date +%s%N)
  "$proviso" check --no-warnings "$contract" > /dev/null
  elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ -z "$best" ] || [ "$elapsed" -lt "$best" ]; then best=$elapsed; fi
done
echo "check of a ${clauses}-clause contract ($(wc -l < "$contract") lines): ${best} ms (best of 5)"
if [ "${WARNINGS:-0}" = 1 ]; then
  start=$(date +%s%N)
  "$proviso" check "$contract" > /dev/null
  echo "with warnings: $(( ($(date +%s%N) - start) / 1000000 )) ms (one run)"
fi
