// A calculation that fails inside a condition: unknown with a note when the rest of the
// condition decides it (a guard), an error that stops the replay when the answer hangs on it.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "base/diagnostic.hpp"
#include "run/engine.hpp"
#include "tests/support.hpp"

namespace proviso {

namespace {

const std::string kLeverage = R"(contract "Leverage"
  timezone "UTC"
event report { debt: USD, ebitda: USD }
metric debt   = latest report.debt
metric ebitda = latest report.ebitda
metric ratio  = debt / ebitda
)";

}  // namespace

TEST_CASE("a division by zero behind a guard is unknown, with one note", "[engine][arithmetic]") {
  Engine engine;
  Diagnostics diagnostics;
  REQUIRE(engine.load_text("leverage.proviso", kLeverage + R"(
clause Guarded triggers when ebitda > 0 USD and debt / ebitda > 2
clause ViaMetric triggers when ebitda > 0 USD and ratio > 2
  lapses if not triggered by 2026-03-02T12:00Z
)",
                           diagnostics));
  std::vector<std::string> timeline;
  std::vector<std::string> notes;
  engine.on_transition(
      [&](const Transition& t) { timeline.push_back(fmt::format("{} {}", t.clause, t.to.name)); });
  engine.on_note([&](const std::string& note) { notes.push_back(note); });
  auto report = [&](const char* ts, const char* debt, const char* ebitda) {
    engine.feed(testing::make_event(engine, "report", ts, {{"debt", debt}, {"ebitda", ebitda}},
                                    timeline.size() + notes.size() + 1));
  };
  report("2026-03-01T12:00:00Z", "10", "0");
  report("2026-03-02T00:00:00Z", "20", "0");
  // The deadline shows the unmet stage's values: the ratio cannot be computed, and is unknown.
  engine.advance_to(*parse_instant_fast("2026-03-02T12:00:00Z"));
  CHECK(timeline == std::vector<std::string>{"ViaMetric lapsed"});
  // Once per calculation: the metric's and the clause's own.
  CHECK(notes == std::vector<std::string>{
                     "Leverage: division by zero: ebitda is 0 in debt / ebitda (line 8); that "
                     "comparison is unknown, and the condition is decided without it",
                     "Leverage: division by zero: ebitda is 0 in debt / ebitda (line 6); that "
                     "comparison is unknown, and the condition is decided without it",
                 });
  report("2026-03-03T12:00:00Z", "30", "10");
  CHECK(timeline == std::vector<std::string>{"ViaMetric lapsed", "Guarded triggered"});
}

TEST_CASE("a division by zero the answer hangs on stops the replay", "[engine][arithmetic]") {
  Engine engine;
  Diagnostics diagnostics;
  REQUIRE(engine.load_text("leverage.proviso", kLeverage + R"(
clause Unguarded triggers when debt / ebitda > 2
)",
                           diagnostics));
  const Event event = testing::make_event(engine, "report", "2026-03-01T12:00:00Z",
                                          {{"debt", "10"}, {"ebitda", "0"}}, 1);
  try {
    engine.feed(event);
    FAIL("the replay went on");
  } catch (const RuntimeError& failure) {
    CHECK(failure.diagnostic().message == "division by zero: ebitda is 0");
  }
}

}  // namespace proviso
