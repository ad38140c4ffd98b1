// Helpers shared by the test files: reading files, running the `proviso` command.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "run/engine.hpp"

namespace proviso::testing {

/// An event of a type the engine's contracts declare, its fields given as name=value text;
/// numbers in a quantity field are in the field's unit (mw=600 is 600 MW).
Event make_event(const Engine& engine, std::string_view type, std::string_view ts,
                 const std::vector<std::pair<std::string, std::string>>& fields,
                 std::uint64_t line);

/// A path in the system's temporary folder that is this test process's own
/// ("proviso-STEM-PID.EXT" for NAME "STEM.EXT"), so suites running side by side never share a file.
std::filesystem::path scratch_path(std::string_view name);

/// The project's source folder.
std::filesystem::path source_dir();

/// A file's whole text; fails the test when it cannot be read.
std::string read_file(const std::filesystem::path& path);

/// What a command printed (stdout and stderr together) and its exit code.
struct CommandResult {
  std::string output;
  int exit_code = -1;
};

/// Runs the built `proviso` with these arguments, from `working_dir`.
CommandResult run_proviso(const std::string& arguments,
                          const std::filesystem::path& working_dir = source_dir());

/// What `proviso ARGUMENTS` prints, then a last line "exit code N": a golden file's contents.
std::string golden_output(const std::string& arguments,
                          const std::filesystem::path& working_dir = source_dir());

/// A golden case's .args file: one line of arguments, without its line break.
std::string read_arguments(const std::filesystem::path& args_file);

/// A fenced block of a Markdown file: the words after its opening fence, its lines, and the
/// line number of the opening fence.
struct MarkdownBlock {
  std::string info;
  std::string text;
  std::size_t line = 0;
};

/// Every fenced block of a Markdown text, in order.
std::vector<MarkdownBlock> markdown_blocks(const std::string& markdown);

/// What a documentation fragment (a ```proviso block not starting with `contract`) is checked
/// after: the preamble docs/reference.md prints in its section 2.
const std::string& docs_preamble();

/// True when a ```proviso block is a whole contract: it starts with `contract`, once comments
/// and blank lines are skipped.
bool is_whole_contract(std::string_view text);

/// The files of a folder with that extension, sorted by name.
std::vector<std::filesystem::path> files_with_extension(const std::filesystem::path& folder,
                                                        const std::string& extension);

/// One golden case: its name (the input's stem), its input file and the .golden beside it.
struct GoldenCase {
  std::string name;
  std::filesystem::path input;
  std::filesystem::path golden;
};

/// The golden cases of a folder, one per input file with that extension, sorted by name.
/// Drivers run each in its own DYNAMIC_SECTION, so a failure names its case and the others
/// still run.
std::vector<GoldenCase> golden_cases(const std::filesystem::path& folder,
                                     const std::string& extension);

}  // namespace proviso::testing
