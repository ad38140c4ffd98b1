// Contracts that declare the same event type with different fields: each needs only its own
// fields, so a line without a field that one contract declares is bad for that contract alone,
// and the others' answers are the same as when they are replayed without it.
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

// Declares deploy { gw }.
const std::string kBasic = R"(contract "Basic"
  timezone "UTC"
event deploy { gw: GW }
metric total = sum deploy.gw
clause Big triggers when total >= 2 GW
)";

// Declares deploy { gw, site }.
const std::string kSited = R"(contract "Sited"
  timezone "UTC"
event deploy { gw: GW, site: text }
metric texas = sum deploy.gw where site == "TX"
metric sites = count deploy
clause Texas triggers when texas >= 1 GW
clause Three triggers when sites >= 3
)";

// Line 2 has no site: bad for Sited, good for Basic.
const std::string kMissingSite = R"({"ts":"2026-01-01T00:00:00Z","type":"deploy","gw":1,"site":"TX"}
{"ts":"2026-01-02T00:00:00Z","type":"deploy","gw":1}
{"ts":"2026-01-03T00:00:00Z","type":"deploy","gw":1,"site":"CA"}
{"ts":"2026-01-04T00:00:00Z","type":"deploy","gw":1,"site":"CA"}
)";

class Folder {
 public:
  Folder() : path_(fs::temp_directory_path() / fmt::format("proviso-fields-{}", ::getpid())) {
    fs::create_directories(path_);
    write("basic.proviso", kBasic);
    write("sited.proviso", kSited);
  }
  ~Folder() { fs::remove_all(path_); }
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
  }
  CommandResult run(const std::string& arguments) const { return run_proviso(arguments, path_); }

 private:
  fs::path path_;
};

// The lines of a JSON Lines replay about one contract.
std::vector<std::string> lines_about(const std::string& output, const std::string& title) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < output.size()) {
    std::size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    const std::string line = output.substr(start, end - start);
    if (line.find(fmt::format("\"contract\":\"{}\"", title)) != std::string::npos) {
      out.push_back(line);
    }
    start = end + 1;
  }
  return out;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("Contracts with different fields for one event type answer alone as together",
          "[run][isolation][fields]") {
  const Folder folder;
  // Every line carries every field: the same transitions alone and together.
  folder.write("full.jsonl", R"({"ts":"2026-01-01T00:00:00Z","type":"deploy","gw":1,"site":"TX"}
{"ts":"2026-01-02T00:00:00Z","type":"deploy","gw":1,"site":"CA"}
{"ts":"2026-01-03T00:00:00Z","type":"deploy","gw":1,"site":"CA"}
)");
  const CommandResult basic = folder.run("run basic.proviso full.jsonl --format jsonl");
  const CommandResult sited = folder.run("run sited.proviso full.jsonl --format jsonl");
  const CommandResult both =
      folder.run("run basic.proviso sited.proviso full.jsonl --format jsonl");
  INFO(basic.output << "\n" << sited.output << "\n" << both.output);
  REQUIRE(basic.exit_code == 0);
  REQUIRE(sited.exit_code == 0);
  REQUIRE(both.exit_code == 0);
  CHECK(lines_about(basic.output, "Basic").size() == 1);
  CHECK(lines_about(sited.output, "Sited").size() == 2);
  CHECK(lines_about(both.output, "Basic") == lines_about(basic.output, "Basic"));
  CHECK(lines_about(both.output, "Sited") == lines_about(sited.output, "Sited"));

  // A log written for Basic alone, without sites: Basic gets every line, with Sited beside it.
  folder.write("no_sites.jsonl", R"({"ts":"2026-01-01T00:00:00Z","type":"deploy","gw":1}
{"ts":"2026-01-02T00:00:00Z","type":"deploy","gw":1}
)");
  const CommandResult alone = folder.run("run basic.proviso no_sites.jsonl --format jsonl");
  const CommandResult together =
      folder.run("run basic.proviso sited.proviso no_sites.jsonl --format jsonl --skip-bad-lines");
  INFO(alone.output << "\n" << together.output);
  REQUIRE(alone.exit_code == 0);
  REQUIRE(together.exit_code == 0);
  CHECK(lines_about(alone.output, "Basic").size() == 1);
  CHECK(lines_about(together.output, "Basic") == lines_about(alone.output, "Basic"));
  CHECK(lines_about(together.output, "Sited").empty());
}

TEST_CASE("A line without a field only one contract declares is bad for that contract alone",
          "[run][isolation][fields]") {
  const Folder folder;
  folder.write("log.jsonl", kMissingSite);
  // Basic alone never needs the site: no bad line.
  const CommandResult basic = folder.run("run basic.proviso log.jsonl --format jsonl");
  REQUIRE(basic.exit_code == 0);
  CHECK_FALSE(contains(basic.output, "skipped"));
  const CommandResult sited =
      folder.run("run sited.proviso log.jsonl --format jsonl --skip-bad-lines");
  REQUIRE(sited.exit_code == 0);
  CHECK(contains(sited.output, "log.jsonl:2: error: missing field \"site\" of deploy event\n"));

  SECTION("without --skip-bad-lines the line stops the replay, naming the contract") {
    const CommandResult both = folder.run("run basic.proviso sited.proviso log.jsonl");
    INFO(both.output);
    CHECK(both.exit_code == 3);
    CHECK(contains(both.output,
                   "log.jsonl:2: error: missing field \"site\" of deploy event, which contract "
                   "\"Sited\" declares; with --skip-bad-lines the line is skipped for contract "
                   "\"Sited\" alone\n"));
    // Sited alone stops at the same line, with the plain message.
    const CommandResult alone = folder.run("run sited.proviso log.jsonl");
    CHECK(alone.exit_code == 3);
    CHECK(contains(alone.output, "log.jsonl:2: error: missing field \"site\" of deploy event\n"));
  }

  SECTION("with --skip-bad-lines each contract answers as alone, and the skip names it") {
    const CommandResult both =
        folder.run("run basic.proviso sited.proviso log.jsonl --format jsonl --skip-bad-lines");
    INFO(basic.output << "\n" << sited.output << "\n" << both.output);
    REQUIRE(both.exit_code == 0);
    // Basic counts line 2 (2 GW at 2026-01-02); Sited counts three deployments, not four.
    CHECK(contains(basic.output, "2026-01-02T00:00:00Z"));
    CHECK(lines_about(both.output, "Basic") == lines_about(basic.output, "Basic"));
    CHECK(lines_about(both.output, "Sited") == lines_about(sited.output, "Sited"));
    CHECK(contains(sited.output, "\"clause\":\"Three\""));
    CHECK(contains(sited.output, "\"line\":4"));
    CHECK(contains(both.output, "log.jsonl: skipped 1 bad line:\n"));
    CHECK(contains(both.output,
                   "log.jsonl:2: error: missing field \"site\" of deploy event, which contract "
                   "\"Sited\" declares: skipped for contract \"Sited\" alone; contract \"Basic\" "
                   "received the line\n"));
  }

  SECTION("--strict changes nothing: the type is declared") {
    const CommandResult both =
        folder.run("run basic.proviso sited.proviso log.jsonl --skip-bad-lines --strict");
    CHECK(both.exit_code == 0);
    CHECK(contains(both.output, "skipped for contract \"Sited\" alone"));
  }
}

TEST_CASE("Per-contract fields: wrong values, invalid JSON, a field everyone needs, CSV",
          "[run][fields]") {
  const Folder folder;
  SECTION("a value of the wrong kind in a field only one contract declares") {
    folder.write("log.jsonl", R"({"ts":"2026-01-01T00:00:00Z","type":"deploy","gw":2,"site":5}
)");
    const CommandResult both =
        folder.run("run basic.proviso sited.proviso log.jsonl --skip-bad-lines");
    INFO(both.output);
    CHECK(both.exit_code == 0);
    CHECK(contains(both.output, "Basic  Big  pending → triggered"));
    CHECK(contains(both.output,
                   "log.jsonl:1: error: deploy event: field \"site\" must be text, found 5, which "
                   "contract \"Sited\" declares: skipped for contract \"Sited\" alone"));
  }
  SECTION("a field both declare is bad for everyone: the message as for one contract") {
    folder.write("log.jsonl", R"({"ts":"2026-01-01T00:00:00Z","type":"deploy","site":"TX"}
)");
    const CommandResult both = folder.run("run basic.proviso sited.proviso log.jsonl");
    CHECK(both.exit_code == 3);
    CHECK(contains(both.output, "log.jsonl:1: error: missing field \"gw\" of deploy event\n"));
  }
  SECTION("a value that is not valid JSON is bad for everyone, whoever declares the field") {
    folder.write("log.jsonl",
                 R"({"ts":"2026-01-01T00:00:00Z","type":"deploy","gw":2,"site":{"a":1,"a":2}}
)");
    const CommandResult both = folder.run("run basic.proviso sited.proviso log.jsonl");
    INFO(both.output);
    CHECK(both.exit_code == 3);
    CHECK(contains(both.output, "log.jsonl:1: error: field \"site\": the key \"a\" appears twice"));
    CHECK_FALSE(contains(both.output, "triggered"));
  }
  SECTION("a CSV log without the column one contract declares") {
    folder.write("log.csv",
                 "ts,type,gw\n2026-01-01T00:00:00Z,deploy,1\n2026-01-02T00:00:00Z,deploy,1\n");
    const CommandResult alone = folder.run("run basic.proviso log.csv --format jsonl");
    const CommandResult both =
        folder.run("run basic.proviso sited.proviso log.csv --format jsonl --skip-bad-lines");
    INFO(alone.output << "\n" << both.output);
    REQUIRE(alone.exit_code == 0);
    REQUIRE(both.exit_code == 0);
    CHECK(lines_about(alone.output, "Basic").size() == 1);
    CHECK(lines_about(both.output, "Basic") == lines_about(alone.output, "Basic"));
    CHECK(contains(both.output, "log.csv: skipped 2 bad lines:\n"));
  }
}

TEST_CASE("The engine withholds an event from the contracts its line is bad for",
          "[engine][fields]") {
  Engine engine;
  Diagnostics diagnostics;
  REQUIRE(engine.load_text("basic.proviso", kBasic, diagnostics));
  REQUIRE(engine.load_text("sited.proviso", kSited, diagnostics));
  const EventSchema& deploy = engine.schemas().events.at(*engine.schemas().find("deploy"));
  REQUIRE(deploy.declared_by.size() == 2);
  CHECK(deploy.declared_by[0].title == "Basic");
  CHECK(deploy.declared_by[0].fields.size() == 1);
  CHECK(deploy.declared_by[1].fields.size() == 2);

  std::vector<std::string> seen;
  engine.on_transition([&](const Transition& t) { seen.push_back(t.contract + " " + t.clause); });
  // feed_json reads as a log without --skip-bad-lines: the bad line stops it, naming Sited.
  Diagnostics errors;
  CHECK_FALSE(engine.feed_json(kMissingSite, errors, "fed.jsonl"));
  REQUIRE(errors.size() == 1);
  CHECK(contains(errors[0].message, "which contract \"Sited\" declares"));
  CHECK(seen == std::vector<std::string>{"Sited Texas"});

  // A host that feeds events itself can withhold one from a contract (by load order).
  Event event = testing::make_event(engine, "deploy", "2026-01-05T00:00:00Z",
                                    {{"gw", "1"}, {"site", "CA"}}, 5);
  event.withheld = {1};
  engine.feed(event);
  CHECK(seen == std::vector<std::string>{"Sited Texas", "Basic Big"});
  event.withheld.clear();
  for (int day = 1; day <= 2; ++day) {
    event.ts.micros += kMicrosPerDay;
    engine.feed(event);
  }
  // Sited counted line 1 and the last two: three deployments.
  CHECK(seen == std::vector<std::string>{"Sited Texas", "Basic Big", "Sited Three"});
}

}  // namespace
}  // namespace proviso
