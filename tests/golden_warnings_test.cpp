// Golden tests for the solver's warnings: each tests/golden/warnings/NAME.args holds the
// arguments after `proviso check`; NAME.golden holds exactly what the command prints and, on its
// last line, the exit code. scripts/refresh-golden.sh warnings rewrites the .golden files.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "tests/support.hpp"

namespace proviso::testing {

TEST_CASE("proviso check prints exactly the golden warnings", "[golden][check][lint]") {
  const auto folder = source_dir() / "tests/golden/warnings";
  const auto cases = golden_cases(folder, ".args");
  REQUIRE(cases.size() >= 12);
  for (const GoldenCase& golden : cases) {
    const std::string name = golden.input.stem().string();
    DYNAMIC_SECTION("case " << name) {
      INFO("case " << name << " (refresh with scripts/refresh-golden.sh warnings)");
      REQUIRE(std::filesystem::exists(golden.golden));
      const std::string actual = golden_output("check " + read_arguments(golden.input));
      CHECK(actual == read_file(golden.golden));
      // A warning never fails the check, unless asked to; the silenced cases warn of nothing.
      const bool silenced = name == "allowed" || name == "no_warnings";
      CHECK((actual.find(": warning: ") == std::string::npos) == silenced);
      CHECK(actual.find(": error: ") == std::string::npos);
      const bool as_errors = name == "warnings_as_errors";
      CHECK(actual.find(as_errors ? "exit code 1\n" : "exit code 0\n") != std::string::npos);
    }
  }
}

}  // namespace proviso::testing
