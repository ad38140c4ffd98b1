// The checkpoint of `proviso run --follow`: the engine's saved state, where each log's reading
// stands, and how many transitions were printed, in one file written atomically and sealed with
// a CRC-64 like a saved state, so that a restart continues exactly where the checkpoint was.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/log_tail.hpp"

namespace proviso::cli {

struct Checkpoint {
  /// One per log, in command-line order: its path and the position after the last event the
  /// state holds.
  std::vector<std::pair<std::string, LogPosition>> logs;
  /// Transitions printed up to this checkpoint, over every run that continued it.
  std::uint64_t printed = 0;
  /// Engine::save_state's text.
  std::string state;
};

/// The checkpoint as the text of its file.
std::string format_checkpoint(const Checkpoint& checkpoint);

/// Reads a checkpoint file's text; nullopt with `error` saying why it is not a whole checkpoint.
std::optional<Checkpoint> parse_checkpoint(std::string_view text, std::string& error);

}  // namespace proviso::cli
