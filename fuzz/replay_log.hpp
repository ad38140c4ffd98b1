// The JSON Lines and CSV targets: a log read by the event reader and replayed into the fixed
// contract. A bad line and an engine error are answers; only a crash is a finding.
#pragma once

#include "events/read_events.hpp"
#include "fuzz/fuzz_support.hpp"

namespace proviso::fuzz {

/// Reads `data` as a log in `format` and feeds every event the reader gives. The first byte
/// picks the reader's options (strict or lenient, with or without a reorder window), so both
/// paths are fuzzed; the rest is the log.
inline void replay_log(const std::uint8_t* data, std::size_t size, LogFormat format) {
  if (size == 0) return;
  ReadOptions options;
  options.skip_bad_lines = (data[0] & 1) != 0;
  if ((data[0] & 2) != 0) options.reorder_window_micros = std::int64_t{86'400} * 1'000'000;
  Engine& engine = reset_fixed_engine();
  ReadError error;
  auto reader = EventReader::from_text("fuzz.log", as_text(data + 1, size - 1), format,
                                       engine.schemas(), 0, options, error);
  if (!reader) return;
  Event event;
  try {
    while (reader->next(event)) engine.feed(event);
    if (reader->error()) (void)render(*reader->error());
    (void)engine.granted_totals();
    for (const ClauseStatus& status : engine.clause_states()) {
      (void)engine.explain(status.clause);
    }
    (void)engine.save_state();
  } catch (const RuntimeError&) {
    // The engine refuses what it cannot compute (an overflow) with an error: an answer.
  }
}

}  // namespace proviso::fuzz
