// The subcommands of the `proviso` command.
#pragma once

namespace CLI {
class App;
}

namespace proviso::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitContractErrors = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitBadData = 3;
inline constexpr int kExitTestFailed = 4;

/// `proviso check FILES…`: parse and check contracts, print every diagnostic.
void add_check_command(CLI::App& app);

/// `proviso fmt [--check | -w] FILES…`: lay out contracts canonically.
void add_fmt_command(CLI::App& app);

/// `proviso lsp`: a language server over standard input and output.
void add_lsp_command(CLI::App& app);

/// `proviso calendar NAME YEAR`: list a stdlib calendar's holidays in a year.
void add_calendar_command(CLI::App& app);

/// `proviso run CONTRACTS… LOGS…`: replay logs, print the timeline or the state at a time.
void add_run_command(CLI::App& app);

/// `proviso test [FILES or DIRS]`: run contract tests, report failures and coverage.
void add_test_command(CLI::App& app);

/// `proviso explain CONTRACTS… LOGS… CLAUSES…`: why each clause is or is not met.
void add_explain_command(CLI::App& app);

/// `proviso report CONTRACTS… LOGS… -o FILE.html`: a self-contained HTML report with charts.
void add_report_command(CLI::App& app);

/// The exit code the subcommand that ran asked for.
int exit_code();

/// Records the subcommand's exit code.
void set_exit_code(int code);

}  // namespace proviso::cli
