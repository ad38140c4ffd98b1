#!/usr/bin/env bash
# Renders the HTML report of the AMD–OpenAI example in headless Chromium, checks the DOM the
# browser built (the clause table with one row per clause, one chart per metric, markers where
# clauses changed state, the explanation of a pending clause), then a portfolio's (its summary
# and script) and a table by period, and saves screenshots as test artifacts. Exits 77 (skipped, with a notice) only when Chromium is not installed and cannot be.
#   tests/browser/report_test.sh PROVISO ARTIFACT_DIR
set -euo pipefail
proviso="$1"
artifacts="$2"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

find_chromium() { command -v chromium || command -v chromium-browser || true; }
chromium="$(find_chromium)"
if [ -z "$chromium" ]; then
  echo "report_test: Chromium is missing; installing it with scripts/setup.sh"
  bash scripts/setup.sh || true
  chromium="$(find_chromium)"
fi
if [ -z "$chromium" ]; then
  echo "SKIPPED: Chromium is not installed and scripts/setup.sh could not install it" \
       "(Debian package chromium); the report was not rendered in a browser."
  exit 77
fi

mkdir -p "$artifacts"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
# As the machine's notes prescribe: no sandbox (root in a container), no GPU, and nothing that
# reaches for the network.
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --hide-scrollbars --user-data-dir="$profile")

failures=0
fail() {
  echo "FAILED: $*"
  failures=$((failures + 1))
}
# expect_count NAME FILE PATTERN EXPECTED: the DOM holds PATTERN exactly EXPECTED times.
expect_count() {
  local found
  found="$( { grep -o -- "$3" "$2" || true; } | wc -l)"
  if [ "$found" -ne "$4" ]; then fail "$1: expected $4, found $found ($3)"; else echo "ok: $1 ($found)"; fi
}
expect_at_least() {
  local found
  found="$( { grep -o -- "$3" "$2" || true; } | wc -l)"
  if [ "$found" -lt "$4" ]; then fail "$1: expected at least $4, found $found ($3)"; else echo "ok: $1 ($found)"; fi
}

render() {  # render NAME [report options…]: writes NAME.html, NAME.dom.html and NAME.png
  local name="$1"
  shift
  render_inputs "$name" "" contracts/amd_openai.proviso contracts/logs/amd_openai.jsonl "$@"
}

# render_inputs NAME FRAGMENT [report arguments…]: the report of any inputs, opened at
# NAME.html#FRAGMENT (none when empty).
render_inputs() {
  local name="$1" fragment="$2"
  shift 2
  "$proviso" report "$@" -o "$artifacts/$name.html"
  local url="file://$artifacts/$name.html${fragment:+#$fragment}"
  timeout 120 "$chromium" "${flags[@]}" --dump-dom "$url" > "$artifacts/$name.dom.html" \
    2> "$artifacts/$name.chromium.log"
  timeout 120 "$chromium" "${flags[@]}" --window-size=1280,4800 \
    --screenshot="$artifacts/$name.png" "$url" >> "$artifacts/$name.chromium.log" 2>&1
}

render amd_report
dom="$artifacts/amd_report.dom.html"
expect_count "clause table" "$dom" '<table class="clauses">' 1
expect_count "one row per clause" "$dom" '<tr data-clause="' 6
expect_count "one chart per metric" "$dom" '<svg class="chart metric-chart"' 5
expect_count "the totals chart" "$dom" '<svg class="chart total-chart"' 1
expect_at_least "transition markers" "$dom" '<g class="marker met"' 17
expect_count "every tranche exercisable" "$dom" '<span class="badge met">exercisable</span></td>' 6
expect_count "no scripts" "$dom" '<script' 0

# Liquidated damages: what each missed month paid, and the total paid, beside what was granted.
render_inputs ppa "" contracts/solar_ppa.proviso contracts/logs/solar_ppa.jsonl --until 2027-05-02
dom="$artifacts/ppa.dom.html"
expect_count "the total paid" "$dom" '<div class="label">Paid for missed periods</div><div class="value">110,000 USD</div>' 1
expect_count "a Paid column for the damages only" "$dom" '<th>Paid</th>' 1
expect_count "June's and November's damages (capped)" "$dom" '<td class="num">15,000 USD</td></tr>' 2

render amd_report_2029_08 --at 2029-08-15
dom="$artifacts/amd_report_2029_08.dom.html"
expect_count "A6 pending, explained" "$dom" '<article class="explain" id="explain-A6">' 1
expect_count "split-adjusted target" "$dom" 'class="guide-label" x="[0-9.]*" y="[0-9.]*">A6 ≥ 300 USD per share<' 1

# A portfolio: the small notes of tests/golden/run, opened at one instance's details. The
# script has run in the browser: it showed the filter box and opened the details named.
render_inputs notes_portfolio instance-A1 tests/golden/run/template_notes.proviso \
  --instances tests/golden/run/template_notes.csv tests/golden/run/template_notes.jsonl
dom="$artifacts/notes_portfolio.dom.html"
expect_count "summary table" "$dom" '<table class="portfolio" id="portfolio-table">' 1
expect_count "one summary row per instance" "$dom" '<tr data-instance="' 3
expect_count "details per changed instance" "$dom" '<details class="instance"' 3
expect_count "the filter is shown" "$dom" 'id="portfolio-filter" placeholder="Filter instances" aria-label="Filter instances">' 1
expect_count "the named instance is open" "$dom" '<details class="instance" id="instance-A1" data-instance="A1" open="">' 1
expect_count "only that one" "$dom" 'open=""' 1
expect_count "A1's own timeline" "$dom" '<section id="A1-timeline">' 1

# A table by period: monthly availability in London.
render_inputs periods "" tests/golden/run/periods.proviso tests/golden/run/periods.jsonl \
  --until 2027-01-16
dom="$artifacts/periods.dom.html"
expect_count "a table per clause tested per period" "$dom" '<table class="periods"' 4
expect_count "a missed month" "$dom" '<tr data-period="2026-02"><td class="num">2026-02' 1
expect_count "no scripts" "$dom" '<script' 0

for png in "$artifacts/amd_report.png" "$artifacts/amd_report_2029_08.png" \
  "$artifacts/notes_portfolio.png" "$artifacts/periods.png"; do
  # A PNG signature, then the IHDR width: 1280 pixels.
  if [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]; then
    fail "$png is not a PNG"
  elif [ "$(head -c 20 "$png" | tail -c 4 | od -An -tu1 | tr -s ' ' | sed 's/^ //')" != "0 0 5 0" ]; then
    fail "$png is not 1280 pixels wide"
  else
    echo "ok: screenshot $png ($(wc -c < "$png") bytes)"
  fi
done

if ((failures)); then
  echo "report_test: $failures check(s) failed; the DOM and screenshots are in $artifacts"
  exit 1
fi
echo "report_test: passed; screenshots in $artifacts"
