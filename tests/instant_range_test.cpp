// Instants at the ends of the supported range: contracts whose dates lie there in zones far from
// UTC check and replay (or get a clear error), never abort; and events a host feeds itself get
// the range check a log reader gives.
#include <fmt/format.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support.hpp"

namespace proviso {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::run_proviso;

// A contract in `zone` from `effective` to `expires`, whose tranche lapses at `deadline`, with a
// day window and a deadline in trading days after a clause time.
std::string contract_at_edges(const std::string& zone, const std::string& effective,
                              const std::string& expires, const std::string& deadline) {
  return fmt::format(R"(contract "Edges"
  timezone "{}"
  calendar NYSE
  effective {}
  expires {}
event close {{ px: USD }}
metric px = latest close.px
tranche T1 grants 1 shares
  vests when px >= 10 USD on at least 2 of the last 3 trading days
  lapses if not vested by {}
tranche T2 vests when px >= 1 USD and before {}
  lapses if not vested by T1.vested_at + 3 trading days
)",
                     zone, effective, expires, deadline, deadline);
}

TEST_CASE("Deadlines at the ends of the supported dates, far from UTC, replay without abort",
          "[run][time]") {
  const fs::path folder = fs::temp_directory_path() / fmt::format("proviso-edges-{}", ::getpid());
  fs::create_directories(folder);
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(folder / name, std::ios::binary) << text;
  };
  // The last days of 9999 in UTC, and the first of 1400.
  write("late.jsonl", R"({"ts":"9999-12-28T21:00:00Z","type":"close","px":11}
{"ts":"9999-12-29T21:00:00Z","type":"close","px":11}
{"ts":"9999-12-30T23:59:59Z","type":"close","px":11}
)");
  write("early.jsonl", R"({"ts":"1400-01-02T00:00:00Z","type":"close","px":11}
{"ts":"1400-01-03T21:00:00Z","type":"close","px":11}
)");
  struct Case {
    std::string zone, effective, expires, deadline, log, expected;
  };
  const std::vector<Case> cases{
      // 9999-12-31 ends in the year 10000 in UTC, west of it.
      {"America/New_York", "2026-01-01", "9999-12-31", "9999-12-31", "late.jsonl",
       "Edges  T1  pending → vested"},
      {"Pacific/Pago_Pago", "9999-12-01", "9999-12-31 23:59", "9999-12-31 23:59", "late.jsonl",
       "Edges  T2  pending → vested"},
      // 1400-01-01 begins in 1399 in UTC, east of it.
      {"Pacific/Kiritimati", "1400-01-01", "1400-01-05", "1400-01-02", "early.jsonl",
       "Edges  T2  pending → vested"},
      {"Asia/Tokyo", "1400-01-01", "9999-12-31", "1400-01-01", "early.jsonl",
       "Edges  T1  pending → lapsed"},
  };
  for (const Case& c : cases) {
    INFO(c.zone << " " << c.effective << " " << c.expires << " " << c.deadline);
    write("edges.proviso", contract_at_edges(c.zone, c.effective, c.expires, c.deadline));
    const CommandResult check = run_proviso("check edges.proviso", folder);
    INFO(check.output);
    REQUIRE(check.exit_code == 0);
    for (const std::string& command :
         {fmt::format("run edges.proviso {}", c.log),
          fmt::format("run edges.proviso {} --until 9999-12-31T23:59:59Z", c.log),
          fmt::format("explain edges.proviso T1 {}", c.log),
          fmt::format("explain edges.proviso T2 {} --at 1400-01-03", c.log),
          fmt::format("report edges.proviso {} -o edges.html", c.log)}) {
      const CommandResult result = run_proviso(command, folder);
      INFO(command << "\n" << result.output);
      CHECK(result.exit_code == 0);
      if (command.rfind("run", 0) == 0) CHECK(result.output.find(c.expected) != std::string::npos);
    }
  }
  fs::remove_all(folder);
}

const std::string kFed = R"(contract "Fed"
  timezone "UTC"
event report { stamped: timestamp, day: date, n: number }
metric n = sum report.n
clause Done triggers when n >= 1
)";

// The message of the RuntimeError that feeding `event` throws; empty when none is thrown.
std::string feed_error(Engine& engine, const Event& event) {
  try {
    engine.feed(event);
  } catch (const RuntimeError& failure) {
    return failure.diagnostic().message;
  }
  return {};
}

TEST_CASE("Events a host feeds get the range checks a log reader gives", "[engine][time]") {
  Engine engine;
  Diagnostics diagnostics;
  REQUIRE(engine.load_text("fed.proviso", kFed, diagnostics));
  Event good = testing::make_event(engine, "report", "2026-01-01T00:00:00Z", {{"n", "0"}}, 1);
  good.fields[0].instant = good.ts.micros;
  good.fields[1].instant = 20'000;  // 2024-10-04

  Event late = good;
  late.ts.micros = kLastEventInstant.micros + 1;  // 9999-12-31T00:00:00Z
  CHECK(feed_error(engine, late).find("the event's time") != std::string::npos);
  CHECK(feed_error(engine, late)
            .find("is out of range: an event's time must lie from "
                  "1400-01-02T00:00:00Z to 9999-12-30T23:59:59.999999Z") != std::string::npos);
  Event early = good;
  early.ts.micros = kFirstEventInstant.micros - 1;
  CHECK(feed_error(engine, early).find("is out of range") != std::string::npos);
  Event far = good;
  far.ts.micros = INT64_MAX;
  CHECK(feed_error(engine, far).find("is out of range") != std::string::npos);
  Event stamp = good;
  stamp.fields[0].instant = INT64_MIN;
  CHECK(feed_error(engine, stamp).find("report event: field \"stamped\"") != std::string::npos);
  Event day = good;
  day.fields[1].instant = kMaxDate.days + 1;
  CHECK(feed_error(engine, day).find("report event: field \"day\" is out of range") !=
        std::string::npos);
  Event type = good;
  type.type = 7;
  CHECK(feed_error(engine, type).find("event type 7 is not one") != std::string::npos);
  Event short_of_fields = good;
  short_of_fields.fields.resize(1);
  CHECK(feed_error(engine, short_of_fields).find("1 field value given for its 3 fields") !=
        std::string::npos);
  // Nor can the clock be moved outside the supported dates.
  for (const std::int64_t micros : {INT64_MIN, INT64_MAX, (kMaxDate.days + 1) * kMicrosPerDay}) {
    try {
      engine.advance_to(Timestamp{micros});
      FAIL("advance_to accepted " << micros);
    } catch (const RuntimeError& failure) {
      CHECK(failure.diagnostic().message.find("outside the supported dates") != std::string::npos);
    }
  }
  // None of them moved the engine; a good event still goes through.
  CHECK_FALSE(engine.now());
  CHECK(feed_error(engine, good).empty());
  CHECK(engine.now() == good.ts);
}

}  // namespace
}  // namespace proviso
