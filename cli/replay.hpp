// What `proviso run`, `proviso explain` and `proviso report` share: their inputs and replay
// options, loading contracts, the one replay loop, and how each kind of error is printed, so
// that every option behaves and fails the same way in all three.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/read_events.hpp"
#include "run/engine.hpp"

namespace CLI {
class App;
}

namespace proviso::cli {

/// The command line of a replaying command: its inputs and the options every one of them takes.
struct ReplayOptions {
  std::vector<std::string> inputs;
  std::string input_format;  // of standard input: "jsonl", "csv" or empty
  std::string at;
  std::string until;
  std::string reorder;
  bool skip_bad_lines = false;
  bool strict = false;
  int threads = 0;        // --threads: 1 reads on the replaying thread, 2 on a second; 0 decides
  std::string instances;  // --instances: the rows that instantiate a template contract
};

/// Adds --instances, --input-format, --at (described by `at_help`), --until, --reorder,
/// --skip-bad-lines, --strict and --threads.
void add_replay_options(CLI::App& command, ReplayOptions& options, const std::string& at_help);

/// The command line's inputs by kind: a .proviso file is a contract, a .jsonl, .json or .csv
/// file (or -, standard input) a log, anything else a word (a clause's name).
struct SortedInputs {
  std::vector<std::string> contracts;
  std::vector<std::string> logs;
  std::vector<std::string> words;
};
SortedInputs sort_inputs(const std::vector<std::string>& inputs);

/// Sorts the inputs and checks them: a word is a usage error unless `words_allowed`, at least
/// one contract is needed (else `no_contract` is the message), and - needs --input-format.
/// Prints what is wrong and returns the exit code, else 0.
int read_inputs(std::string_view command, const ReplayOptions& options, bool words_allowed,
                std::string_view no_contract, SortedInputs& inputs);

/// "2027-03-31" (the start of that day in `zone_name`), "2027-03-31T12:00Z", "2027-03-31 12:00".
std::optional<Timestamp> parse_instant(const std::string& text, const std::string& zone_name,
                                       std::string& error);

/// Loads the contracts; on errors prints them and returns the exit code (usage when a file
/// cannot be read, as for `proviso check`), else 0.
/// With `instances` (--instances), a contract that declares parameters is loaded as a template,
/// one instance per row of that file; it is an error when none does.
int load_contracts(Engine& engine, const std::vector<std::string>& contracts,
                   const std::string& instances = {});

/// A replay's options, read: how strictly to read the logs, standard input's format, and the
/// instants of --at and --until in the loaded contracts' time zone.
struct ReplayPlan {
  ReadOptions read;
  std::optional<LogFormat> stdin_format;
  std::optional<Timestamp> at;
  std::optional<Timestamp> until;
  /// Read the logs on a second thread while the engine evaluates (ReadAhead).
  bool read_ahead = false;
};

/// Reads --reorder, --at, --until, --input-format and --threads after the contracts are loaded;
/// prints a usage error and returns its exit code when one is wrong, else 0. Without --threads
/// the logs are read ahead on a second thread when a second core is idle (the load average
/// leaves one free) and every log is a regular file (a pipe or terminal is read on the replaying
/// thread, so that each event is replayed as soon as its line arrives).
int plan_replay(const Engine& engine, const ReplayOptions& options, std::string_view command,
                ReplayPlan& plan);

/// Replays the logs merged by timestamp through the engine: with --at, up to the last event at
/// or before it, then moves the clock to it; else to the end, then to --until (what watches the
/// replay is an EngineListener on the engine). An event earlier than the engine's clock at the
/// start (a resumed state) is bad data. Reports skipped lines, undeclared event types and logs
/// that hold no events, prints
/// whatever stopped the replay, and returns the exit code, else 0.
int replay_logs(Engine& engine, const std::vector<std::string>& logs, const ReplayPlan& plan);

/// Reports on standard error what the logs' readers skipped (bad lines) and passed over
/// (undeclared types) and, when `finished`, each log that held no events. `file_line`, when
/// given, turns a reader's line (of log `log`) into its file's (`run --follow`).
void report_reading(
    const MergedEvents& events, bool finished,
    const std::function<std::uint64_t(std::uint32_t log, std::uint64_t line)>& file_line = {});

/// Prints a calculation that failed while replaying: the diagnostic at the contract's source,
/// then the event or deadline being processed. Returns the contract-errors exit code.
int runtime_error(const RuntimeError& failure);

/// Prints "proviso COMMAND: MESSAGE" and returns the usage exit code.
int usage_error(std::string_view command, const std::string& message);

}  // namespace proviso::cli
