#!/usr/bin/env bash
# W2 correctness: on a small generated portfolio, `proviso run bench/w2/note.proviso --instances`
# must give the reference answer (../shared/bench/w2/README.md). Needs the W2 generator and
# reference from ../shared/bench/w2; skips (exit 77) without them.
#   bench/w2-check.sh [PROVISO] [EVENTS] [NOTES]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
proviso="${1:-$root/build/cli/proviso}"
events="${2:-60000}"
notes="${3:-32}"
shared="${PROVISO_SHARED:-$root/../shared}/bench/w2"
if [ ! -f "$shared/gen_w2.py" ] || [ ! -f "$shared/reference_w2.py" ]; then
  echo "SKIPPED: W2 needs the generator and reference in $shared, which is absent"
  exit 77
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
check() {  # LABEL, then extra generator arguments
  local label="$1"
  shift
  if ! python3 "$shared/gen_w2.py" "$events" "$notes" "$work" "$@" > "$work/gen.txt" 2>&1; then
    cat "$work/gen.txt"
    exit 1
  fi
  "$proviso" run "$root/bench/w2/note.proviso" --instances "$work/notes.csv" "$work/events.jsonl" \
    --format jsonl 2> /dev/null | python3 "$root/bench/w2/w2_answer.py" "$work/notes.csv" \
    > "$work/actual.json"
  python3 "$shared/reference_w2.py" "$work" > "$work/expected.json"
  if python3 "$shared/check_w2.py" "$work/expected.json" "$work/actual.json"; then
    echo "W2 $label ($events events, $notes notes): proviso agrees with the reference"
  else
    echo "W2 $label ($events events, $notes notes): proviso DISAGREES with the reference"
    exit 1
  fi
}
check "edge cases and random notes"
check "another seed" --seed 7
