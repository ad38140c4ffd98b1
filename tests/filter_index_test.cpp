// The filter index (run/runtime_routes.cpp): an event visits only the contracts whose `where`
// equality filters it may pass, contracts with other filters get every event, and the answers
// are the same as when every event visits every contract.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "events/read_events.hpp"
#include "run/engine.hpp"
#include "tests/support.hpp"

namespace proviso {

namespace {

constexpr const char* kNote = R"(contract "Note"
  timezone "America/New_York"
  calendar NYSE

parameters {
  key note: text
  issuer: text
  strike: USD
  code: number
}

event close { symbol: text, px: USD }
event fix   { code: number, px: USD }

metric last_close = latest close.px where close.symbol == issuer
metric sum_5d     = sum close.px where close.symbol == issuer over the last 5 trading days
metric fixed      = latest fix.px where fix.code == code

clause Call
  tested at each close where close.symbol == issuer
  triggers when last_close >= strike and sum_5d >= 3 * strike

clause Fixed
  tested at each fix where fix.code == code
  triggers when fixed >= strike

clause Streak
  tested at each close where close.symbol == issuer
  triggers when last_close >= strike on at least 3 of the last 4 trading days
)";

// 100 notes on the symbols S0 … S9 (ten each), codes 0.50, 1.50, 2.50 and 3.50.
std::string rows(int count) {
  std::string text = "note,issuer,strike,code\n";
  for (int i = 0; i < count; ++i) {
    text += fmt::format("N{:04d},S{},{}.00,{}.50\n", i, i % 10, 10 + i % 3, i % 4);
  }
  return text;
}

struct Portfolio {
  Engine engine;
  std::vector<std::string> transitions;
  std::vector<std::string> notes;

  explicit Portfolio(const std::string& instances, const std::string& plain = {}) {
    Diagnostics diagnostics;
    bool ok = engine.load_template("note.proviso", kNote, "notes.csv", instances, diagnostics);
    if (ok && !plain.empty()) ok = engine.load_text("plain.proviso", plain, diagnostics);
    INFO(render(diagnostics));
    REQUIRE(ok);
    engine.on_transition([this](const Transition& t) {
      transitions.push_back(fmt::format("{} {} {} {}->{}", format_utc(t.ts),
                                        t.instance.empty() ? t.contract : t.instance, t.clause,
                                        t.from.name, t.to.name));
    });
    engine.on_note([this](const std::string& note) {
      notes.push_back(fmt::format("after {}: {}", transitions.size(), note));
    });
  }
  void feed(const std::string& lines) {
    Diagnostics fed;
    const bool good = engine.feed_json(lines, fed, "log.jsonl");
    INFO(render(fed));
    REQUIRE(good);
  }
  std::uint64_t visits() const { return engine.counters().contract_visits; }
};

std::string close(std::string_view ts, std::string_view symbol, std::string_view px) {
  return fmt::format(R"({{"type":"close","ts":"{}","symbol":"{}","px":"{}"}})", ts, symbol, px) +
         "\n";
}

// Two weeks of closes of S0 … S12 (S10 … S12 carry no note) and fixes, prices moving around
// the strikes, several events a day; S3 has no close on 2026-03-06, a day without data for its
// notes' streaks.
std::string feed_log() {
  std::string log;
  int day = 2;
  for (int session = 0; session < 10; ++session, ++day) {
    if (day == 7 || day == 14) day += 2;  // weekends of March 2026
    for (int round = 0; round < 3; ++round) {
      for (int s = 0; s < 13; ++s) {
        if (s == 3 && session == 4) continue;
        const int cents = 800 + ((s * 37 + session * 53 + round * 29) % 500);
        log += close(fmt::format("2026-03-{:02d}T{}:{:02d}:00Z", day, 15 + round, s),
                     fmt::format("S{}", s), fmt::format("{}.{:02d}", cents / 100, cents % 100));
      }
      log += fmt::format(R"({{"type":"fix","ts":"2026-03-{:02d}T{}:30:00Z","code":{},"px":"{}"}})",
                         day, 15 + round, (session + round) % 5 + 0.5, 9 + session % 4) +
             "\n";
    }
  }
  return log;
}

}  // namespace

TEST_CASE("an event for a symbol visits only the instances on that symbol", "[filter index]") {
  Portfolio portfolio(rows(100));
  // The first close of a New York day visits every instance: their windows roll to the day.
  portfolio.feed(close("2026-03-02T15:00:00Z", "S3", "5.00"));
  CHECK(portfolio.visits() == 100);
  portfolio.feed(close("2026-03-02T15:01:00Z", "S3", "5.00"));
  CHECK(portfolio.visits() == 110);
  portfolio.feed(close("2026-03-02T15:02:00Z", "S42", "5.00"));  // no note on S42
  CHECK(portfolio.visits() == 110);
  portfolio.transitions.clear();
  portfolio.feed(close("2026-03-02T15:03:00Z", "S3", "30.00"));
  CHECK(portfolio.visits() == 120);
  // N0003, N0013, … N0093 are on S3; each is called, in load order.
  REQUIRE(portfolio.transitions.size() == 10);
  for (int i = 0; i < 10; ++i) {
    CHECK(portfolio.transitions[static_cast<std::size_t>(i)] ==
          fmt::format("2026-03-02T15:03:00Z N{:04d} Call pending->triggered", 3 + 10 * i));
  }
  CHECK(portfolio.engine.counters().events == 4);
}

TEST_CASE("a number parameter is indexed by value, whatever its decimals", "[filter index]") {
  Portfolio portfolio(rows(100));
  const auto fix = [](std::string_view ts, std::string_view code, std::string_view px) {
    return fmt::format(R"({{"type":"fix","ts":"{}","code":{},"px":"{}"}})", ts, code, px) + "\n";
  };
  portfolio.feed(fix("2026-03-02T15:00:00Z", "7", "1.00"));  // the day's first: every instance
  CHECK(portfolio.visits() == 100);
  // 1.5 is the notes' 1.50: N0001, N0005, … (25 of them); strikes 10, 11 and 12 USD.
  portfolio.feed(fix("2026-03-02T15:01:00Z", "1.5000", "11.00"));
  CHECK(portfolio.visits() == 125);
  std::vector<std::string> expected;
  for (int i = 1; i < 100; i += 4) {
    if (10 + i % 3 <= 11) {
      expected.push_back(fmt::format("2026-03-02T15:01:00Z N{:04d} Fixed pending->triggered", i));
    }
  }
  CHECK(portfolio.transitions == expected);
  portfolio.feed(fix("2026-03-02T15:02:00Z", "4.5", "99.00"));  // no note has code 4.50
  CHECK(portfolio.visits() == 125);
}

TEST_CASE("a contract whose filter is not one equality gets every event", "[filter index]") {
  constexpr const char* kWatch = R"(contract "Watch"
  timezone "America/New_York"

event close { symbol: text, px: USD }

metric pair_closes = count close where close.symbol == "S3" or close.symbol == "S4"
metric high_closes = count close where close.px > 20 USD

clause Pair
  tested at each close where close.symbol == "S3" or close.symbol == "S4"
  triggers when pair_closes >= 2

clause High
  tested at each close where close.px > 20 USD
  triggers when high_closes >= 1
)";
  Portfolio portfolio(rows(20), kWatch);
  portfolio.feed(close("2026-03-02T15:00:00Z", "S3", "5.00"));
  CHECK(portfolio.visits() == 21);
  portfolio.feed(close("2026-03-02T15:01:00Z", "S4", "5.00"));
  // S4's two notes and the watch.
  CHECK(portfolio.visits() == 24);
  CHECK(portfolio.transitions ==
        std::vector<std::string>{"2026-03-02T15:01:00Z Watch Pair pending->triggered"});
  portfolio.feed(close("2026-03-02T15:02:00Z", "S77", "25.00"));
  CHECK(portfolio.visits() == 25);
  CHECK(portfolio.transitions.back() == "2026-03-02T15:02:00Z Watch High pending->triggered");
}

TEST_CASE("a line without the filtered field reaches no instance, and the others get it",
          "[filter index]") {
  constexpr const char* kTape = R"(contract "Tape"
  timezone "America/New_York"

event close { px: USD }

metric closes = count close

clause Two
  tested at each close
  triggers when closes >= 2
)";
  Portfolio portfolio(rows(20), kTape);
  portfolio.feed(close("2026-03-02T15:00:00Z", "S3", "5.00"));
  CHECK(portfolio.visits() == 21);
  const std::string log = R"({"type":"close","ts":"2026-03-02T15:01:00Z","px":"50.00"})"
                          "\n";
  ReadOptions options;
  options.skip_bad_lines = true;
  ReadError error;
  auto reader = EventReader::from_text("log.jsonl", log, LogFormat::jsonl,
                                       portfolio.engine.schemas(), 0, options, error);
  REQUIRE(reader);
  Event event;
  REQUIRE(reader->next(event));
  portfolio.engine.feed(event);
  CHECK(portfolio.visits() == 22);  // the tape alone
  CHECK(portfolio.transitions ==
        std::vector<std::string>{"2026-03-02T15:01:00Z Tape Two pending->triggered"});
  CHECK_FALSE(reader->next(event));
}

TEST_CASE("the index answers as if every event visited every contract", "[filter index]") {
  const std::string log = feed_log();
  Portfolio indexed(rows(100));
  indexed.feed(log);
  // While coverage is recorded every event visits every contract: the index is not used.
  Portfolio everyone(rows(100));
  everyone.engine.enable_coverage();
  everyone.feed(log);
  CHECK(indexed.transitions == everyone.transitions);
  CHECK(indexed.transitions.size() > 50);
  // Notes of days without data come at the same events: the first of each day visits every
  // instance (to roll its windows) even when the index keeps the event from its filters.
  CHECK(indexed.notes == everyone.notes);
  CHECK_THAT(indexed.notes.front(),
             Catch::Contains("Note N0003: 2026-03-06 is a NYSE trading day without data"));
  CHECK(indexed.engine.metric_values().size() == everyone.engine.metric_values().size());
  for (std::size_t i = 0; i < indexed.engine.metric_values().size(); ++i) {
    CHECK(indexed.engine.metric_values()[i].value == everyone.engine.metric_values()[i].value);
  }
  CHECK(everyone.visits() == 100 * everyone.engine.counters().events);
  CHECK(indexed.visits() * 4 < everyone.visits());

  // One instance alone answers as it does among a hundred.
  Portfolio alone("note,issuer,strike,code\nN0013,S3,11.00,1.50\n");
  alone.feed(log);
  std::vector<std::string> n0013;
  for (const std::string& line : indexed.transitions) {
    if (line.find(" N0013 ") != std::string::npos) n0013.push_back(line);
  }
  CHECK_FALSE(n0013.empty());
  CHECK(alone.transitions == n0013);
}

}  // namespace proviso
