// Event timestamps through the CLI: what RFC 3339 allows is read, what it does not is a clear
// error, and an instant at the ends of the supported dates never stops run, explain or report.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support.hpp"

namespace proviso::testing {
namespace {

// A log of one ACME close at `ts` for tests/golden/run/window.proviso (New York, NYSE).
std::filesystem::path close_log(const std::string& name, const std::string& ts) {
  const auto path = testing::scratch_path("cli-time-" + name + ".jsonl");
  std::ofstream(path) << fmt::format(
      "{{\"ts\":\"{}\",\"type\":\"close\",\"symbol\":\"ACME\",\"px\":\"53\"}}\n", ts);
  return path;
}

struct Replayed {
  CommandResult run, explain, report;
};

Replayed replay(const std::filesystem::path& log) {
  const std::string contract = "tests/golden/run/window.proviso";
  const auto html = testing::scratch_path("cli-time-report.html");
  std::filesystem::remove(html);
  return Replayed{
      run_proviso(fmt::format("run {} '{}'", contract, log.string())),
      run_proviso(fmt::format("explain {} '{}' Streak", contract, log.string())),
      run_proviso(fmt::format("report -o '{}' {} '{}'", html.string(), contract, log.string())),
  };
}

}  // namespace

TEST_CASE("lowercase t and z and numeric offsets in an event's ts are read", "[cli][time]") {
  for (const std::string ts : {"2026-02-02t21:00:00z", "2026-02-02T21:00:00z",
                               "2026-02-02t16:00:00-05:00", "2026-02-03T02:30:00+05:30"}) {
    INFO(ts);
    const Replayed replayed = replay(close_log("ok", ts));
    CHECK(replayed.run.exit_code == 0);
    CHECK(replayed.run.output.find("error") == std::string::npos);
    CHECK(replayed.explain.exit_code == 0);
    CHECK(replayed.report.exit_code == 0);
  }
}

TEST_CASE("hour 24 and instants past the supported dates in an event's ts are clear errors",
          "[cli][time]") {
  struct Case {
    std::string ts;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"2026-02-02T24:00:00Z", "uses hour 24, which an event's time may not (RFC 3339)"},
      {"2026-02-02 24:00Z", "uses hour 24"},
      // Inside the accepted years as written, outside them once the offset is applied.
      {"9999-12-31T23:59:59-05:00", "is out of range: an event's time must lie from"},
      {"9999-12-31T12:00:00Z", "is out of range"},
      // The first instant of the supported dates is the day before in New York.
      {"1400-01-01T00:00:00Z", "is out of range"},
      {"1400-01-01T00:00:00+14:00", "is out of range"},
  };
  for (const Case& c : cases) {
    INFO(c.ts);
    const Replayed replayed = replay(close_log("bad", c.ts));
    for (const CommandResult* result : {&replayed.run, &replayed.explain, &replayed.report}) {
      INFO(result->output);
      CHECK(result->exit_code == 3);
      CHECK(result->output.find(":1: error: \"ts\" is not a timestamp: \"" + c.ts + "\" " +
                                c.message) != std::string::npos);
      CHECK(result->output.find("internal error") == std::string::npos);
    }
  }
}

TEST_CASE("events at the first and last accepted instants replay in every command", "[cli][time]") {
  for (const std::string ts : {"1400-01-02T00:00:00Z", "9999-12-30T23:59:59.999999Z",
                               "9999-12-30T23:59:59-00:00", "1400-01-02T10:00:00+10:00"}) {
    INFO(ts);
    const Replayed replayed = replay(close_log("edge", ts));
    CHECK(replayed.run.exit_code == 0);
    CHECK(replayed.explain.exit_code == 0);
    CHECK(replayed.report.exit_code == 0);
    CHECK(replayed.run.output.find("internal error") == std::string::npos);
  }
}

}  // namespace proviso::testing
