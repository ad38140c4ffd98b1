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

// Contracts that declare one field differently: each reads the line by its own declaration.
const std::string kDollars = R"(contract "Dollars"
  timezone "UTC"
event sale { amount: USD }
metric sales = sum sale.amount
clause Million triggers when sales >= 1_000_000 USD
clause Two triggers when sales >= 2_000_000 USD
)";
const std::string kPounds = R"(contract "Pounds"
  timezone "UTC"
event sale { amount: GBP }
metric sales = sum sale.amount
clause Million triggers when sales >= 1_000_000 GBP
)";
const std::string kSales = R"({"ts":"2026-01-01T00:00:00Z","type":"sale","amount":600000}
{"ts":"2026-01-02T00:00:00Z","type":"sale","amount":"500000"}
{"ts":"2026-01-03T00:00:00Z","type":"sale","amount":1000000}
)";

// A number and a percentage: 0.97 is 0.97 for one and 97% for the other; "97%" only a percentage.
const std::string kRatio = R"(contract "Plain number"
  timezone "UTC"
event reading { level: number }
metric level = latest reading.level
clause High triggers when level >= 0.95
)";
const std::string kPercent = R"(contract "Percentage"
  timezone "UTC"
event reading { level: percentage }
metric level = latest reading.level
clause High triggers when level >= 95%
)";

TEST_CASE("Contracts that declare a shared field in different units replay together as alone",
          "[run][isolation][fields]") {
  const Folder folder;
  folder.write("dollars.proviso", kDollars);
  folder.write("pounds.proviso", kPounds);
  folder.write("sales.jsonl", kSales);
  folder.write("sales.csv",
               "ts,type,amount\n2026-01-01T00:00:00Z,sale,600000\n2026-01-02T00:00:00Z,sale,"
               "500000\n2026-01-03T00:00:00Z,sale,1000000\n");
  for (const std::string log : {"sales.jsonl", "sales.csv"}) {
    const CommandResult dollars = folder.run("run dollars.proviso " + log + " --format jsonl");
    const CommandResult pounds = folder.run("run pounds.proviso " + log + " --format jsonl");
    const CommandResult both =
        folder.run("run dollars.proviso pounds.proviso " + log + " --format jsonl");
    INFO(log << "\n" << dollars.output << "\n" << pounds.output << "\n" << both.output);
    REQUIRE(dollars.exit_code == 0);
    REQUIRE(pounds.exit_code == 0);
    REQUIRE(both.exit_code == 0);
    CHECK(lines_about(dollars.output, "Dollars").size() == 2);
    CHECK(contains(dollars.output, "\"value\":\"1,100,000 USD\""));
    CHECK(contains(pounds.output, "\"value\":\"1,100,000 GBP\""));
    CHECK(lines_about(both.output, "Dollars") == lines_about(dollars.output, "Dollars"));
    CHECK(lines_about(both.output, "Pounds") == lines_about(pounds.output, "Pounds"));
  }
  // The amount in each contract's own unit, in the order the contracts are loaded or the other.
  const CommandResult swapped =
      folder.run("run pounds.proviso dollars.proviso sales.jsonl --at 2026-01-04");
  INFO(swapped.output);
  CHECK(swapped.exit_code == 0);
  CHECK(contains(swapped.output, "Pounds  sales = 2,100,000 GBP"));
  CHECK(contains(swapped.output, "Dollars  sales = 2,100,000 USD"));
}

TEST_CASE("Contracts that declare a shared field with different scales read it by their own",
          "[engine][fields]") {
  Engine engine;
  Diagnostics diagnostics;
  REQUIRE(engine.load_text("mw.proviso", R"(contract "In MW"
  timezone "UTC"
event deploy { size: MW }
metric total = sum deploy.size
clause Big triggers when total >= 1 GW
)",
                           diagnostics));
  REQUIRE(engine.load_text("gw.proviso", R"(contract "In GW"
  timezone "UTC"
event deploy { size: GW }
metric total = sum deploy.size
clause Big triggers when total >= 1_000 GW
)",
                           diagnostics));
  INFO(render(diagnostics));
  const EventSchema& deploy = engine.schemas().events.at(*engine.schemas().find("deploy"));
  REQUIRE(deploy.fields.size() == 2);
  CHECK(deploy.field_of(0, "size") == 0u);
  CHECK(deploy.field_of(1, "size") == 1u);
  CHECK_FALSE(deploy.field_of(1, "mw"));
  std::vector<std::string> seen;
  engine.on_transition([&](const Transition& t) { seen.push_back(t.contract + " " + t.clause); });
  Diagnostics errors;
  // 600 is 600 MW for one and 600 GW for the other.
  REQUIRE(engine.feed_json(R"({"ts":"2026-01-01T00:00:00Z","type":"deploy","size":600}
)",
                           errors, "fed.jsonl"));
  CHECK(seen.empty());
  REQUIRE(engine.feed_json(R"({"ts":"2026-01-02T00:00:00Z","type":"deploy","size":500}
)",
                           errors, "fed.jsonl"));
  CHECK(seen == std::vector<std::string>{"In MW Big", "In GW Big"});
}

TEST_CASE("A value good for one declaration of a field and bad for another",
          "[run][isolation][fields]") {
  const Folder folder;
  folder.write("number.proviso", kRatio);
  folder.write("percent.proviso", kPercent);
  // Line 2 is a percentage, no plain number: bad for "Plain number" alone.
  folder.write("log.jsonl", R"({"ts":"2026-01-01T00:00:00Z","type":"reading","level":0.9}
{"ts":"2026-01-02T00:00:00Z","type":"reading","level":"97%"}
{"ts":"2026-01-03T00:00:00Z","type":"reading","level":0.96}
)");
  const CommandResult number =
      folder.run("run number.proviso log.jsonl --format jsonl --skip-bad-lines");
  const CommandResult percent = folder.run("run percent.proviso log.jsonl --format jsonl");
  INFO(number.output << "\n" << percent.output);
  REQUIRE(number.exit_code == 0);
  REQUIRE(percent.exit_code == 0);
  CHECK(contains(number.output,
                 "log.jsonl:2: error: reading event: field \"level\" must be a number, found "
                 "\"97%\"\n"));
  CHECK(contains(number.output, "\"line\":3"));
  CHECK(contains(percent.output, "\"line\":2"));
  CHECK(contains(percent.output, "\"value\":\"97%\""));

  SECTION("with --skip-bad-lines the line reaches the contract it is good for") {
    const CommandResult both =
        folder.run("run number.proviso percent.proviso log.jsonl --format jsonl --skip-bad-lines");
    INFO(both.output);
    REQUIRE(both.exit_code == 0);
    CHECK(lines_about(both.output, "Plain number") == lines_about(number.output, "Plain number"));
    CHECK(lines_about(both.output, "Percentage") == lines_about(percent.output, "Percentage"));
    CHECK(contains(both.output,
                   "log.jsonl:2: error: reading event: field \"level\" must be a number, found "
                   "\"97%\", which contract \"Plain number\" declares: skipped for contract "
                   "\"Plain number\" alone; contract \"Percentage\" received the line\n"));
  }
  SECTION("without it the line stops the replay, naming the contract it is bad for") {
    const CommandResult both = folder.run("run percent.proviso number.proviso log.jsonl");
    INFO(both.output);
    CHECK(both.exit_code == 3);
    CHECK(contains(both.output,
                   "log.jsonl:2: error: reading event: field \"level\" must be a number, found "
                   "\"97%\", which contract \"Plain number\" declares; with --skip-bad-lines "
                   "the line is skipped for contract \"Plain number\" alone\n"));
  }
  SECTION("a value bad for both is bad for everyone, as for one contract") {
    folder.write("bad.jsonl", R"({"ts":"2026-01-01T00:00:00Z","type":"reading","level":"high"}
)");
    const CommandResult both = folder.run("run number.proviso percent.proviso bad.jsonl");
    CHECK(both.exit_code == 3);
    CHECK(contains(both.output,
                   "bad.jsonl:1: error: reading event: field \"level\" must be a number, found "
                   "\"high\"\n"));
  }
}

TEST_CASE("A line skipped for a contract loaded after a template's instances skips only it",
          "[run][isolation][fields]") {
  // The template's two instances are one declarer of deploy; Sited, loaded after them, is the
  // next. A line without a site is withheld from Sited alone, never from an instance.
  const Folder folder;
  folder.write("sized.proviso", R"(contract "Sized"
  timezone "UTC"
parameters {
  key name: text
  target: GW
}
event deploy { gw: GW }
metric total = sum deploy.gw
clause Big triggers when total >= target
)");
  folder.write("rows.csv", "name,target\nsmall,1\nlarge,2\n");
  folder.write("log.jsonl", kMissingSite);
  const CommandResult alone =
      folder.run("run sized.proviso --instances rows.csv log.jsonl --format jsonl");
  const CommandResult both = folder.run(
      "run sized.proviso --instances rows.csv sited.proviso log.jsonl --format jsonl "
      "--skip-bad-lines");
  INFO(alone.output << "\n" << both.output);
  REQUIRE(alone.exit_code == 0);
  REQUIRE(both.exit_code == 0);
  CHECK(lines_about(alone.output, "Sized").size() == 2);
  CHECK(lines_about(both.output, "Sized") == lines_about(alone.output, "Sized"));
  CHECK(contains(both.output, "skipped for contract \"Sited\" alone"));
  // Sited counts three deployments, not four.
  CHECK(contains(both.output, "\"contract\":\"Sited\",\"clause\":\"Three\""));
  CHECK(contains(both.output, "\"line\":4"));
}

}  // namespace
}  // namespace proviso
