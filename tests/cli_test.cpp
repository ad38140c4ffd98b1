// The `proviso` command as a user meets it: help, exit codes, output of `check`.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "tests/support.hpp"

namespace proviso::testing {

TEST_CASE("proviso --help lists the commands and the exit codes", "[cli]") {
  const CommandResult result = run_proviso("--help");
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("check") != std::string::npos);
  CHECK(result.output.find("Exit codes: 0 ok, 1 the contract has errors, 2 wrong usage") !=
        std::string::npos);
}

TEST_CASE("proviso check --help explains the command", "[cli]") {
  const CommandResult result = run_proviso("check --help");
  CHECK(result.exit_code == 0);
  CHECK(result.output.find("Usage: proviso check [OPTIONS] files...") != std::string::npos);
  CHECK(result.output.find("file:line:col") != std::string::npos);
}

TEST_CASE("wrong usage exits with 2 and says why", "[cli]") {
  CHECK(run_proviso("").exit_code == 2);
  const CommandResult unknown = run_proviso("frob");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output ==
        "proviso: unknown command 'frob'\nRun 'proviso --help' for the commands.\n");
  const CommandResult missing = run_proviso("check no/such/file.proviso");
  CHECK(missing.exit_code == 2);
  CHECK(missing.output ==
        "proviso: error: cannot read no/such/file.proviso: No such file or directory\n");
  CHECK(run_proviso("check --frobnicate contracts/amd_openai.proviso").exit_code == 2);
}

TEST_CASE("proviso check says ok for a correct contract", "[cli]") {
  const CommandResult result = run_proviso("check contracts/amd_openai.proviso");
  CHECK(result.exit_code == 0);
  CHECK(result.output ==
        "contracts/amd_openai.proviso: ok: \"AMD–OpenAI warrant\", 6 clauses, 5 metrics, 4 event "
        "types, 2 tests\n");
}

TEST_CASE("proviso check reports every file and exits 1 when any has errors", "[cli]") {
  const auto folder = testing::scratch_path("cli-test");
  std::filesystem::create_directories(folder);
  {
    std::ofstream bad(folder / "bad.proviso");
    bad << "contract \"Bad\"\nlet a = 1 GW + 2 USD\nlet b = nothing_here\n";
  }
  const CommandResult result = run_proviso(
      fmt::format("check '{}' contracts/amd_openai.proviso", (folder / "bad.proviso").string()));
  CHECK(result.exit_code == 1);
  CHECK(result.output.find("bad.proviso:2:14: error: cannot add USD to GW") != std::string::npos);
  CHECK(result.output.find("bad.proviso:3:9: error: nothing_here is not declared") !=
        std::string::npos);
  CHECK(result.output.find("bad.proviso: 2 errors") != std::string::npos);
  CHECK(result.output.find("contracts/amd_openai.proviso: ok") != std::string::npos);
  std::filesystem::remove_all(folder);
}

namespace {

// What a command printed besides its own output: drops the timeline, state and totals
// `proviso run` prints, and the line `proviso report` ends with.
std::string messages(const std::string& output) {
  std::istringstream lines(output);
  std::string kept;
  bool in_state = false;
  for (std::string line; std::getline(lines, line);) {
    in_state = line.rfind("State at ", 0) == 0 || (in_state && line.rfind("  ", 0) == 0);
    const bool timeline = !line.empty() && line[0] >= '0' && line[0] <= '9';
    if (timeline || in_state || line.rfind("Granted at ", 0) == 0 || line.rfind("wrote ", 0) == 0) {
      continue;
    }
    kept += line + "\n";
  }
  return kept;
}

}  // namespace

TEST_CASE("run and report read logs alike: every replay option, its messages and exit codes",
          "[cli][report]") {
  struct Case {
    std::string arguments;  // contracts, logs and replay options
    int exit_code;
    std::string in_report;  // what the written report shows, when it is written
  };
  const std::string kinds = "tests/golden/run/kinds.proviso ";
  const std::string deadline = "tests/golden/run/deadline.proviso tests/golden/run/deadline.jsonl ";
  const std::vector<Case> cases = {
      {kinds + "tests/golden/run/backwards.jsonl", 3, ""},
      {kinds + "tests/golden/run/backwards.jsonl --reorder 2d", 0, "backwards.jsonl:3"},
      {kinds + "tests/golden/run/backwards.jsonl --reorder 1h", 3, ""},
      {kinds + "tests/golden/run/backwards.jsonl --reorder soon", 2, ""},
      {kinds + "tests/golden/run/csv.csv", 0, "csv.csv:4"},
      {kinds + "- --input-format csv < tests/golden/run/csv.csv", 0, "&lt;stdin&gt;:4"},
      {kinds + "- < tests/golden/run/csv.csv", 2, ""},
      {kinds + "tests/golden/run/skip.jsonl --skip-bad-lines", 0, "skip.jsonl:11"},
      {kinds + "tests/golden/run/skip.jsonl", 3, ""},
      {kinds + "tests/golden/run/undeclared.jsonl", 0, "undeclared.jsonl:5"},
      {kinds + "tests/golden/run/no_such_log.jsonl", 2, ""},
      {"tests/golden/run/merge.proviso tests/golden/run/merge_nvidia.jsonl "
       "tests/golden/run/merge_amd.jsonl",
       0, "merge_nvidia.jsonl:2"},
      {deadline + "--until 2026-11-30", 0, "T4 lapsed"},
      {deadline + "--until 2026-13-01", 2, ""},
      // Past the supported dates once its offset is applied: a usage error, not an abort.
      {deadline + "--until 9999-12-31T23:59-14:00", 2, ""},
      {deadline + "--at 2026-09-05T12:00Z", 0, "T2 lapsed"},
      {"tests/golden/run/runtime_error.proviso tests/golden/run/runtime_error.jsonl", 1, ""},
      // A contract that cannot be read is wrong usage, as for `proviso check`.
      {"tests/golden/run/no_such_contract.proviso tests/golden/run/kinds.jsonl", 2, ""},
  };
  const auto html = testing::scratch_path("cli-replay-test.html");
  for (const Case& c : cases) {
    INFO("arguments: " << c.arguments);
    std::filesystem::remove(html);
    const CommandResult run = run_proviso("run " + c.arguments);
    const CommandResult report =
        run_proviso(fmt::format("report -o '{}' {}", html.string(), c.arguments));
    CHECK(run.exit_code == c.exit_code);
    CHECK(report.exit_code == c.exit_code);
    const std::string printed = messages(run.output);
    // The usage errors name their command; everything else reads the same.
    std::string expected = printed;
    if (expected.rfind("proviso run: ", 0) == 0) expected.replace(0, 12, "proviso report:");
    CHECK(messages(report.output) == expected);
    if (c.exit_code == 0) {
      CHECK(report.output.find("wrote ") != std::string::npos);
      CHECK(read_file(html).find(c.in_report) != std::string::npos);
    } else {
      CHECK(!std::filesystem::exists(html));
    }
  }
  std::filesystem::remove(html);
}

TEST_CASE("run, explain and report pass over test files named among the contracts", "[cli]") {
  // What `proviso run contracts/*.proviso contracts/logs/amd_openai.jsonl` names.
  const std::string contracts = "contracts/amd_openai.proviso contracts/amd_openai.test.proviso ";
  const CommandResult run = run_proviso("run " + contracts + "contracts/logs/amd_openai.jsonl");
  CHECK(run.exit_code == 0);
  CHECK(run.output.find("proviso run: contracts/amd_openai.test.proviso is a test file, passed "
                        "over (run it with proviso test)") != std::string::npos);
  CHECK(run.output.find("T1  pending → vested") != std::string::npos);
  const CommandResult explain =
      run_proviso("explain " + contracts + "contracts/logs/amd_openai.jsonl T1");
  CHECK(explain.exit_code == 0);
  // A test file alone is no contract.
  const CommandResult alone = run_proviso("run contracts/amd_openai.test.proviso");
  CHECK(alone.exit_code == 2);
  CHECK(alone.output.find("give at least one contract file") != std::string::npos);
}

}  // namespace proviso::testing
