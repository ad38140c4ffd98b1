// The subcommands of the `proviso` command.
#pragma once

namespace CLI {
class App;
}

namespace proviso::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitContractErrors = 1;
inline constexpr int kExitUsage = 2;

/// `proviso check FILES…`: parse and check contracts, print every diagnostic.
void add_check_command(CLI::App& app);

/// The exit code the subcommand that ran asked for.
int exit_code();

/// Records the subcommand's exit code.
void set_exit_code(int code);

}  // namespace proviso::cli
