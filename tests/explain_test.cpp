// Engine::explain through the embedding API: each part of a condition with its value, target and
// what is missing; family members' own targets; split-adjusted targets; latches with their time;
// deadlines counted from the clock; met stages with the event and values that met them; and
// looking never changes what the engine decides.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "explain/explain.hpp"
#include "run/engine.hpp"
#include "run/transition_format.hpp"
#include "tests/replay.hpp"
#include "tests/support.hpp"

namespace proviso {

namespace {

// The warrant's own events, and explanations against everything recorded so far.
struct Replay : testing::Replay {
  using testing::Replay::Replay;

  void deploy(std::string_view ts, std::string_view mw) {
    feed("deployment", ts, {{"vendor", "AMD"}, {"mw", std::string(mw)}});
  }
  void close(std::string_view date, std::string_view px) {
    close_on(date, px, {{"symbol", "AMD"}});
  }

  Explanation explain(std::string_view clause) { return engine.explain(clause, 0, history); }
};

const std::string kWarrant = R"(
contract "Warrant"
  timezone "America/New_York"
  calendar NYSE
  expires 2030-10-05 17:00 America/New_York
event deployment { vendor: text, mw: MW }
event close      { symbol: text, px: USD per share }
event split      { symbol: text, ratio: number }
metric deployed = sum deployment.mw where vendor == "AMD"
metric px       = latest close.px where symbol == "AMD"
splits from split.ratio where symbol == "AMD"

tranche T1 grants 100 shares
  vests when deployed >= 1 GW
  lapses if not vested by 2027-01-01T17:00Z

for each k in 2..3, target in [250 USD per share, 300 USD per share]
  tranche A[k] grants 100 shares
    vests when deployed >= k GW and px >= target on at least 2 of the last 3 trading days
    subject to adjustment

clause Hurdle pays when once px >= 280 USD per share and deployed >= 6 GW
)";

}  // namespace

TEST_CASE("explain: a comparison says the value, the target and what is missing", "[explain]") {
  Replay replay(kWarrant);
  replay.deploy("2026-06-01T14:00:00Z", "600");
  const Explanation e = replay.explain("T1");
  CHECK(e.state == "pending");
  REQUIRE(e.stages.size() == 1);
  const ExplainedCondition& c = e.stages[0].condition;
  CHECK(c.kind == "comparison");
  CHECK(c.truth == Truth::not_met);
  CHECK(c.condition == "deployed >= 1 GW");
  CHECK(c.value == "0.6 GW");  // in the target's unit
  CHECK(c.target == "≥ 1 GW");
  CHECK(c.missing == "0.4 GW more");
  CHECK(c.summary == "deployed = 0.6 GW, needs 1 GW (0.4 GW more)");
}

TEST_CASE("explain: deadlines are counted from the engine's clock", "[explain]") {
  Replay replay(kWarrant);
  replay.deploy("2026-06-01T14:00:00Z", "600");
  const Explanation e = replay.explain("T1");
  REQUIRE(e.deadlines.size() == 2);
  CHECK(e.deadlines[0].kind == "deadline");
  CHECK(e.deadlines[0].summary ==
        "deadline 2027-01-01 12:00 New York, 214 days away: lapses if not vested by then");
  CHECK(e.deadlines[1].kind == "expiry");
  CHECK(e.deadlines[1].summary ==
        "deadline 2030-10-05 17:00 New York, 1,587 days away: the contract expires");
  CHECK_FALSE(e.deadlines[1].passed);
}

TEST_CASE("explain: family members show their own targets, and windows their count", "[explain]") {
  Replay replay(kWarrant);
  replay.deploy("2026-06-01T14:00:00Z", "2500");
  replay.close("2026-06-01", "290");
  replay.close("2026-06-02", "310");
  replay.close("2026-06-03", "295");
  for (const auto& [clause, target, count, met] :
       {std::tuple{"A[2]", "250 USD per share", "3", Truth::met},
        {"A[3]", "300 USD per share", "1", Truth::not_met}}) {
    INFO(clause);
    const Explanation e = replay.explain(clause);
    const ExplainedCondition& all = e.stages[0].condition;
    CHECK(all.kind == "all");
    REQUIRE(all.parts.size() == 2);
    const ExplainedCondition& window = all.parts[1];
    CHECK(window.kind == "days");
    CHECK(window.truth == met);
    CHECK(window.value == count);
    CHECK(window.summary ==
          fmt::format("px ≥ {} on {} of the last 3 trading days, needs 2", target, count));
    REQUIRE(window.parts.size() == 1);
    CHECK(window.parts[0].summary.rfind("px = 295 USD per share, needs " + std::string(target),
                                        0) == 0);
    CHECK(window.parts[0].note == "the latest value");
  }
  CHECK(replay.explain("A[2]").state == "vested");
  CHECK(replay.explain("A[3]").stages[0].condition.parts[0].summary ==
        "deployed = 2.5 GW, needs 3 GW (0.5 GW more)");
}

TEST_CASE("explain: a window counted since a date says so", "[explain]") {
  Replay replay(R"(contract "From closing"
  timezone "America/New_York"
  calendar NYSE
  effective 2026-06-03
event close { symbol: text, px: USD }
metric px = latest close.px
clause Since triggers when px >= 10 USD on at least 3 of the last 5 trading days since effective
clause Run triggers when px >= 10 USD for 2 consecutive trading days since 2026-06-04
)");
  replay.close("2026-06-01", "11");
  replay.close("2026-06-02", "11");
  replay.close("2026-06-03", "11");
  const ExplainedCondition since = replay.explain("Since").stages[0].condition;
  CHECK(since.kind == "days");
  CHECK(since.target == "3 of the last 5 trading days since 2026-06-03");
  CHECK(since.summary ==
        "px ≥ 10 USD on 1 of the 3 trading days so far, needs 3 of 5 since "
        "2026-06-03");
  const ExplainedCondition run = replay.explain("Run").stages[0].condition;
  CHECK(run.kind == "consecutive");
  CHECK(run.target == "2 consecutive trading days since 2026-06-04");
}

TEST_CASE("explain: split-adjusted targets are shown as they stand, with the contract's amount",
          "[explain]") {
  Replay replay(kWarrant);
  replay.feed("split", "2026-06-01T12:00:00Z", {{"symbol", "AMD"}, {"ratio", "2"}});
  replay.close("2026-06-01", "140");
  const Explanation e = replay.explain("A[3]");
  CHECK(e.adjustment == "share counts × 2 and per-share prices ÷ 2 for splits");
  CHECK(e.grant == "200 shares");
  const ExplainedCondition& window = e.stages[0].condition.parts[1];
  CHECK(window.summary.rfind("px ≥ 150 USD per share on ", 0) == 0);
  CHECK(window.note == "the contract's 300 USD per share ÷ 2 for splits");
  CHECK(window.parts[0].summary ==
        "px = 140 USD per share, needs 150 USD per share (10 USD per share more)");
}

TEST_CASE("explain: a latched condition says since when it holds", "[explain]") {
  Replay replay(kWarrant);
  replay.close("2026-06-01", "285");
  replay.close("2026-06-02", "200");
  const Explanation e = replay.explain("Hurdle");
  const ExplainedCondition& once = e.stages[0].condition.parts[0];
  CHECK(once.kind == "once");
  CHECK(once.truth == Truth::met);
  REQUIRE(once.since);
  CHECK(format_utc(*once.since) == "2026-06-01T21:00:00Z");
  CHECK(once.summary == "once: held since 2026-06-01 17:00 New York");
  REQUIRE(once.parts.size() == 1);
  CHECK(once.parts[0].truth == Truth::not_met);  // the price now, below the hurdle again
}

TEST_CASE("explain: a met stage names the event that met it and the values then", "[explain]") {
  Replay replay(kWarrant);
  replay.deploy("2026-06-01T14:00:00Z", "600");
  replay.deploy("2026-07-01T14:00:00Z", "500");
  const Explanation e = replay.explain("T1");
  CHECK(e.state == "vested");
  REQUIRE(e.stages[0].reached);
  REQUIRE(e.stages[0].reached_by);
  CHECK(e.stages[0].reached_by->cause.file == "log.jsonl");
  CHECK(e.stages[0].reached_by->cause.line == 2);
  REQUIRE(e.stages[0].reached_by->values.size() == 1);
  CHECK(e.stages[0].reached_by->values[0].value == "1.1 GW");
  CHECK(e.deadlines.empty());  // nothing left to reach
  const std::string text = format_explanation_text(e);
  CHECK(text.find("✓ vested at 2026-07-01 10:00 New York, on the event at log.jsonl:2\n"
                  "    then deployed = 1.1 GW (>= 1 GW)\n") != std::string::npos);
}

TEST_CASE("explain: the text and JSON forms", "[explain]") {
  Replay replay(kWarrant);
  replay.deploy("2026-06-01T14:00:00Z", "600");
  const Explanation e = replay.explain("T1");
  CHECK(format_explanation_text(e) ==
        "T1 — Warrant\n"
        "  grants 100 shares\n"
        "State at 2026-06-01 10:00 New York: pending\n"
        "\n"
        "✗ vested: not yet; vests when:\n"
        "  ✗ deployed = 0.6 GW, needs 1 GW (0.4 GW more)\n"
        "\n"
        "Deadline 2027-01-01 12:00 New York, 214 days away: lapses if not vested by then\n"
        "Deadline 2030-10-05 17:00 New York, 1,587 days away: the contract expires\n");
  const std::string json = format_explanation_json(e);
  CHECK(json.rfind("{\n  \"contract\": \"Warrant\",\n  \"clause\": \"T1\",", 0) == 0);
  CHECK(json.find("\"summary\": \"deployed = 0.6 GW, needs 1 GW (0.4 GW more)\"") !=
        std::string::npos);
  CHECK(json.find("\"truth\": \"not met\"") != std::string::npos);
  CHECK(json.find("\"at\": \"2027-01-01T17:00:00Z\"") != std::string::npos);
  CHECK(json.back() == '}');
}

TEST_CASE("explain: an unknown clause is an error", "[explain]") {
  Replay replay(kWarrant);
  CHECK_THROWS_AS(replay.explain("T9"), std::out_of_range);
  CHECK_THROWS_AS(replay.engine.explain("T1", 3), std::out_of_range);
}

TEST_CASE("explain: looking does not change what the engine decides", "[explain]") {
  // Two replays of the same events; one explains every clause after every event. A latch that
  // the explanation's own evaluation would set must not be kept.
  Replay quiet(kWarrant);
  Replay curious(kWarrant);
  const std::vector<std::pair<std::string, std::string>> closes = {
      {"2026-06-01", "100"}, {"2026-06-02", "290"}, {"2026-06-03", "310"}, {"2026-06-04", "320"}};
  for (Replay* replay : {&quiet, &curious}) {
    replay->deploy("2026-05-01T14:00:00Z", "6000");
    for (const auto& [date, px] : closes) {
      replay->close(date, px);
      if (replay == &curious) {
        for (const char* clause : {"T1", "A[2]", "A[3]", "Hurdle"}) (void)replay->explain(clause);
      }
    }
  }
  std::vector<std::string> a;
  std::vector<std::string> b;
  for (const Transition& t : quiet.history) a.push_back(format_transition_text(t));
  for (const Transition& t : curious.history) b.push_back(format_transition_text(t));
  CHECK(a == b);
  CHECK(quiet.engine.save_state() == curious.engine.save_state());
}

}  // namespace proviso
