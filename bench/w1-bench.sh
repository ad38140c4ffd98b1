#!/usr/bin/env bash
# W1 throughput and memory: generates 1 M and 10 M event logs with ../shared/bench's generator
# (kept in a temporary folder, never committed), replays them with `proviso run`, checks the
# answer against the reference, and prints events/s and peak RSS (/usr/bin/time -v). Next to it,
# on the same log in the same minute, runs bench/baseline/parse_only (simdjson parses every line,
# nothing else) and prints proviso's speed as a ratio of it: the machine is shared and its speed
# varies, so only a ratio measured in the same run means anything. ../shared/bench/README.md
# measured the parse-only floor at ~9.7 M events/s and the hand-written W1 program at ~8.7 M, so
# a ratio r to the floor is about r × 9.7 / 8.7 to the hand-written program. Proviso runs twice,
# with the logs read ahead on a second thread (--threads 2) and with --threads 1.
#   bench/w1-bench.sh [SIZES…]      default: 1000000 10000000
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
proviso="${PROVISO:-$root/build/cli/proviso}"
shared="${PROVISO_SHARED:-$root/../shared}/bench"
[ -f "$shared/gen_events.py" ] || { echo "W1 needs $shared/gen_events.py"; exit 1; }
[ -x "$proviso" ] || bash "$root/scripts/build.sh" "$root/build"
command -v /usr/bin/time > /dev/null || apt-get install -y -qq time > /dev/null
work="${W1_WORK:-$(mktemp -d)}"
[ -x "$work/parse_only" ] ||
  g++ -O3 -std=c++20 "$root/bench/baseline/parse_only.cpp" -lsimdjson -o "$work/parse_only"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000)
for size in "${sizes[@]}"; do
  log="$work/w1_$size.jsonl"
  [ -f "$log" ] || python3 "$shared/gen_events.py" "$size" "$log" > /dev/null 2>&1
  /usr/bin/time -v "$work/parse_only" "$log" > /dev/null 2> "$work/floor.txt"
  floor=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/floor.txt" |
          awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
  # CPU time (user + system) as well: on a busy machine it varies less than the wall clock.
  floor_cpu=$(awk -F': ' '/(User|System) time/ {s += $2} END {print s}' "$work/floor.txt")
  printf "W1 %d events; simdjson parse-only floor: %.2f s wall, %.2f s CPU\n" "$size" "$floor" \
         "$floor_cpu"
  for threads in 2 1; do
    flags=(--threads "$threads")
    /usr/bin/time -v "$proviso" run "$root/bench/w1_amd.proviso" "$root/bench/w1_nvidia.proviso" \
      "$log" --format jsonl "${flags[@]}" > "$work/out.jsonl" 2> "$work/time.txt"
    cpu=$(awk -F': ' '/(User|System) time/ {s += $2} END {print s}' "$work/time.txt")
    seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt" |
              awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
    python3 "$root/bench/w1_answer.py" < "$work/out.jsonl" > "$work/actual.json"
    [ -f "$work/expected_$size.json" ] ||
      python3 "$shared/reference.py" "$log" > "$work/expected_$size.json" 2> /dev/null
    verdict=$(python3 "$shared/check.py" "$work/expected_$size.json" "$work/actual.json" \
                > /dev/null 2>&1 && echo "answer matches the reference" ||
              echo "ANSWER DIFFERS from the reference")
    awk -v n="$size" -v s="$seconds" -v r="$rss_kb" -v v="$verdict" -v f="$floor" -v c="$cpu" \
        -v fc="$floor_cpu" -v t="$threads" 'BEGIN {
      printf "  proviso (threads: %s): %.2f s, %.2f M events/s, peak RSS %.1f MB; %s\n",
             t, s, (s > 0 ? n / s / 1e6 : 0), r / 1024, v
      printf "    wall: %.2fx the floor, about %.2fx the hand-written program\n",
             (s > 0 ? f / s : 0), (s > 0 ? f / s * 9.7 / 8.7 : 0)
      printf "    CPU: %.2f s, %.2fx the floor, about %.2fx the hand-written program\n",
             c, (c > 0 ? fc / c : 0), (c > 0 ? fc / c * 9.7 / 8.7 : 0) }'
  done
done
