// The replay engine through its embedding API: windows at their edges, calendars, time zones,
// latches, splits. Each test feeds events built here and reads transitions and states back.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "explain/explain.hpp"
#include "plan/print_plan.hpp"
#include "run/engine.hpp"
#include "run/transition_format.hpp"
#include "tests/replay.hpp"
#include "tests/support.hpp"

namespace proviso {

namespace {

using testing::Replay;

const std::string kPriceContract = R"(
contract "Price test"
  timezone "America/New_York"
  calendar NYSE
event close { symbol: text, px: USD }
metric px = latest close.px where symbol == "AMD"
tranche P vests when px >= 100 USD on at least 3 of the last 4 trading days
tranche C vests when px >= 100 USD for 3 consecutive trading days
)";

void close_on(Replay& replay, std::string_view date, std::string_view px) {
  replay.close_on(date, px, {{"symbol", "AMD"}});
}

}  // namespace

TEST_CASE("M of the last N trading days: exactly at the threshold, and one day short",
          "[engine][window]") {
  Replay replay(kPriceContract);
  // 2026-06-01 is a Monday: four sessions Mon–Thu.
  close_on(replay, "2026-06-01", "100");    // at the threshold: counts
  close_on(replay, "2026-06-02", "99.99");  // just below
  close_on(replay, "2026-06-03", "100");
  CHECK(replay.state("P") == "pending");  // three days seen, the window spans four
  close_on(replay, "2026-06-04", "101");  // 3 of the last 4
  CHECK(replay.timeline == std::vector<std::string>{"2026-06-04T21:00:00Z P pending->vested"});
  CHECK(replay.state("C") == "pending");  // Wed and Thu only: two consecutive days
  close_on(replay, "2026-06-05", "100");
  CHECK(replay.state("C") == "vested");
}

TEST_CASE("a holiday inside a window is not a trading day", "[engine][window][calendar]") {
  Replay replay(kPriceContract);
  // 2026-07-03 (Friday) is Independence Day observed: Thu 2nd, Mon 6th, Tue 7th are
  // consecutive sessions.
  close_on(replay, "2026-07-02", "120");
  close_on(replay, "2026-07-06", "120");
  close_on(replay, "2026-07-07", "120");
  CHECK(replay.state("C") == "vested");
}

TEST_CASE("a trading day without data counts as not meeting the condition", "[engine][window]") {
  Replay replay(kPriceContract);
  close_on(replay, "2026-06-01", "120");
  close_on(replay, "2026-06-02", "120");
  // No close on Wednesday 2026-06-03.
  close_on(replay, "2026-06-04", "120");
  CHECK(replay.state("C") == "pending");  // the missing Wednesday breaks the run
  CHECK(replay.state("P") == "vested");   // 3 of the last 4 still hold
}

TEST_CASE("a trading day without data is named in a note", "[engine][window]") {
  Replay replay(kPriceContract);
  std::vector<std::string> notes;
  replay.engine.on_note([&](const std::string& note) { notes.push_back(note); });
  close_on(replay, "2026-06-01", "120");
  close_on(replay, "2026-06-04", "120");
  CHECK(notes == std::vector<std::string>{
                     "Price test: 2026-06-02 is a NYSE trading day without data for px >= 100 "
                     "USD; it counts as not met",
                     "Price test: 2026-06-03 is a NYSE trading day without data for px >= 100 "
                     "USD; it counts as not met",
                 });
}

TEST_CASE("a date deadline lapses at the end of its day in the contract's zone, across DST",
          "[engine][deadline]") {
  // 2026-11-01 is the day New York leaves summer time; its end is 2026-11-02T05:00Z.
  Replay replay(R"(
contract "Deadline test"
  timezone "America/New_York"
event deployment { mw: MW }
metric deployed = sum deployment.mw
tranche T vests when deployed >= 1 GW lapses if not vested by 2026-11-01
tranche U vests when deployed >= 1 GW lapses if not vested by 2026-11-01 17:00 America/New_York
)");
  replay.feed("deployment", "2026-11-01T23:00:00Z", {{"mw", "10"}});  // 18:00 local: U has lapsed
  replay.feed("deployment", "2026-11-02T06:00:00Z", {{"mw", "10"}});  // after T's deadline
  CHECK(replay.timeline == std::vector<std::string>{
                               "2026-11-01T22:00:00Z U pending->lapsed",
                               "2026-11-02T05:00:00Z T pending->lapsed",
                           });
}

TEST_CASE("deadlines fire between events and when the clock is advanced", "[engine][deadline]") {
  Replay replay(R"(
contract "Timer test"
  timezone "UTC"
event deployment { mw: MW }
metric deployed = sum deployment.mw
tranche T vests when deployed >= 1 GW lapses if not vested by 2027-01-01T00:00Z
tranche V vests when deployed >= 1 GW lapses if not vested by 2028-01-01T00:00Z
)");
  replay.feed("deployment", "2026-06-01T00:00:00Z", {{"mw", "100"}});
  replay.feed("deployment", "2027-03-01T00:00:00Z", {{"mw", "2000"}});  // too late for T
  replay.engine.advance_to(*parse_instant_fast("2029-01-01T00:00:00Z"));
  CHECK(replay.timeline == std::vector<std::string>{
                               "2027-01-01T00:00:00Z T pending->lapsed",
                               "2027-03-01T00:00:00Z V pending->vested",
                           });
}

TEST_CASE("fire_timers_until fires what is due and nothing else, as the next event would",
          "[engine][deadline]") {
  const std::string contract = R"(
contract "Timer test"
  timezone "UTC"
event deployment { mw: MW }
metric deployed = sum deployment.mw
tranche T vests when deployed >= 1 GW lapses if not vested by 2027-01-01T00:00Z
tranche V vests when deployed >= 1 GW lapses if not vested by 2028-01-01T00:00Z
)";
  // A live host (`run --follow --clock wall`) fires T's deadline at its instant, between events.
  Replay live(contract);
  live.feed("deployment", "2026-06-01T00:00:00Z", {{"mw", "100"}});
  REQUIRE(live.engine.next_timer());
  CHECK(format_utc(*live.engine.next_timer()) == "2027-01-01T00:00:00Z");
  live.engine.fire_timers_until(*parse_instant_fast("2026-12-31T23:59:59Z"));  // not yet due
  CHECK(live.timeline.empty());
  live.engine.fire_timers_until(*parse_instant_fast("2027-02-01T00:00:00Z"));
  CHECK(live.timeline == std::vector<std::string>{"2027-01-01T00:00:00Z T pending->lapsed"});
  // The clock stops at the deadline it fired, so an event before the wall clock's time is in
  // order; V's deadline is next.
  CHECK(format_utc(*live.engine.now()) == "2027-01-01T00:00:00Z");
  CHECK(format_utc(*live.engine.next_timer()) == "2028-01-01T00:00:00Z");
  live.feed("deployment", "2027-01-15T00:00:00Z", {{"mw", "2000"}});
  // The same events without it: the same timeline, the deadline fired by the later event.
  Replay replay(contract);
  replay.feed("deployment", "2026-06-01T00:00:00Z", {{"mw", "100"}});
  replay.feed("deployment", "2027-01-15T00:00:00Z", {{"mw", "2000"}});
  CHECK(live.timeline == replay.timeline);
  CHECK(live.engine.save_state() == replay.engine.save_state());
}

TEST_CASE("once latches a hurdle, and `and` needs both at one instant", "[engine][latch]") {
  Replay replay(R"(
contract "Latch test"
  timezone "UTC"
event close { px: USD }
event deployment { mw: MW }
metric px = latest close.px
metric deployed = sum deployment.mw
tranche Latched vests when once px >= 600 USD and deployed >= 1 GW
tranche Both vests when px >= 600 USD and deployed >= 1 GW
)");
  replay.feed("close", "2026-01-05T21:00:00Z", {{"px", "610"}});
  replay.feed("close", "2026-01-06T21:00:00Z", {{"px", "550"}});
  replay.feed("deployment", "2026-02-01T00:00:00Z", {{"mw", "1000"}});
  CHECK(replay.timeline ==
        std::vector<std::string>{"2026-02-01T00:00:00Z Latched pending->vested"});
  CHECK(replay.state("Both") == "pending");
}

TEST_CASE("a split doubles adjusted share grants and halves adjusted price targets",
          "[engine][adjustment]") {
  Replay replay(R"(
contract "Split test"
  timezone "UTC"
event close { px: USD per share }
event split { ratio: number }
metric px = latest close.px
splits from split.ratio
tranche A grants 1_000 shares vests when px >= 600 USD per share subject to adjustment
tranche B grants 1_000 shares vests when px >= 600 USD per share
)");
  replay.feed("close", "2026-01-05T21:00:00Z", {{"px", "590"}});
  replay.feed("split", "2026-01-06T12:00:00Z", {{"ratio", "2"}});
  replay.feed("close", "2026-01-06T21:00:00Z", {{"px", "300"}});  // 600 USD before the split
  CHECK(replay.timeline == std::vector<std::string>{"2026-01-06T21:00:00Z A pending->vested"});
  CHECK(replay.state("B") == "pending");  // not adjusted: still needs 600 USD
  CHECK(replay.engine.granted_totals() == std::vector<std::string>{"2,000 shares"});
}

TEST_CASE("a split halves a price per share but not an amount of money in the same clause",
          "[engine][adjustment]") {
  Replay replay(R"(
contract "Price and financing"
  timezone "UTC"
event close { px: USD per share }
event financing { usd: USD }
event split { ratio: text }
metric px = latest close.px
metric raised = sum financing.usd
let target = 40 USD per share
splits from split.ratio
tranche Price grants 100 shares vests when px >= target subject to adjustment
tranche Money grants 100 shares vests when raised >= 25_000_000 USD subject to adjustment
tranche Both grants 100 shares vests when px >= target and raised >= 25_000_000 USD
  subject to adjustment
)");
  replay.feed("financing", "2026-01-05T12:00:00Z", {{"usd", "12500000"}});  // half of 25 m
  replay.feed("close", "2026-01-05T21:00:00Z", {{"px", "39"}});
  replay.feed("split", "2026-01-06T12:00:00Z", {{"ratio", "2:1"}});
  // 20 USD per share meets the halved 40 USD target; 12.5 m must not meet a halved 25 m.
  replay.feed("close", "2026-01-06T21:00:00Z", {{"px", "20"}});
  CHECK(replay.timeline == std::vector<std::string>{"2026-01-06T21:00:00Z Price pending->vested"});
  CHECK(replay.state("Money") == "pending");
  CHECK(replay.state("Both") == "pending");
  replay.feed("financing", "2026-01-07T12:00:00Z", {{"usd", "12500000"}});  // 25 m in all
  CHECK(replay.timeline == std::vector<std::string>{"2026-01-06T21:00:00Z Price pending->vested",
                                                    "2026-01-07T12:00:00Z Money pending->vested",
                                                    "2026-01-07T12:00:00Z Both pending->vested"});
  CHECK(replay.engine.granted_totals() == std::vector<std::string>{"600 shares"});
}

TEST_CASE("a split inside a day window: each day is judged against its own target",
          "[engine][window][adjustment]") {
  Replay replay(R"(
contract "Split window"
  timezone "America/New_York"
  calendar NYSE
event close { px: USD per share }
event split { ratio: number }
metric px = latest close.px
splits from split.ratio
tranche W grants 100 shares vests when px >= 600 USD per share on at least 4 of the last 4 trading days
  subject to adjustment
)");
  close_on(replay, "2026-06-01", "610");
  close_on(replay, "2026-06-02", "620");
  replay.feed("split", "2026-06-03T12:00:00Z", {{"ratio", "2"}});
  close_on(replay, "2026-06-03", "305");  // 610 before the split: meets the halved target
  CHECK(replay.state("W") == "pending");
  close_on(replay, "2026-06-04", "301");
  CHECK(replay.timeline == std::vector<std::string>{"2026-06-04T21:00:00Z W pending->vested"});
  CHECK(replay.engine.granted_totals() == std::vector<std::string>{"200 shares"});
}

TEST_CASE("metric windows over events, days and trading days", "[engine][window]") {
  Replay replay(R"(
contract "Window test"
  timezone "UTC"
  calendar NYSE
event trade { px: USD, qty: number }
metric last2 = sum trade.qty over the last 2 events
metric days2 = sum trade.qty over the last 2 days
metric sessions2 = sum trade.qty over the last 2 trading days
metric low = min trade.px over the last 2 trading days
clause Big holds while sessions2 >= 50
)");
  replay.feed("trade", "2026-07-02T15:00:00Z", {{"px", "10"}, {"qty", "20"}});
  replay.feed("trade", "2026-07-06T15:00:00Z", {{"px", "9"}, {"qty", "30"}});  // after a holiday
  auto metric = [&](const std::string& name) {
    for (const MetricStatus& m : replay.engine.metric_values()) {
      if (m.metric == name) return m.value;
    }
    return std::string("no such metric");
  };
  CHECK(metric("last2") == "50");
  CHECK(metric("days2") == "30");      // 07-02 is more than two days before
  CHECK(metric("sessions2") == "50");  // 07-03 is a holiday: 07-02 and 07-06 are two sessions
  CHECK(metric("low") == "9 USD");
  CHECK(replay.state("Big") == "holding");
  replay.engine.advance_to(*parse_instant_fast("2026-07-09T00:00:00Z"));
  CHECK(metric("sessions2") == "0");  // the clock alone empties the window
  CHECK(replay.state("Big") == "breached");
}

}  // namespace proviso

namespace proviso {

namespace {

const std::string kDeployContract = R"(
contract "Deploy"
event deployment { mw: MW }
metric deployed = sum deployment.mw
metric doubled = deployed * 2
tranche T1 vests when deployed >= 1 GW
)";

// Records what a listener is told.
struct Recorder : EngineListener {
  std::vector<std::string> transitions;
  std::vector<std::vector<std::uint32_t>> changed;  // per event, contract 0's metrics
  void on_transition(const Transition& t) override {
    transitions.push_back(fmt::format("{}:{}->{}:{} {}", t.from.index, t.from.name, t.to.index,
                                      t.to.name, name(t.cause.kind)));
  }
  void on_event(const Event&, const std::vector<MetricChanges>& changes) override {
    changed.emplace_back();
    for (const MetricChanges& change : changes) {
      if (change.contract == 0) changed.back() = change.metrics;
    }
  }
};

std::string metric_text(const Engine& engine, const std::string& metric) {
  for (const MetricStatus& status : engine.metric_values()) {
    if (status.metric == metric) return status.value;
  }
  return "no such metric";
}

}  // namespace

TEST_CASE("loading a contract after events is refused and keeps the state", "[engine][load]") {
  Replay replay(kDeployContract);
  replay.feed("deployment", "2026-09-01T12:00:00Z", {{"mw", "1200"}});
  REQUIRE(replay.state("T1") == "vested");
  Diagnostics diagnostics;
  CHECK_FALSE(replay.engine.load_text("second.proviso", kPriceContract, diagnostics));
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].message ==
        "cannot load second.proviso: this engine has already processed events (its clock is at "
        "2026-09-01T12:00:00Z); load every contract before the first event");
  CHECK(replay.engine.contract_count() == 1);
  CHECK(replay.state("T1") == "vested");  // the first contract's state is kept

  Replay advanced(kDeployContract);
  advanced.engine.advance_to(*parse_instant_fast("2026-01-01T00:00:00Z"));
  Diagnostics more;
  CHECK_FALSE(advanced.engine.load_text("second.proviso", kPriceContract, more));
  CHECK(render(more).find("its clock is at 2026-01-01T00:00:00Z") != std::string::npos);
}

TEST_CASE("feed_json points a diagnostic at the bad line", "[engine][json]") {
  Replay replay(kDeployContract);
  Diagnostics diagnostics;
  CHECK_FALSE(
      replay.engine.feed_json("{\"ts\":\"2026-09-01T12:00:00Z\",\"type\":\"deployment\","
                              "\"mw\":600}\n{\"ts\":\"2026-09-02T12:00:00Z\",\"type\":"
                              "\"deployment\"}\n",
                              diagnostics, "feed"));
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].span.line == 2);
  const std::string text = render(diagnostics);
  CHECK(text.rfind("feed:2:1: error: ", 0) == 0);
  CHECK(text.find("mw") != std::string::npos);
  // The good line before it was fed.
  CHECK(metric_text(replay.engine, "deployed") == "600 MW");
}

TEST_CASE("a listener hears transitions with typed stages and the metrics each event moved",
          "[engine][listener]") {
  Replay replay(kDeployContract);
  Recorder recorder;
  replay.engine.add_listener(recorder);
  replay.feed("deployment", "2026-09-01T12:00:00Z", {{"mw", "600"}});
  replay.feed("deployment", "2026-09-02T12:00:00Z", {{"mw", "600"}});
  replay.engine.remove_listener(recorder);
  replay.feed("deployment", "2026-09-03T12:00:00Z", {{"mw", "600"}});
  CHECK(recorder.transitions == std::vector<std::string>{"0:pending->1:vested event"});
  // deployed (0) changed, and doubled (1), which reads it.
  CHECK(recorder.changed == std::vector<std::vector<std::uint32_t>>{{0, 1}, {0, 1}});
}

TEST_CASE("statuses and evaluations carry typed values", "[engine][typed]") {
  Replay replay(kDeployContract);
  Transition::Value deciding;
  replay.engine.on_transition([&](const Transition& t) { deciding = t.values.at(0); });
  replay.feed("deployment", "2026-09-01T12:00:00Z", {{"mw", "1020"}});
  // The deciding value, as a quantity in the unit of the target it was compared with.
  const auto* quantity = std::get_if<Quantity>(&deciding.typed.value());
  REQUIRE(quantity);
  CHECK(deciding.value == "1.02 GW");
  CHECK(quantity->unit == "GW");
  CHECK(quantity->base_amount == *Decimal::parse("1020000000"));
  for (const MetricStatus& metric : replay.engine.metric_values()) {
    if (metric.metric != "doubled") continue;
    REQUIRE(metric.typed);
    const auto& doubled = std::get<Quantity>(*metric.typed);
    CHECK(doubled.base_amount == *Decimal::parse("2040000000"));
    CHECK(doubled.dimension == "power");
  }
  const std::vector<ClauseStatus> states = replay.engine.clause_states();
  const ClauseStatus& t1 = states.at(0);
  CHECK(t1.state == "vested");
  CHECK(t1.state_index == 1);
}

}  // namespace proviso

namespace proviso {

TEST_CASE("queries and explanations leave the engine as it was", "[engine][const]") {
  Replay replay(R"(
contract "Latch"
event close { px: USD }
metric px = latest close.px
tranche T1 vests when once px >= 100 USD and px >= 50 USD
)");
  replay.engine.enable_coverage();
  replay.feed("close", "2026-09-01T21:00:00Z", {{"px", "40"}});
  const std::string before = replay.engine.save_state();
  const auto coverage = [&] {
    std::vector<std::pair<bool, bool>> seen;
    for (const ConditionCoverage& c : replay.engine.coverage()) {
      seen.emplace_back(c.seen_true, c.seen_false);
    }
    return seen;
  };
  const auto covered = coverage();
  (void)replay.engine.clause_states();
  (void)replay.engine.metric_values();
  (void)replay.engine.granted_totals();
  (void)replay.engine.explain("T1");
  CHECK(replay.engine.save_state() == before);
  CHECK(coverage() == covered);
}

}  // namespace proviso

namespace proviso {

TEST_CASE("compiling an expression for a test leaves the loaded plan as it was",
          "[engine][const]") {
  Replay replay(kPriceContract);
  const ContractPlan& plan = replay.engine.plan(0);
  const std::string printed = print_plan(plan, replay.engine.schemas());
  const std::size_t windows = plan.windows.size();
  const std::uint32_t latches = plan.latch_count;
  const std::size_t constants = plan.constants.size();
  const std::size_t clauses = plan.clauses.size();
  const std::size_t metrics = plan.metrics.size();
  // P's condition, a day window: compiled again for the test, it brings a window of its own.
  const ast::Expr& window = *plan.clauses.at(0).instance->decl->stages.at(0).condition;
  CHECK_FALSE(replay.engine.evaluate(window).truth);
  CHECK(print_plan(replay.engine.plan(0), replay.engine.schemas()) == printed);
  CHECK(plan.windows.size() == windows);
  CHECK(plan.latch_count == latches);
  CHECK(plan.constants.size() == constants);
  CHECK(plan.clauses.size() == clauses);
  CHECK(plan.metrics.size() == metrics);
  // The test's own window still sees every event.
  close_on(replay, "2026-06-01", "100");
  close_on(replay, "2026-06-02", "99.99");
  close_on(replay, "2026-06-03", "100");
  CHECK_FALSE(replay.engine.evaluate(window).truth);
  close_on(replay, "2026-06-04", "101");
  CHECK(replay.engine.evaluate(window).truth);
  CHECK(replay.state("P") == "vested");
  CHECK(print_plan(replay.engine.plan(0), replay.engine.schemas()) == printed);
}

}  // namespace proviso
