// Golden tests for `proviso explain`: each tests/golden/explain/NAME.args holds the arguments
// after `proviso explain` (one line, paths relative to the repository); NAME.golden holds
// exactly what the command prints, standard output and standard error together, and on its
// last line the exit code. scripts/refresh-golden.sh rewrites the .golden files after a
// deliberate change. docs/explain.md's examples are checked against the command here too.
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "tests/support.hpp"

namespace proviso::testing {

namespace {

const std::filesystem::path& explain_folder() {
  static const std::filesystem::path folder = source_dir() / "tests/golden/explain";
  return folder;
}

std::string explain_output(const std::string& arguments) {
  return golden_output("explain " + arguments);
}

}  // namespace

TEST_CASE("proviso explain prints exactly the golden explanations", "[golden][explain]") {
  const auto cases = golden_cases(explain_folder(), ".args");
  REQUIRE(cases.size() >= 15);
  for (const GoldenCase& golden : cases) {
    DYNAMIC_SECTION("case " << golden.name) {
      INFO("case " << golden.name << " (refresh with scripts/refresh-golden.sh explain)");
      CHECK(std::filesystem::exists(golden.golden));
      if (!std::filesystem::exists(golden.golden)) continue;
      CHECK(explain_output(read_arguments(golden.input)) == read_file(golden.golden));
    }
  }
}

TEST_CASE("proviso explain prints byte-identical output for the same inputs", "[golden][explain]") {
  for (const auto& args_file : files_with_extension(explain_folder(), ".args")) {
    DYNAMIC_SECTION("case " << args_file.stem().string()) {
      const std::string arguments = read_arguments(args_file);
      CHECK(explain_output(arguments) == explain_output(arguments));
    }
  }
}

TEST_CASE("docs/explain.md shows what proviso explain prints", "[golden][explain][docs]") {
  const auto blocks = markdown_blocks(read_file(source_dir() / "docs/explain.md"));
  // Each `proviso explain …` command is followed by a block with exactly what it prints.
  std::size_t commands = 0;
  for (std::size_t i = 0; i + 1 < blocks.size(); ++i) {
    if (blocks[i].info != "sh" || blocks[i].text.rfind("proviso explain ", 0) != 0) continue;
    std::string arguments = blocks[i].text.substr(std::string("proviso explain ").size());
    arguments.pop_back();  // the line's end
    INFO("docs/explain.md: proviso explain " << arguments);
    CHECK((blocks[i + 1].info == "text" || blocks[i + 1].info == "json"));
    CHECK(run_proviso("explain " + arguments).output == blocks[i + 1].text);
    ++commands;
  }
  CHECK(commands >= 3);
}

}  // namespace proviso::testing
