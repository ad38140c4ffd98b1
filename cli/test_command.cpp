// `proviso test [FILES or DIRS]`: runs the tests of contracts and test files, prints each
// failure and a summary line, and optionally JUnit XML and condition coverage.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "testing/contract_tests.hpp"
#include "testing/reports.hpp"

namespace proviso::cli {

namespace {

namespace fs = std::filesystem;

struct TestOptions {
  std::vector<std::string> paths;
  std::string filter;
  std::string junit;
  bool coverage = false;
  double coverage_min = -1;
  bool update = false;
};

// Standard output is buffered and standard error is not: flush first, so that the two read in
// order when they share a terminal or a file.
template <typename... Args>
void print_error(fmt::format_string<Args...> format, Args&&... args) {
  std::fflush(stdout);
  fmt::print(stderr, format, std::forward<Args>(args)...);
}

// Build trees, hidden folders and CMake's own folders hold no contracts of the user's.
bool skipped_folder(const fs::path& folder) {
  const std::string name = folder.filename().string();
  return (name.size() > 1 && name[0] == '.') || name.rfind("build", 0) == 0 ||
         name == "CMakeFiles" || fs::exists(folder / "CMakeCache.txt");
}

std::string display_name(const fs::path& path) {
  return path.lexically_normal().string();
}

// Every .proviso file under `folder`, sorted.
std::vector<std::string> find_contracts(const fs::path& folder) {
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(folder); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->is_directory() && skipped_folder(it->path())) {
      it.disable_recursion_pending();
    } else if (it->is_regular_file() && it->path().extension() == ".proviso") {
      files.push_back(display_name(it->path()));
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The files to run, in order, each once; false (after saying why) when a path does not exist.
bool collect_files(const std::vector<std::string>& paths, std::vector<std::string>& files) {
  auto add = [&](const std::string& file) {
    if (std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
  };
  for (const std::string& path : paths) {
    std::error_code error;
    if (fs::is_directory(path, error)) {
      // A folder without a single contract or test passes nothing: an error, not "0 passed".
      const std::vector<std::string> found = find_contracts(path);
      if (found.empty()) {
        print_error("proviso test: {} is a folder without any .proviso file\n", path);
        return false;
      }
      for (const std::string& file : found) add(file);
    } else if (fs::is_regular_file(path, error)) {
      add(display_name(path));
      // A contract named alone brings its test file along: NAME.test.proviso beside it.
      fs::path tests = path;
      if (!is_test_file_name(path) && tests.extension() == ".proviso") {
        tests.replace_extension(".test.proviso");
        if (fs::is_regular_file(tests, error)) add(display_name(tests));
      }
    } else {
      print_error("proviso test: no such file or folder: {}\n", path);
      return false;
    }
  }
  return true;
}

std::string coverage_key(const std::string& contract) {
  std::error_code error;
  const fs::path canonical = fs::weakly_canonical(contract, error);
  return error ? contract : canonical.string();
}

int run(const TestOptions& options) {
  std::vector<std::string> files;
  if (!collect_files(options.paths.empty() ? std::vector<std::string>{"."} : options.paths,
                     files)) {
    return kExitUsage;
  }
  const bool coverage = options.coverage || options.coverage_min >= 0;
  std::vector<SuiteResults> results;
  std::vector<std::string> contract_order;
  std::map<std::string, CoverageReport> reports;
  std::size_t passed = 0;
  std::size_t failed = 0;
  bool contract_errors = false;
  for (const std::string& file : files) {
    const TestSuite suite = TestSuite::load(file);
    SuiteResults& result = results.emplace_back();
    result.file = file;
    if (!suite.ok()) {
      result.errors = render(suite.diagnostics());
      print_error("{}{}: the tests were not run\n", result.errors, file);
      contract_errors = true;
      continue;
    }
    CoverageReport* report = nullptr;
    if (coverage) {
      const std::string key = coverage_key(suite.contract_path());
      auto found = reports.find(key);
      if (found == reports.end()) {
        found = reports.emplace(key, suite.coverage_of()).first;
        contract_order.push_back(key);
      }
      report = &found->second;
    }
    result.tests = suite.run(options.filter, report, options.update);
    for (const TestResult& test : result.tests) {
      for (const std::string& written : test.written) {
        fmt::print("wrote {} (test \"{}\")\n", written, test.name);
      }
      if (test.passed()) {
        ++passed;
      } else {
        ++failed;
        fmt::print("{}\n", format_failed_test(test));
      }
    }
  }
  bool below_minimum = false;
  for (const std::string& key : contract_order) {
    const CoverageReport& report = reports.at(key);
    fmt::print("{}\n", format_coverage(report));
    if (options.coverage_min >= 0 && report.percent() < options.coverage_min) {
      below_minimum = true;
      fmt::print("coverage of {} is {}, below the minimum of {}\n\n", report.contract,
                 format_percent(report.percent()), format_percent(options.coverage_min));
    }
  }
  if (!options.junit.empty()) {
    std::ofstream out(options.junit, std::ios::binary | std::ios::trunc);
    out << junit_xml(results);
    out.flush();
    if (!out) {
      print_error("proviso test: cannot write {}\n", options.junit);
      return kExitUsage;
    }
  }
  fmt::print("{} passed, {} failed\n", passed, failed);
  if (contract_errors) return kExitContractErrors;
  return failed > 0 || below_minimum ? kExitTestFailed : kExitOk;
}

}  // namespace

void add_test_command(CLI::App& app) {
  auto options = std::make_shared<TestOptions>();
  auto* command = app.add_subcommand("test", "Run the tests of contracts and test files");
  command->add_option("paths", options->paths,
                      "Contracts (.proviso), test files (.test.proviso) or folders to search "
                      "(default: the current folder)");
  command->add_option("--filter", options->filter, "Run only the tests whose name contains TEXT");
  command->add_option("--junit", options->junit, "Also write the results as JUnit XML to FILE")
      ->type_name("FILE");
  command->add_flag("--update", options->update,
                    "Write the files that 'expect timeline' compares with, from this run, "
                    "instead of comparing");
  command->add_flag("--coverage", options->coverage,
                    "Print, per contract, which conditions of its clauses the tests drove true "
                    "and false");
  command
      ->add_option("--coverage-min", options->coverage_min,
                   "Fail when a contract's coverage is below PCT percent (implies --coverage)")
      ->check(CLI::Range(0.0, 100.0))
      ->type_name("PCT");
  command->footer(
      "Searches folders for .proviso files (skipping hidden and build folders); a contract named\n"
      "alone brings its NAME.test.proviso along. Prints each failed test and ends with the line\n"
      "'N passed, N failed'.\n"
      "Exit codes: 0 every test passed, 1 a contract or test file has errors, 2 usage, 4 a test\n"
      "failed or coverage is below --coverage-min.");
  command->callback([options] { set_exit_code(run(*options)); });
}

}  // namespace proviso::cli
