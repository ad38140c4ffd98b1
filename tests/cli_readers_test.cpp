// The command line around reading: --strict and empty logs in run, explain and report (the one
// replay loop), and contract or test paths that are folders or endless.
#include <fmt/format.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "support.hpp"

namespace proviso {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::run_proviso;

const std::string kKinds = "tests/golden/run/kinds.proviso ";
const std::string kUndeclared = "tests/golden/run/undeclared.jsonl";

TEST_CASE("Strict reading: an undeclared event type stops run, explain and report", "[cli]") {
  const auto html = fs::temp_directory_path() / fmt::format("proviso-strict-{}.html", ::getpid());
  for (const std::string& command :
       {std::string("run"), std::string("explain"), fmt::format("report -o '{}'", html.string())}) {
    INFO(command);
    const std::string words = command == "explain" ? " T1" : "";
    const CommandResult lenient = run_proviso(command + " " + kKinds + kUndeclared + words);
    CHECK(lenient.exit_code == 0);
    CHECK(lenient.output.find("passed over 3 events of types no contract declares (news 1, "
                              "trade 2)") != std::string::npos);
    const CommandResult strict =
        run_proviso(command + " " + kKinds + kUndeclared + words + " --strict");
    CHECK(strict.exit_code == 3);
    CHECK(strict.output.find("tests/golden/run/undeclared.jsonl:2: error: no contract declares "
                             "the event type \"trade\" (--strict)") != std::string::npos);
  }
  fs::remove(html);
}

TEST_CASE("A log without events says so", "[cli]") {
  const fs::path folder = fs::temp_directory_path() / fmt::format("proviso-empty-{}", ::getpid());
  fs::create_directories(folder);
  std::ofstream(folder / "empty.jsonl");
  std::ofstream(folder / "blank.jsonl") << "\n\n";
  for (const std::string name : {"empty.jsonl", "blank.jsonl"}) {
    const std::string log = (folder / name).string();
    const CommandResult run = run_proviso("run " + kKinds + log);
    CHECK(run.exit_code == 0);
    CHECK(run.output.find(log + ": the log holds no events\n") != std::string::npos);
  }
  const CommandResult piped = run_proviso("run " + kKinds + "- --input-format jsonl < " +
                                          (folder / "empty.jsonl").string());
  CHECK(piped.output.find("<stdin>: the log holds no events\n") != std::string::npos);
  // A log with events does not.
  CHECK(run_proviso("run " + kKinds + kUndeclared).output.find("holds no events") ==
        std::string::npos);
  fs::remove_all(folder);
}

TEST_CASE("A contract path that is a folder or endless is a clear usage error", "[cli]") {
  const fs::path folder = fs::temp_directory_path() / fmt::format("proviso-paths-{}", ::getpid());
  fs::create_directories(folder / "x.proviso");
  fs::create_symlink("/dev/zero", folder / "zero.proviso");
  const std::string dir = (folder / "x.proviso").string();
  const std::string zero = (folder / "zero.proviso").string();
  for (const std::string& command : {std::string("check"), std::string("run")}) {
    INFO(command);
    const CommandResult folder_run = run_proviso(command + " " + dir);
    CHECK(folder_run.exit_code == 2);
    CHECK(folder_run.output.find("cannot read " + dir + ": it is a folder, not a file") !=
          std::string::npos);
    const CommandResult zero_run = run_proviso(command + " " + zero);
    CHECK(zero_run.exit_code == 2);
    CHECK(zero_run.output.find("cannot read " + zero + ": it is larger than 16 MiB") !=
          std::string::npos);
  }
  // `proviso test` on a folder without contracts does not pass with "0 passed".
  const CommandResult tested = run_proviso("test " + dir);
  CHECK(tested.exit_code == 2);
  CHECK(tested.output == "proviso test: " + dir + " is a folder without any .proviso file\n");
  fs::remove_all(folder);
}

}  // namespace
}  // namespace proviso
