// Template contracts and their instances through the embedding API: one plan shared by every
// instance, instances named in transitions, bad rows found before any event, `tested at each`
// and windows that start at a parameter's date.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "plan/print_plan.hpp"
#include "run/engine.hpp"

namespace proviso {

namespace {

constexpr const char* kNote = R"(contract "Note"
  timezone "America/New_York"
  calendar NYSE

parameters {
  key note: text
  issuer: text
  strike: USD
  issue_date: date
}

event close { symbol: text, px: USD }
event trade { symbol: text, px: USD, qty: number }

metric last_close = latest close.px where symbol == issuer
metric traded     = sum trade.qty where symbol == issuer over the last 5 trading days since issue_date

clause Call
  tested at each close where symbol == issuer
  triggers when last_close >= strike

clause Busy
  triggers when traded >= 100
)";

std::string rows(int count) {
  std::string text = "note,issuer,strike,issue_date\n";
  for (int i = 0; i < count; ++i) {
    text += fmt::format("N{:04d},S{},{}.50,2026-03-0{}\n", i, i % 7, 10 + i % 5, 2 + i % 3);
  }
  return text;
}

struct Loaded {
  Engine engine;
  Diagnostics diagnostics;
  std::vector<Transition> transitions;
  bool ok = false;

  Loaded(const std::string& instances, const std::string& name = "notes.csv") {
    ok = engine.load_template("note.proviso", kNote, name, instances, diagnostics);
    engine.on_transition([this](const Transition& t) { transitions.push_back(t); });
  }
  void feed(const std::string& lines) {
    Diagnostics fed;
    const bool good = engine.feed_json(lines, fed, "log.jsonl");
    INFO(render(fed));
    REQUIRE(good);
  }
};

}  // namespace

TEST_CASE("a template's instances share one compiled plan", "[templates]") {
  Loaded loaded(rows(2000));
  INFO(render(loaded.diagnostics));
  REQUIRE(loaded.ok);
  REQUIRE(loaded.engine.contract_count() == 2000);
  CHECK(&loaded.engine.plan(0) == &loaded.engine.plan(1999));
  CHECK(&loaded.engine.contract(0) == &loaded.engine.contract(1999));
  CHECK(loaded.engine.instance_index("N1234") == std::optional<std::size_t>(1234));
  CHECK(loaded.engine.instance_name(7) == "N0007");
  CHECK_FALSE(loaded.engine.instance_index("N2000"));
}

TEST_CASE("each instance reads its own parameters, and transitions name it", "[templates]") {
  Loaded loaded(
      "note,issuer,strike,issue_date\nA,ACME,10.00,2026-03-02\nB,ACME,11.00,2026-03-02\n"
      "C,BETA,10.00,2026-03-02\n");
  REQUIRE(loaded.ok);
  loaded.feed(R"({"ts":"2026-03-02T21:00:00Z","type":"close","symbol":"ACME","px":"10.50"})"
              "\n"
              R"({"ts":"2026-03-02T21:00:00Z","type":"close","symbol":"BETA","px":"9"})"
              "\n");
  REQUIRE(loaded.transitions.size() == 1);
  CHECK(loaded.transitions[0].instance == "A");
  CHECK(loaded.transitions[0].clause == "Call");
  for (const ClauseStatus& status : loaded.engine.clause_states()) {
    if (status.clause != "Call") continue;
    CHECK(status.state == (status.instance == "A" ? "triggered" : "pending"));
  }
}

TEST_CASE("a clause tested at each close is not met between closes", "[templates]") {
  // The trade moves no metric Call reads, but Busy's; Call waits for its symbol's close.
  Loaded loaded("note,issuer,strike,issue_date\nA,ACME,10.00,2026-03-02\n");
  REQUIRE(loaded.ok);
  loaded.feed(R"({"ts":"2026-03-02T21:00:00Z","type":"close","symbol":"ACME","px":"9.00"})"
              "\n"
              R"({"ts":"2026-03-03T15:00:00Z","type":"close","symbol":"BETA","px":"12.00"})"
              "\n");
  CHECK(loaded.transitions.empty());
  loaded.feed(R"({"ts":"2026-03-03T21:00:00Z","type":"close","symbol":"ACME","px":"10.00"})"
              "\n");
  REQUIRE(loaded.transitions.size() == 1);
  CHECK(format_utc(loaded.transitions[0].ts) == "2026-03-03T21:00:00Z");
}

TEST_CASE("a metric window since a parameter's date leaves out earlier days", "[templates]") {
  Loaded loaded(
      "note,issuer,strike,issue_date\nA,ACME,10.00,2026-03-04\nB,ACME,10.00,2026-03-02\n");
  REQUIRE(loaded.ok);
  loaded.feed(R"({"ts":"2026-03-03T15:00:00Z","type":"trade","symbol":"ACME","px":"10","qty":60})"
              "\n"
              R"({"ts":"2026-03-04T15:00:00Z","type":"trade","symbol":"ACME","px":"10","qty":60})"
              "\n");
  // B counts both days' trades; A's window starts on its issue date, 03-04.
  REQUIRE(loaded.transitions.size() == 1);
  CHECK(loaded.transitions[0].instance == "B");
  CHECK(loaded.transitions[0].clause == "Busy");
}

// `strike / divisor` uses parameters only: it folds into one step of the shared plan, and each
// instance works its own value out once (plan/fold.cpp). A division by zero there behaves as it
// would unfolded: unknown behind a guard (one note), an error when the answer hangs on it, and
// again at every later use.
TEST_CASE("parts made of parameters alone are worked out once per instance", "[templates]") {
  constexpr const char* kShare = R"(contract "Share"
  timezone "UTC"

parameters {
  key name: text
  strike: USD
  divisor: number
}

event close { px: USD }

metric last_close = latest close.px

clause Guarded
  triggers when divisor > 0 and last_close >= strike / divisor
)";
  Engine engine;
  Diagnostics diagnostics;
  REQUIRE(engine.load_template("share.proviso", kShare, "shares.csv",
                               "name,strike,divisor\nA,10,2\nB,10,1\nC,10,0\n", diagnostics));
  CHECK_THAT(print_plan(engine.plan(0), engine.schemas()),
             Catch::Contains("folded 0\n") && Catch::Contains("folded 0, once per instance:\n"
                                                              "    0: parameter strike\n"
                                                              "    1: parameter divisor\n"
                                                              "    2: divide number number\n"));
  std::vector<std::string> met;
  std::vector<std::string> notes;
  engine.on_transition([&](const Transition& t) { met.push_back(t.instance); });
  engine.on_note([&](const std::string& note) { notes.push_back(note); });
  const auto close = [&](const char* ts, const char* px) {
    Diagnostics fed;
    REQUIRE(engine.feed_json(
        fmt::format(R"({{"ts":"{}","type":"close","px":"{}"}})", ts, px) + "\n", fed, "log.jsonl"));
  };
  close("2026-03-02T21:00:00Z", "7");
  CHECK(met == std::vector<std::string>{"A"});
  close("2026-03-03T21:00:00Z", "12");
  CHECK(met == std::vector<std::string>{"A", "B"});
  CHECK(notes == std::vector<std::string>{
                     "Share: division by zero: divisor is 0 in strike / divisor (line 15); that "
                     "comparison is unknown, and the condition is decided without it"});

  Engine unguarded;
  REQUIRE(unguarded.load_template(
      "share.proviso",
      std::string(kShare).replace(std::string(kShare).find("divisor > 0 and "), 16, ""),
      "shares.csv", "name,strike,divisor\nA,10,0\n", diagnostics));
  for (const char* ts : {"2026-03-02T21:00:00Z", "2026-03-03T21:00:00Z"}) {
    Diagnostics fed;
    try {
      unguarded.feed_json(fmt::format(R"({{"ts":"{}","type":"close","px":"7"}})", ts) + "\n", fed,
                          "log.jsonl");
      FAIL("the replay went on");
    } catch (const RuntimeError& failure) {
      CHECK(failure.diagnostic().message == "division by zero: divisor is 0");
    }
  }
}

TEST_CASE("a bad instances row is an error at its line and column, before any event",
          "[templates]") {
  auto error_of = [](const std::string& text, const std::string& name = "notes.csv") {
    Loaded loaded(text, name);
    CHECK_FALSE(loaded.ok);
    CHECK(loaded.engine.contract_count() == 0);
    REQUIRE(loaded.diagnostics.size() == 1);
    return render(loaded.diagnostics.front());
  };
  CHECK_THAT(error_of("note,issuer,strike\nA,ACME,10.00\n"),
             Catch::StartsWith("notes.csv:1:1: error: the header has no column issue_date"));
  CHECK_THAT(error_of("note,issuer,strike,issue_date\nA,ACME,ten,2026-03-02\n"),
             Catch::StartsWith("notes.csv:2:8: error: column strike must be an amount in USD"));
  CHECK_THAT(
      error_of("note,issuer,strike,issue_date\nA,ACME,10,2026-03-02\nA,BETA,11,2026-03-02\n"),
      Catch::StartsWith("notes.csv:3:1: error: duplicate key \"A\": line 2 already"));
  CHECK_THAT(error_of(R"({"note":"A","issuer":"ACME","strike":"10","issue_date":"2026-13-01"})"
                      "\n",
                      "notes.jsonl"),
             Catch::StartsWith("notes.jsonl:1:43: error: column issue_date must be a date"));
  CHECK_THAT(error_of(R"({"note":"A","issuer":"ACME","strike":"10"})"
                      "\n",
                      "notes.jsonl"),
             Catch::Contains("this row has no column issue_date"));
}

TEST_CASE("a template needs its instances, and a plain contract has none", "[templates]") {
  Engine engine;
  Diagnostics diagnostics;
  CHECK_FALSE(engine.load_text("note.proviso", kNote, diagnostics));
  REQUIRE_FALSE(diagnostics.empty());
  CHECK_THAT(diagnostics.front().message, Catch::Contains("is a template"));
  diagnostics.clear();
  CHECK_FALSE(engine.load_template("plain.proviso",
                                   "contract \"Plain\"\nevent e { x: number }\nmetric m = sum e.x\n"
                                   "clause C triggers when m > 1\n",
                                   "rows.csv", "a\n1\n", diagnostics));
  REQUIRE_FALSE(diagnostics.empty());
  CHECK_THAT(diagnostics.front().message, Catch::Contains("declares no parameters"));
}

}  // namespace proviso
