// Golden tests for `proviso test`: each tests/golden/test/NAME.args holds the arguments after
// `proviso test` (one line, paths relative to the repository); NAME.golden holds exactly what
// the command prints, standard output and standard error together, and on its last line the
// exit code. The contracts, test files and logs the cases use sit beside them, among them a
// deliberately broken expectation. scripts/refresh-golden.sh rewrites the .golden files after a
// deliberate change.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "tests/support.hpp"

namespace proviso::testing {

namespace {

std::string test_output(const std::filesystem::path& args_file) {
  return golden_output("test " + read_arguments(args_file));
}

}  // namespace

TEST_CASE("proviso test prints exactly the golden report", "[golden][test]") {
  const auto cases = golden_cases(source_dir() / "tests/golden/test", ".args");
  REQUIRE(cases.size() >= 7);
  for (const GoldenCase& golden : cases) {
    DYNAMIC_SECTION("case " << golden.name) {
      INFO("case " << golden.name << " (refresh with scripts/refresh-golden.sh test)");
      CHECK(std::filesystem::exists(golden.golden));
      if (!std::filesystem::exists(golden.golden)) continue;
      const std::string actual = test_output(golden.input);
      CHECK(actual == read_file(golden.golden));
      // Whatever else it prints, the summary is the last line before the exit code.
      if (actual.find("exit code 2\n") == std::string::npos) {
        const std::size_t summary = actual.rfind(" passed, ");
        CHECK(summary != std::string::npos);
        if (summary != std::string::npos) {
          CHECK(actual.find('\n', summary) + 1 == actual.rfind("exit code "));
        }
      }
    }
  }
}

TEST_CASE("a deliberately broken expectation fails in words a finance reader understands",
          "[golden][test]") {
  const std::string golden = read_file(source_dir() / "tests/golden/test/broken.golden");
  CHECK(golden.find("expected T1 vested at 2026-09-15T14:00:00Z, but T1 vested at "
                    "2026-09-01T14:00:00Z (decided by the event at "
                    "tests/golden/test/broken.proviso:26)") != std::string::npos);
  CHECK(golden.find("expected amd_deployed == 1 GW, but amd_deployed = 1.4 GW") !=
        std::string::npos);
  CHECK(golden.find("\n2 passed, 2 failed\nexit code 4\n") != std::string::npos);
}

}  // namespace proviso::testing
