// Reports that restate earlier ones (`id`, `corrects`): period aggregates take the latest figure
// of each report, a closed period is tested again when a correction changes it, copies count
// once, and a correction of an id never seen stops the run at its line.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "base/diagnostic.hpp"
#include "explain/explain.hpp"
#include "run/engine.hpp"
#include "tests/replay.hpp"
#include "tests/support.hpp"

namespace proviso {

namespace {

constexpr const char* kEarnout = R"(contract "EBITDA earn-out"
  timezone "UTC"
  effective 2026-01-01

event ebitda_report { id: text, corrects: text, amount: USD }

metric quarter_ebitda = sum ebitda_report.amount in the current calendar quarter
metric quarter_average = average ebitda_report.amount in the current calendar quarter
metric quarter_low = min ebitda_report.amount in the current calendar quarter

clause Earnout
  grants 1000 USD
  requires quarter_ebitda >= 100 USD in each calendar quarter

clause Steady
  grants 10 USD
  requires quarter_average >= 40 USD in each calendar quarter
)";

struct Reports : testing::Replay {
  Reports() : testing::Replay(kEarnout) {}

  void report(std::string_view ts, std::string id, std::string amount, std::string corrects = {}) {
    feed("ebitda_report", ts,
         {{"id", std::move(id)}, {"amount", std::move(amount)}, {"corrects", std::move(corrects)}});
  }

  std::string metric(std::string_view name) const {
    for (const MetricStatus& status : engine.metric_values()) {
      if (status.metric == name) return status.value;
    }
    FAIL("no metric " << name);
    return {};
  }

  std::vector<std::string> restated() const {
    std::vector<std::string> lines;
    for (const Transition& t : history) {
      if (!t.restated) continue;
      std::string values;
      for (const auto& v : t.values) values += fmt::format(" {}={}", v.name, v.value);
      lines.push_back(fmt::format("{} {} {}: {}->{} [{}:{}]{}", format_utc(t.ts), t.clause,
                                  t.period, t.from.name, t.to.name, t.cause.file, t.cause.line,
                                  values));
    }
    return lines;
  }

  // The first quarter: 60 + 50 + 10 = 120 USD, average 40 USD, both met.
  void first_quarter() {
    report("2026-01-31T12:00:00Z", "R-01", "60");
    report("2026-02-28T12:00:00Z", "R-02", "50");
    report("2026-03-31T12:00:00Z", "R-03", "10");
    engine.advance_to(*parse_instant_fast("2026-04-02T00:00:00Z"));
  }
};

std::string granted_usd(const Engine& engine) {
  const auto totals = engine.granted_totals();
  return totals.empty() ? "nothing" : totals.front();
}

}  // namespace

TEST_CASE("a restatement after the period closed moves it across the threshold, down then up",
          "[corrections]") {
  Reports replay;
  replay.first_quarter();
  REQUIRE(replay.state("Earnout") == "met");
  CHECK(granted_usd(replay.engine) == "1,010 USD");

  // R-02 restated from 50 to 20: the quarter is 90 USD, below 100.
  replay.report("2026-05-15T09:00:00Z", "R-02a", "20", "R-02");
  CHECK(replay.state("Earnout") == "missed");
  // Only the quarter's total moved by the correction: the open quarter has no figure.
  CHECK(replay.metric("quarter_ebitda") == "no value yet");
  // R-02a restated again to 45: 115 USD, met again.
  replay.report("2026-06-15T09:00:00Z", "R-02b", "45", "R-02a");
  CHECK(replay.state("Earnout") == "met");
  const auto lines = replay.restated();
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] ==
        "2026-05-15T09:00:00Z Earnout 2026-Q1: met->missed [log.jsonl:4] quarter_ebitda=120 USD "
        "→ 90 USD");
  CHECK(lines[1] ==
        "2026-05-15T09:00:00Z Steady 2026-Q1: met->missed [log.jsonl:4] quarter_average=40 USD "
        "→ 30 USD");
  CHECK(lines[2] ==
        "2026-06-15T09:00:00Z Earnout 2026-Q1: missed->met [log.jsonl:5] quarter_ebitda=90 USD "
        "→ 115 USD");
  // The average of 60, 45 and 10 is 38.33 USD, under 40: Steady stays missed, no line for it.
  CHECK(replay.state("Steady") == "missed");
  // The earn-out is granted again; Steady's 10 USD is not.
  CHECK(granted_usd(replay.engine) == "1,000 USD");
}

TEST_CASE("explain shows a restated period as reported and as corrected", "[corrections]") {
  Reports replay;
  replay.first_quarter();
  replay.report("2026-05-15T09:00:00Z", "R-02a", "20", "R-02");
  const Explanation explanation = replay.engine.explain("Earnout", 0, replay.history);
  REQUIRE(explanation.periods.size() == 1);
  const ExplainedPeriod& q1 = explanation.periods.front();
  CHECK(q1.period == "2026-Q1");
  CHECK(q1.outcome == "missed");
  CHECK(q1.granted.empty());
  CHECK(q1.reported == "met");
  CHECK(q1.reported_granted == "1,000 USD");
  CHECK(q1.restated_by == "log.jsonl:4");
  const std::string text = format_explanation_text(explanation);
  CHECK(text.find("as reported: met, grants 1,000 USD; as corrected by log.jsonl:4: missed") !=
        std::string::npos);
}

TEST_CASE("the same report twice counts once, with no line", "[corrections]") {
  Reports replay;
  replay.report("2026-01-31T12:00:00Z", "R-01", "60");
  replay.report("2026-01-31T12:00:00Z", "R-01", "60");
  replay.report("2026-02-10T12:00:00Z", "R-01", "60");  // resent later: still the same report
  CHECK(replay.metric("quarter_ebitda") == "60 USD");
  CHECK(replay.metric("quarter_average") == "60 USD");
  replay.report("2026-02-28T12:00:00Z", "R-02", "30");
  replay.engine.advance_to(*parse_instant_fast("2026-04-02T00:00:00Z"));
  CHECK(replay.state("Earnout") == "missed");  // 90 USD, not 150
  // A correction sent twice also counts once.
  replay.report("2026-04-10T12:00:00Z", "R-02a", "40", "R-02");
  replay.report("2026-04-11T12:00:00Z", "R-02a", "40", "R-02");
  CHECK(replay.state("Earnout") == "met");
  CHECK(replay.restated().size() == 1);
  CHECK(replay.metric("quarter_ebitda") == "no value yet");
  // The original line sent again after its correction is a copy: it does not undo it.
  replay.report("2026-04-12T12:00:00Z", "R-02", "30");
  CHECK(replay.state("Earnout") == "met");
  CHECK(replay.restated().size() == 1);
}

TEST_CASE("a correction within the open period replaces the figure at once", "[corrections]") {
  Reports replay;
  replay.report("2026-01-31T12:00:00Z", "R-01", "60");
  replay.report("2026-02-28T12:00:00Z", "R-02", "50");
  replay.report("2026-03-31T12:00:00Z", "R-03", "10");
  CHECK(replay.metric("quarter_ebitda") == "120 USD");
  CHECK(replay.metric("quarter_low") == "10 USD");
  replay.report("2026-03-31T13:00:00Z", "R-03a", "-5", "R-03");
  CHECK(replay.metric("quarter_ebitda") == "105 USD");
  CHECK(replay.metric("quarter_average") == "35 USD");
  CHECK(replay.metric("quarter_low") == "-5 USD");
  // The lowest figure corrected upwards: the minimum is taken again from the quarter's reports.
  replay.report("2026-03-31T14:00:00Z", "R-03b", "55", "R-03a");
  CHECK(replay.metric("quarter_low") == "50 USD");
  CHECK(replay.metric("quarter_average") == "55 USD");
  replay.engine.advance_to(*parse_instant_fast("2026-04-02T00:00:00Z"));
  CHECK(replay.restated().empty());
  CHECK(replay.state("Earnout") == "met");
  CHECK(granted_usd(replay.engine) == "1,010 USD");
}

TEST_CASE("an average over a closed period is corrected", "[corrections]") {
  Reports replay;
  replay.first_quarter();  // average 40 USD: Steady met
  REQUIRE(replay.state("Steady") == "met");
  replay.report("2026-04-20T09:00:00Z", "R-03a", "1", "R-03");  // 111 / 3 = 37 USD
  CHECK(replay.state("Steady") == "missed");
  CHECK(replay.state("Earnout") == "met");  // 111 USD is still 100 or more
  CHECK(std::any_of(replay.notes.begin(), replay.notes.end(), [](const std::string& note) {
    return note.find("Earnout for 2026-Q1 stays met") != std::string::npos;
  }));
  CHECK(granted_usd(replay.engine) == "1,000 USD");
}

TEST_CASE("a correction naming an id never seen is an error at its line", "[corrections]") {
  Reports replay;
  replay.report("2026-01-31T12:00:00Z", "R-01", "60");
  try {
    replay.report("2026-02-28T12:00:00Z", "R-09a", "20", "R-09");
    FAIL("a correction of an unknown report was taken");
  } catch (const RuntimeError& error) {
    CHECK(error.cause() == "log.jsonl:2");
    CHECK(error.diagnostic().message ==
          "field corrects: no ebitda_report with id \"R-09\" was read before");
  }
  CHECK(replay.metric("quarter_ebitda") == "60 USD");
}

TEST_CASE("with bad reports skipped, an unknown id is noted and the run goes on", "[corrections]") {
  Reports replay;
  replay.engine.set_skip_bad_reports(true);
  replay.report("2026-01-31T12:00:00Z", "R-01", "60");
  replay.report("2026-02-28T12:00:00Z", "R-09a", "20", "R-09");
  replay.report("2026-03-01T12:00:00Z", "R-01", "70");  // same id, other figures
  CHECK(replay.metric("quarter_ebitda") == "60 USD");
  REQUIRE(replay.notes.size() == 2);
  CHECK(replay.notes[0] ==
        "log.jsonl:2: ebitda_report skipped for EBITDA earn-out: field corrects: no "
        "ebitda_report with id \"R-09\" was read before");
  CHECK(replay.notes[1].find("ebitda_report \"R-01\" was reported before, at log.jsonl:1, with "
                             "other figures") != std::string::npos);
}

TEST_CASE("the same id with other figures and no corrects is an error", "[corrections]") {
  Reports replay;
  replay.report("2026-01-31T12:00:00Z", "R-01", "60");
  try {
    replay.report("2026-02-28T12:00:00Z", "R-01", "61");
    FAIL("a second figure for one report was taken");
  } catch (const RuntimeError& error) {
    CHECK(error.cause() == "log.jsonl:2");
    CHECK(error.diagnostic().message.find("give it \"corrects\": \"R-01\"") != std::string::npos);
  }
}

TEST_CASE("a period with no report stays unknown, never zero", "[corrections]") {
  Reports replay;
  replay.first_quarter();
  replay.engine.advance_to(*parse_instant_fast("2026-07-02T00:00:00Z"));
  CHECK(replay.state("Earnout") == "unknown");
  // A correction of a first-quarter figure arriving in the second quarter counts in the first.
  CHECK(std::any_of(replay.notes.begin(), replay.notes.end(), [](const std::string& note) {
    return note.find("could not be tested for 2026-Q2") != std::string::npos;
  }));
}

TEST_CASE("a saved state keeps the reports, and a resumed run corrects the open period only",
          "[corrections]") {
  Reports first;
  first.report("2026-01-31T12:00:00Z", "R-01", "60");
  first.report("2026-02-28T12:00:00Z", "R-02", "50");
  first.report("2026-03-31T12:00:00Z", "R-03", "10");
  first.engine.advance_to(*parse_instant_fast("2026-04-02T00:00:00Z"));
  first.report("2026-04-30T12:00:00Z", "R-04", "70");
  const std::string saved = first.engine.save_state();
  Reports resumed;
  Diagnostics diagnostics;
  REQUIRE(resumed.engine.restore_state(saved, diagnostics, "saved.state"));
  CHECK(resumed.engine.save_state() == saved);
  // A copy of a report read before the state was saved still counts once.
  resumed.report("2026-05-01T12:00:00Z", "R-04", "70");
  CHECK(resumed.metric("quarter_ebitda") == "70 USD");
  // A correction of the open quarter's report works; so does the check of its id.
  resumed.report("2026-05-02T12:00:00Z", "R-04a", "110", "R-04");
  CHECK(resumed.metric("quarter_ebitda") == "110 USD");
  // The first quarter closed before the state was saved: its metric states are not kept.
  try {
    resumed.report("2026-05-03T12:00:00Z", "R-02a", "20", "R-02");
    FAIL("a correction of a period closed before the state was saved");
  } catch (const RuntimeError& error) {
    CHECK(error.diagnostic().message ==
          "it corrects a figure of 2026-Q1, a period no longer kept; corrections reach the "
          "running period and the 24 before it that ended since the run resumed (a saved state "
          "keeps the reports, not the closed periods)");
  }
}

TEST_CASE("the checker asks for text ids and an id beside corrects", "[corrections]") {
  const auto errors = [](std::string_view fields) {
    Engine engine;
    Diagnostics diagnostics;
    engine.load_text(
        "test.proviso",
        fmt::format("contract \"C\"\n  effective 2026-01-01\n\nevent r {{ {} }}\n", fields),
        diagnostics);
    return render(diagnostics);
  };
  CHECK(errors("id: text, corrects: text, amount: USD").empty());
  CHECK(errors("id: number, amount: USD").find("r.id names a report, so it is text") !=
        std::string::npos);
  CHECK(errors("corrects: text, amount: USD").find("declares corrects but no id") !=
        std::string::npos);
}

}  // namespace proviso

namespace proviso {

using testing::CommandResult;
using testing::run_proviso;
using testing::scratch_path;

TEST_CASE("a log may leave corrects out, in JSON Lines and in CSV, and a bad report names its line",
          "[corrections]") {
  const std::filesystem::path csv = scratch_path("restated.csv");
  {
    std::ofstream out(csv);
    out << "ts,type,id,corrects,amount\n"
           "2026-01-31T12:00:00Z,ebitda_report,R-01,,60\n"
           "2026-02-28T12:00:00Z,ebitda_report,R-02,,50\n"
           "2026-03-31T12:00:00Z,ebitda_report,R-03,,10\n"
           "2026-05-15T09:00:00Z,ebitda_report,R-02a,R-02,20\n"
           "2026-05-16T09:00:00Z,ebitda_report,R-09a,R-09,20\n";
  }
  const std::string contract = "tests/golden/run/restated.proviso";
  const CommandResult stopped =
      run_proviso(fmt::format("run {} {} --until 2026-06-01T00:00Z", contract, csv.string()));
  CHECK(stopped.exit_code != 0);
  CHECK(
      stopped.output.find("2026-Q1: met → missed (restated)  quarter_ebitda = 120 USD → 90 USD") !=
      std::string::npos);
  CHECK(stopped.output.find("field corrects: no ebitda_report with id \"R-09\" was read before") !=
        std::string::npos);
  CHECK(stopped.output.find(fmt::format("{}:6", csv.string())) != std::string::npos);
  const CommandResult skipped = run_proviso(
      fmt::format("run {} {} --until 2026-06-01T00:00Z --skip-bad-lines", contract, csv.string()));
  CHECK(skipped.exit_code == 0);
  CHECK(skipped.output.find(fmt::format("note: {}:6: ebitda_report skipped for EBITDA earn-out",
                                        csv.string())) != std::string::npos);
  std::filesystem::remove(csv);
}

}  // namespace proviso

namespace proviso {

TEST_CASE("a restated period keeps what it paid for a miss as settled, and a note says so",
          "[corrections][ledger]") {
  testing::Replay replay(R"(contract "Availability"
  timezone "UTC"
  effective 2026-01-01

event reading { id: text, corrects: text, availability: percentage }

metric monthly_avail = average reading.availability in the current calendar month

covenant Availability
  requires monthly_avail >= 95% in each calendar month
  pays 10000 USD for each missed month
)");
  replay.feed("reading", "2026-01-20T12:00:00Z",
              {{"id", "M-01"}, {"availability", "0.90"}, {"corrects", ""}});
  replay.engine.advance_to(*parse_instant_fast("2026-02-02T00:00:00Z"));
  REQUIRE(replay.state("Availability") == "missed");
  REQUIRE(replay.engine.paid_totals() == std::vector<std::string>{"10,000 USD"});
  // January's figure restated to 97%: the month is met now, what it paid stays settled.
  replay.feed("reading", "2026-02-10T12:00:00Z",
              {{"id", "M-01a"}, {"availability", "0.97"}, {"corrects", "M-01"}});
  CHECK(replay.state("Availability") == "met");
  CHECK(replay.engine.paid_totals() == std::vector<std::string>{"10,000 USD"});
  CHECK(std::any_of(replay.notes.begin(), replay.notes.end(), [](const std::string& note) {
    return note.find(
               "Availability for 2026-01 is restated missed → met; its payments for "
               "missed periods, caps and catch-ups stay as settled") != std::string::npos;
  }));
}

}  // namespace proviso

namespace proviso {

TEST_CASE("a restatement never grants past a cap in total", "[corrections][ledger]") {
  testing::Replay replay(R"(contract "Sales milestone"
  timezone "UTC"
  effective 2026-01-01

event sales_report { id: text, corrects: text, amount: USD }

metric year_sales = sum sales_report.amount in the current calendar year

clause Milestone
  grants 50 USD
  requires year_sales > 1000 USD in each calendar year
  capped at 50 USD in total
)");
  replay.feed("sales_report", "2026-06-30T12:00:00Z",
              {{"id", "2026"}, {"amount", "1000"}, {"corrects", ""}});
  replay.feed("sales_report", "2027-06-30T12:00:00Z",
              {{"id", "2027"}, {"amount", "1200"}, {"corrects", ""}});
  replay.engine.advance_to(*parse_instant_fast("2028-01-02T00:00:00Z"));
  REQUIRE(replay.engine.granted_totals() == std::vector<std::string>{"50 USD"});
  // 2026 restated above the threshold: met now, but the milestone was paid once, in 2027.
  replay.feed("sales_report", "2028-02-01T12:00:00Z",
              {{"id", "2026-R"}, {"amount", "1010"}, {"corrects", "2026"}});
  CHECK(replay.history.back().restated);
  CHECK(replay.engine.granted_totals() == std::vector<std::string>{"50 USD"});
}

}  // namespace proviso
