#!/usr/bin/env bash
# Rewrites the golden files from what the command prints now: tests/golden/check/*.golden from
# `proviso check`, tests/golden/run/*.golden from `proviso run` with each case's .args (and the
# saved state the resume cases start from), tests/golden/test/*.golden from `proviso test` and
# tests/golden/explain/*.golden from `proviso explain`, each with its case's .args, and
# tests/golden/fmt/*.golden from `proviso fmt`, and tests/golden/warnings/*.golden from `proviso
# check` with each case's .args. Run it after a deliberate change to a message or an output, then read the
# diff: the goldens pin the exact text.
#   scripts/refresh-golden.sh          every folder
#   scripts/refresh-golden.sh check    only tests/golden/check
#   scripts/refresh-golden.sh run      only tests/golden/run
#   scripts/refresh-golden.sh explain  only tests/golden/explain
#   scripts/refresh-golden.sh test     only tests/golden/test
#   scripts/refresh-golden.sh fmt      only tests/golden/fmt
#   scripts/refresh-golden.sh warnings only tests/golden/warnings
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
proviso="${PROVISO:-$root/build/cli/proviso}"
which="${1:-all}"
case "$which" in
  all | check | run | test | explain | fmt | warnings) ;;
  *) echo "usage: $0 [check|run|test|explain|fmt|warnings]" >&2; exit 2 ;;
esac
[ -x "$proviso" ] || bash "$root/scripts/build.sh" "$root/build"
cd "$root"

if [ "$which" = all ] || [ "$which" = check ]; then
  for contract in tests/golden/check/*.proviso; do
    golden="${contract%.proviso}.golden"
    set +e
    output="$("$proviso" check "$contract" 2>&1)"
    code=$?
    set -e
    printf '%s\nexit code %s\n' "$output" "$code" > "$golden"
  done
  echo "refreshed $(ls tests/golden/check/*.golden | wc -l) golden files of proviso check"
fi

if [ "$which" = all ] || [ "$which" = run ]; then
  # The state the resume cases start from: the first part of the window case.
  "$proviso" run tests/golden/run/window.proviso tests/golden/run/window_1.jsonl \
    --save-state tests/golden/run/window_1.state > /dev/null
  # The state tests/state_test.cpp and docs/run.md resume with an edited contract; its plan
  # fingerprint follows the plan printer, so it is remade with the goldens.
  "$proviso" run tests/state/streak.proviso tests/state/streak_long.jsonl \
    --save-state tests/state/saved_with_20_of_30.state > /dev/null
  output="$(mktemp)"
  trap 'rm -f "$output"' EXIT
  for args in tests/golden/run/*.args; do
    golden="${args%.args}.golden"
    set +e
    # eval: a case may redirect standard input ("- --input-format jsonl < FILE").
    eval "\"\$proviso\" run $(cat "$args")" > "$output" 2>&1
    code=$?
    set -e
    # Exactly what the command printed, then its exit code: no newline added or removed.
    { cat "$output"; printf 'exit code %s\n' "$code"; } > "$golden"
  done
  echo "refreshed $(ls tests/golden/run/*.golden | wc -l) golden files of proviso run"
fi
if [ "$which" = all ] || [ "$which" = test ]; then
  output="$(mktemp)"
  trap 'rm -f "$output"' EXIT
  for args in tests/golden/test/*.args; do
    golden="${args%.args}.golden"
    set +e
    eval "\"\$proviso\" test $(cat "$args")" > "$output" 2>&1
    code=$?
    set -e
    { cat "$output"; printf 'exit code %s\n' "$code"; } > "$golden"
  done
  echo "refreshed $(ls tests/golden/test/*.golden | wc -l) golden files of proviso test"
fi
if [ "$which" = all ] || [ "$which" = explain ]; then
  output="$(mktemp)"
  trap 'rm -f "$output"' EXIT
  for args in tests/golden/explain/*.args; do
    golden="${args%.args}.golden"
    set +e
    eval "\"\$proviso\" explain $(cat "$args")" > "$output" 2>&1
    code=$?
    set -e
    { cat "$output"; printf 'exit code %s\n' "$code"; } > "$golden"
  done
  echo "refreshed $(ls tests/golden/explain/*.golden | wc -l) golden files of proviso explain"
fi
if [ "$which" = all ] || [ "$which" = fmt ]; then
  # The formatted text alone: a golden here is itself a formatted contract.
  for contract in tests/golden/fmt/*.proviso; do
    "$proviso" fmt "$contract" > "${contract%.proviso}.golden"
  done
  echo "refreshed $(ls tests/golden/fmt/*.golden | wc -l) golden files of proviso fmt"
fi
if [ "$which" = all ] || [ "$which" = warnings ]; then
  output="$(mktemp)"
  trap 'rm -f "$output"' EXIT
  for args in tests/golden/warnings/*.args; do
    golden="${args%.args}.golden"
    set +e
    eval "\"\$proviso\" check $(cat "$args")" > "$output" 2>&1
    code=$?
    set -e
    { cat "$output"; printf 'exit code %s\n' "$code"; } > "$golden"
  done
  echo "refreshed $(ls tests/golden/warnings/*.golden | wc -l) golden files of proviso check's warnings"
fi
echo "review with git diff"
