// The HTML report of a portfolio (a template's instances): a summary row per instance with each
// clause's state and time, details only for instances that changed, each instance's timeline
// its own; and the table by period of clauses tested per period, read from explain's periods.
#include <regex>
#include <set>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "explain/explain.hpp"
#include "report/portfolio_html.hpp"
#include "report/report.hpp"
#include "run/engine.hpp"
#include "tests/support.hpp"

namespace proviso {

namespace {

using testing::read_file;
using testing::source_dir;

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t found = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++found;
  }
  return found;
}

std::string golden(const std::string& name) {
  return read_file(source_dir() / "tests/golden/run" / name);
}

// The small notes of tests/golden/run, with a fourth note D4 whose issuer never trades.
ReportData notes_report(Engine& engine) {
  Diagnostics diagnostics;
  const std::string instances =
      golden("template_notes.csv") + "D4,DELTA,5.00,2026-03-02,2026-12-31\n";
  REQUIRE(engine.load_template("template_notes.proviso", golden("template_notes.proviso"),
                               "notes.csv", instances, diagnostics));
  ReportRecorder recorder(engine, kInstancePoints);
  Diagnostics fed;
  REQUIRE(engine.feed_json(golden("template_notes.jsonl"), fed, "template_notes.jsonl"));
  return recorder.finish();
}

const ContractReport& instance(const ReportData& data, const std::string& key) {
  for (const ContractReport& contract : data.contracts) {
    if (contract.instance == key) return contract;
  }
  FAIL("no instance " << key);
  return data.contracts.front();
}

std::string state_of(const ContractReport& contract, const std::string& clause) {
  for (const ClauseRow& row : contract.clauses) {
    if (row.name == clause) return row.state;
  }
  return "(none)";
}

}  // namespace

TEST_CASE("report: each instance of a portfolio keeps its own transitions and states",
          "[report][portfolio]") {
  Engine engine;
  const ReportData data = notes_report(engine);
  REQUIRE(data.contracts.size() == 4);
  const ContractReport& a1 = instance(data, "A1");
  const ContractReport& b2 = instance(data, "B2");
  const ContractReport& c3 = instance(data, "C3");
  const ContractReport& d4 = instance(data, "D4");
  // Instances share the template's title; each timeline holds only its own changes.
  REQUIRE(a1.transitions.size() == 1);
  CHECK(a1.transitions[0].clause == "Call");
  CHECK(a1.transitions[0].to.name == "triggered");
  REQUIRE(b2.transitions.size() == 1);
  CHECK(b2.transitions[0].to.name == "lapsed");
  REQUIRE(c3.transitions.size() == 1);
  CHECK(c3.transitions[0].clause == "Redeemed");
  CHECK(d4.transitions.empty());
  CHECK(state_of(a1, "Call") == "triggered");
  CHECK(state_of(c3, "Call") == "pending");
  CHECK(state_of(c3, "Redeemed") == "triggered");
  // The explanations of an instance are of that instance: C3's Redeemed is met, so only Call
  // is pending there, and A1 explains Redeemed only.
  REQUIRE(c3.pending.size() == 1);
  CHECK(c3.pending[0].clause == "Call");
  CHECK(c3.pending[0].instance == "C3");
  REQUIRE(a1.pending.size() == 1);
  CHECK(a1.pending[0].clause == "Redeemed");
}

TEST_CASE("report: a portfolio has a summary row per instance and details for those that changed",
          "[report][portfolio]") {
  Engine engine;
  const std::string html = render_report_html(notes_report(engine));
  CHECK(count(html, "<table class=\"portfolio\" id=\"portfolio-table\">") == 1);
  CHECK(count(html, "<tr data-instance=\"") == 4);
  CHECK(count(html, "<details class=\"instance\"") == 3);
  CHECK(count(html, "<details class=\"instance\" id=\"instance-A1\"") == 1);
  CHECK(count(html, "id=\"instance-D4\"") == 0);
  CHECK(count(html, "1 instance had no change of state") == 1);
  // The key links to the details; a quiet instance's key is plain text.
  CHECK(count(html, "<a href=\"#instance-A1\">A1</a>") == 1);
  CHECK(count(html, "<td data-key=\"D4\">D4</td>") == 1);
  // A1's Call cell: triggered, when it first met its stage, in the contract's zone.
  CHECK(count(html,
              "<td data-clause=\"Call\" data-key=\"triggered 2026-03-04 16:00 New York\">"
              "<span class=\"badge met\">triggered</span><span class=\"since\">2026-03-04 "
              "16:00 New York</span></td>") == 1);
  CHECK(count(html, "<span class=\"badge lapsed\">lapsed</span>") >= 1);
  // Each instance's sections have ids of their own: no id appears twice.
  std::set<std::string> ids;
  const std::regex id_attribute(" id=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), id_attribute);
       it != std::sregex_iterator(); ++it) {
    INFO((*it)[1].str());
    CHECK(ids.insert((*it)[1].str()).second);
  }
  CHECK(ids.count("A1-timeline") == 1);
  CHECK(ids.count("C3-explain-Call") == 1);
  // One small script sorts and filters the summary; a single contract's report has none.
  CHECK(count(html, "<script>") == 1);
  // Byte-identical for the same inputs.
  Engine again;
  CHECK(render_report_html(notes_report(again)) == html);
}

TEST_CASE("report: instance keys become ids that are unique and safe", "[report][portfolio]") {
  CHECK(instance_id("N0042") == "N0042");
  CHECK(instance_id("a b/\"é") == "a_20b_2F_22_C3_A9");
  CHECK(instance_id("x_y") == "x_5Fy");  // '_' escapes too, so "x y" and "x_20y" differ
}

TEST_CASE("report: a clause tested per period has a table by period, as explain lists them",
          "[report][periods]") {
  Engine engine;
  Diagnostics diagnostics;
  REQUIRE(engine.load_text("periods.proviso", golden("periods.proviso"), diagnostics));
  ReportRecorder recorder(engine);
  Diagnostics fed;
  REQUIRE(engine.feed_json(golden("periods.jsonl"), fed, "periods.jsonl"));
  engine.advance_to(*parse_instant_fast("2027-01-16T00:00:00Z"));
  const ReportData data = recorder.finish();
  REQUIRE(data.contracts.size() == 1);
  const auto& tables = data.contracts[0].periods;
  REQUIRE(tables.size() == 4);
  const PeriodTable& availability = tables[0];
  CHECK(availability.clause == "Availability");
  CHECK(availability.per_period == "calendar month");
  // The same periods, outcomes and ends as explain's table.
  const Explanation explained = engine.explain("Availability");
  REQUIRE(availability.rows.size() == explained.periods.size());
  for (std::size_t i = 0; i < explained.periods.size(); ++i) {
    CHECK(availability.rows[i].period == explained.periods[i].period);
    CHECK(availability.rows[i].outcome == explained.periods[i].outcome);
    CHECK(availability.rows[i].end == explained.periods[i].end);
  }
  REQUIRE(availability.rows.size() >= 5);
  CHECK(availability.rows[0].period == "2026-01");
  CHECK(availability.rows[0].outcome == "met");
  CHECK(availability.rows[0].values == "monthly_avail = 0.97 (>= 0.95)");
  CHECK(availability.rows[1].outcome == "missed");
  CHECK(availability.rows[1].values == "monthly_avail = 0.94 (>= 0.95)");
  CHECK(availability.rows[4].outcome == "unknown");
  CHECK(availability.rows[4].values == "monthly_avail = no value yet (>= 0.95)");
  const PeriodTable& fiscal = tables[1];
  CHECK(fiscal.clause == "FiscalTarget");
  REQUIRE_FALSE(fiscal.rows.empty());
  CHECK(fiscal.rows[0].period == "FY2026");
  CHECK(fiscal.rows[0].granted == "10 GBP");

  const std::string html = render_report_html(data);
  CHECK(count(html, "<section id=\"periods\">") == 1);
  CHECK(count(html, "<table class=\"periods\" data-clause=\"Availability\">") == 1);
  CHECK(count(html,
              "<tr data-period=\"2026-02\"><td class=\"num\">2026-02<span class=\"since\">ended "
              "2026-03-01 00:00 London</span></td><td><span class=\"badge lapsed\">missed</span>"
              "</td><td>monthly_avail = 0.94 (&gt;= 0.95)</td><td class=\"num\">—</td></tr>") == 1);
  CHECK(count(html, "<td class=\"num\">10 GBP</td>") >= 1);
}

TEST_CASE("proviso report --instances writes a portfolio", "[report][portfolio][cli]") {
  const auto out = testing::scratch_path("portfolio-test.html");
  std::filesystem::remove(out);
  const auto result = testing::run_proviso(fmt::format(
      "report tests/golden/run/template_notes.proviso --instances "
      "tests/golden/run/template_notes.csv tests/golden/run/template_notes.jsonl -o '{}'",
      out.string()));
  CHECK(result.exit_code == 0);
  const std::string html = read_file(out);
  CHECK(count(html, "<tr data-instance=\"") == 3);
  CHECK(count(html, "<details class=\"instance\"") == 3);
  std::filesystem::remove(out);
}

}  // namespace proviso
