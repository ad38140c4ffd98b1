// Everything `check` accepts runs, and nothing aborts: every contract the project ships or
// shows — the ```proviso examples of docs/*.md and README.md (fragments after the reference's
// preamble), every contract under tests/golden/, contracts/ and bench/ — goes through
// `proviso run`, `proviso test` and `proviso explain`. None may die of a signal, exit with an
// unknown code or print "internal error"; one that checks clean must run, with an empty log
// and with the log beside it when it has one (a ```events block, or NAME.jsonl / logs/NAME.jsonl).
#include <unistd.h>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/value.hpp"
#include "check/load.hpp"
#include "tests/support.hpp"

namespace proviso::testing {

namespace {

namespace fs = std::filesystem;

/// A contract to run: where it comes from (for messages), its text and, if it has one, the
/// text of the log that goes with it.
struct Subject {
  std::string where;  // for a file, its path from the source folder
  std::string text;
  std::optional<std::string> log;
  bool is_file = false;  // `proviso test` then runs on the file itself, with its test files
};

// A folder of its own for the files the commands read, removed when the test program ends.
const fs::path& work_folder() {
  struct Folder {
    fs::path path = fs::temp_directory_path() / fmt::format("proviso-everything-{}", ::getpid());
    Folder() { fs::create_directories(path); }
    ~Folder() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  };
  static const Folder folder;
  return folder.path;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.good()) throw std::runtime_error("cannot write " + path.string());
}

std::vector<Subject> docs_examples() {
  std::vector<fs::path> documents = files_with_extension(source_dir() / "docs", ".md");
  documents.push_back(source_dir() / "README.md");
  std::vector<Subject> subjects;
  for (const fs::path& document : documents) {
    const auto blocks = markdown_blocks(read_file(document));
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      if (blocks[i].info != "proviso" && blocks[i].info != "proviso-warning") continue;
      Subject subject;
      subject.where =
          fmt::format("{} line {}", fs::relative(document, source_dir()).string(), blocks[i].line);
      subject.text = is_whole_contract(blocks[i].text) ? blocks[i].text
                                                       : docs_preamble() + "\n" + blocks[i].text;
      if (i + 1 < blocks.size() && blocks[i + 1].info == "events") subject.log = blocks[i + 1].text;
      subjects.push_back(std::move(subject));
    }
  }
  return subjects;
}

// The contracts of a folder (not test files), each with NAME.jsonl beside it or in logs/.
std::vector<Subject> folder_contracts(const fs::path& folder) {
  std::vector<Subject> subjects;
  for (const fs::path& path : files_with_extension(folder, ".proviso")) {
    if (path.stem().extension() == ".test") continue;
    Subject subject{fs::relative(path, source_dir()).string(), read_file(path), std::nullopt, true};
    for (const fs::path& log : {folder / (path.stem().string() + ".jsonl"),
                                folder / "logs" / (path.stem().string() + ".jsonl")}) {
      if (fs::exists(log)) subject.log = read_file(log);
    }
    subjects.push_back(std::move(subject));
  }
  return subjects;
}

std::vector<Subject> every_contract() {
  std::vector<Subject> subjects = docs_examples();
  std::vector<fs::path> folders{source_dir() / "contracts", source_dir() / "bench"};
  for (const auto& entry : fs::directory_iterator(source_dir() / "tests" / "golden")) {
    if (entry.is_directory()) folders.push_back(entry.path());
  }
  std::sort(folders.begin(), folders.end());
  for (const fs::path& folder : folders) {
    for (Subject& subject : folder_contracts(folder)) subjects.push_back(std::move(subject));
  }
  return subjects;
}

// The exit codes the command documents: 0 ok, 1 contract errors, 2 usage, 3 bad event data,
// 4 a contract test failed. A signal shows as 128 + its number, or -1.
bool documented_exit(int code) {
  return code >= 0 && code <= 4;
}

}  // namespace

TEST_CASE("every contract check accepts runs, and no command aborts on any contract",
          "[cli][docs][golden]") {
  const std::vector<Subject> subjects = every_contract();
  // The docs, the four bundled contracts and the golden folders: far more than these.
  REQUIRE(subjects.size() > 100);
  const fs::path& folder = work_folder();
  write_text(folder / "empty.jsonl", "");
  for (std::size_t n = 0; n < subjects.size(); ++n) {
    const Subject& subject = subjects[n];
    DYNAMIC_SECTION(subject.where) {
      const std::string contract = fmt::format("c{}.proviso", n);
      write_text(folder / contract, subject.text);
      const LoadedContract loaded = load_contract(contract, subject.text);
      std::string clauses;
      for (const auto& clause : loaded.checked.clauses) clauses += " '" + clause.name + "'";
      // A contract without clauses has nothing to explain; one that does not check is asked
      // about a clause anyway, and must say that it does not check.
      const bool explain = !clauses.empty() || !loaded.ok();
      if (clauses.empty()) clauses = " T1";
      std::vector<std::string> logs{"empty.jsonl"};
      if (subject.log) {
        logs.push_back(fmt::format("c{}.jsonl", n));
        write_text(folder / logs.back(), *subject.log);
      }
      std::vector<std::string> commands{"test " + contract};
      for (const std::string& log : logs) {
        commands.push_back(fmt::format("run {} {}", contract, log));
        if (explain) commands.push_back(fmt::format("explain {} {}{}", contract, log, clauses));
      }
      if (subject.is_file) commands.front() = "test " + subject.where;
      for (const std::string& command : commands) {
        const CommandResult result = run_proviso(
            command, command == commands.front() && subject.is_file ? source_dir() : folder);
        INFO("proviso " << command << " printed:\n" << result.output);
        CHECK(documented_exit(result.exit_code));
        CHECK(result.output.find("internal error") == std::string::npos);
        if (loaded.ok() && loaded.file->parameters) {
          // A template runs only with its instances (--instances); without, it says so.
          if (command.rfind("test ", 0) != 0) {
            CHECK(result.exit_code == 1);
            CHECK(result.output.find("is a template") != std::string::npos);
          }
        } else if (loaded.ok()) {
          // Checked clean: it runs. Only the log's data (3), a contract test (4) or a
          // calculation on one of the log's events (1, naming the event, as docs/run.md says)
          // may fail; with no events, nothing does.
          if (result.exit_code == 1) {
            CHECK(result.output.find("while processing") != std::string::npos);
          }
          CHECK(result.exit_code != 2);
          if (command.find("empty.jsonl") != std::string::npos) CHECK(result.exit_code == 0);
        } else {
          CHECK(result.exit_code == 1);
        }
      }
    }
  }
}

TEST_CASE("a date plus trading days is a constant the plan can load", "[checker][cli]") {
  // Issue 10: this passed `check` and then every command stopped with "plan: unresolved name".
  const fs::path& folder = work_folder();
  write_text(folder / "settle.proviso", R"(contract "Settle"
  timezone "America/New_York"
  calendar NYSE

event close { px: USD }
metric px = latest close.px

-- Good Friday (2028-04-14) is no session: three sessions after the 13th is Wednesday the 19th.
let settle = 2028-04-13 + 3 trading days
let settle_at = 2028-04-13T15:00Z + 3 trading days
let earlier = 2028-04-17 - 2 trading days

clause C "settles"
  vests when px >= 10 USD and before settle and before settle_at and after earlier
)");
  write_text(folder / "settle.jsonl",
             "{\"type\":\"close\",\"ts\":\"2028-04-18T20:00:00Z\",\"px\":\"12\"}\n");
  const LoadedContract loaded =
      load_contract("settle.proviso", read_file(folder / "settle.proviso"));
  REQUIRE(loaded.ok());
  CHECK(format_value(loaded.checked.constants.at("settle")) == "2028-04-19");
  CHECK(format_value(loaded.checked.constants.at("earlier")) == "2028-04-12");
  const CommandResult run = run_proviso("run settle.proviso settle.jsonl", folder);
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(run.output.find("vested") != std::string::npos);
}

TEST_CASE("a constant whose value cannot be worked out is a check error, not a crash",
          "[checker]") {
  const LoadedContract loaded = load_contract("far.proviso", R"(contract "Far"
  timezone "America/New_York"
  calendar NYSE
let far = 9999-12-30 + 3 trading days
)");
  REQUIRE_FALSE(loaded.ok());
  CHECK(render(loaded.diagnostics)
            .find("far.proviso:4:11: error: the value of far cannot be "
                  "worked out before the contract runs") != std::string::npos);
}

TEST_CASE("durations and member numbers computed from a family's variable run", "[checker][cli]") {
  // Each passed `check` and then stopped run with "plan: … is not a constant".
  const std::vector<std::string> conditions{
      "within (k + 1) days after Start.unlocked_at",
      "before 2027-01-01 + (k + 1) trading days",
      "within (-k + 4) days after G[k - 1].unlocked_at",
      "G[k - 1] unlocked",
      "px >= 1 USD on at least k of the last (k + 2) trading days",
  };
  const fs::path& folder = work_folder();
  write_text(folder / "empty.jsonl", "");
  for (const std::string& condition : conditions) {
    DYNAMIC_SECTION(condition) {
      write_text(folder / "family.proviso", fmt::format(R"(contract "Family"
  timezone "America/New_York"
  calendar NYSE

event close {{ px: USD }}
metric px = latest close.px

tranche Start unlocks when px >= 1 USD
for each k in 1..3
  tranche G[k] unlocks when px >= k USD
for each k in 2..3
  tranche F[k] unlocks when px >= 1 USD and {}
)",
                                                        condition));
      const CommandResult run = run_proviso("run family.proviso empty.jsonl", folder);
      INFO(run.output);
      CHECK(run.exit_code == 0);
      const CommandResult explain =
          run_proviso("explain family.proviso empty.jsonl 'F[2]' 'F[3]'", folder);
      INFO(explain.output);
      CHECK(explain.exit_code == 0);
    }
  }
}

TEST_CASE("a duration counted by what the events say is a check error", "[checker]") {
  const LoadedContract loaded = load_contract("late.proviso", R"(contract "Late"
  timezone "America/New_York"
  calendar NYSE
event close { px: USD }
metric px = latest close.px
clause C pays when before 2027-01-01 + (px / 1 USD) trading days
)");
  REQUIRE_FALSE(loaded.ok());
  CHECK(render(loaded.diagnostics)
            .find("late.proviso:6:40: error: the number of trading days must be known before the "
                  "replay, but (px / 1 USD) changes with the events") != std::string::npos);
}

}  // namespace proviso::testing
