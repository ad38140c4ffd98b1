// `--worker K/N` in the library: the documented hash (FNV-1a 64), reading K/N, an engine that
// loads only its share of contracts and instances while declaring every event type, and the
// subjects a share's contracts need (run/share.hpp, run/subjects.hpp).
#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "run/engine.hpp"
#include "run/share.hpp"
#include "run/subjects.hpp"

namespace proviso {

namespace {

constexpr const char* kNote = R"(contract "Note"
  timezone "America/New_York"

parameters {
  key note: text
  issuer: text
  strike: USD
}

event close { symbol: text, px: USD }
event trade { symbol: text, px: USD, qty: number }
event rating { agency: text, grade: text }

metric last_close = latest close.px where symbol == issuer
metric traded     = sum trade.qty where trade.symbol == issuer or trade.symbol == "INDEX"
metric downgrades = count rating where grade == "junk"

clause Call
  tested at each close where symbol == issuer
  triggers when last_close >= strike and traded >= 0 and downgrades >= 0
)";

std::string rows(int count) {
  std::string text = "note,issuer,strike\n";
  for (int i = 0; i < count; ++i) text += fmt::format("N{:03d},S{},10\n", i, i % 5);
  return text;
}

std::string plain(const std::string& title, const std::string& symbol) {
  return fmt::format(R"(contract "{}"
  timezone "Europe/London"

event close {{ symbol: text, px: USD }}
let issuer = "{}"
metric last_px = latest close.px where symbol == issuer and px > 0 USD

clause Up
  triggers when last_px >= 10 USD
)",
                     title, symbol);
}

std::vector<std::string> subjects_of(const Engine& engine, const std::string& pattern) {
  std::string error;
  const auto parsed = parse_subject_template(pattern, error);
  REQUIRE(parsed);
  return needed_subjects(engine, *parsed);
}

}  // namespace

TEST_CASE("worker shares are FNV-1a 64 of the name, modulo N") {
  // The published FNV-1a 64 test vectors: the hash is the documented one, not std::hash.
  CHECK(share_hash("") == 0xcbf29ce484222325ULL);
  CHECK(share_hash("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(share_hash("foobar") == 0x85944171f73967e8ULL);
  CHECK(share_of("foobar", 3) == 0x85944171f73967e8ULL % 3 + 1);
  CHECK(share_of("anything", 1) == 1);
  CHECK(runs(WorkerShare{1, 1}, "anything"));
}

TEST_CASE("a worker share is read as K/N with 1 <= K <= N") {
  std::string error;
  CHECK(parse_worker_share("2/3", error) == WorkerShare{2, 3});
  CHECK(parse_worker_share("1/1", error) == WorkerShare{1, 1});
  for (const char* bad : {"0/3", "4/3", "3", "/3", "1/", "a/b", "1/3x", "-1/3", "1/0", ""}) {
    INFO(bad);
    error.clear();
    CHECK_FALSE(parse_worker_share(bad, error));
    CHECK(error.find("--worker") != std::string::npos);
  }
}

TEST_CASE("an engine with a share loads only its instances, and every share together all") {
  constexpr int kNotes = 40;
  std::vector<std::string> seen;
  for (std::uint32_t k = 1; k <= 3; ++k) {
    Engine engine;
    engine.set_share({k, 3});
    Diagnostics diagnostics;
    REQUIRE(engine.load_template("note.proviso", kNote, "notes.csv", rows(kNotes), diagnostics));
    CHECK(engine.contract_count() + engine.outside_share() == kNotes);
    for (std::size_t i = 0; i < engine.contract_count(); ++i) {
      CHECK(share_of(engine.instance_name(i), 3) == k);
      seen.push_back(engine.instance_name(i));
    }
    // Every event type stays declared, so the logs read alike on every worker.
    CHECK(engine.schemas().events.size() == 3);
  }
  std::sort(seen.begin(), seen.end());
  CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
  CHECK(seen.size() == kNotes);
}

TEST_CASE("a share that runs none of the contracts keeps the first one's time zone") {
  // --at and --until are read in the first contract's zone on every worker alike.
  const std::uint32_t london = share_of("London", 2);
  Engine engine;
  engine.set_share({london == 1 ? 2U : 1U, 2});
  Diagnostics diagnostics;
  REQUIRE(engine.load_text("london.proviso", plain("London", "L"), diagnostics));
  CHECK(engine.contract_count() == 0);
  CHECK(engine.outside_share() == 1);
  CHECK(engine.timezone() == "Europe/London");
}

TEST_CASE("the subjects a share needs follow its filters on the template's fields") {
  Engine engine;
  engine.set_share({1, 2});
  Diagnostics diagnostics;
  REQUIRE(engine.load_template("note.proviso", kNote, "notes.csv", rows(10), diagnostics));
  std::set<std::string> issuers;
  for (std::size_t i = 0; i < engine.contract_count(); ++i) {
    issuers.insert(*engine.parameter_text(i, "issuer"));
  }
  REQUIRE(!issuers.empty());
  std::vector<std::string> expected;
  for (const std::string& issuer : issuers) expected.push_back("ev.close." + issuer);
  expected.push_back("ev.rating._");  // a type without the field: `_` in its place
  for (const std::string& issuer : issuers) expected.push_back("ev.trade." + issuer);
  expected.push_back("ev.trade.INDEX");  // `or` adds the other value
  std::sort(expected.begin(), expected.end());
  CHECK(subjects_of(engine, "ev.{type}.{symbol}") == expected);
  // A field some use does not filter on: any value.
  CHECK(subjects_of(engine, "ev.{type}.{grade}") ==
        std::vector<std::string>{"ev.close._", "ev.rating.junk", "ev.trade._"});
  CHECK(subjects_of(engine, "ev.{type}.{agency}") ==
        std::vector<std::string>{"ev.close._", "ev.rating.*", "ev.trade._"});
}

TEST_CASE("a `let` of a text names the value, and a wider subject covers narrower ones") {
  Engine engine;
  Diagnostics diagnostics;
  REQUIRE(engine.load_text("a.proviso", plain("A", "AMD"), diagnostics));
  REQUIRE(engine.load_text("b.proviso", plain("B", "BRK.B"), diagnostics));
  // "BRK.B" cannot be one token: `*` there, which covers close.AMD too.
  CHECK(subjects_of(engine, "{type}.{symbol}") == std::vector<std::string>{"close.*"});
  Engine one;
  REQUIRE(one.load_text("a.proviso", plain("A", "AMD"), diagnostics));
  CHECK(subjects_of(one, "feed.{symbol}.{type}") == std::vector<std::string>{"feed.AMD.close"});
}

TEST_CASE("a subject template is words and placeholders") {
  std::string error;
  const auto parsed = parse_subject_template("events.{type}.{symbol}", error);
  REQUIRE(parsed);
  CHECK(parsed->subject("close", [](std::string_view field) -> std::optional<std::string> {
    if (field == "symbol") return "AMD";
    return std::nullopt;
  }) == "events.close.AMD");
  CHECK(parsed->subject("close", [](std::string_view) -> std::optional<std::string> {
    return "BRK.B";
  }) == "events.close._");
  for (const char* bad : {"events.*", "events..x", "events.{type", "events.{}", "a b", "x.>", ""}) {
    INFO(bad);
    CHECK_FALSE(parse_subject_template(bad, error));
  }
}

}  // namespace proviso
