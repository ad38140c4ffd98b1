// Day windows: M of the last N with a short history, N consecutive days, and windows that
// count only from a date (`since effective`, `since DATE`).
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "base/diagnostic.hpp"
#include "grammar/print_ast.hpp"
#include "run/engine.hpp"
#include "run/render.hpp"
#include "tests/replay.hpp"
#include "tests/support.hpp"

namespace proviso {

namespace {

using testing::Replay;

std::string check_errors(const std::string& contract) {
  Engine engine;
  Diagnostics diagnostics;
  engine.load_text("test.proviso", contract, diagnostics);
  return render(diagnostics);
}

}  // namespace

TEST_CASE("M of the last N is met once M days qualify, however short the history",
          "[engine][window]") {
  Replay replay(R"(contract "Short history"
  timezone "America/New_York"
  calendar NYSE
event close { px: USD }
metric px = latest close.px
clause Count triggers when px >= 10 USD on at least 2 of the last 30 trading days
clause Run triggers when px >= 10 USD for 3 consecutive trading days
)");
  // 2026-06-01 is a Monday.
  replay.close_on("2026-06-01", "11");
  CHECK(replay.timeline.empty());
  replay.close_on("2026-06-02", "12");
  // Two sessions into the log, two of the last 30 qualify; the run needs a third real session.
  CHECK(replay.timeline ==
        std::vector<std::string>{"2026-06-02T21:00:00Z Count pending->triggered"});
  replay.close_on("2026-06-03", "13");
  CHECK(replay.timeline.back() == "2026-06-03T21:00:00Z Run pending->triggered");
}

TEST_CASE("a window since effective counts only days from the effective date", "[engine][window]") {
  const std::string contract = R"(contract "From closing"
  timezone "America/New_York"
  calendar NYSE
  effective 2026-06-03
event close { px: USD }
metric px = latest close.px
let measured_from = 2026-06-04
clause Plain triggers when px >= 10 USD on at least 3 of the last 5 trading days
clause Since triggers when px >= 10 USD on at least 3 of the last 5 trading days since effective
clause SinceDate triggers when px >= 10 USD for 2 consecutive trading days since 2026-06-04
clause SinceLet triggers when px >= 10 USD for 2 consecutive trading days since measured_from
)";
  Replay replay(contract);
  for (const char* day : {"2026-06-01", "2026-06-02", "2026-06-03", "2026-06-04", "2026-06-05"}) {
    replay.close_on(day, "11");
  }
  CHECK(replay.timeline == std::vector<std::string>{
                               "2026-06-03T21:00:00Z Plain pending->triggered",
                               "2026-06-05T21:00:00Z Since pending->triggered",
                               "2026-06-05T21:00:00Z SinceDate pending->triggered",
                               "2026-06-05T21:00:00Z SinceLet pending->triggered",
                           });
}

TEST_CASE("days before the effective date are not named in notes", "[engine][window]") {
  Replay replay(R"(contract "Notes"
  timezone "America/New_York"
  calendar NYSE
  effective 2026-06-03
event close { px: USD }
metric px = latest close.px
clause Count triggers when px >= 10 USD on at least 3 of the last 5 trading days
)");
  replay.close_on("2026-06-01", "11");
  replay.close_on("2026-06-05", "11");  // Tue 2 (before effective), Wed 3 and Thu 4 missing
  CHECK(replay.notes ==
        std::vector<std::string>{
            "Notes: 2026-06-03 is a NYSE trading day without data for px >= 10 USD; it counts "
            "as not met",
            "Notes: 2026-06-04 is a NYSE trading day without data for px >= 10 USD; it counts "
            "as not met",
        });
}

TEST_CASE("since takes effective, or a date known when the contract is loaded", "[check][window]") {
  const std::string header = R"(contract "Since"
  timezone "America/New_York"
  calendar NYSE
event close { px: USD }
metric px = latest close.px
)";
  CHECK_THAT(check_errors(header + "clause A triggers when px >= 10 USD on at least 2 of the last "
                                   "3 trading days since effective\n"),
             Catch::Contains("'since effective' needs the contract's effective date, and it "
                             "has none"));
  CHECK_THAT(
      check_errors(header + "clause A triggers when px >= 10 USD for 2 consecutive "
                            "trading days since 5\n"),
      Catch::Contains("the day a window starts from must be a date, but this is a plain number"));
  CHECK_THAT(
      check_errors(header + "clause B triggers when px >= 1 USD\nclause A triggers when px "
                            ">= 10 USD for 2 consecutive trading days since B.triggered_at\n"),
      Catch::Contains("the day a window starts from must be known when the contract is "
                      "loaded"));
  CHECK_THAT(check_errors(header + "clause A triggers when px >= 10 USD for 2 consecutive "
                                   "trading days since\n"),
             Catch::Contains("expected 'effective' or a date after 'since'"));
  CHECK(check_errors(header + "clause A triggers when px >= 10 USD for 2 consecutive trading "
                              "days since 2026-01-01T09:30 America/New_York\n")
            .empty());
}

TEST_CASE("a window's since is parsed, printed and rendered in every form", "[render][window]") {
  ContractRuntime runtime;
  runtime.loaded = load_contract("since.proviso", R"(contract "Since"
  timezone "America/New_York"
  calendar NYSE
  effective 2026-06-01
event close { px: USD }
metric px = latest close.px
clause A triggers when px >= 10 USD on at least 2 of the last 3 trading days since effective
clause B triggers when px >= 10 USD for 2 consecutive trading days since 2026-06-02
)");
  INFO(render(runtime.loaded.diagnostics));
  REQUIRE(runtime.loaded.ok());
  EventSchemas schemas;
  const std::uint32_t declarer = merge_schemas(runtime.loaded.checked, schemas);
  runtime.plan = compile(runtime.loaded.checked, schemas, declarer);
  const ClausePlan& a = runtime.plan.clauses.at(0);
  const ClausePlan& b = runtime.plan.clauses.at(1);
  CHECK(print(*a.stages[0].source) ==
        "(at-least-of-last (>= px (10 USD)) 2 3 trading days (since effective))");
  CHECK(print(*b.stages[0].source) ==
        "(for-consecutive (>= px (10 USD)) 2 trading days (since 2026-06-02))");
  const ConditionText a_text(runtime, *a.instance);
  const ConditionText b_text(runtime, *b.instance);
  for (const ConditionForm form :
       {ConditionForm::deciding, ConditionForm::written, ConditionForm::reader}) {
    CHECK_THAT(a_text.render(*a.stages[0].source, form),
               Catch::EndsWith("on at least 2 of the last 3 trading days since effective"));
    CHECK_THAT(b_text.render(*b.stages[0].source, form),
               Catch::EndsWith("for 2 consecutive trading days since 2026-06-02"));
  }
  // The planned windows start on those days: 1 and 2 June 2026.
  REQUIRE(runtime.plan.windows.size() == 2);
  CHECK(runtime.plan.windows[0].first_day == make_date(2026, 6, 1)->days);
  CHECK(runtime.plan.windows[1].first_day == make_date(2026, 6, 2)->days);
}

}  // namespace proviso

namespace proviso {

TEST_CASE("another contract's timer at the instant the clock moves to still lets time pass",
          "[engine][window][isolation]") {
  // The window's days without data are noted when the clock moves on; a deadline of another
  // contract due at exactly that instant must not change what this contract sees.
  const std::string window = R"(contract "Window"
  timezone "America/New_York"
  calendar NYSE
event close { px: USD }
metric px = latest close.px
clause A triggers when px >= 10 USD on at least 2 of the last 3 trading days
)";
  const std::string deadline = R"(contract "Deadline"
  timezone "America/New_York"
event ping { n: number }
metric n = latest ping.n
tranche B vests when n >= 1
  lapses if not vested by 2026-06-10T12:00Z
)";
  const auto notes_of = [&](bool with_deadline) {
    Engine engine;
    Diagnostics diagnostics;
    REQUIRE(engine.load_text("window.proviso", window, diagnostics));
    if (with_deadline) REQUIRE(engine.load_text("deadline.proviso", deadline, diagnostics));
    std::vector<std::string> notes;
    engine.on_note([&](const std::string& note) { notes.push_back(note); });
    engine.feed(testing::make_event(engine, "close", "2026-06-01T21:00:00Z", {{"px", "11"}}, 1));
    engine.advance_to(*parse_instant_fast("2026-06-10T12:00:00Z"));
    return notes;
  };
  const std::vector<std::string> alone = notes_of(false);
  CHECK(alone.size() == 3);  // June 2, 3 and 4: then the 3-day window holds only days without data
  CHECK(notes_of(true) == alone);
}

}  // namespace proviso
