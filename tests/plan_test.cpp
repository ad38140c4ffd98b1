// Table-driven plan tests: each small contract is loaded and compiled, and its plan printed
// (plan/print_plan.hpp) beside the exact text expected, so a change to the compiler shows
// here as a reviewable diff of flat steps.
#include <catch2/catch.hpp>

#include "check/load.hpp"
#include "plan/plan.hpp"
#include "plan/print_plan.hpp"

namespace proviso {

namespace {

// The plan of a contract written as its declarations after a fixed header.
std::string plan_of(const std::string& declarations) {
  const std::string text =
      "contract \"Plan test\"\n  timezone \"UTC\"\n  calendar NYSE\n\n" + declarations;
  const LoadedContract loaded = load_contract("plan.proviso", text);
  if (!loaded.ok()) return "does not check:\n" + render(loaded.diagnostics);
  EventSchemas schemas;
  const std::uint32_t declarer = merge_schemas(loaded.checked, schemas);
  return print_plan(compile(loaded.checked, schemas, declarer), schemas);
}

}  // namespace

TEST_CASE("small contracts compile to the expected flat steps", "[plan]") {
  struct Row {
    std::string name;
    std::string contract;
    std::string plan;
  };
  const std::vector<Row> table = {
      {"a filtered aggregate, a constant in the metric's unit, a grant",
       "event close { symbol: text, px: USD }\n"
       "metric px = latest close.px where symbol == \"AMD\"\n"
       "tranche T1 \"Price\"\n"
       "  grants 100 shares\n"
       "  vests when px >= 600 USD\n",
       "metric px = latest close.px\n"
       "  where:\n"
       "    0: load_field 0\n"
       "    1: constant \"AMD\"\n"
       "    2: compare == text\n"
       "clause T1\n"
       "  to vested:\n"
       "    0: load_metric px\n"
       "    1: constant 600\n"
       "    2: compare >= number\n"
       "  grants:\n"
       "    0: constant 100\n"},
      {"two stages, a day window, a latch, a deadline, a clause read by another",
       "event close { px: USD }\n"
       "metric px = latest close.px\n"
       "tranche T1 \"Window\"\n"
       "  grants 10 shares\n"
       "  vests when px >= 5 USD on at least 2 of the last 3 trading days\n"
       "  becomes exercisable when once px > 6 USD\n"
       "  lapses if not vested by 2027-01-01\n"
       "clause Late \"After T1\"\n"
       "  triggers when T1 vested and after T1.vested_at + 30 days\n",
       "metric px = latest close.px\n"
       "clause T1\n"
       "  to vested [clock]:\n"
       "    0: window 0\n"
       "  to exercisable [latch]:\n"
       "    0: load_metric px\n"
       "    1: constant 6\n"
       "    2: compare > number\n"
       "    3: latch 0\n"
       "  lapses unless vested by:\n"
       "    0: constant 2027-01-01\n"
       "  grants:\n"
       "    0: constant 10\n"
       "clause Late\n"
       "  to triggered [clock]:\n"
       "    0: clause_state T1 vested\n"
       "    1: clause_time T1 vested\n"
       "    2: constant 2592000000000us 0mo 0td\n"
       "    3: add instant duration\n"
       "    4: after instant\n"
       "    5: and\n"
       "window 0, 2 of the last 3 trading days:\n"
       "    0: load_metric px\n"
       "    1: constant 5\n"
       "    2: compare >= number\n"},
      {"a derived metric, a level clause, a band, arithmetic",
       "event report { debt: USD, ebitda: USD }\n"
       "metric debt = latest report.debt\n"
       "metric ebitda = latest report.ebitda\n"
       "metric leverage = debt / ebitda\n"
       "covenant Max \"Leverage\"\n"
       "  holds while leverage in 0 .. 3.5 * 1 or not (leverage >= 4)\n",
       "metric debt = latest report.debt\n"
       "metric ebitda = latest report.ebitda\n"
       "metric leverage = derived:\n"
       "    0: load_metric debt\n"
       "    1: load_metric ebitda\n"
       "    2: divide number number\n"
       "clause Max\n"
       "  holds while:\n"
       "    0: load_metric debt\n"
       "    1: load_metric ebitda\n"
       "    2: divide number number\n"
       "    3: constant 0\n"
       "    4: folded 0\n"
       "    5: band .. number\n"
       "    6: load_metric debt\n"
       "    7: load_metric ebitda\n"
       "    8: divide number number\n"
       "    9: constant 4\n"
       "    10: compare >= number\n"
       "    11: not\n"
       "    12: or\n"
       "folded 0, once per instance:\n"
       "    0: constant 3.5\n"
       "    1: constant 1\n"
       "    2: multiply number number\n"},
      {"a template: time arithmetic on a parameter folds, the clock's test does not",
       "parameters {\n  key note: text\n  issue_date: date\n  strike: USD\n}\n"
       "event close { px: USD }\n"
       "metric px = latest close.px\n"
       "clause Reset\n"
       "  triggers when after issue_date - 1 trading day + 1 trading day and px < 80% * strike\n",
       "metric px = latest close.px\n"
       "clause Reset\n"
       "  to triggered [clock]:\n"
       "    0: folded 0\n"
       "    1: after date\n"
       "    2: load_metric px\n"
       "    3: folded 1\n"
       "    4: compare < number\n"
       "    5: and\n"
       "folded 0, once per instance:\n"
       "    0: parameter issue_date\n"
       "    1: constant 0us 0mo 1td\n"
       "    2: subtract date duration\n"
       "    3: constant 0us 0mo 1td\n"
       "    4: add date duration\n"
       "folded 1, once per instance:\n"
       "    0: constant 0.8\n"
       "    1: parameter strike\n"
       "    2: multiply number number\n"},
  };
  for (const Row& row : table) {
    DYNAMIC_SECTION(row.name) {
      INFO(row.contract);
      CHECK(plan_of(row.contract) == row.plan);
    }
  }
}

}  // namespace proviso
