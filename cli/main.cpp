// The `proviso` command: a thin client of the library. Each subcommand lives in its own file.
#include <cstdio>
#include <exception>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/replay.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "Proviso: write, check, replay and test contract conditions.\n"
      "Contracts are .proviso files; see docs/reference.md for the language.",
      "proviso"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "proviso 0.1.0");
  app.footer(
      "Exit codes: 0 ok, 1 the contract has errors, 2 wrong usage (unknown option, missing "
      "file),\n3 bad event data in a log, 4 a contract test failed.\n"
      "Run 'proviso COMMAND --help' for a command's options.");
  proviso::cli::add_check_command(app);
  proviso::cli::add_fmt_command(app);
  proviso::cli::add_lsp_command(app);
  proviso::cli::add_run_command(app);
  proviso::cli::add_calendar_command(app);
  proviso::cli::add_explain_command(app);
  proviso::cli::add_report_command(app);
  proviso::cli::add_test_command(app);
  // CLI11 would call an unknown command "an extra argument"; say what it is.
  if (argc > 1 && argv[1][0] != '-' &&
      app.get_subcommands([&](const CLI::App* command) { return command->get_name() == argv[1]; })
          .empty()) {
    fmt::print(stderr, "proviso: unknown command '{}'\nRun 'proviso --help' for the commands.\n",
               argv[1]);
    return proviso::cli::kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& failure) {
    const int code = app.exit(failure);
    return code == 0 ? 0 : proviso::cli::kExitUsage;
  } catch (const proviso::RuntimeError& failure) {
    // A calculation that failed outside a replay (explaining, writing a report) is reported
    // as one inside it.
    return proviso::cli::runtime_error(failure);
  } catch (const std::exception& failure) {
    // Never an abort without a word: a failure no command expected still says what it was.
    std::fflush(stdout);
    fmt::print(stderr, "proviso: internal error: {}\n", failure.what());
    return proviso::cli::kExitContractErrors;
  }
  return proviso::cli::exit_code();
}
