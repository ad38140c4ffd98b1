// The checker's results beyond its messages: constants, units, families, deadlines.
#include <catch2/catch.hpp>

#include "check/load.hpp"

namespace proviso {

namespace {

const std::string kHeader =
    "contract \"Test\"\n  timezone \"America/New_York\"\n  calendar NYSE\n"
    "  effective 2025-10-06\n"
    "event deployment { vendor: text, mw: MW }\n"
    "metric amd_deployed = sum deployment.mw where vendor == \"AMD\"\n";

LoadedContract load(const std::string& body) {
  return load_contract("test.proviso", kHeader + body);
}

const Value& constant(const LoadedContract& loaded, const std::string& name) {
  return loaded.checked.constants.at(name);
}

std::vector<std::string> messages(const LoadedContract& loaded) {
  std::vector<std::string> out;
  for (const auto& d : loaded.diagnostics) out.push_back(d.message);
  return out;
}

}  // namespace

TEST_CASE("constants are exact decimals", "[checker]") {
  const auto loaded = load("let a = 0.1 + 0.2\nlet b = 1 / 3 * 3\nlet c = 25% * 4\n");
  REQUIRE(loaded.ok());
  CHECK(std::get<Decimal>(constant(loaded, "a")) == *Decimal::parse("0.3"));
  CHECK(std::get<Decimal>(constant(loaded, "b")) == Decimal::from_int(1));
  // 25% is a percentage, the fraction 0.25: times 4 it is 100%.
  const auto& c = std::get<Quantity>(constant(loaded, "c"));
  CHECK(c.base_amount == Decimal::from_int(1));
  CHECK(format_value(c) == "100%");
}

TEST_CASE("units of one dimension convert exactly", "[checker]") {
  const auto loaded = load("let a = 1000 MW\nlet b = 1 GW\nlet c = 1.5 GW - 500 MW\n");
  REQUIRE(loaded.ok());
  const auto& a = std::get<Quantity>(constant(loaded, "a"));
  const auto& b = std::get<Quantity>(constant(loaded, "b"));
  const auto& c = std::get<Quantity>(constant(loaded, "c"));
  CHECK(a.base_amount == b.base_amount);
  CHECK(c.base_amount == b.base_amount);
  CHECK(format_value(b) == "1 GW");
  CHECK(format_value(c) == "1 GW");
}

TEST_CASE("overflow in constant arithmetic is reported, not wrapped", "[checker]") {
  const auto loaded = load("let big = 100_000_000_000_000_000_000 * 100_000_000_000_000_000_000\n");
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.diagnostics.at(0).message.find("needs more digits") != std::string::npos);
  const auto zero = load("let z = 1 / (2 - 2)\n");
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.diagnostics.at(0).message.find("division by zero") != std::string::npos);
}

TEST_CASE("families give one clause per value, zipped with their lists", "[checker]") {
  const auto loaded = load(
      "for each k in 2..4, target in [250 USD, 300 USD, 400 USD]\n"
      "  tranche A[k] vests when amd_deployed >= k GW after A[k - 1]\n"
      "tranche A1 vests when amd_deployed >= 1 GW\n");
  INFO(render(loaded.diagnostics));
  // A[2] comes after A[1], which the family does not have.
  REQUIRE(messages(loaded).size() == 1);
  CHECK(messages(loaded)[0] ==
        "A[1] does not exist: the family runs from A[2] to A[4] (when k = 2)");

  const auto fine = load(
      "for each k in 1..3, target in [250 USD, 300 USD, 400 USD]\n"
      "  tranche A[k] vests when amd_deployed >= k GW\n");
  REQUIRE(fine.ok());
  const auto& clauses = fine.checked.clauses;
  REQUIRE(clauses.size() == 3);
  CHECK(clauses[0].name == "A[1]");
  CHECK(clauses[2].name == "A[3]");
  CHECK(format_value(clauses[2].bindings.at("target")) == "400 USD");
  CHECK(clauses[2].states == std::vector<std::string>{"pending", "vested"});
}

TEST_CASE("deadlines are instants in the contract's zone, and a date deadline ends with its day",
          "[checker]") {
  // Effective 2025-10-06 is 04:00Z in New York (EDT); a deadline at 03:00Z the same day is
  // still before it.
  const auto loaded = load(
      "tranche T1 vests when amd_deployed >= 1 GW lapses if not vested by 2025-10-06T03:00Z\n");
  REQUIRE(messages(loaded).size() == 1);
  CHECK(messages(loaded)[0] ==
        "the deadline 2025-10-05 23:00:00 -04:00 is not after the contract's effective date "
        "2025-10-06");
  REQUIRE(load("tranche T1 vests when amd_deployed >= 1 GW lapses if not vested by "
               "2025-10-06T05:00Z\n")
              .ok());
  // "by 2025-10-06" is the end of the effective day, so it is after the effective date;
  // "by 2025-10-05" ends when the contract takes effect.
  REQUIRE(
      load("tranche T1 vests when amd_deployed >= 1 GW lapses if not vested by 2025-10-06\n").ok());
  const auto day_before =
      load("tranche T1 vests when amd_deployed >= 1 GW lapses if not vested by 2025-10-05\n");
  REQUIRE(messages(day_before).size() == 1);
  CHECK(messages(day_before)[0] ==
        "the deadline 2025-10-05 is not after the contract's effective date 2025-10-06");
}

TEST_CASE("every error in a file is reported in one run", "[checker]") {
  const auto loaded = load(
      "tranche T1 vests when amd_deployed >= 1 USD\n"
      "tranche T2 vests when amd_deployd >= 1 GW\n"
      "tranche T3 vests when T1 vestd\n");
  const auto found = messages(loaded);
  REQUIRE(found.size() == 3);
  CHECK(found[0] == "cannot compare MW with USD");
  CHECK(found[1] == "amd_deployd is not declared");
  CHECK(loaded.diagnostics[1].hint == "did you mean amd_deployed?");
  CHECK(found[2] == "T1 has no state 'vestd'; its states are pending, vested");
}

TEST_CASE("diagnostics render with file, line, column, the line and a caret", "[checker]") {
  const auto loaded = load_contract("x.proviso", "contract \"x\"\nlet a = 1 GW + 2 USD\n");
  CHECK(render(loaded.diagnostics) ==
        "x.proviso:2:14: error: cannot add USD to GW\n"
        "  let a = 1 GW + 2 USD\n"
        "               ^\n");
}

TEST_CASE("carets line up under tabs and multi-byte characters", "[checker]") {
  const auto loaded =
      load_contract("x.proviso", "contract \"Über–Vertrag\"\n\tlet a = \"é\" + 1 GW\n");
  CHECK(render(loaded.diagnostics) ==
        "x.proviso:2:15: error: cannot add GW to a text\n"
        "          let a = \"é\" + 1 GW\n"
        "                      ^\n");
}

TEST_CASE("the bundled stdlib declares units and the NYSE calendar", "[checker]") {
  const auto loaded = load("let a = 1 TWh\n");
  REQUIRE(loaded.ok());
  CHECK(loaded.checked.units.at("GW").dimension == "power");
  CHECK(loaded.checked.units.at("GW").scale == Decimal::from_int(1'000'000'000));
  CHECK(loaded.checked.calendar == "NYSE");
  CHECK(loaded.checked.timezone == "America/New_York");
}

}  // namespace proviso
