// One engine with one contract loaded from text, recording what it decides: the helper the
// engine, window and explain tests replay their events through.
#pragma once

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/diagnostic.hpp"
#include "run/engine.hpp"
#include "tests/support.hpp"

namespace proviso::testing {

struct Replay {
  Engine engine;
  // Every transition, and the same as "TS CLAUSE from->to" (or "TS CLAUSE PERIOD: outcome")
  // lines for short assertions.
  std::vector<Transition> history;
  std::vector<std::string> timeline;
  std::vector<std::string> notes;
  std::uint64_t line = 0;

  explicit Replay(const std::string& contract) {
    Diagnostics diagnostics;
    const bool loaded = engine.load_text("test.proviso", contract, diagnostics);
    INFO(render(diagnostics));
    REQUIRE(loaded);
    engine.set_log_names({"log.jsonl"});
    engine.on_transition([this](const Transition& t) {
      history.push_back(t);
      // A clause tested per period shows the period's outcome: "2026-03: missed".
      timeline.push_back(
          t.period.empty()
              ? fmt::format("{} {} {}->{}", format_utc(t.ts), t.clause, t.from.name, t.to.name)
              : fmt::format("{} {} {}: {}", format_utc(t.ts), t.clause, t.period, t.to.name));
    });
    engine.on_note([this](const std::string& note) { notes.push_back(note); });
  }

  // `fields` as name=value pairs; numbers in a quantity field are in the field's unit.
  void feed(std::string_view type, std::string_view ts,
            const std::vector<std::pair<std::string, std::string>>& fields) {
    engine.feed(make_event(engine, type, ts, fields, ++line));
  }

  // A `close` event at 21:00 UTC of that date, with these fields besides `px`.
  void close_on(std::string_view date, std::string_view px,
                std::vector<std::pair<std::string, std::string>> fields = {}) {
    fields.emplace_back("px", std::string(px));
    feed("close", fmt::format("{}T21:00:00Z", date), fields);
  }

  std::string state(std::string_view clause) const {
    for (const ClauseStatus& status : engine.clause_states()) {
      if (status.clause == clause) return status.state;
    }
    return "no such clause";
  }
};

}  // namespace proviso::testing
