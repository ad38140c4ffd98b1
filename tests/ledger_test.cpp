// Amounts per period: what a missed period pays (`pays 10000 USD for each missed month`),
// caps across periods (`capped at … per contract year`, `… in total`), the catch-up of grants
// missed earlier (`with catch-up`), their running totals, and their save and resume.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "base/diagnostic.hpp"
#include "run/engine.hpp"
#include "run/render.hpp"
#include "tests/replay.hpp"
#include "tests/support.hpp"

namespace proviso {

namespace {

Timestamp midnight_utc(std::string_view date) {
  return Timestamp{std::get<Date>(parse_date(date)).days * kMicrosPerDay};
}

// Each period's outcome with its amount: "2026-02-01T05:00:00Z 2026-01: missed, pays …".
std::vector<std::string> outcomes(const testing::Replay& replay) {
  std::vector<std::string> out;
  for (const Transition& t : replay.history) {
    out.push_back(fmt::format("{} {}: {}{}{}", format_utc(t.ts), t.period, t.to.name,
                              t.period_amount.empty() ? "" : ", ", t.period_amount));
  }
  return out;
}

void feed_months(testing::Replay& replay, const std::vector<std::string>& months,
                 std::string_view availability) {
  for (const std::string& month : months) {
    replay.feed("reading", month + "-10T12:00:00Z", {{"availability", std::string(availability)}});
  }
}

std::string check_errors(const std::string& contract) {
  Engine engine;
  Diagnostics diagnostics;
  engine.load_text("test.proviso", contract, diagnostics);
  return render(diagnostics);
}

// A monthly availability covenant, without what it pays, then with 10,000 USD a missed month.
const std::string kPpaTested = R"(contract "PPA"
  timezone "America/New_York"
  effective 2026-01-01
event reading { availability: number }
metric avail = average reading.availability in the current calendar month
covenant Availability
  requires avail >= 0.95 in each calendar month
)";
const std::string kPpa = kPpaTested + "  pays 10000 USD for each missed month\n";

}  // namespace

TEST_CASE("each missed month pays its liquidated damages, a met or unknown month nothing",
          "[ledger][engine]") {
  testing::Replay replay(kPpa);
  feed_months(replay, {"2026-01"}, "0.90");
  feed_months(replay, {"2026-02"}, "0.99");
  feed_months(replay, {"2026-04"}, "0.80");
  replay.engine.advance_to(midnight_utc("2026-05-02"));
  CHECK(outcomes(replay) == std::vector<std::string>{
                                "2026-02-01T05:00:00Z 2026-01: missed, pays 10,000 USD, total "
                                "10,000 USD",
                                "2026-03-01T05:00:00Z 2026-02: met",
                                "2026-04-01T04:00:00Z 2026-03: unknown",
                                "2026-05-01T04:00:00Z 2026-04: missed, pays 10,000 USD, total "
                                "20,000 USD",
                            });
  CHECK(replay.engine.paid_totals() == std::vector<std::string>{"20,000 USD"});
  CHECK(replay.engine.pays_for_missed_periods());
  CHECK(replay.engine.granted_totals().empty());  // damages are paid, not granted
}

TEST_CASE(
    "a cap per contract year reached mid-year pays the remainder, then nothing, and the "
    "next contract year starts afresh",
    "[ledger][engine]") {
  testing::Replay replay(kPpa + "  capped at 25000 USD per contract year\n");
  feed_months(replay, {"2026-01", "2026-02", "2026-03", "2026-04", "2027-01"}, "0.90");
  replay.engine.advance_to(midnight_utc("2027-02-02"));
  const auto lines = outcomes(replay);
  REQUIRE(lines.size() == 13);
  CHECK(lines[2] ==
        "2026-04-01T04:00:00Z 2026-03: missed, pays 5,000 USD of 10,000 USD, capped "
        "at 25,000 USD per contract year, total 25,000 USD");
  CHECK(lines[3] ==
        "2026-05-01T04:00:00Z 2026-04: missed, pays 0 USD of 10,000 USD, cap of "
        "25,000 USD per contract year reached, total 25,000 USD");
  CHECK(lines[12] == "2027-02-01T05:00:00Z 2027-01: missed, pays 10,000 USD, total 35,000 USD");
  CHECK(replay.engine.paid_totals() == std::vector<std::string>{"35,000 USD"});
}

TEST_CASE("a period that reaches a cap exactly pays in full, the next nothing",
          "[ledger][engine]") {
  testing::Replay replay(kPpa + "  capped at 20000 USD in total\n");
  feed_months(replay, {"2026-01", "2026-02", "2026-03"}, "0.90");
  replay.engine.advance_to(midnight_utc("2026-04-02"));
  CHECK(outcomes(replay) == std::vector<std::string>{
                                "2026-02-01T05:00:00Z 2026-01: missed, pays 10,000 USD, total "
                                "10,000 USD",
                                "2026-03-01T05:00:00Z 2026-02: missed, pays 10,000 USD, total "
                                "20,000 USD",
                                "2026-04-01T04:00:00Z 2026-03: missed, pays 0 USD of 10,000 USD, "
                                "cap of 20,000 USD in total reached, total 20,000 USD",
                            });
}

TEST_CASE(
    "a month counts toward the contract year it ends in, closed in the contract's zone "
    "across the clock change",
    "[ledger][engine]") {
  // The contract year runs from November 1 in New York; October 2027 ends at 04:00Z (still
  // daylight time), November at 05:00Z, in the second contract year.
  testing::Replay replay(R"(contract "PPA"
  timezone "America/New_York"
  effective 2026-11-01
event reading { availability: number }
metric avail = average reading.availability in the current calendar month
covenant Availability
  requires avail >= 0.95 in each calendar month
  pays 10000 USD for each missed month
  capped at 15000 USD per contract year
)");
  feed_months(replay, {"2027-09", "2027-10", "2027-11"}, "0.90");
  // The last reading of October, at 23:30 in New York, is 03:30Z on November 1: October's.
  replay.feed("reading", "2027-10-31T23:30:00-04:00", {{"availability", "0.90"}});
  replay.engine.advance_to(midnight_utc("2027-12-02"));
  const auto lines = outcomes(replay);
  REQUIRE(lines.size() >= 3);
  CHECK(std::vector<std::string>(lines.end() - 3, lines.end()) ==
        std::vector<std::string>{
            "2027-10-01T04:00:00Z 2027-09: missed, pays 10,000 USD, total 10,000 USD",
            "2027-11-01T04:00:00Z 2027-10: missed, pays 5,000 USD of 10,000 USD, capped at "
            "15,000 USD per contract year, total 15,000 USD",
            "2027-12-01T05:00:00Z 2027-11: missed, pays 10,000 USD, total 25,000 USD",
        });
}

TEST_CASE(
    "with catch-up: a later year that makes up the cumulative target pays the grant of "
    "the year missed",
    "[ledger][engine]") {
  const std::string head = R"(contract "Earn-out"
  timezone "Europe/London"
  effective 2026-07-01
event report { ebitda: USD }
metric year_ebitda = sum report.ebitda in the current fiscal year starting July
metric ebitda_to_date = sum report.ebitda
clause EarnOut
  grants 1000 USD
  requires year_ebitda >= 10 USD in each fiscal year starting July
)";
  const auto run = [&](const std::string& extra, std::vector<std::string> ebitda) {
    auto replay = std::make_unique<testing::Replay>(head + extra);
    int year = 2027;
    for (const std::string& value : ebitda) {
      replay->feed("report", fmt::format("{}-03-01T12:00:00Z", year++), {{"ebitda", value}});
    }
    replay->engine.advance_to(midnight_utc(fmt::format("{}-07-02", year - 1)));
    return replay;
  };
  SECTION("the cumulative target is met: year 2 pays year 1's grant too") {
    // 8 + 15 = 23 >= 22.
    const auto replay = run("  with catch-up when ebitda_to_date >= 22 USD\n", {"8", "15"});
    CHECK(outcomes(*replay) ==
          std::vector<std::string>{
              "2027-06-30T23:00:00Z FY2027: missed",
              "2028-06-30T23:00:00Z FY2028: met, grants 2,000 USD with catch-up 1,000 USD, "
              "total 2,000 USD",
          });
    CHECK(replay->engine.granted_totals() == std::vector<std::string>{"2,000 USD"});
  }
  SECTION("year 2 is met but the cumulative target is not: no catch-up yet") {
    // 8 + 13 = 21 < 22; year 3 brings it to 33, so year 3 catches year 1 up.
    const auto replay = run("  with catch-up when ebitda_to_date >= 22 USD\n", {"8", "13", "12"});
    const auto lines = outcomes(*replay);
    REQUIRE(lines.size() == 3);
    CHECK(lines[1] == "2028-06-30T23:00:00Z FY2028: met, grants 1,000 USD, total 1,000 USD");
    CHECK(lines[2] ==
          "2029-06-30T23:00:00Z FY2029: met, grants 2,000 USD with catch-up 1,000 "
          "USD, total 3,000 USD");
  }
  SECTION("without a condition a met year catches up, once, within the cap") {
    const auto replay =
        run("  with catch-up\n  capped at 2500 USD in total\n", {"8", "9", "15", "15"});
    CHECK(outcomes(*replay) ==
          std::vector<std::string>{
              "2027-06-30T23:00:00Z FY2027: missed",
              "2028-06-30T23:00:00Z FY2028: missed",
              "2029-06-30T23:00:00Z FY2029: met, grants 2,500 USD of 3,000 USD with catch-up "
              "2,000 USD, capped at 2,500 USD in total, total 2,500 USD",
              "2030-06-30T23:00:00Z FY2030: met, grants 0 USD of 1,000 USD, cap of 2,500 USD in "
              "total reached, total 2,500 USD",
          });
  }
}

TEST_CASE("a saved state keeps the running totals: the cap holds across a resume",
          "[ledger][state]") {
  const std::string contract = kPpa + "  capped at 25000 USD per contract year\n";
  const std::vector<std::string> months = {"2026-01", "2026-02", "2026-03", "2026-04"};
  testing::Replay whole(contract);
  feed_months(whole, months, "0.90");
  whole.engine.advance_to(midnight_utc("2026-05-02"));

  testing::Replay first(contract);
  feed_months(first, {months[0], months[1], months[2]}, "0.90");
  const std::string saved = first.engine.save_state();
  testing::Replay second(contract);
  Diagnostics diagnostics;
  REQUIRE(second.engine.restore_state(saved, diagnostics, "saved.state"));
  CHECK(second.engine.paid_totals() == std::vector<std::string>{"20,000 USD"});
  feed_months(second, {months[3]}, "0.90");
  second.engine.advance_to(midnight_utc("2026-05-02"));
  std::vector<std::string> split = outcomes(first);
  const auto rest = outcomes(second);
  split.insert(split.end(), rest.begin(), rest.end());
  CHECK(split == outcomes(whole));
  CHECK(second.engine.paid_totals() == std::vector<std::string>{"25,000 USD"});
  CHECK(second.engine.save_state() == whole.engine.save_state());
}

TEST_CASE("what a missed period pays is an amount like a grant: min, rounding, negation",
          "[ledger][engine][amounts]") {
  testing::Replay replay(kPpaTested +
                         "  pays min((0.95 - avail) * 1_000_000 USD, 40_000 USD) rounded down to "
                         "the nearest 1_000 USD for each missed month\n");
  feed_months(replay, {"2026-01"}, "0.9234");  // 26,600 USD: 26,000 USD
  feed_months(replay, {"2026-02"}, "0.80");    // 150,000 USD: 40,000 USD
  replay.engine.advance_to(midnight_utc("2026-03-02"));
  CHECK(outcomes(replay) ==
        std::vector<std::string>{
            "2026-02-01T05:00:00Z 2026-01: missed, pays 26,000 USD, total 26,000 USD",
            "2026-03-01T05:00:00Z 2026-02: missed, pays 40,000 USD, total 66,000 USD",
        });
  CHECK(replay.engine.paid_total("USD") == *Decimal::parse("66000"));
}

TEST_CASE("amounts per period the checker refuses", "[ledger][check]") {
  const std::string head = R"(contract "Amounts"
  timezone "UTC"
  effective 2026-01-01
event reading { availability: number }
metric avail = average reading.availability in the current calendar month
)";
  CHECK(check_errors(head + "covenant A\n  holds while avail >= 0.95\n  pays 10 USD for each "
                            "missed month\n") ==
        "test.proviso:8:3: error: covenant A is not tested per period, so it has no missed "
        "periods, caps across periods or catch-up\n    pays 10 USD for each missed month\n    "
        "^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n  help: add 'requires C in each calendar month' "
        "(or another period)\n");
  const std::string tested = head + "covenant A\n  requires avail >= 0.95 in each calendar month\n";
  CHECK_THAT(check_errors(tested + "  pays 10 USD for each missed quarter\n"),
             Catch::Contains("A is tested per calendar month, so it pays for each missed month "
                             "(or period), not 'quarter'"));
  CHECK_THAT(check_errors(tested + "  pays 10 USD for each missed month\n  capped at 5 shares "
                                   "per contract year\n"),
             Catch::Contains("the cap is shares, but what A pays for a missed period is USD"));
  CHECK_THAT(check_errors(tested + "  capped at 5 USD in total\n"),
             Catch::Contains("A neither grants nor pays an amount, so it has nothing to cap"));
  CHECK_THAT(check_errors(tested + "  with catch-up\n"),
             Catch::Contains("A grants nothing, so it has nothing to catch up"));
  CHECK_THAT(check_errors(tested + "  pays avail >= 1 for each missed month\n"),
             Catch::Contains("expected 'for each missed PERIOD' after the amount"));
  CHECK_THAT(check_errors(tested + "  pays \"ten\" for each missed month\n"),
             Catch::Contains("what a missed period pays is an amount (shares, money or a number), "
                             "not a text"));
  CHECK_THAT(check_errors(tested + "  pays 2% for each missed month\n"),
             Catch::Contains("a percentage is a rate, not an amount"));
  CHECK_THAT(check_errors(tested + "  pays 10 USD for each missed month\n  capped at 5 USD\n"),
             Catch::Contains("expected 'per PERIOD' or 'in total' after the cap"));
  CHECK_THAT(check_errors(tested + "  pays 10 USD\n"),
             Catch::Contains("expected 'for each missed PERIOD' after the amount"));
}

}  // namespace proviso
