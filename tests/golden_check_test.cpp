// Golden tests for `proviso check`: each tests/golden/check/NAME.proviso is a contract with
// one mistake; NAME.golden holds exactly what the command prints and, on its last line, the
// exit code. scripts/refresh-golden.sh rewrites the .golden files after a deliberate change.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "tests/support.hpp"

namespace proviso::testing {

namespace {

std::string check_output(const std::filesystem::path& contract) {
  const auto relative = std::filesystem::relative(contract, source_dir());
  return golden_output("check " + relative.string());
}

}  // namespace

TEST_CASE("proviso check prints exactly the golden diagnostics", "[golden][check]") {
  const auto folder = source_dir() / "tests/golden/check";
  const auto cases = golden_cases(folder, ".proviso");
  REQUIRE(cases.size() >= 30);
  for (const GoldenCase& golden : cases) {
    DYNAMIC_SECTION("contract " << golden.input.filename().string()) {
      INFO("contract " << golden.input.filename().string()
                       << " (refresh with scripts/refresh-golden.sh)");
      CHECK(std::filesystem::exists(golden.golden));
      if (!std::filesystem::exists(golden.golden)) continue;
      const std::string actual = check_output(golden.input);
      CHECK(actual == read_file(golden.golden));
      // A golden mistake must be reported as one: exit code 1 and at least one error line.
      CHECK(actual.find(": error: ") != std::string::npos);
      CHECK(actual.find("exit code 1\n") != std::string::npos);
    }
  }
}

TEST_CASE("the bundled contracts check clean", "[check][contracts]") {
  for (const auto& contract : files_with_extension(source_dir() / "contracts", ".proviso")) {
    DYNAMIC_SECTION("contract " << contract.filename().string()) {
      INFO(contract.filename().string());
      const CommandResult result =
          run_proviso("check " + std::filesystem::relative(contract, source_dir()).string());
      CHECK(result.exit_code == 0);
      CHECK(result.output.find(": ok: ") != std::string::npos);
    }
  }
}

}  // namespace proviso::testing
