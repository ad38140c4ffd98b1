// Amounts a clause grants (reference § 10, "Amounts"): arithmetic with units, min/max/if, caps and
// floors, tiers at their band edges, rounding rules, cash in lieu, and what the checker refuses.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "base/decimal.hpp"
#include "base/diagnostic.hpp"
#include "run/engine.hpp"
#include "tests/replay.hpp"
#include "tests/support.hpp"

namespace proviso {

namespace {

Decimal dec(std::string_view text) {
  return *Decimal::parse(text);
}

// A contract with sales in USD and holdings in shares, and the clauses given.
std::string contract(std::string_view clauses) {
  return fmt::format(R"(contract "Amounts"
  timezone "UTC"
unit USDm = 1_000_000 USD
event sale {{ amount: USD }}
event holding {{ qty: shares }}
event price {{ px: USD per share }}
event go {{ n: number }}
metric sales = sum sale.amount
metric held = latest holding.qty
metric px = latest price.px
metric n = latest go.n
{}
)",
                     clauses);
}

std::string check_errors(std::string_view clauses) {
  Engine engine;
  Diagnostics diagnostics;
  engine.load_text("test.proviso", contract(clauses), diagnostics);
  return render(diagnostics);
}

// Feeds sales of `amount` USD, then a `go` that meets the clause `C` (pays when n >= 1), and
// returns what C granted in `dimension`.
struct Deal : testing::Replay {
  explicit Deal(std::string_view grant)
      : Replay(contract(fmt::format("clause C grants {} pays when n >= 1", grant))) {}
  void sale(std::string_view amount, std::string_view ts = "2026-01-01T00:00:00Z") {
    feed("sale", ts, {{"amount", std::string(amount)}});
  }
  void go(std::string_view ts = "2026-01-02T00:00:00Z") { feed("go", ts, {{"n", "1"}}); }
  Decimal usd() const { return engine.granted_total("USD"); }
  Decimal shares() const { return engine.granted_total("shares"); }
};

Decimal granted_usd(std::string_view grant, std::string_view sales) {
  Deal deal(grant);
  deal.sale(sales);
  deal.go();
  return deal.usd();
}

}  // namespace

TEST_CASE("rounding rules: half-even, half up, down, up, to a step", "[amounts][decimal]") {
  using R = RoundingRule;
  const Decimal one = Decimal::from_int(1);
  CHECK(round_to_multiple(dec("2.5"), one, R::half_even) == dec("2"));
  CHECK(round_to_multiple(dec("3.5"), one, R::half_even) == dec("4"));
  CHECK(round_to_multiple(dec("-2.5"), one, R::half_even) == dec("-2"));
  CHECK(round_to_multiple(dec("2.5"), one, R::half_up) == dec("3"));
  CHECK(round_to_multiple(dec("-2.5"), one, R::half_up) == dec("-3"));
  CHECK(round_to_multiple(dec("2.49"), one, R::half_up) == dec("2"));
  CHECK(round_to_multiple(dec("2.99"), one, R::down) == dec("2"));
  CHECK(round_to_multiple(dec("-2.01"), one, R::down) == dec("-3"));
  CHECK(round_to_multiple(dec("2.01"), one, R::up) == dec("3"));
  CHECK(round_to_multiple(dec("7"), one, R::up) == dec("7"));
  CHECK(round_to_multiple(dec("0.125"), dec("0.01"), R::half_even) == dec("0.12"));
  CHECK(round_to_multiple(dec("0.135"), dec("0.01"), R::half_even) == dec("0.14"));
  CHECK(round_to_multiple(dec("0.125"), dec("0.01"), R::half_up) == dec("0.13"));
  CHECK(round_to_multiple(dec("1234"), dec("1000"), R::half_even) == dec("1000"));
  CHECK(round_to_multiple(dec("1500"), dec("1000"), R::half_even) == dec("2000"));
  CHECK_THROWS_AS(round_to_multiple(one, Decimal{}, R::down), ArithmeticError);
}

TEST_CASE("a percentage of a metric, evaluated at the instant the clause is met",
          "[amounts][engine]") {
  Deal deal("2% * sales");
  deal.sale("150");
  deal.go();
  REQUIRE(deal.history.size() == 1);
  CHECK(deal.history[0].amount == "3 USD");
  CHECK(deal.usd() == dec("3"));
  // Later sales do not change what was granted when the clause was met.
  deal.sale("1000", "2026-01-03T00:00:00Z");
  CHECK(deal.usd() == dec("3"));
}

TEST_CASE("shares times a price per share is money", "[amounts][engine]") {
  testing::Replay replay(contract("clause C grants held * 1.5 USD per share pays when n >= 1"));
  replay.feed("holding", "2026-01-01T00:00:00Z", {{"qty", "1000"}});
  replay.feed("go", "2026-01-02T00:00:00Z", {{"n", "1"}});
  CHECK(replay.engine.granted_total("USD") == dec("1500"));
  REQUIRE(replay.history.size() == 1);
  CHECK(replay.history[0].amount == "1,500 USD");
}

TEST_CASE("min, max and if choose among amounts", "[amounts][engine]") {
  CHECK(granted_usd("min(10% * sales, 50 USD)", "300") == dec("30"));
  CHECK(granted_usd("min(10% * sales, 50 USD)", "900") == dec("50"));
  CHECK(granted_usd("max(10% * sales, 50 USD, 20 USD)", "300") == dec("50"));
  CHECK(granted_usd("max(10% * sales, 50 USD)", "900") == dec("90"));
  CHECK(granted_usd("if sales >= 500 USD then 7% * sales else 5% * sales", "400") == dec("20"));
  CHECK(granted_usd("if sales >= 500 USD then 7% * sales else 5% * sales", "500") == dec("35"));
  CHECK(granted_usd("(sales - 100 USD) * 10% + 1 USD", "300") == dec("21"));
  // The negative of a structured amount, as a clawback nets one against another.
  CHECK(granted_usd("100 USD + -min(10% * sales, 50 USD)", "300") == dec("70"));
  CHECK(granted_usd("100 USD - -max(10% * sales, 50 USD)", "300") == dec("150"));
  CHECK(granted_usd("-(sales - 400 USD)", "300") == dec("100"));
  CHECK(granted_usd("-if sales >= 500 USD then 1 USD else 2 USD", "300") == dec("-2"));
}

TEST_CASE("caps and floors on one amount", "[amounts][engine]") {
  CHECK(granted_usd("10% * sales capped at 50 USD", "300") == dec("30"));
  CHECK(granted_usd("10% * sales capped at 50 USD", "900") == dec("50"));
  CHECK(granted_usd("10% * sales at least 40 USD", "300") == dec("40"));
  CHECK(granted_usd("10% * sales at least 40 USD capped at 50 USD", "900") == dec("50"));
  CHECK(granted_usd("10% * sales capped at 1 USDm", "900") == dec("90"));
}

TEST_CASE("marginal tiers: each rate on the part in its band, edges included below",
          "[amounts][engine][tiers]") {
  const std::string tiers = "tiered sales { up to 500 USD: 5%, up to 1000 USD: 7%, above: 9% }";
  CHECK(granted_usd(tiers, "0") == dec("0"));
  CHECK(granted_usd(tiers, "400") == dec("20"));
  CHECK(granted_usd(tiers, "500") == dec("25"));  // exactly at the first limit
  CHECK(granted_usd(tiers, "500.01") == dec("25.0007"));
  CHECK(granted_usd(tiers, "1000") == dec("60"));  // 25 + 7% of 500
  CHECK(granted_usd(tiers, "1100") == dec("69"));  // 60 + 9% of 100
}

TEST_CASE("flat tiers: the rate of the band the quantity falls in, on all of it",
          "[amounts][engine][tiers]") {
  const std::string tiers = "tiered all of sales { up to 1000 USD: 5%, above: 7% }";
  CHECK(granted_usd(tiers, "1000") == dec("50"));  // at the limit: still the lower band
  CHECK(granted_usd(tiers, "1000.01") == dec("70.0007"));
  CHECK(granted_usd(tiers, "2000") == dec("140"));
}

TEST_CASE("rounding an amount: to the cent half-even unless stated, to a step",
          "[amounts][engine]") {
  // 0.5% of 2 USD 50 is 0.0125 USD.
  CHECK(granted_usd("0.5% * sales rounded to the cent", "2.50") == dec("0.01"));
  CHECK(granted_usd("0.5% * sales rounded half up to the cent", "2.50") == dec("0.01"));
  CHECK(granted_usd("0.5% * sales rounded up to the cent", "2.50") == dec("0.02"));
  CHECK(granted_usd("sales / 8 rounded to the cent", "1") == dec("0.12"));  // 0.125: to even
  CHECK(granted_usd("sales / 8 rounded half up to the cent", "1") == dec("0.13"));
  CHECK(granted_usd("sales rounded down to the nearest 1000 USD", "12999") == dec("12000"));
  CHECK(granted_usd("sales rounded to the nearest 1000 USD", "12500") == dec("12000"));
}

TEST_CASE("cash in lieu of the fraction of a share that rounding drops", "[amounts][engine]") {
  testing::Replay replay(
      contract("clause C grants held * 1.5 rounded down to whole shares, with cash in lieu at px\n"
               "  pays when n >= 1"));
  replay.feed("holding", "2026-01-01T00:00:00Z", {{"qty", "101"}});
  replay.feed("price", "2026-01-01T00:00:00Z", {{"px", "12.50"}});
  replay.feed("go", "2026-01-02T00:00:00Z", {{"n", "1"}});
  // 151.5 shares: 151 whole shares and half a share paid at 12.50 USD.
  CHECK(replay.engine.granted_total("shares") == dec("151"));
  CHECK(replay.engine.granted_total("USD") == dec("6.25"));
  REQUIRE(replay.history.size() == 1);
  CHECK(replay.history[0].amount == "151 shares");
  CHECK(replay.history[0].cash_in_lieu == "6.25 USD");
  const auto totals = replay.engine.granted_totals();
  CHECK(totals == std::vector<std::string>{"6.25 USD", "151 shares"});
}

TEST_CASE("an amount that cannot be computed is a note, never zero", "[amounts][engine]") {
  SECTION("division by zero") {
    Deal deal("100 USD / (sales / 1 USD)");
    deal.sale("0");
    deal.go();
    CHECK(deal.usd() == dec("0"));
    CHECK(deal.engine.granted_totals().empty());
    REQUIRE(deal.notes.size() == 1);
    CHECK(deal.notes[0].find("C is met but what it grants cannot be computed") !=
          std::string::npos);
    CHECK(deal.notes[0].find("division by zero") != std::string::npos);
    REQUIRE(deal.history.size() == 1);
    CHECK(deal.history[0].amount.empty());
  }
  SECTION("a metric without a value") {
    Deal deal("held * 1.5 USD per share");  // no holding seen: `latest` has no value
    deal.go();
    CHECK(deal.engine.granted_totals().empty());
    REQUIRE(deal.notes.size() == 1);
    CHECK(deal.notes[0].find("held has no value yet") != std::string::npos);
  }
}

TEST_CASE("a period's amount is evaluated at the period's end", "[amounts][engine][periods]") {
  testing::Replay replay(contract(R"(metric monthly = sum sale.amount in the current calendar month
clause Royalty
  grants tiered monthly { up to 100 USD: 10%, above: 20% }
  requires monthly >= 1 USD in each calendar month)"));
  replay.feed("sale", "2026-01-10T00:00:00Z", {{"amount", "150"}});
  replay.feed("sale", "2026-02-10T00:00:00Z", {{"amount", "50"}});
  replay.feed("sale", "2026-03-10T00:00:00Z", {{"amount", "1"}});
  // January: 10 + 20% of 50 = 20; February: 5.
  CHECK(replay.engine.granted_total("USD") == dec("25"));
  REQUIRE(replay.history.size() == 2);
  CHECK(replay.history[0].amount == "20 USD");
  CHECK(replay.history[1].amount == "5 USD");
}

TEST_CASE("amounts the checker refuses", "[amounts][check]") {
  CHECK_THAT(check_errors("clause C grants 2% pays when n >= 1"),
             Catch::Contains("a clause grants an amount (shares, money or a number), not a "
                             "percentage") &&
                 Catch::Contains("multiply it by what it is a percentage of"));
  CHECK_THAT(check_errors("clause C grants sales capped at 5 shares pays when n >= 1"),
             Catch::Contains("test.proviso:12:33: error: the cap is USD, like the amount it "
                             "caps, but this is shares"));
  CHECK_THAT(check_errors("clause C grants min(sales, 5 shares) pays when n >= 1"),
             Catch::Contains("min compares amounts of one kind, but this is shares"));
  CHECK_THAT(check_errors("clause C grants if n >= 1 then sales else 5 shares pays when n >= 1"),
             Catch::Contains("both branches of 'if' are amounts of one kind"));
  CHECK_THAT(
      check_errors("clause C grants tiered sales { up to 9 USD: 5%, up to 5 USD: 7%, above: 9% } "
                   "pays when n >= 1"),
      Catch::Contains("bands go upwards"));
  CHECK_THAT(check_errors("clause C grants tiered sales { above: 9%, up to 5 USD: 7% } pays "
                          "when n >= 1"),
             Catch::Contains("'above' is the last band"));
  CHECK_THAT(check_errors("clause C grants tiered sales { up to 5 USD: 7% } pays when n >= 1"),
             Catch::Contains("the last band is 'above: RATE'"));
  CHECK_THAT(check_errors("clause C grants tiered sales { up to 5 shares: 7%, above: 9% } pays "
                          "when n >= 1"),
             Catch::Contains("a band's limit is USD like the quantity it splits"));
  CHECK_THAT(check_errors("clause C grants held rounded down to whole USD pays when n >= 1"),
             Catch::Contains("USD is not a unit of shares"));
  CHECK_THAT(check_errors("clause C grants held rounded to the cent pays when n >= 1"),
             Catch::Contains("only money has cents, not shares"));
  CHECK_THAT(check_errors("clause C grants held, with cash in lieu at px pays when n >= 1"),
             Catch::Contains("cash in lieu pays for the fraction of a share that rounding drops"));
  CHECK_THAT(check_errors("clause C grants held rounded down to whole shares, with cash in lieu "
                          "at 5 USD pays when n >= 1"),
             Catch::Contains("cash in lieu is paid at a price per share, not USD"));
  CHECK_THAT(check_errors("clause C grants sales * sales pays when n >= 1"),
             Catch::Contains("cannot multiply USD by USD"));
  CHECK_THAT(check_errors("clause C grants sales rounded to the nearest 0 USD pays when n >= 1"),
             Catch::Contains("the rounding step must be above zero"));
}

}  // namespace proviso
