#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang, ASan and UBSan in build-fuzz/, then runs
# each for a fixed time from seed corpora made of the bundled contracts, logs and goldens.
#   scripts/fuzz.sh              every target, FUZZ_SECONDS (default 20) each
#   scripts/fuzz.sh fuzz_jsonl   only the named targets
# First the inputs kept in fuzz/regressions/<target>/ are replayed, then the fuzzers run, two at
# a time. Exits non-zero only when a target crashes (its input is then in build-fuzz/crashes/);
# the last line says which.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${FUZZ_SECONDS:-20}"
targets=("$@")
((${#targets[@]})) || targets=(fuzz_contract fuzz_jsonl fuzz_csv fuzz_state fuzz_contract_tests fuzz_lsp)

bash "$root/scripts/setup.sh" --fuzz || exit 1
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Fuzz \
  -DCMAKE_CXX_FLAGS_FUZZ="-O1 -gline-tables-only" -DPROVISO_FUZZ=ON -DPROVISO_BUILD_TESTS=OFF \
  -DPROVISO_WERROR=OFF "${launcher[@]}" >/dev/null || exit 1
cmake --build "$build" -j"$(nproc)" --target fuzzers || { echo "fuzz: the build failed"; exit 1; }

# Seed corpora, fresh each run: the fuzzers' finds stay in build-fuzz/corpus/ between runs.
seeds="$build/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"/{fuzz_contract,fuzz_jsonl,fuzz_csv,fuzz_state,fuzz_contract_tests,fuzz_lsp}
copy_seeds() {  # TARGET PREFIX FILE…: each file as a seed, PREFIX (the option byte) before it
  local target="$1" prefix="$2" file
  shift 2
  for file in "$@"; do
    [ -f "$file" ] || continue
    { printf '%s' "$prefix"; cat "$file"; } >"$seeds/$target/$(echo "$file" | tr / _)"
  done
}
cd "$root"
shopt -s nullglob
contracts=(contracts/*.proviso tests/golden/*/*.proviso)
logs=(contracts/logs/*.jsonl tests/golden/*/*.jsonl contracts/golden/*.jsonl)
copy_seeds fuzz_contract "" "${contracts[@]}"
copy_seeds fuzz_contract_tests "" "${contracts[@]}"
copy_seeds fuzz_jsonl "0" "${logs[@]}"
copy_seeds fuzz_jsonl "3" contracts/logs/*.jsonl
copy_seeds fuzz_csv "0" tests/golden/*/*.csv
copy_seeds fuzz_csv "3" tests/golden/*/*.csv
python3 fuzz/make_lsp_seeds.py "$seeds/fuzz_lsp" "${contracts[@]}" || exit 1
"$build/fuzz/make_state_seeds" "$seeds/fuzz_state" contracts/logs/*.jsonl tests/golden/run/*.jsonl \
  || exit 1

crashes="$build/crashes"
mkdir -p "$crashes"
failed=()
# The kept regressions first: each must run clean.
for target in "${targets[@]}"; do
  kept=(fuzz/regressions/"$target"/*)
  ((${#kept[@]})) || continue
  if ! "$build/fuzz/$target" "${kept[@]}" >"$build/$target.regressions.log" 2>&1; then
    tail -n 40 "$build/$target.regressions.log"
    failed+=("$target (a kept regression)")
  fi
done

run_one() {
  local target="$1" corpus="$build/corpus/$1"
  mkdir -p "$corpus" "$crashes/$target"
  "$build/fuzz/$target" "$corpus" "$seeds/$target" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=65536 -entropic=0 -print_final_stats=1 \
    -artifact_prefix="$crashes/$target/" >"$build/$target.log" 2>&1 && return 0
  # A slow or memory-hungry input stops libFuzzer too; it is reported, not failed on.
  if grep -q 'ERROR: libFuzzer: \(timeout\|out-of-memory\)' "$build/$target.log"; then
    echo "fuzz: $target: a slow or memory-hungry input (not a crash), kept in $crashes/$target/"
    return 0
  fi
  return 1
}
pids=()
names=()
for target in "${targets[@]}"; do
  run_one "$target" &
  pids+=($!)
  names+=("$target")
  if ((${#pids[@]} >= 2)); then
    wait "${pids[0]}" || failed+=("${names[0]}")
    pids=("${pids[@]:1}")
    names=("${names[@]:1}")
  fi
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || failed+=("${names[$i]}")
done

for target in "${targets[@]}"; do
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/$target.log" | grep -o '[0-9]*$')
  echo "fuzz: $target: ${runs:-0} runs in ${seconds}s"
done
if ((${#failed[@]})); then
  for target in "${failed[@]}"; do
    name="${target%% *}"
    echo "---- $target ----"
    grep -A 30 'ERROR: \|==ERROR\|runtime error\|deadly signal\|uncaught' "$build/$name.log" | head -n 40
    ls "$crashes/$name"/ 2>/dev/null
  done
  echo "fuzz: FAILED: ${failed[*]} (inputs in $crashes/)"
  exit 1
fi
echo "fuzz: passed: ${targets[*]}, no crashes"
