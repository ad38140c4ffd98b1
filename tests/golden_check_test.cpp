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
  const auto contracts = files_with_extension(folder, ".proviso");
  REQUIRE(contracts.size() >= 30);
  for (const auto& contract : contracts) {
    auto golden = contract;
    golden.replace_extension(".golden");
    INFO("contract " << contract.filename().string()
                     << " (refresh with scripts/refresh-golden.sh)");
    REQUIRE(std::filesystem::exists(golden));
    const std::string actual = check_output(contract);
    CHECK(actual == read_file(golden));
    // A golden mistake must be reported as one: exit code 1 and at least one error line.
    CHECK(actual.find(": error: ") != std::string::npos);
    CHECK(actual.find("exit code 1\n") != std::string::npos);
  }
}

TEST_CASE("the bundled contracts check clean", "[check][contracts]") {
  for (const auto& contract : files_with_extension(source_dir() / "contracts", ".proviso")) {
    INFO(contract.filename().string());
    const CommandResult result =
        run_proviso("check " + std::filesystem::relative(contract, source_dir()).string());
    CHECK(result.exit_code == 0);
    CHECK(result.output.find(": ok: ") != std::string::npos);
  }
}

}  // namespace proviso::testing
