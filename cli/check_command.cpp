#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "check/load.hpp"
#include "cli/commands.hpp"
#include "lint/lint.hpp"
#include "testing/contract_tests.hpp"

namespace proviso::cli {

namespace {

int g_exit_code = kExitOk;

// What `proviso check` does about the solver's warnings (docs/reference.md, "Warnings").
struct WarningOptions {
  bool skip = false;       // --no-warnings
  bool as_errors = false;  // --warnings-as-errors
};

std::string plural(std::size_t count, std::string_view word) {
  return fmt::format("{} {}{}", count, word, count == 1 ? "" : "s");
}

// One line that says the contract is fine and what it holds.
std::string summary(const LoadedContract& loaded) {
  std::size_t tests = 0;
  for (const auto& declaration : loaded.file->declarations) {
    tests += std::holds_alternative<ast::TestDecl>(declaration) ? 1 : 0;
  }
  const CheckedContract& contract = loaded.checked;
  return fmt::format("{}: ok: \"{}\", {}, {}, {}, {}", loaded.source->name, contract.title,
                     plural(contract.clauses.size(), "clause"),
                     plural(contract.metrics.size(), "metric"),
                     plural(contract.events.size(), "event type"), plural(tests, "test"));
}

// A test file is checked as the contract it names followed by its tests.
int check_test_file(const std::string& path) {
  const TestSuite suite = TestSuite::load(path);
  std::fputs(render(suite.diagnostics()).c_str(), stderr);
  if (suite.ok()) {
    fmt::print("{}: ok: {} of \"{}\" ({})\n", path, plural(suite.test_names().size(), "test"),
               suite.title(), suite.contract_path());
    return kExitOk;
  }
  const auto& diagnostics = suite.diagnostics();
  if (diagnostics.size() == 1 && !diagnostics.front().span.file) return kExitUsage;
  std::size_t errors = 0;
  for (const auto& d : diagnostics) errors += d.severity == Severity::error ? 1 : 0;
  fmt::print(stderr, "{}: {}\n", path, plural(errors, "error"));
  return kExitContractErrors;
}

int run_check(const std::vector<std::string>& files, const WarningOptions& options) {
  int code = kExitOk;
  for (const std::string& path : files) {
    if (is_test_file_name(path)) {
      const int result = check_test_file(path);
      if (result == kExitUsage || (result != kExitOk && code == kExitOk)) code = result;
      continue;
    }
    const LoadedContract loaded = load_contract_file(path);
    if (!loaded.source) {
      std::fputs(render(loaded.diagnostics).c_str(), stderr);
      code = kExitUsage;
      continue;
    }
    std::fputs(render(loaded.diagnostics).c_str(), stderr);
    if (loaded.ok()) {
      const Diagnostics warnings =
          options.skip ? Diagnostics{} : find_warnings(*loaded.file, loaded.checked);
      std::fputs(render(warnings).c_str(), stderr);
      if (options.as_errors && !warnings.empty()) {
        fmt::print(stderr, "{}: {} (--warnings-as-errors)\n", path,
                   plural(warnings.size(), "warning"));
        if (code == kExitOk) code = kExitContractErrors;
        continue;
      }
      fmt::print("{}{}\n", summary(loaded),
                 warnings.empty() ? "" : fmt::format(", {}", plural(warnings.size(), "warning")));
    } else {
      std::size_t errors = 0;
      for (const auto& d : loaded.diagnostics) errors += d.severity == Severity::error ? 1 : 0;
      fmt::print(stderr, "{}: {}\n", path, plural(errors, "error"));
      if (code == kExitOk) code = kExitContractErrors;
    }
  }
  return code;
}

}  // namespace

void add_check_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "check", "Check contracts: names, types and units, deadlines, prerequisites");
  auto files = std::make_shared<std::vector<std::string>>();
  command->add_option("files", *files, "Contract files (.proviso)")->required();
  auto options = std::make_shared<WarningOptions>();
  command->add_flag("--no-warnings", options->skip,
                    "Do not look for clauses that can never be met or are always met");
  command->add_flag("--warnings-as-errors", options->as_errors,
                    "Fail (exit code 1) when a contract has warnings");
  command->footer(
      "Prints every mistake as file:line:col, the line and a caret under the mistake, with a\n"
      "hint where one helps; prints one 'ok' line per correct file.\n"
      "Then warns, with the reason, about clauses that can never be met or are always met\n"
      "(silenced by --no-warnings, or by '-- proviso: allow KIND' above a clause).\n"
      "Exit codes: 0 every file is correct (warnings or not), 1 a file has errors (or\n"
      "warnings, with --warnings-as-errors), 2 a file cannot be read or the usage is wrong.");
  command->callback([files, options] { set_exit_code(run_check(*files, *options)); });
}

int exit_code() {
  return g_exit_code;
}

void set_exit_code(int code) {
  g_exit_code = code;
}

}  // namespace proviso::cli
