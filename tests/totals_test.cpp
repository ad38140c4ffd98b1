// Granted totals add amounts of one dimension, whatever unit each grant is written in.
#include <catch2/catch.hpp>

#include "base/diagnostic.hpp"
#include "run/engine.hpp"
#include "tests/support.hpp"

namespace proviso {

TEST_CASE("granted totals add amounts of the same dimension written in different units",
          "[engine][totals]") {
  Engine engine;
  Diagnostics diagnostics;
  REQUIRE(engine.load_text("financing.proviso", R"(contract "Financing"
  timezone "UTC"
unit USDm = 1_000_000 USD
event deployment { mw: MW }
metric deployed = sum deployment.mw
clause First grants 50 USDm unlocks when deployed >= 1 GW
clause Second grants 25_000_000 USD unlocks when deployed >= 2 GW
clause Shares grants 1_000_000 shares vests when deployed >= 2 GW
)",
                           diagnostics));
  engine.feed(
      testing::make_event(engine, "deployment", "2026-03-01T12:00:00Z", {{"mw", "1000"}}, 1));
  CHECK(engine.granted_totals() == std::vector<std::string>{"50 USDm"});
  engine.feed(
      testing::make_event(engine, "deployment", "2026-04-01T12:00:00Z", {{"mw", "1000"}}, 2));
  // One total of money, in the first grant's unit, beside the shares.
  CHECK(engine.granted_totals() == std::vector<std::string>{"75 USDm", "1,000,000 shares"});
  CHECK(engine.granted_total("USD") == *Decimal::parse("75000000"));
}

}  // namespace proviso
