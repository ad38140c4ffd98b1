// The `proviso` command as a user meets it: help, exit codes, output of `check`.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <fstream>

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
  const auto folder = std::filesystem::temp_directory_path() / "proviso_cli_test";
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

}  // namespace proviso::testing
