#!/usr/bin/env bash
# `tail -f log | proviso run c.proviso - --input-format jsonl | …` shows each change as it
# happens: standard input is read as lines arrive and, into a pipe, each transition is flushed at
# once. A line goes in through a FIFO kept open (no end of input), and the transition it causes
# must come out of proviso's output pipe before anything else is written.
#   tests/pipe/pipe_test.sh PROVISO
set -euo pipefail
proviso="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"
trap 'exec 3>&- 2> /dev/null || true; kill "$reader" 2> /dev/null || true; rm -rf "$work"' EXIT
mkfifo "$work/in"
# proviso's standard output is a pipe into cat, which copies each piece to a file as it comes.
"$proviso" run "$root/tests/golden/run/kinds.proviso" - --input-format jsonl < "$work/in" 2> "$work/err" |
  cat > "$work/out" &
reader=$!
exec 3> "$work/in"
echo '{"ts":"2026-01-05T10:00:00Z","type":"deployment","vendor":"AMD","mw":1000}' >&3
for _ in $(seq 1 100); do
  grep -q "T1  pending → vested" "$work/out" 2> /dev/null && break
  sleep 0.1
done
if ! grep -q "T1  pending → vested" "$work/out"; then
  echo "FAIL: no transition on proviso's output 10 s after the event, before the end of input"
  echo "output so far:"; cat "$work/out"; cat "$work/err"
  exit 1
fi
# The input is still open: proviso has not finished (no totals yet).
if grep -q "Granted at" "$work/out"; then
  echo "FAIL: proviso finished before its input ended"; exit 1
fi
exec 3>&-
wait "$reader"
grep -q "Granted at" "$work/out" || { echo "FAIL: no totals after the end of input"; exit 1; }
echo "each transition came out through the pipe as it happened"
