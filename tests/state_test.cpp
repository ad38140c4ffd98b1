// Saved states: the envelope (format line, checksum), the fingerprint of the contract they
// were saved with, and every number checked against the loaded contract. The bad inputs are
// files in tests/state/, each once an input that crashed or corrupted a resume.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <sstream>

#include "run/engine.hpp"
#include "run/state_file.hpp"
#include "tests/support.hpp"

namespace proviso::testing {

namespace {

void write_file_for_test(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::filesystem::path state_dir() {
  return source_dir() / "tests/state";
}

std::unique_ptr<Engine> load(const std::string& contract_text) {
  auto engine = std::make_unique<Engine>();
  Diagnostics diagnostics;
  const bool loaded = engine->load_text("test.proviso", contract_text, diagnostics);
  INFO(render(diagnostics));
  REQUIRE(loaded);
  return engine;
}

std::unique_ptr<Engine> load_file(const std::string& name) {
  return load(read_file(state_dir() / name));
}

// A closing price of ACME, as tests/state/streak.proviso declares it.
void close(Engine& engine, std::string_view date, std::string_view px, std::uint64_t line) {
  engine.feed(make_event(engine, "close", fmt::format("{}T21:00:00Z", date),
                         {{"symbol", "ACME"}, {"px", std::string(px)}}, line));
}

// The state of streak.proviso after two weeks of closes.
std::string two_weeks_state(Engine& engine) {
  std::uint64_t line = 0;
  for (const char* date : {"2026-02-02", "2026-02-03", "2026-02-04", "2026-02-05", "2026-02-06",
                           "2026-02-09", "2026-02-10", "2026-02-11", "2026-02-12"}) {
    ++line;
    close(engine, date, line % 3 == 1 ? "9.5" : "11", line);
  }
  return engine.save_state();
}

// "restored", or the diagnostic as `line N: message`.
std::string restore_error(Engine& engine, std::string_view state) {
  Diagnostics diagnostics;
  if (engine.restore_state(state, diagnostics)) return "restored";
  REQUIRE(diagnostics.size() == 1);
  const Diagnostic& refused = diagnostics.front();
  return fmt::format("line {}: {}", refused.span.line, refused.message);
}

// `state` with the fingerprint lines `engine` would write and a new checksum: the state
// then passes the fingerprint check whatever the plan printer prints today, so that the
// check under test is the one that refuses it.
std::string with_current_fingerprint(const Engine& engine, const std::string& state) {
  std::vector<std::string> fresh;
  std::istringstream current(engine.save_state());
  for (std::string line; std::getline(current, line);) {
    if (line.starts_with("plan ") || line.starts_with("part ")) fresh.push_back(line);
  }
  std::string body;
  std::istringstream lines(state);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("plan ") || line.starts_with("part ") || line.starts_with("crc64 ")) {
      continue;
    }
    body += line + "\n";
    if (line.starts_with("contract ")) {
      for (const std::string& plan : fresh) body += plan + "\n";
    }
  }
  return seal_state(body);
}

}  // namespace

TEST_CASE("the state checksum is CRC-64/XZ", "[state]") {
  CHECK(state_checksum("123456789") == 0x995DC9BBDF1939FAULL);  // the algorithm's check value
  CHECK(state_checksum("") == 0);
}

TEST_CASE("a saved state restores to the same state", "[state]") {
  auto first = load_file("streak.proviso");
  const std::string saved = two_weeks_state(*first);
  CHECK(saved.starts_with(fmt::format("proviso-state {}\n", kStateFormatVersion)));
  CHECK(saved.find("\ncrc64 ") == saved.rfind('\n', saved.size() - 2));
  auto second = load_file("streak.proviso");
  CHECK(restore_error(*second, saved) == "restored");
  CHECK(second->save_state() == saved);
}

TEST_CASE("a torn, edited or foreign state is refused with its reason", "[state]") {
  auto engine = load_file("streak.proviso");
  const std::string saved = two_weeks_state(*engine);
  auto fresh = load_file("streak.proviso");
  const std::string before = fresh->save_state();

  SECTION("every cut-short prefix") {
    for (std::size_t length = 0; length < saved.size(); ++length) {
      INFO("the first " << length << " bytes");
      const std::string error = restore_error(*fresh, saved.substr(0, length));
      CHECK(error != "restored");
      if (length >= 16) CHECK_THAT(error, Catch::Contains("checksum"));
    }
  }
  SECTION("a changed byte") {
    std::string edited = saved;
    edited[edited.find("window ") + 7] ^= 1;
    CHECK_THAT(restore_error(*fresh, edited),
               Catch::Contains("its checksum does not match its content"));
  }
  SECTION("a file that is not a state") {
    CHECK_THAT(restore_error(*fresh, "{\"ts\": \"2026-01-01T00:00:00Z\"}\n"),
               Catch::Contains("not a state saved by proviso"));
    CHECK_THAT(restore_error(*fresh, ""), Catch::Contains("not a state saved by proviso"));
  }
  SECTION("a state of an older format") {
    const std::string old = "proviso-state 2\nclock -\ncontract 6:Streak 2 1 3 0 0\nend\n";
    CHECK_THAT(restore_error(*fresh, old),
               Catch::Contains("saved in state format 2, and this proviso reads format 4"));
    // Format 3 kept no amounts per period: its numbers would be read as other ones.
    std::string three = saved;
    three.replace(0, three.find('\n'), "proviso-state 3");
    CHECK_THAT(restore_error(*fresh, three),
               Catch::Contains("saved in state format 3, and this proviso reads format 4"));
  }
  // A refused state leaves the engine as it was.
  CHECK(fresh->save_state() == before);
}

TEST_CASE("resuming with an edited contract says what changed", "[state]") {
  const std::string contract = read_file(state_dir() / "streak.proviso");
  auto engine = load(contract);
  const std::string saved = two_weeks_state(*engine);
  const auto edited = [&](const std::string& from, const std::string& to) {
    const std::size_t at = contract.find(from);
    REQUIRE(at != std::string::npos);
    std::string text = contract;
    text.replace(at, from.size(), to);
    auto resumed = load(text);
    return restore_error(*resumed, saved);
  };
  CHECK(edited("least 20 of the last 30", "least 2 of the last 3") ==
        "line 14: this is not a saved state of these contracts: the contract \"Streak\" has "
        "changed since "
        "the state was saved: a threshold or constant of clause Streak changed; resume with the "
        "contract as it was, or replay the logs from the start");
  CHECK_THAT(edited("px >= 12 USD", "px >= 13 USD"),
             Catch::Contains("a threshold or constant of clause Warrant changed"));
  CHECK_THAT(edited("2026-06-30", "2026-07-31"),
             Catch::Contains("a threshold or constant of clause Warrant changed"));
  CHECK_THAT(edited("over the last 3 events", "over the last 4 events"),
             Catch::Contains("a threshold or constant of metric low3 changed"));
  CHECK_THAT(edited("low3 >= 5 USD", "low3 > 5 USD"),
             Catch::Contains("the structure of clause Floor changed"));
  CHECK_THAT(edited("holds while low3 >= 5 USD", "holds while low3 >= 5 USD and px >= 1 USD"),
             Catch::Contains("the structure of clause Floor changed"));
  CHECK_THAT(edited("clause Floor", "clause Bottom"),
             Catch::Contains("clause Floor was removed; clause Bottom was added"));
  CHECK_THAT(edited("calendar NYSE", "calendar NYSE\n  effective 2026-01-05"),
             Catch::Contains("the effective date changed"));
  CHECK_THAT(edited("\"America/New_York\"", "\"Europe/London\""),
             Catch::Contains("the time zone changed"));
  const std::size_t floor = contract.find("clause Floor");
  std::string reordered = contract.substr(0, floor);
  reordered.insert(reordered.find("clause Streak"), contract.substr(floor) + "\n");
  auto resumed = load(reordered);
  CHECK_THAT(restore_error(*resumed, saved),
             Catch::Contains("its clauses or metrics were reordered"));
  // Comments and layout are not the contract.
  CHECK(edited("-- The contract", "--   The contract") == "restored");
}

TEST_CASE("a state resumes only with its contracts, in their order", "[state]") {
  const std::string streak = read_file(state_dir() / "streak.proviso");
  const std::string other = R"(
contract "Other"
event close { symbol: text, px: USD }
metric px = latest close.px
clause High "At 20 USD"
  triggers when px >= 20 USD
)";
  const auto both = [&](const std::string& first, const std::string& second) {
    auto engine = std::make_unique<Engine>();
    Diagnostics diagnostics;
    REQUIRE(engine->load_text("first.proviso", first, diagnostics));
    REQUIRE(engine->load_text("second.proviso", second, diagnostics));
    return engine;
  };
  auto saved_with = both(streak, other);
  const std::string saved = two_weeks_state(*saved_with);
  CHECK(restore_error(*both(streak, other), saved) == "restored");
  CHECK(restore_error(*both(other, streak), saved) ==
        "line 4: this is not a saved state of these contracts: it was saved with the contract "
        "\"Streak\", and \"Other\" is loaded");
  CHECK(restore_error(*load(streak), saved) ==
        "line 3: this is not a saved state of these contracts: it was saved with 2 contracts, "
        "and 1 contract is loaded");
  // The diagnostic points into the state text, at the line that was refused.
  auto engine = both(other, streak);
  Diagnostics diagnostics;
  CHECK_FALSE(engine->restore_state(saved, diagnostics, "saved.state"));
  REQUIRE(diagnostics.size() == 1);
  const Span& at = diagnostics.front().span;
  REQUIRE(at.file != nullptr);
  CHECK(at.file->name == "saved.state");
  CHECK(at.line == 4);
  CHECK(at.column == 1);
  CHECK(at.text().starts_with("contract 6:Streak"));
  CHECK(
      render(diagnostics.front()).starts_with("saved.state:4:1: error: this is not a saved state"));
}

// A VWAP over trading days keeps one entry a day, holding the day's Σ price × weight in memory;
// its state holds the day's VWAP and weight, as states always have, and resumes to the same
// answers as a replay that never stopped.
TEST_CASE("a VWAP window's state holds each day's VWAP and resumes exactly", "[state]") {
  const std::string contract = R"(contract "VWAP"
  timezone "America/New_York"
  calendar NYSE
event trade { px: USD, qty: shares }
metric avg = vwap trade.px weighted by qty over the last 2 trading days
clause Low triggers when avg < 50 USD
)";
  auto trade = [](Engine& engine, const char* ts, const char* px, const char* qty,
                  std::uint64_t line) {
    engine.feed(make_event(engine, "trade", ts, {{"px", px}, {"qty", qty}}, line));
  };
  auto first_day = [&](Engine& engine) {
    trade(engine, "2026-03-02T15:00:00Z", "100", "10", 1);
    trade(engine, "2026-03-02T16:00:00Z", "60", "30", 2);
  };
  auto later_days = [&](Engine& engine) {
    std::vector<std::string> met;
    engine.on_transition([&](const Transition& t) {
      met.push_back(fmt::format("{} {} {}", format_utc(t.ts), t.clause, t.to.name));
    });
    trade(engine, "2026-03-03T15:00:00Z", "40", "60", 3);   // (2800 + 2400) / 100 = 52
    trade(engine, "2026-03-04T15:00:00Z", "30", "100", 4);  // (2400 + 3000) / 160 = 33.75
    return met;
  };
  auto straight = load(contract);
  first_day(*straight);
  const std::string saved = straight->save_state();
  // Day 1: 10 at 100 and 30 at 60, one entry (and no extremes): VWAP 70 on 40 shares.
  CHECK_THAT(saved, Catch::Contains(" 70/1 40/1 0\n"));
  auto resumed = load(contract);
  REQUIRE(restore_error(*resumed, saved) == "restored");
  CHECK(resumed->save_state() == saved);
  const auto expected = later_days(*straight);
  CHECK(expected == std::vector<std::string>{"2026-03-04T15:00:00Z Low triggered"});
  CHECK(later_days(*resumed) == expected);
  CHECK(resumed->save_state() == straight->save_state());
}

TEST_CASE("every number of a state is checked against the loaded contract", "[state]") {
  // Each file is a state of streak.proviso with one number made impossible; restored as it
  // is, it wrote past a buffer, crashed or corrupted the heap before these checks.
  struct Case {
    const char* file;
    const char* contract;
    const char* error;
  };
  const std::vector<Case> cases = {
      {"window_longer_than_contract.state", "streak.proviso",
       "line 17: the number of days in day window 0 (20 of the last 30) is 40, outside 0..30"},
      {"window_bits_not_samples.state", "streak.proviso",
       "line 17: day window 0's samples '01101x0110' are not 0s and 1s"},
      {"saved_with_20_of_30.state", "streak_short.proviso",
       "line 17: the number of days in day window 0 (2 of the last 3) is 30, outside 0..3"},
      {"clause_stage_out_of_range.state", "streak.proviso",
       "line 21: the stage of clause Warrant is 7, outside 0..2"},
      {"timer_contract_out_of_range.state", "streak.proviso",
       "line 23: a timer's contract is 5, outside 0..0"},
      {"timer_clause_out_of_range.state", "streak.proviso",
       "line 23: a timer's clause is 9, and contract 0 has 3 clauses"},
      {"metric_window_longer_than_contract.state", "streak.proviso",
       "line 15: the number of values in the window of metric low3 is 5, outside 0..3"},
      {"zero_denominator.state", "streak.proviso", "line 15: a sum is '63/0', not an exact number"},
      {"clock_out_of_range.state", "streak.proviso",
       "line 2: the clock is 253402318800000000 microseconds after 1970, outside the supported "
       "dates 1400-01-01 to 9999-12-31"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.file) {
      auto engine = load_file(c.contract);
      const std::string before = engine->save_state();
      const std::string state = with_current_fingerprint(*engine, read_file(state_dir() / c.file));
      const std::string_view error = c.error;  // "line N: why"
      const std::size_t colon = error.find(": ");
      CHECK(restore_error(*engine, state) ==
            fmt::format("{}: this is not a saved state of these contracts: {}",
                        error.substr(0, colon), error.substr(colon + 2)));
      CHECK(engine->save_state() == before);
    }
  }
}

TEST_CASE("proviso run refuses a state saved with another contract", "[state][cli]") {
  // As saved: the fingerprint, checked first, names the edit.
  const CommandResult result = run_proviso(
      "run tests/state/streak_short.proviso tests/state/streak_long.jsonl "
      "--resume tests/state/saved_with_20_of_30.state");
  CHECK(result.exit_code == 2);
  CHECK(result.output ==
        "proviso run: tests/state/saved_with_20_of_30.state:14: this is not a saved state of these "
        "contracts: the contract \"Streak\" has changed since the state was saved: a threshold or "
        "constant of clause Streak changed; resume with the contract as it was, or replay the "
        "logs from the start\n");
}

TEST_CASE("proviso run --save-state that cannot write exits 1 and leaves no temporary file",
          "[state][cli]") {
  const auto folder = std::filesystem::temp_directory_path() /
                      fmt::format("proviso-state-test-{}", std::random_device{}());
  std::filesystem::create_directories(folder / "a folder");
  const std::string run = "run tests/state/streak.proviso tests/state/streak_1.jsonl --save-state ";
  SECTION("a folder that does not exist") {
    const auto target = folder / "missing" / "s.state";
    const CommandResult result = run_proviso(fmt::format("{}'{}'", run, target.string()));
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.output, Catch::Contains(fmt::format(
                                  "proviso run: cannot save the state: cannot create {}.tmp: No "
                                  "such file or directory",
                                  target.string())));
  }
  SECTION("a name taken by a folder") {
    const auto target = folder / "a folder";
    const CommandResult result = run_proviso(fmt::format("{}'{}'", run, target.string()));
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.output, Catch::Contains("cannot save the state: cannot rename"));
    CHECK(std::filesystem::is_directory(target));
  }
  SECTION("a temporary file left by a killed save, even a link, is replaced, not written to") {
    write_file_for_test(folder / "elsewhere", "keep me\n");
    std::filesystem::create_symlink(folder / "elsewhere", folder / "s.state.tmp");
    const CommandResult result =
        run_proviso(fmt::format("{}'{}'", run, (folder / "s.state").string()));
    CHECK(result.exit_code == 0);
    CHECK(read_file(folder / "elsewhere") == "keep me\n");
    CHECK(read_file(folder / "s.state").starts_with("proviso-state 4\n"));
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
    CHECK(entry.path().extension() != ".tmp");
  }
  std::filesystem::remove_all(folder);
}

}  // namespace proviso::testing
