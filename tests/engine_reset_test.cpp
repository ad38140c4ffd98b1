// Engine::reset: an engine that has replayed events and is reset answers exactly as a fresh
// engine with the same contracts (the fuzz targets rely on it to load their contract once).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support.hpp"

namespace proviso {
namespace {

using testing::read_file;
using testing::source_dir;

struct Replay {
  std::vector<std::string> transitions;
  std::string state;
};

Replay replay(Engine& engine, const std::string& log) {
  Replay out;
  engine.on_transition([&](const Transition& t) {
    out.transitions.push_back(t.contract + " " + t.clause + " " + t.to.name + " " +
                              format_utc(t.ts));
  });
  Diagnostics errors;
  CHECK(engine.feed_json(log, errors, "log.jsonl"));
  engine.advance_to(*parse_instant_fast("2031-01-01T00:00:00Z"));
  out.state = engine.save_state();
  engine.on_transition({});
  return out;
}

TEST_CASE("A reset engine answers as a fresh one", "[engine]") {
  const std::string contract = "contracts/amd_openai.proviso";
  const std::string log = read_file(source_dir() / "contracts/logs/amd_openai.jsonl");
  Diagnostics diagnostics;
  Engine fresh;
  REQUIRE(fresh.load_file((source_dir() / contract).string(), diagnostics));
  const Replay expected = replay(fresh, log);
  REQUIRE_FALSE(expected.transitions.empty());

  Engine reused;
  REQUIRE(reused.load_file((source_dir() / contract).string(), diagnostics));
  (void)replay(reused, log);
  // Every event, the clock and every state are forgotten; the contract stays loaded.
  reused.reset();
  CHECK_FALSE(reused.now());
  CHECK(reused.contract_count() == 1);
  const Replay again = replay(reused, log);
  CHECK(again.transitions == expected.transitions);
  CHECK(again.state == expected.state);
  // And again: nothing accumulates from one reset to the next.
  reused.reset();
  const Replay third = replay(reused, log);
  CHECK(third.state == expected.state);
}

}  // namespace
}  // namespace proviso
