// What each kind of clause does at the contract's expiry (docs/reference.md, "Contract
// header"; docs/run.md, "Effective and expiry dates").
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "base/diagnostic.hpp"
#include "run/engine.hpp"
#include "tests/support.hpp"

namespace proviso {

TEST_CASE("at expiry only clauses with a deadline that are short of their last stage lapse",
          "[engine][expiry]") {
  const std::string contract = R"(contract "Expiry kinds"
  timezone "UTC"
  expires 2026-07-01
event sale { amount: USD }
metric sales = sum sale.amount
clause NoDeadline pays when sales >= 5 USD
clause WithDeadline pays when sales >= 5 USD
  lapses if not paid by 2026-12-31
clause Staged vests when sales >= 1 USD becomes exercisable when sales >= 5 USD
  lapses if not vested by 2026-12-31
clause Done pays when sales >= 1 USD
  lapses if not paid by 2026-12-31
covenant Floor holds while sales >= 1 USD
clause Watch triggers when NoDeadline pending and WithDeadline lapsed
)";
  Engine engine;
  Diagnostics diagnostics;
  REQUIRE(engine.load_text("expiry.proviso", contract, diagnostics));
  std::vector<std::string> timeline;
  engine.on_transition([&](const Transition& t) {
    timeline.push_back(fmt::format("{} {} {}->{} [{}]", format_utc(t.ts), t.clause, t.from.name,
                                   t.to.name, name(t.cause.kind)));
  });
  engine.feed(testing::make_event(engine, "sale", "2026-03-01T12:00:00Z", {{"amount", "2"}}, 1));
  engine.advance_to(*parse_instant_fast("2026-08-01T00:00:00Z"));
  // After expiry nothing changes, even an event that would meet every clause.
  engine.feed(testing::make_event(engine, "sale", "2026-08-02T12:00:00Z", {{"amount", "9"}}, 2));
  CHECK(timeline == std::vector<std::string>{
                        "2026-03-01T12:00:00Z Staged pending->vested [event]",
                        "2026-03-01T12:00:00Z Done pending->paid [event]",
                        "2026-03-01T12:00:00Z Floor pending->holding [event]",
                        // a deadline, not yet paid: lapses
                        "2026-07-01T00:00:00Z WithDeadline pending->lapsed [expiry]",
                        // a deadline, vested but not exercisable (its last stage): lapses
                        "2026-07-01T00:00:00Z Staged vested->lapsed [expiry]",
                    });
  std::map<std::string, std::string> states;
  for (const ClauseStatus& status : engine.clause_states()) states[status.clause] = status.state;
  CHECK(states["NoDeadline"] == "pending");  // no deadline: stays as it is
  CHECK(states["Done"] == "paid");           // reached its last stage: stays
  CHECK(states["Floor"] == "holding");       // a covenant never lapses
  CHECK(states["Watch"] == "pending");       // nothing changes after expiry
}

TEST_CASE("a clause without a deadline has no lapsed state, even in an expiring contract",
          "[check][expiry]") {
  Engine engine;
  Diagnostics diagnostics;
  engine.load_text("expiry.proviso", R"(contract "No lapse"
  timezone "UTC"
  expires 2026-07-01
event sale { amount: USD }
metric sales = sum sale.amount
clause A pays when sales >= 5 USD
clause B triggers when A lapsed
)",
                   diagnostics);
  CHECK_THAT(render(diagnostics), Catch::Contains("lapsed"));
  CHECK(!diagnostics.empty());
}

}  // namespace proviso
