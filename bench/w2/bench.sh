#!/usr/bin/env bash
# W2 throughput, CPU and memory (../shared/bench/w2/README.md): for each size, generates the log
# (kept in a temporary folder, or in $W2_WORK to reuse it), runs the hand-written program
# (bench/baseline/w2_hand.cpp, built here) and `proviso run bench/w2/note.proviso --instances`
# side by side on the same log in the same minute, checks both answers against reference_w2.py,
# and prints events/s, user CPU, peak RSS and proviso's ratio to the hand-written program, for
# proviso with the log read on a second core (--threads 2) and on one core (--threads 1). The
# machine is shared and its speed varies, so only ratios measured in one run mean much.
#   bench/w2/bench.sh [EVENTS:NOTES …]   default: 2000000:10 2000000:1000 6000000:10 6000000:10000
# PROVISO names the binary (default build-release/cli/proviso, else build/cli/proviso); set
# W2_REFERENCE=0 to skip the reference (slow: ~0.07 M events/s) and compare with the hand program.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
shared="${PROVISO_SHARED:-$root/../shared}/bench/w2"
if [ ! -f "$shared/gen_w2.py" ] || [ ! -f "$shared/reference_w2.py" ]; then
  echo "SKIPPED: W2 needs the generator and reference in $shared, which is absent"
  exit 0
fi
proviso="${PROVISO:-}"
if [ -z "$proviso" ]; then
  proviso="$root/build-release/cli/proviso"
  [ -x "$proviso" ] || proviso="$root/build/cli/proviso"
fi
[ -x "$proviso" ] || { echo "no proviso binary at $proviso (set PROVISO)"; exit 1; }
command -v /usr/bin/time > /dev/null || { echo "W2 bench needs /usr/bin/time"; exit 1; }
work="${W2_WORK:-$(mktemp -d)}"
[ -n "${W2_WORK:-}" ] || trap 'rm -rf "$work"' EXIT
hand="$work/w2_hand"
[ -x "$hand" ] || g++ -O3 -std=c++20 "$root/bench/baseline/w2_hand.cpp" -lsimdjson -o "$hand"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(2000000:10 2000000:1000 6000000:10 6000000:10000)
echo "W2 on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); proviso: $proviso"

field() {  # FILE, /usr/bin/time -v label: its value
  awk -F': ' -v label="$2" 'index($0, label) {print $2}' "$1"
}
wall() {  # FILE: elapsed seconds
  field "$1" "Elapsed (wall clock)" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'
}
verdict() {  # EXPECTED ACTUAL
  python3 "$shared/check_w2.py" "$1" "$2" > /dev/null 2>&1 && echo "answer matches" ||
    echo "ANSWER DIFFERS"
}

declare -A user_cpu rss
for size in "${sizes[@]}"; do
  events="${size%%:*}"
  notes="${size##*:}"
  dir="$work/w2_${events}_${notes}"
  if [ ! -f "$dir/events.jsonl" ]; then
    mkdir -p "$dir"
    python3 "$shared/gen_w2.py" "$events" "$notes" "$dir" > "$dir/gen.txt" 2>&1 ||
      { cat "$dir/gen.txt"; exit 1; }
  fi
  lines=$(wc -l < "$dir/events.jsonl")
  cat "$dir/events.jsonl" > /dev/null  # into the page cache for both programs
  /usr/bin/time -v "$hand" "$dir" > "$dir/hand.json" 2> "$dir/hand_time.txt"
  for threads in 2 1; do
    /usr/bin/time -v "$proviso" run "$root/bench/w2/note.proviso" --instances "$dir/notes.csv" \
      "$dir/events.jsonl" --format jsonl --threads "$threads" > "$dir/out$threads.jsonl" \
      2> "$dir/proviso${threads}_time.txt"
    python3 "$root/bench/w2/w2_answer.py" "$dir/notes.csv" < "$dir/out$threads.jsonl" \
      > "$dir/proviso$threads.json"
  done
  if [ "${W2_REFERENCE:-1}" != 0 ]; then
    [ -f "$dir/expected.json" ] || python3 "$shared/reference_w2.py" "$dir" > "$dir/expected.json"
    expected="$dir/expected.json"
    against="reference"
  else
    expected="$dir/hand.json"
    against="hand-written program"
  fi
  hw=$(wall "$dir/hand_time.txt")
  hu=$(field "$dir/hand_time.txt" "User time")
  hr=$(field "$dir/hand_time.txt" "Maximum resident set size")
  echo "W2 $notes notes, $lines events (checked against the $against):"
  awk -v n="$lines" -v w="$hw" -v u="$hu" -v r="$hr" -v v="$(verdict "$expected" "$dir/hand.json")" \
    'BEGIN { printf "  hand-written: %.2f s, %.2f M events/s, user CPU %.2f s, peak RSS %.1f MB; %s\n",
             w, (w > 0 ? n / w / 1e6 : 0), u, r / 1024, v }'
  # --threads 2 reads the log on the second core while the engine evaluates (what a run on an
  # idle machine does by itself); --threads 1 is everything on one core.
  for threads in 2 1; do
    pw=$(wall "$dir/proviso${threads}_time.txt")
    pu=$(field "$dir/proviso${threads}_time.txt" "User time")
    pr=$(field "$dir/proviso${threads}_time.txt" "Maximum resident set size")
    if [ "$threads" = 1 ]; then
      user_cpu[$size]=$pu
      rss[$size]=$pr
    fi
    awk -v n="$lines" -v w="$pw" -v u="$pu" -v r="$pr" -v t="$threads" \
      -v v="$(verdict "$expected" "$dir/proviso$threads.json")" -v hw="$hw" -v hu="$hu" \
      'BEGIN { printf "  proviso, --threads %d: %.2f s, %.2f M events/s, user CPU %.2f s, peak RSS %.1f MB; %s\n",
               t, w, (w > 0 ? n / w / 1e6 : 0), u, r / 1024, v
               printf "    / hand-written: %.2fx the events/s (target >= 0.5x), %.2fx the user CPU\n",
               (w > 0 ? hw / w : 0), (hu > 0 ? u / hu : 0) }'
  done
done
# The same event count at 10 and 10,000 notes: how CPU and memory grow with the notes.
for events in $(printf '%s\n' "${sizes[@]}" | cut -d: -f1 | sort -u); do
  small="$events:10"
  large="$events:10000"
  if [ -n "${user_cpu[$small]:-}" ] && [ -n "${user_cpu[$large]:-}" ]; then
    awk -v e="$events" -v a="${user_cpu[$small]}" -v b="${user_cpu[$large]}" \
      -v ra="${rss[$small]}" -v rb="${rss[$large]}" 'BEGIN {
        printf "proviso, %d events, 10 -> 10,000 notes: user CPU %.2f -> %.2f s (%.2fx, target <= 1.5x)\n",
               e, a, b, (a > 0 ? b / a : 0)
        printf "  peak RSS %.1f -> %.1f MB (target < 256 MB): about %.1f KB per instance\n",
               ra / 1024, rb / 1024, (rb - ra) / 9990 }'
  fi
done
