// `proviso run --follow`: replays logs, then keeps reading what is appended to them, printing
// each change as it happens; with --clock wall, deadlines fire at their wall-clock instant; with
// --checkpoint, the state and each log's position are saved so that the same command, started
// again, continues where it stopped. docs/live.md describes the guarantees.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cli/replay.hpp"
#include "run/engine.hpp"

namespace proviso::cli {

/// --follow's own options.
struct FollowOptions {
  std::string checkpoint;                               // the checkpoint file, or empty for none
  std::uint64_t checkpoint_events = 1000;               // save after this many events
  std::chrono::milliseconds checkpoint_interval{5000};  // or this long after the last save
  bool wall_clock = false;                              // --clock wall
  std::chrono::milliseconds poll{50};  // how often a log at its end is looked at again
  std::string
      header;  // printed first when the run starts afresh (the CSV header), not on a restart
};

/// Follows `logs` (regular files) through the engine until SIGINT or SIGTERM, which save the
/// checkpoint and end with exit code 0; each transition is written by `print` (its text
/// line), flushed. Prints whatever stops it otherwise and returns the exit code.
int follow_logs(Engine& engine, const std::vector<std::string>& logs, const ReplayPlan& plan,
                const FollowOptions& options,
                const std::function<std::string(const Transition&)>& format);

}  // namespace proviso::cli
