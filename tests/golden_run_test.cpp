// Golden tests for `proviso run`: each tests/golden/run/NAME.args holds the arguments after
// `proviso run` (one line, paths relative to the repository, shell redirections allowed);
// NAME.golden holds exactly what the command prints, standard output and standard error
// together, and on its last line the exit code. The contracts and logs the cases use sit beside
// them. scripts/refresh-golden.sh rewrites the .golden files after a deliberate change.
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "tests/support.hpp"

namespace proviso::testing {

namespace {

const std::filesystem::path& run_folder() {
  static const std::filesystem::path folder = source_dir() / "tests/golden/run";
  return folder;
}

std::string run_output(const std::string& arguments,
                       const std::filesystem::path& working_dir = source_dir()) {
  return golden_output("run " + arguments, working_dir);
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  REQUIRE(out.good());
}

// A fresh, empty folder for files a test writes.
std::filesystem::path scratch_folder(const std::string& name) {
  const auto folder = std::filesystem::temp_directory_path() /
                      fmt::format("proviso-golden-run-{}-{}", name, ::getpid());
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

}  // namespace

TEST_CASE("proviso run prints exactly the golden timeline", "[golden][run]") {
  const auto cases = golden_cases(run_folder(), ".args");
  REQUIRE(cases.size() >= 35);
  for (const GoldenCase& golden : cases) {
    DYNAMIC_SECTION("case " << golden.name) {
      INFO("case " << golden.name << " (refresh with scripts/refresh-golden.sh)");
      CHECK(std::filesystem::exists(golden.golden));
      if (!std::filesystem::exists(golden.golden)) continue;
      CHECK(run_output(read_arguments(golden.input)) == read_file(golden.golden));
    }
  }
}

TEST_CASE("proviso run prints byte-identical output for the same inputs", "[golden][run]") {
  for (const auto& args_file : files_with_extension(run_folder(), ".args")) {
    DYNAMIC_SECTION("case " << args_file.stem().string()) {
      const std::string arguments = read_arguments(args_file);
      CHECK(run_output(arguments) == run_output(arguments));
    }
  }
}

TEST_CASE("proviso run prints the same with the logs read on one thread or two",
          "[golden][run][read_ahead]") {
  // Every golden case: good logs, bad lines, errors, --at, --reorder, standard input.
  for (const auto& args_file : files_with_extension(run_folder(), ".args")) {
    DYNAMIC_SECTION("case " << args_file.stem().string()) {
      const std::string arguments = read_arguments(args_file);
      const std::string one_thread = run_output(arguments + " --threads 1");
      CHECK(run_output(arguments + " --threads 2") == one_thread);
      CHECK(run_output(arguments) == one_thread);
    }
  }
}

TEST_CASE("a replay split by --save-state and --resume equals one uninterrupted replay",
          "[golden][run]") {
  // Day windows (3 of the last 5 trading days, 2 consecutive days) span the split, and a
  // deadline armed in the first part fires in the second, between two events.
  const std::string contract = "tests/golden/run/window.proviso";
  const std::string first = "tests/golden/run/window_1.jsonl";
  const std::string second = "tests/golden/run/window_2.jsonl";
  const auto folder = scratch_folder("window");
  const auto state = (folder / "window.state").string();
  for (const std::string format : {"jsonl", "text"}) {
    INFO("format " << format);
    const CommandResult whole =
        run_proviso(fmt::format("run {} {} {} --format {}", contract, first, second, format));
    const CommandResult part1 = run_proviso(
        fmt::format("run {} {} --format {} --save-state {}", contract, first, format, state));
    const CommandResult part2 = run_proviso(
        fmt::format("run {} {} --format {} --resume {}", contract, second, format, state));
    REQUIRE(whole.exit_code == 0);
    REQUIRE(part1.exit_code == 0);
    REQUIRE(part2.exit_code == 0);
    REQUIRE(whole.output.find("EarnOut") != std::string::npos);
    REQUIRE(whole.output.find("Late") != std::string::npos);
    if (format == "jsonl") {
      CHECK(part1.output + part2.output == whole.output);
    } else {
      // Each run ends with its totals line; the transitions before them must match.
      const auto transitions = [](const std::string& output) {
        return output.substr(0, output.rfind("Granted at "));
      };
      CHECK(transitions(part1.output) + transitions(part2.output) == transitions(whole.output));
      CHECK(part2.output.substr(part2.output.rfind("Granted at ")) ==
            whole.output.substr(whole.output.rfind("Granted at ")));
    }
  }
  std::filesystem::remove_all(folder);
}

TEST_CASE("the example log split anywhere resumes to the same timeline", "[golden][run]") {
  // The example's 30-trading-day windows hold state across every split point. The second part
  // keeps its lines where they were (the first part's lines left blank), so causes match.
  const std::string contract = (source_dir() / "contracts/amd_openai.proviso").string();
  const std::string log = read_file(source_dir() / "contracts/logs/amd_openai.jsonl");
  std::vector<std::size_t> line_starts{0};
  for (std::size_t i = 0; i + 1 < log.size(); ++i) {
    if (log[i] == '\n') line_starts.push_back(i + 1);
  }
  const auto folder = scratch_folder("example");
  for (const auto& part : {"whole", "first", "second"}) {
    std::filesystem::create_directories(folder / part);
  }
  write_file(folder / "whole/log.jsonl", log);
  const CommandResult whole =
      run_proviso(fmt::format("run '{}' log.jsonl --format jsonl", contract), folder / "whole");
  REQUIRE(whole.exit_code == 0);
  for (const std::size_t split : {std::size_t{170}, std::size_t{350}, std::size_t{700}}) {
    INFO("split after line " << split);
    REQUIRE(split < line_starts.size());
    const std::size_t cut = line_starts[split];
    write_file(folder / "first/log.jsonl", log.substr(0, cut));
    write_file(folder / "second/log.jsonl", std::string(split, '\n') + log.substr(cut));
    const std::string state = (folder / "example.state").string();
    const CommandResult part1 = run_proviso(
        fmt::format("run '{}' log.jsonl --format jsonl --save-state '{}'", contract, state),
        folder / "first");
    const CommandResult part2 =
        run_proviso(fmt::format("run '{}' log.jsonl --format jsonl --resume '{}'", contract, state),
                    folder / "second");
    REQUIRE(part1.exit_code == 0);
    REQUIRE(part2.exit_code == 0);
    CHECK(part1.output + part2.output == whole.output);
  }
  std::filesystem::remove_all(folder);
}

}  // namespace proviso::testing

namespace proviso::testing {

TEST_CASE("docs/run.md shows what proviso run prints, on the test suite's files",
          "[golden][run][docs]") {
  const auto blocks = markdown_blocks(read_file(source_dir() / "docs/run.md"));
  // Each `proviso run …` command is followed by a text block with exactly what it prints.
  std::size_t commands = 0;
  for (std::size_t i = 0; i + 1 < blocks.size(); ++i) {
    if (blocks[i].info != "sh" || blocks[i].text.rfind("proviso run ", 0) != 0) continue;
    std::string arguments = blocks[i].text.substr(std::string("proviso run ").size());
    arguments.pop_back();  // the line's end
    INFO("docs/run.md: proviso run " << arguments);
    CHECK(blocks[i + 1].info == "text");
    CHECK(run_proviso("run " + arguments).output == blocks[i + 1].text);
    ++commands;
  }
  CHECK(commands >= 10);
  // Every contract and log it shows is one of the files the examples run.
  std::vector<std::string> files;
  for (const auto& extension : {".proviso", ".jsonl", ".csv"}) {
    for (const auto& file : files_with_extension(run_folder(), extension)) {
      files.push_back(read_file(file));
    }
  }
  for (const auto& block : blocks) {
    if (block.info != "proviso" && block.info != "jsonl" && block.info != "csv") continue;
    INFO("docs/run.md block:\n" << block.text);
    CHECK(std::find(files.begin(), files.end(), block.text) != files.end());
  }
}

}  // namespace proviso::testing
