// Calendar periods: period metrics (`in the current calendar month`, `in the previous …`) and
// clauses tested once per period (`requires C in each …`), closed at midnight in the
// contract's zone across clock changes.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>

#include "base/diagnostic.hpp"
#include "run/engine.hpp"
#include "run/render.hpp"
#include "stdlib/period.hpp"
#include "tests/replay.hpp"
#include "tests/support.hpp"

namespace proviso {

namespace {

Date day(std::string_view text) {
  return std::get<Date>(parse_date(text));
}

// The shared replay, fed one field at a time, with metric values by name.
struct Replay : testing::Replay {
  using testing::Replay::feed;
  using testing::Replay::Replay;

  void feed(std::string_view type, std::string_view ts, std::string_view field,
            std::string_view value) {
    feed(type, ts, {{std::string(field), std::string(value)}});
  }

  std::string metric(std::string_view name) const {
    for (const MetricStatus& status : engine.metric_values()) {
      if (status.metric == name) return status.value;
    }
    FAIL("no metric " << name);
    return {};
  }
};

std::string check_errors(const std::string& contract) {
  Engine engine;
  Diagnostics diagnostics;
  engine.load_text("test.proviso", contract, diagnostics);
  return render(diagnostics);
}

PeriodRule rule_of(std::string family, std::string unit, std::optional<std::string> month = {},
                   std::optional<int> end_day = {}, std::optional<Date> effective = {}) {
  ast::PeriodSpec spec;
  spec.family.text = std::move(family);
  spec.unit.text = std::move(unit);
  if (month) spec.month = ast::Name{*month, {}};
  spec.end_day = end_day;
  const PeriodResolution resolved = resolve_period(spec, effective);
  INFO(resolved.error);
  REQUIRE(resolved.rule);
  return *resolved.rule;
}

}  // namespace

TEST_CASE("periods are numbered, start and are named as the calendar says", "[periods]") {
  const PeriodRule month = rule_of("calendar", "month");
  CHECK(month.label(month.index_of(day("2026-03-31"))) == "2026-03");
  CHECK(month.index_of(day("2026-04-01")) == month.index_of(day("2026-03-31")) + 1);
  CHECK(month.start(month.index_of(day("2026-03-17"))) == day("2026-03-01"));

  const PeriodRule quarter = rule_of("calendar", "quarters");
  CHECK(quarter.label(quarter.index_of(day("2026-06-30"))) == "2026-Q2");
  CHECK(quarter.start(quarter.index_of(day("2026-06-30")) + 1) == day("2026-07-01"));

  const PeriodRule year = rule_of("calendar", "year");
  CHECK(year.label(year.index_of(day("2026-12-31"))) == "2026");

  const PeriodRule week = rule_of("calendar", "week");
  CHECK(week.start(week.index_of(day("2026-03-08"))) == day("2026-03-02"));  // a Sunday
  CHECK(week.label(week.index_of(day("2026-03-02"))) == "week of 2026-03-02");
  CHECK(week.start(week.index_of(day("1969-12-31"))) == day("1969-12-29"));  // before 1970

  // A fiscal year starting in July is named for the year it ends in.
  const PeriodRule fiscal = rule_of("fiscal", "year", "July");
  CHECK(fiscal.label(fiscal.index_of(day("2026-07-01"))) == "FY2027");
  CHECK(fiscal.label(fiscal.index_of(day("2026-06-30"))) == "FY2026");
  CHECK(fiscal.start(fiscal.index_of(day("2027-03-01"))) == day("2026-07-01"));
  CHECK(rule_of("fiscal", "year", "June", 30) == fiscal);
  CHECK(fiscal.describe() == "fiscal year starting July");
  CHECK(fiscal.describe(true) == "fiscal years starting July");
  const PeriodRule fiscal_quarter = rule_of("fiscal", "quarter", "July");
  CHECK(fiscal_quarter.label(fiscal_quarter.index_of(day("2026-08-15"))) == "FY2027-Q1");
  CHECK(fiscal_quarter.label(fiscal_quarter.index_of(day("2027-06-30"))) == "FY2027-Q4");

  // Contract years run from anniversary to anniversary; February 29 falls on the 28th.
  const PeriodRule contract = rule_of("contract", "year", {}, {}, day("2024-02-29"));
  CHECK(contract.label(contract.index_of(day("2024-02-29"))) == "contract year 1");
  CHECK(contract.label(contract.index_of(day("2025-02-27"))) == "contract year 1");
  CHECK(contract.label(contract.index_of(day("2025-02-28"))) == "contract year 2");
  CHECK(contract.start(contract.index_of(day("2028-03-01"))) == day("2028-02-29"));
}

TEST_CASE("a month closes at midnight in the contract's zone, across the clock change",
          "[periods][engine]") {
  const std::string body = R"(
event reading { availability: number }
metric avail = average reading.availability in the current calendar month
covenant Availability requires avail >= 0.95 in each calendar month
)";
  SECTION("America/New_York: winter months end at 05:00Z, summer ones at 04:00Z") {
    Replay replay("contract \"NY\"\n  timezone \"America/New_York\"\n" + body);
    replay.feed("reading", "2026-02-10T12:00:00Z", "availability", "0.97");
    // 23:30 on March 31 in New York is April 1 in UTC, and still March in the contract.
    replay.feed("reading", "2026-03-31T23:30:00-04:00", "availability", "0.90");
    replay.engine.advance_to(
        Timestamp{std::get<Date>(parse_date("2026-04-02")).days * kMicrosPerDay});
    CHECK(replay.timeline == std::vector<std::string>{
                                 "2026-03-01T05:00:00Z Availability 2026-02: met",
                                 "2026-04-01T04:00:00Z Availability 2026-03: missed",
                             });
  }
  SECTION("Europe/London: March ends at 23:00Z, after the clocks went forward") {
    Replay replay("contract \"London\"\n  timezone \"Europe/London\"\n" + body);
    replay.feed("reading", "2026-02-27T12:00:00Z", "availability", "0.99");
    replay.feed("reading", "2026-03-10T12:00:00Z", "availability", "0.96");
    // 23:30Z on March 31 is 00:30 on April 1 in London: it counts for April.
    replay.feed("reading", "2026-03-31T23:30:00Z", "availability", "0.10");
    replay.engine.advance_to(Timestamp{day("2026-05-02").days * kMicrosPerDay});
    CHECK(replay.timeline == std::vector<std::string>{
                                 "2026-03-01T00:00:00Z Availability 2026-02: met",
                                 "2026-03-31T23:00:00Z Availability 2026-03: met",
                                 "2026-04-30T23:00:00Z Availability 2026-04: missed",
                             });
  }
}

TEST_CASE("a fiscal year starting in July totals from July 1 and names the year it ends in",
          "[periods][engine]") {
  Replay replay(R"(contract "Earn-out"
  timezone "America/New_York"
event ebitda { amount: USD }
metric fy_ebitda = sum ebitda.amount in the current fiscal year ending June 30
metric last_fy_ebitda = sum ebitda.amount in the previous fiscal year starting July
clause EarnOut
  grants 5 USD
  requires fy_ebitda >= 100 USD in each fiscal year starting July
)");
  replay.feed("ebitda", "2026-03-15T12:00:00Z", "amount", "60");
  replay.feed("ebitda", "2026-06-30T20:00:00Z", "amount", "50");  // June 30, 16:00 in New York
  CHECK(replay.metric("fy_ebitda") == "110 USD");
  CHECK(replay.metric("last_fy_ebitda") == "no value yet");
  replay.feed("ebitda", "2026-07-01T12:00:00Z", "amount", "30");
  CHECK(replay.metric("fy_ebitda") == "30 USD");
  CHECK(replay.metric("last_fy_ebitda") == "110 USD");
  replay.engine.advance_to(Timestamp{day("2027-07-02").days * kMicrosPerDay});
  CHECK(replay.timeline == std::vector<std::string>{
                               "2026-07-01T04:00:00Z EarnOut FY2026: met",
                               "2027-07-01T04:00:00Z EarnOut FY2027: missed",
                           });
  CHECK(replay.engine.granted_totals() == std::vector<std::string>{"5 USD"});
}

TEST_CASE("the previous completed quarter, and a quarter without events", "[periods][engine]") {
  Replay replay(R"(contract "Licence"
  timezone "UTC"
event sale { amount: USD }
metric last_quarter = sum sale.amount in the previous calendar quarter
metric this_quarter = sum sale.amount in the current calendar quarter
metric last_quarter_sales = count sale in the previous calendar quarter
)");
  replay.feed("sale", "2026-02-01T00:00:00Z", "amount", "10");
  replay.feed("sale", "2026-03-31T23:59:59Z", "amount", "5");
  CHECK(replay.metric("this_quarter") == "15 USD");
  CHECK(replay.metric("last_quarter") == "no value yet");
  replay.engine.advance_to(Timestamp{day("2026-04-01").days * kMicrosPerDay});
  // The quarter moved on with the clock alone.
  CHECK(replay.metric("this_quarter") == "no value yet");
  CHECK(replay.metric("last_quarter") == "15 USD");
  CHECK(replay.metric("last_quarter_sales") == "2");
  // Q2 had no sale: in Q3 the previous quarter has no value (never zero); its count is 0.
  replay.engine.advance_to(Timestamp{day("2026-07-05").days * kMicrosPerDay});
  CHECK(replay.metric("last_quarter") == "no value yet");
  CHECK(replay.metric("last_quarter_sales") == "0");
}

TEST_CASE("in each of the last 3 months: one missed month misses three windows",
          "[periods][engine]") {
  Replay replay(R"(contract "PPA"
  timezone "UTC"
event reading { availability: number }
metric avail = average reading.availability in the current calendar month
covenant Sustained requires avail >= 0.95 in each of the last 3 calendar months
)");
  for (const auto& [ts, value] : std::vector<std::pair<std::string, std::string>>{
           {"2026-01-15T00:00:00Z", "0.99"},
           {"2026-02-15T00:00:00Z", "0.99"},
           {"2026-03-15T00:00:00Z", "0.99"},
           {"2026-04-15T00:00:00Z", "0.90"},
           {"2026-05-15T00:00:00Z", "0.99"},
           {"2026-06-15T00:00:00Z", "0.99"},
           {"2026-07-15T00:00:00Z", "0.99"},
       }) {
    replay.feed("reading", ts, "availability", value);
  }
  replay.engine.advance_to(Timestamp{day("2026-08-01").days * kMicrosPerDay});
  CHECK(replay.timeline == std::vector<std::string>{
                               "2026-02-01T00:00:00Z Sustained 2026-01: unknown",
                               "2026-03-01T00:00:00Z Sustained 2026-02: unknown",
                               "2026-04-01T00:00:00Z Sustained 2026-03: met",
                               "2026-05-01T00:00:00Z Sustained 2026-04: missed",
                               "2026-06-01T00:00:00Z Sustained 2026-05: missed",
                               "2026-07-01T00:00:00Z Sustained 2026-06: missed",
                               "2026-08-01T00:00:00Z Sustained 2026-07: met",
                           });
}

TEST_CASE("a month with no data is unknown, with a note, never zero", "[periods][engine]") {
  Replay replay(R"(contract "Sales floor"
  timezone "UTC"
event sale { amount: USD }
metric monthly_sales = sum sale.amount in the current calendar month
clause Floor requires monthly_sales >= 0 USD in each calendar month
)");
  replay.feed("sale", "2026-01-15T00:00:00Z", "amount", "10");
  replay.engine.advance_to(Timestamp{day("2026-03-01").days * kMicrosPerDay});
  CHECK(replay.metric("monthly_sales") == "no value yet");
  // `>= 0 USD` would hold for a zero: February is unknown instead.
  CHECK(replay.timeline == std::vector<std::string>{
                               "2026-02-01T00:00:00Z Floor 2026-01: met",
                               "2026-03-01T00:00:00Z Floor 2026-02: unknown",
                           });
  REQUIRE(replay.notes.size() == 1);
  CHECK(replay.notes[0] ==
        "Sales floor: Floor could not be tested for 2026-02: monthly_sales >= 0 USD is unknown "
        "(no data in the period), so the period is neither met nor missed");
}

TEST_CASE("a saved state keeps the periods: a replay split in two gives the same timeline",
          "[periods][state]") {
  const std::string contract = R"(contract "Split replay"
  timezone "Europe/London"
  effective 2026-01-01
event sale { amount: GBP }
metric this_month = sum sale.amount in the current calendar month
metric last_month = sum sale.amount in the previous calendar month
clause Floor
  grants 1 GBP
  requires last_month >= 10 GBP in each of the last 2 calendar months
)";
  const std::vector<std::pair<std::string, std::string>> sales = {{"2026-01-10T12:00:00Z", "12"},
                                                                  {"2026-02-10T12:00:00Z", "11"},
                                                                  {"2026-03-10T12:00:00Z", "30"},
                                                                  {"2026-04-10T12:00:00Z", "40"},
                                                                  {"2026-05-10T12:00:00Z", "50"}};
  Replay whole(contract);
  for (const auto& [ts, amount] : sales) whole.feed("sale", ts, "amount", amount);
  whole.engine.advance_to(Timestamp{day("2026-06-02").days * kMicrosPerDay});

  Replay first(contract);
  for (std::size_t i = 0; i < 3; ++i) first.feed("sale", sales[i].first, "amount", sales[i].second);
  const std::string saved = first.engine.save_state();
  Replay second(contract);
  Diagnostics diagnostics;
  REQUIRE(second.engine.restore_state(saved, diagnostics, "saved.state"));
  CHECK(second.metric("this_month") == "30 GBP");
  CHECK(second.metric("last_month") == "11 GBP");
  for (std::size_t i = 3; i < sales.size(); ++i) {
    second.feed("sale", sales[i].first, "amount", sales[i].second);
  }
  second.engine.advance_to(Timestamp{day("2026-06-02").days * kMicrosPerDay});
  std::vector<std::string> split = first.timeline;
  split.insert(split.end(), second.timeline.begin(), second.timeline.end());
  CHECK(split == whole.timeline);
  CHECK(whole.timeline.size() == 5);
  CHECK(second.engine.granted_totals() == whole.engine.granted_totals());
  CHECK(second.engine.save_state() == whole.engine.save_state());
}

TEST_CASE("the last period of a contract is tested when it expires at that period's end",
          "[periods][engine]") {
  Replay replay(R"(contract "Short"
  timezone "UTC"
  effective 2026-01-01
  expires 2026-03-01
event reading { availability: number }
metric avail = average reading.availability in the current calendar month
covenant Availability requires avail >= 0.95 in each calendar month
)");
  replay.feed("reading", "2026-01-15T00:00:00Z", "availability", "0.99");
  replay.feed("reading", "2026-02-15T00:00:00Z", "availability", "0.90");
  replay.engine.advance_to(Timestamp{day("2026-06-01").days * kMicrosPerDay});
  CHECK(replay.timeline == std::vector<std::string>{
                               "2026-02-01T00:00:00Z Availability 2026-01: met",
                               "2026-03-01T00:00:00Z Availability 2026-02: missed",
                           });
}

TEST_CASE("period phrases the checker refuses", "[periods][check]") {
  const std::string head = R"(contract "Periods"
  timezone "UTC"
event sale { amount: USD }
)";
  CHECK_THAT(check_errors(head + "metric m = sum sale.amount in the current calendar fortnight\n"),
             Catch::Contains("'fortnight' is not a period"));
  CHECK_THAT(check_errors(head + "metric m = sum sale.amount in the current fiscal year\n"),
             Catch::Contains("say in which month the fiscal year starts"));
  CHECK_THAT(
      check_errors(head + "metric m = sum sale.amount in the current fiscal month starting July\n"),
      Catch::Contains("a fiscal period is a year or a quarter, not a month"));
  CHECK_THAT(check_errors(
                 head + "metric m = sum sale.amount in the current calendar year starting July\n"),
             Catch::Contains("a calendar period starts on January 1"));
  CHECK_THAT(
      check_errors(head + "metric m = sum sale.amount in the current fiscal year ending June 29\n"),
      Catch::Contains("help: write 'ending June 30'"));
  CHECK_THAT(check_errors(head + "metric m = sum sale.amount in the current fiscal year starting "
                                 "Juli\n"),
             Catch::Contains("'Juli' is not a month"));
  CHECK_THAT(check_errors(head + "metric m = sum sale.amount in the latest calendar month\n"),
             Catch::Contains("expected 'current' or 'previous'"));
  CHECK_THAT(check_errors(head + "metric m = sum sale.amount in the current calendar month\n"
                                 "clause C\n  vests when m >= 1 USD\n"
                                 "  requires m >= 1 USD in each calendar month\n"),
             Catch::Contains("is tested once per period, so it has no stages"));
  CHECK_THAT(check_errors(head + "metric m = sum sale.amount in the current calendar month\n"
                                 "clause C requires m >= 1 USD each calendar month\n"),
             Catch::Contains("expected 'in each' and a period after the condition"));
}

}  // namespace proviso
