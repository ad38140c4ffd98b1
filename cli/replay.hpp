// What `proviso explain` and `proviso report` share: sorting the command line into contracts,
// logs and other words, loading contracts, and replaying logs up to an instant.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "run/engine.hpp"

namespace proviso::cli {

/// The command line's inputs by kind: a .proviso file is a contract, a .jsonl, .json or .csv
/// file a log, anything else a word (a clause's name).
struct SortedInputs {
  std::vector<std::string> contracts;
  std::vector<std::string> logs;
  std::vector<std::string> words;
};
SortedInputs sort_inputs(const std::vector<std::string>& inputs);

/// "2027-03-31" (the start of that day in `zone_name`), "2027-03-31T12:00Z", "2027-03-31 12:00".
std::optional<Timestamp> parse_instant(const std::string& text, const std::string& zone_name,
                                       std::string& error);

/// Loads the contracts; on errors prints them and returns the exit code, else 0.
int load_contracts(Engine& engine, const std::vector<std::string>& contracts);

/// Replays the logs merged by timestamp, stopping after the last event at or before `at` and
/// moving the clock to `at`; `after_event` runs after each event is fed. Prints what went wrong
/// (prefixed with `command`) and returns the exit code, else 0.
int replay_logs(Engine& engine, const std::vector<std::string>& logs,
                const std::optional<Timestamp>& at,
                const std::function<void(const Event&)>& after_event, std::string_view command);

/// Prints "proviso COMMAND: MESSAGE" and returns the usage exit code.
int usage_error(std::string_view command, const std::string& message);

}  // namespace proviso::cli
