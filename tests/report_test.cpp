// The HTML report: its structure on the AMD example (one row per clause, one chart per metric,
// markers at changes of state), self-containment, escaping, byte-identical output, bounded
// series that keep every transition exact, and the chart writer's numbers and ticks.
#include <regex>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "events/read_events.hpp"
#include "report/report.hpp"
#include "report/svg_chart.hpp"
#include "run/engine.hpp"
#include "tests/support.hpp"

namespace proviso {

namespace {

using testing::source_dir;

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t found = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++found;
  }
  return found;
}

// Replays the AMD example (up to `at`, if given) and returns the report's data.
ReportData amd_report(std::optional<Timestamp> at = std::nullopt, std::size_t points = 1000) {
  Engine engine;
  Diagnostics diagnostics;
  REQUIRE(engine.load_file((source_dir() / "contracts/amd_openai.proviso").string(), diagnostics));
  ReportRecorder recorder(engine, points);
  ReadError error;
  MergedEvents events;
  events.add(EventReader::open((source_dir() / "contracts/logs/amd_openai.jsonl").string(),
                               std::nullopt, engine.schemas(), 0, ReadOptions{}, error));
  engine.set_log_names({"contracts/logs/amd_openai.jsonl"});
  Event event;
  while (events.next(event)) {
    if (at && event.ts > *at) break;
    engine.feed(event);
  }
  REQUIRE_FALSE(events.error());
  if (at) engine.advance_to(*at);
  ReportData data = recorder.finish();
  data.contract_files = {"contracts/amd_openai.proviso"};
  data.log_files = {"contracts/logs/amd_openai.jsonl"};
  return data;
}

}  // namespace

TEST_CASE("report: the AMD example has a row per clause, a chart per metric, and markers",
          "[report]") {
  const ReportData data = amd_report();
  REQUIRE(data.contracts.size() == 1);
  const ContractReport& contract = data.contracts[0];
  CHECK(contract.title == "AMD–OpenAI warrant");
  CHECK(contract.clauses.size() == 6);
  CHECK(contract.metrics.size() == 5);
  CHECK(contract.transitions.size() == 12);
  CHECK(contract.pending.empty());  // the example log takes every tranche to exercisable
  REQUIRE(contract.totals.size() == 1);
  CHECK(contract.totals[0].latest == "320,000,000 shares");

  const std::string html = render_report_html(data);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(count(html, "<tr data-clause=") == 6);
  CHECK(count(html, "<svg class=\"chart metric-chart\"") == 5);
  CHECK(count(html, "<svg class=\"chart total-chart\"") == 1);
  // A marker for each change of state on each metric its stage names: T1 vested (amd_deployed),
  // A[2]…A6 vested (amd_deployed and amd_close), all six exercisable (their milestone); and on
  // the totals, one per change: six vestings and the split that doubled them.
  CHECK(count(html, "<g class=\"marker ") == 1 + 5 * 2 + 6 + 7);
  // 600 USD per share before the 2-for-1 split; a per-share price is labelled so, on the axis too.
  CHECK(html.find("A6 ≥ 300 USD per share<") != std::string::npos);
  CHECK(html.find("<text class=\"unit\" x=\"4\" y=\"47.0\">USD per share</text>") !=
        std::string::npos);
  CHECK(html.find("A[3] ≥ 3 GW") != std::string::npos);
  CHECK(html.find("Source: AMD Form 8-K, 2025-10-06") != std::string::npos);
}

TEST_CASE("report: the amd_deployed chart draws each tranche's target and vesting point",
          "[report]") {
  const ReportData data = amd_report();
  const MetricReport* deployed = nullptr;
  for (const MetricReport& metric : data.contracts[0].metrics) {
    if (metric.name == "amd_deployed") deployed = &metric;
  }
  REQUIRE(deployed);
  CHECK(deployed->unit == "GW");
  CHECK(deployed->latest == "6.05 GW");
  std::vector<std::string> labels;
  for (const ThresholdSeries& threshold : deployed->thresholds) labels.push_back(threshold.label);
  CHECK(labels == std::vector<std::string>{"T1 ≥ 1 GW", "A[2] ≥ 2 GW", "A[3] ≥ 3 GW", "A[4] ≥ 4 GW",
                                           "A[5] ≥ 5 GW", "A6 ≥ 6 GW"});
  REQUIRE(deployed->markers.size() == 6);
  CHECK(deployed->markers[0].clause == "T1");
  CHECK(deployed->markers[0].value == Approx(1.02));
}

TEST_CASE("report: pending clauses are explained", "[report]") {
  const ReportData data = amd_report(Timestamp{*parse_instant_fast("2028-12-31T05:00:00Z")});
  const ContractReport& contract = data.contracts[0];
  REQUIRE(contract.pending.size() == 2);
  CHECK(contract.pending[0].clause == "A[5]");
  CHECK(contract.pending[1].clause == "A6");
  const std::string html = render_report_html(data);
  CHECK(html.find("<article class=\"explain\" id=\"explain-A[5]\">") != std::string::npos);
  CHECK(html.find("amd_deployed = 4.5 GW, needs 6 GW (1.5 GW more)") != std::string::npos);
}

TEST_CASE("report: one self-contained file, byte-identical for the same inputs", "[report]") {
  const std::string first = render_report_html(amd_report());
  const std::string second = render_report_html(amd_report());
  CHECK(first == second);
  CHECK(first.find("<script") == std::string::npos);
  CHECK(first.find("<link") == std::string::npos);
  CHECK(first.find("src=") == std::string::npos);
  CHECK(first.find("@import") == std::string::npos);
  CHECK(first.find("url(") == std::string::npos);
  // The only address is the SVG namespace, which is a name, not something to fetch.
  const std::regex address("https?://");
  const auto addresses = std::distance(std::sregex_iterator(first.begin(), first.end(), address),
                                       std::sregex_iterator());
  CHECK(static_cast<std::size_t>(addresses) ==
        count(first, "xmlns=\"http://www.w3.org/2000/svg\""));
  CHECK(first.find("@media print") != std::string::npos);
}

TEST_CASE("report: text from the contract is escaped", "[report]") {
  Engine engine;
  Diagnostics diagnostics;
  REQUIRE(engine.load_text("x.proviso", R"(
contract "<b>Tom & Jerry's</b> \"deal\""
  source "<script>alert(1)</script>"
event deployment { vendor: text, mw: MW }
metric deployed = sum deployment.mw
tranche T1 "<i>first</i>" cites "a < b & c > d" vests when deployed >= 1 GW
)",
                           diagnostics));
  ReportRecorder recorder(engine);
  const std::string html = render_report_html(recorder.finish());
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("&lt;b&gt;Tom &amp; Jerry&#39;s&lt;/b&gt; &quot;deal&quot;") !=
        std::string::npos);
  CHECK(html.find("&lt;i&gt;first&lt;/i&gt;") != std::string::npos);
  CHECK(html.find("a &lt; b &amp; c &gt; d") != std::string::npos);
  CHECK(html.find("No events were replayed.") != std::string::npos);
}

TEST_CASE("report: long series are sampled, and every transition's value is kept exactly",
          "[report]") {
  Engine engine;
  Diagnostics diagnostics;
  REQUIRE(engine.load_text("x.proviso", R"(
contract "Sampling"
event reading { mw: MW }
metric level = latest reading.mw
metric total = sum reading.mw
for each k in 1..20
  clause C[k] triggers when total >= k * 10 GW
covenant Above holds while level >= 500 MW
)",
                           diagnostics));
  const std::size_t points = 200;
  ReportRecorder recorder(engine, points);
  Event event;
  event.type = *engine.schemas().find("reading");
  event.fields.resize(1);
  const std::int64_t start = parse_instant_fast("2026-01-01T00:00:00Z")->micros;
  for (std::int64_t i = 0; i < 30'000; ++i) {
    event.ts = Timestamp{start + i * 60 * kMicrosPerSecond};
    event.line = static_cast<std::uint64_t>(i + 1);
    // A saw-tooth around 500 MW: the covenant goes in and out every few minutes.
    event.fields[0].number = Decimal::from_int(1'000'000 * (400 + (i * 37) % 200));
    engine.feed(event);
  }
  const ReportData data = recorder.finish();
  const ContractReport& contract = data.contracts[0];
  CHECK(data.events == 30'000);
  CHECK(contract.transitions_total > kMaxTimeline);
  CHECK(contract.transitions.size() == kMaxTimeline);
  for (const MetricReport& metric : contract.metrics) {
    INFO(metric.name);
    std::size_t pinned = 0;
    for (const ChartMarker& marker : metric.markers) {
      // The series passes through each marker exactly.
      const bool kept = std::any_of(metric.points.begin(), metric.points.end(), [&](const auto& p) {
        return p.micros == marker.micros && p.value == marker.value;
      });
      CHECK(kept);
      ++pinned;
    }
    CHECK(metric.points.size() <= points + pinned + 2);
    CHECK(metric.markers.size() <= points);
    CHECK(std::is_sorted(metric.points.begin(), metric.points.end(),
                         [](const auto& a, const auto& b) { return a.micros < b.micros; }));
  }
  // The covenant flips thousands of times: a chart's worth of changes is marked, the rest counted.
  const MetricReport& level = contract.metrics[0];
  REQUIRE(level.name == "level");
  CHECK(level.markers.size() == points);
  CHECK(level.markers_omitted + level.markers.size() >= contract.transitions_total - 20);
  const std::string html = render_report_html(data);
  CHECK(html.find("more changes of state are not marked.") != std::string::npos);
  // The chart of the sum keeps its range: from the first reading to the total at the end.
  const MetricReport& total = contract.metrics[1];
  REQUIRE(total.name == "total");
  double sum = 0;
  for (std::int64_t i = 0; i < 30'000; ++i) sum += static_cast<double>(400 + (i * 37) % 200);
  CHECK(total.unit == "GW");
  CHECK(total.points.back().value == Approx(sum / 1000));
}

TEST_CASE("report: chart numbers and ticks", "[report]") {
  CHECK(axis_number(0) == "0");
  CHECK(axis_number(2.5) == "2.5");
  CHECK(axis_number(1250) == "1,250");
  CHECK(axis_number(-1250.5) == "-1,250.5");
  CHECK(axis_number(26666667) == "26.67M");
  CHECK(axis_number(320000000) == "320M");
  CHECK(axis_number(2.5e9) == "2.5B");
  CHECK(nice_ticks(0, 6.2, 5) == std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(nice_ticks(0, 6, 5) == std::vector<double>{0, 1, 2, 3, 4, 5, 6});
  CHECK(nice_ticks(0, 620, 5) == std::vector<double>{0, 100, 200, 300, 400, 500, 600, 700});
  CHECK(nice_ticks(0, 1, 4) == std::vector<double>{0, 0.25, 0.5, 0.75, 1});
  CHECK(nice_ticks(163, 640, 5) == std::vector<double>{100, 200, 300, 400, 500, 600, 700});
  CHECK(html_escape("<a href=\"x\">Tom & 'Jerry'</a>") ==
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
}

TEST_CASE("proviso report writes the file, and wrong usage is reported", "[report][cli]") {
  const auto out = testing::scratch_path("report-test.html");
  std::filesystem::remove(out);
  const auto result = testing::run_proviso(fmt::format(
      "report contracts/amd_openai.proviso contracts/logs/amd_openai.jsonl -o '{}'", out.string()));
  CHECK(result.exit_code == 0);
  CHECK(result.output.rfind("wrote ", 0) == 0);
  CHECK(testing::read_file(out) == render_report_html(amd_report()));
  std::filesystem::remove(out);

  // Axes carry dates in the contract's zone, at month boundaries for a two-year log.
  const auto loan = testing::run_proviso(fmt::format(
      "report contracts/loan_covenant.proviso contracts/logs/loan_covenant.jsonl -o '{}'",
      out.string()));
  CHECK(loan.exit_code == 0);
  const std::string loan_html = testing::read_file(out);
  CHECK(loan_html.find(">Jan 2027</text>") != std::string::npos);
  CHECK(loan_html.find(">Jan 2028</text>") != std::string::npos);
  std::filesystem::remove(out);

  const auto wrong = testing::run_proviso(
      "report contracts/amd_openai.proviso contracts/logs/amd_openai.jsonl -o report.txt");
  CHECK(wrong.exit_code == 2);
  CHECK(wrong.output == "proviso report: -o report.txt: the report is an .html file\n");
  const auto stray = testing::run_proviso("report contracts/amd_openai.proviso T1 -o r.html");
  CHECK(stray.exit_code == 2);
  CHECK(stray.output ==
        "proviso report: T1 is neither a contract (.proviso) nor a log (.jsonl, .json, .csv, or - "
        "for standard input with --input-format)\n");
}

}  // namespace proviso
