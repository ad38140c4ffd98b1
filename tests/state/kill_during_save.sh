#!/usr/bin/env bash
# kill -9 during `proviso run --save-state` must leave the previous state whole: the new state
# is written to FILE.tmp, flushed and renamed over FILE, so FILE is always a complete state.
# A replay that saves a large state (a metric over its last 10 million events) is killed the
# moment its write begins — FILE.tmp appears or FILE changes — and FILE must then be exactly
# the previous state and resume. Usage: kill_during_save.sh PROVISO WORK_FOLDER
set -euo pipefail
proviso="$(realpath "$1")"
work="$2"
rm -rf "$work"
mkdir -p "$work"
cd "$work"

cat > big.proviso <<'CONTRACT'
contract "Big"
  timezone "UTC"
event tick { px: USD }
metric recent = sum tick.px over the last 10000000 events
clause Huge "A large sum"
  triggers when recent >= 1_000_000_000_000 USD
CONTRACT
# 200,000 ticks, one a second from 2026-01-01; the state keeps every one of them.
awk 'BEGIN { for (i = 0; i < 200000; i++) { s = i % 86400
  printf "{\"ts\":\"2026-01-%02dT%02d:%02d:%02dZ\",\"type\":\"tick\",\"px\":\"1.%d\"}\n",
         1 + int(i / 86400), int(s / 3600), int(s % 3600 / 60), s % 60, i % 100 } }' > big.jsonl
head -n 10 big.jsonl > first.jsonl
echo '{"ts":"2026-01-05T00:00:00Z","type":"tick","px":"2"}' > later.jsonl

"$proviso" run big.proviso first.jsonl --save-state state > /dev/null
cp state previous
size=$(stat -c %s previous)

hits=0
for attempt in 1 2 3 4 5; do
  "$proviso" run big.proviso big.jsonl --save-state state > /dev/null 2>&1 &
  pid=$!
  # The moment the write begins: the temporary file exists, or the state itself changed.
  while kill -0 "$pid" 2> /dev/null && [ ! -e state.tmp ] &&
    [ "$(stat -c %s state)" = "$size" ]; do :; done
  kill -9 "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  if [ -e state.tmp ]; then
    hits=$((hits + 1))
    echo "attempt $attempt: killed while writing ($(stat -c %s state.tmp) bytes of state.tmp)"
  else
    echo "attempt $attempt: the process ended before the kill"
  fi
  if ! cmp -s state previous; then
    # The save completed before the kill reached it: the new state must be whole too.
    "$proviso" run big.proviso later.jsonl --resume state > /dev/null
    cp state previous
    size=$(stat -c %s previous)
    echo "  the state was replaced by a complete new one"
    continue
  fi
  # The previous state is untouched and resumes.
  "$proviso" run big.proviso later.jsonl --resume state > /dev/null
  [ "$hits" -ge 2 ] && break
done
if [ "$hits" -eq 0 ]; then
  echo "no kill landed during a write" >&2
  exit 1
fi
# A later save over a stale temporary file completes and resumes.
"$proviso" run big.proviso first.jsonl --save-state state > /dev/null
[ ! -e state.tmp ]
"$proviso" run big.proviso later.jsonl --resume state > /dev/null
echo "the previous state survived every kill and resumed"
