#!/usr/bin/env bash
# W1 correctness: on a small generated log, `proviso run` must give the reference answer.
# Needs the W1 generator and reference from ../shared/bench; skips (exit 77) without them.
#   bench/w1-check.sh [PROVISO] [EVENTS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
proviso="${1:-$root/build/cli/proviso}"
events="${2:-100000}"
shared="${PROVISO_SHARED:-$root/../shared}/bench"
if [ ! -f "$shared/gen_events.py" ] || [ ! -f "$shared/reference.py" ]; then
  echo "SKIPPED: W1 needs the generator and reference in $shared, which is absent"
  exit 77
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
check() {  # LABEL, then extra generator arguments
  local label="$1"
  shift
  # The generator needs about 70,000 events or more for its fixed timeline.
  if ! python3 "$shared/gen_events.py" "$events" "$work/log.jsonl" "$@" > "$work/gen.txt" 2>&1; then
    cat "$work/gen.txt"
    exit 1
  fi
  "$proviso" run "$root/bench/w1_amd.proviso" "$root/bench/w1_nvidia.proviso" "$work/log.jsonl" \
    --format jsonl 2> /dev/null | python3 "$root/bench/w1_answer.py" > "$work/actual.json"
  python3 "$shared/reference.py" "$work/log.jsonl" > "$work/expected.json"
  if python3 "$shared/check.py" "$work/expected.json" "$work/actual.json"; then
    echo "W1 $label ($events events): proviso agrees with the reference"
  else
    echo "W1 $label ($events events): proviso DISAGREES with the reference"
    exit 1
  fi
}
check "full timeline"
check "cut before the deadline" --end-date 2029-06-30
check "another seed" --seed 7
