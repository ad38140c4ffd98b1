#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "format/format.hpp"

namespace proviso::cli {

namespace {

struct FmtArguments {
  std::vector<std::string> paths;
  bool check = false;
  bool write = false;
};

// The files named, a folder standing for the .proviso files under it, in name order.
std::vector<std::string> expand(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code error;
    if (path == "-" || !fs::is_directory(path, error)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(path, error)) {
      if (entry.is_regular_file() && entry.path().extension() == ".proviso") {
        found.push_back(entry.path().string());
      }
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

bool read_all(const std::string& path, std::string& text) {
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return true;
}

int run_fmt(const FmtArguments& arguments) {
  if (arguments.write &&
      std::find(arguments.paths.begin(), arguments.paths.end(), "-") != arguments.paths.end()) {
    fmt::print(stderr, "proviso: -w cannot rewrite standard input ('-')\n");
    return kExitUsage;
  }
  int code = kExitOk;
  for (const std::string& path : expand(arguments.paths)) {
    SourceFile source{path == "-" ? "<stdin>" : path, {}};
    if (!read_all(path, source.text)) {
      fmt::print(stderr, "proviso: cannot read '{}'\n", path);
      code = kExitUsage;
      continue;
    }
    const Formatted formatted = format_source(source);
    if (!formatted.ok()) {
      std::fputs(render(formatted.diagnostics).c_str(), stderr);
      if (code == kExitOk) code = kExitContractErrors;
      continue;
    }
    const bool changes = formatted.text != source.text;
    if (arguments.check) {
      if (changes) {
        fmt::print("{}\n", source.name);
        if (code == kExitOk) code = kExitContractErrors;
      }
    } else if (arguments.write) {
      if (!changes) continue;
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << formatted.text;
      if (!out.flush()) {
        fmt::print(stderr, "proviso: cannot write '{}'\n", path);
        code = kExitUsage;
      }
    } else {
      std::fputs(formatted.text.c_str(), stdout);
    }
  }
  return code;
}

}  // namespace

void add_fmt_command(CLI::App& app) {
  auto* command = app.add_subcommand("fmt", "Lay out contracts and test files canonically");
  auto arguments = std::make_shared<FmtArguments>();
  command
      ->add_option("files", arguments->paths,
                   "Contract or test files, folders (their .proviso files), or - to read "
                   "standard input")
      ->required();
  auto* check = command->add_flag("--check", arguments->check,
                                  "Change nothing; list the files that are not formatted");
  command->add_flag("-w,--write", arguments->write, "Rewrite the files in place")->excludes(check);
  command->footer(
      "Prints the formatted text on standard output, unless --check or -w is given. Only\n"
      "whitespace changes: comments, line breaks, texts and numbers stay as written.\n"
      "Exit codes: 0 ok, 1 a file does not parse or (with --check) is not formatted,\n"
      "2 a file cannot be read or written, or wrong usage.");
  command->callback([arguments] { set_exit_code(run_fmt(*arguments)); });
}

}  // namespace proviso::cli
