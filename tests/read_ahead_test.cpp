// Reading ahead on a second thread (events/read_ahead) must change nothing but the speed: the
// same events in the same order, the same error after the same events, the same counts, and
// the logs read exactly as far as without it. Logs of many batches' worth of events, so that
// the two threads hand batches back and forth many times.
#include "events/read_ahead.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

namespace proviso {
namespace {

EventSchemas schemas() {
  EventSchemas result;
  const auto add = [&](std::string name, std::vector<FieldSchema> fields) {
    result.index[name] = static_cast<std::uint32_t>(result.events.size());
    result.events.push_back(EventSchema{std::move(name), std::move(fields), {}});
  };
  const Decimal one = Decimal::from_int(1);
  add("close",
      {{"symbol", Type::of(Kind::text), one}, {"px", Type::quantity("money:USD", "USD"), one}});
  add("deployment", {{"vendor", Type::of(Kind::text), one},
                     {"mw", Type::quantity("power", "MW"), Decimal::from_int(1'000'000)}});
  return result;
}

const EventSchemas kSchemas = schemas();

// A W1-like log of `lines` lines, mostly trades no schema declares, starting at `day`.
// `defect` (when not 0) spoils that line with a bad value; `backwards` sends one line's
// timestamp back by a minute.
std::string make_log(int lines, int day, std::uint64_t seed, int defect = 0, int backwards = 0) {
  std::mt19937_64 random(seed);
  std::string text;
  std::int64_t millis = 0;  // since the start of the day
  for (int line = 1; line <= lines; ++line) {
    millis += static_cast<std::int64_t>(random() % 2000);
    const std::int64_t at = line == backwards ? millis - 60'000 : millis;
    const std::string ts =
        fmt::format("2026-03-{:02}T{:02}:{:02}:{:02}.{:03}Z", day + at / 86'400'000,
                    at / 3'600'000 % 24, at / 60'000 % 60, at / 1000 % 60, at % 1000);
    const auto kind = random() % 20;
    if (line == defect) {
      text += fmt::format(R"({{"ts":"{}","type":"close","symbol":"AMD","px":"12.x"}})", ts);
    } else if (kind == 0) {
      text += fmt::format(R"({{"ts":"{}","type":"close","symbol":"AMD","px":"{}.{}"}})", ts,
                          100 + random() % 200, random() % 100);
    } else if (kind == 1) {
      text += fmt::format(R"({{"ts":"{}","type":"deployment","vendor":"AMD","mw":{}}})", ts,
                          random() % 900);
    } else if (kind == 2) {
      text += fmt::format(R"({{"ts":"{}","type":"milestone","name":"m{}"}})", ts, random() % 5);
    } else {
      text += fmt::format(R"({{"ts":"{}","type":"trade","symbol":"S{}","px":"{}.5","qty":{}}})", ts,
                          random() % 50, random() % 900, random() % 1000);
    }
    text += '\n';
  }
  return text;
}

// Everything a replay can observe of reading: the events, then the error and every count.
std::vector<std::string> observe(const std::vector<std::string>& logs, const ReadOptions& options,
                                 bool ahead, std::optional<Timestamp> stop_after = std::nullopt) {
  MergedEvents merged;
  for (std::uint32_t i = 0; i < logs.size(); ++i) {
    ReadError error;
    auto reader = EventReader::from_text(fmt::format("log{}.jsonl", i), logs[i], LogFormat::jsonl,
                                         kSchemas, i, options, error);
    REQUIRE(reader != nullptr);
    merged.add(std::move(reader));
  }
  std::vector<std::string> seen;
  {
    std::optional<ReadAhead> read_ahead;
    if (ahead) read_ahead.emplace(merged, stop_after);
    Event event;
    while (ahead ? read_ahead->next(event) : merged.next(event)) {
      std::string fields;
      for (const FieldSlot& slot : event.fields) {
        fields += fmt::format(" {}|{}|{}|{}", slot.number.to_string(), slot.text, slot.flag,
                              slot.instant);
      }
      seen.push_back(
          fmt::format("{} {} {}:{}{}", event.type, event.ts.micros, event.log, event.line, fields));
      if (stop_after && event.ts > *stop_after) break;
    }
  }
  seen.push_back(merged.error() ? render(*merged.error()) : "no error");
  for (const auto& reader : merged.readers()) {
    std::string counts = fmt::format("{}: {} good, {} skipped", reader->file(),
                                     reader->good_lines(), reader->skipped_lines());
    for (const ReadError& error : reader->first_skipped()) counts += "; " + render(error);
    for (const auto& [type, count] : reader->undeclared_types()) {
      counts += fmt::format("; {} {}", type, count);
    }
    seen.push_back(counts);
  }
  return seen;
}

void same_either_way(const std::vector<std::string>& logs, const ReadOptions& options,
                     std::optional<Timestamp> stop_after = std::nullopt) {
  const auto one_thread = observe(logs, options, false, stop_after);
  REQUIRE(one_thread.size() >= 1 + logs.size());
  // Several times: how the threads interleave differs from run to run.
  for (int run = 0; run < 5; ++run) CHECK(observe(logs, options, true, stop_after) == one_thread);
}

TEST_CASE("reading ahead gives the events, errors and counts of reading on one thread",
          "[events][read_ahead]") {
  SECTION("a good log of many batches") {
    const std::vector<std::string> logs{make_log(40'000, 1, 1)};
    const auto seen = observe(logs, {}, true);
    CHECK(seen.size() > 4 * 256 * 2);  // more events than the batches in flight
    CHECK(seen[seen.size() - 2] == "no error");
    same_either_way(logs, {});
  }
  SECTION("two logs merged") {
    same_either_way({make_log(20'000, 1, 2), make_log(30'000, 1, 3)}, {});
  }
  SECTION("a bad line stops the reading after the events before it") {
    const auto seen = observe({make_log(30'000, 1, 4, 25'000)}, {}, true);
    CHECK(seen[seen.size() - 2].find("log0.jsonl:25000: error:") == 0);
    same_either_way({make_log(30'000, 1, 4, 25'000)}, {});
    same_either_way({make_log(30'000, 1, 5), make_log(30'000, 1, 6, 29'000)}, {});
  }
  SECTION("a timestamp going backwards") {
    same_either_way({make_log(30'000, 1, 7, 0, 20'000)}, {});
  }
  SECTION("lenient reading skips the same lines") {
    ReadOptions lenient;
    lenient.skip_bad_lines = true;
    same_either_way({make_log(30'000, 1, 8, 12'345, 23'456)}, lenient);
  }
  SECTION("reordering within a window") {
    ReadOptions reorder;
    reorder.reorder_window_micros = 120 * kMicrosPerSecond;
    same_either_way({make_log(30'000, 1, 9, 0, 20'000)}, reorder);
  }
  SECTION("an empty log") {
    same_either_way({std::string()}, {});
  }
}

TEST_CASE("reading ahead stops where a replay that stops at an instant stops reading",
          "[events][read_ahead]") {
  const std::vector<std::string> logs{make_log(40'000, 1, 10), make_log(10'000, 1, 11)};
  for (const int hour : {0, 3, 9, 20}) {
    INFO("hour " << hour);
    const Timestamp stop{*parse_instant_fast(fmt::format("2026-03-01T{:02}:00:00Z", hour))};
    same_either_way(logs, {}, stop);
  }
}

TEST_CASE("a consumer may leave reading ahead at any point", "[events][read_ahead]") {
  const std::string log = make_log(40'000, 1, 12);
  for (const int taken : {0, 1, 300, 2000}) {
    MergedEvents merged;
    ReadError error;
    merged.add(EventReader::from_text("log.jsonl", log, LogFormat::jsonl, kSchemas, 0, {}, error));
    ReadAhead read_ahead(merged);
    Event event;
    for (int i = 0; i < taken; ++i) REQUIRE(read_ahead.next(event));
    // Destroying it stops and joins the reading thread, wherever it was.
  }
}

}  // namespace
}  // namespace proviso
