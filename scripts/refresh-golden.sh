#!/usr/bin/env bash
# Rewrites tests/golden/check/*.golden from what `proviso check` prints now. Run it after a
# deliberate change to a message, then read the diff: the goldens pin the exact text.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
proviso="${PROVISO:-$root/build/cli/proviso}"
[ -x "$proviso" ] || bash "$root/scripts/build.sh" "$root/build"
cd "$root"
for contract in tests/golden/check/*.proviso; do
  golden="${contract%.proviso}.golden"
  set +e
  output="$("$proviso" check "$contract" 2>&1)"
  code=$?
  set -e
  printf '%s\nexit code %s\n' "$output" "$code" > "$golden"
done
echo "refreshed $(ls tests/golden/check/*.golden | wc -l) golden files; review with git diff"
