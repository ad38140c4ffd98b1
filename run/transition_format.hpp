// How transitions are written: the readable timeline, the stable JSON Lines format and CSV
// (documented in docs/run.md). The command and embedding hosts share these.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "base/json.hpp"  // json_string, which hosts used from here
#include "run/engine.hpp"

namespace proviso {

/// One timeline line: time, contract, clause, old → new state, deciding values, cause.
std::string format_transition_text(const Transition& transition);

/// The JSON forms of a transition: `run`, a line of `proviso run --json`; `nested`, inside an
/// explanation (no contract or clause, and the cause names its kind).
enum class TransitionJson { run, nested };

/// Writes a transition as one JSON object in `form`: the one JSON writer of transitions.
void write_transition_json(JsonWriter& json, const Transition& transition, TransitionJson form);

/// One JSON object (no trailing newline): ts, contract, clause, from, to, cause, values.
std::string format_transition_json(const Transition& transition);

/// A column of the CSV form: its header and a transition's cell, as text before quoting.
struct TransitionColumn {
  std::string_view name;
  std::string (*cell)(const Transition& transition);
};

/// The CSV form's columns, in order: the JSON form's keys with the cause flattened (cause, file,
/// line) and the deciding values as the timeline words them. The one list of them.
std::span<const TransitionColumn> transition_columns();

/// The CSV header row (no trailing newline).
std::string format_transition_csv_header();

/// One CSV row (no trailing newline), quoted as RFC 4180 says.
std::string format_transition_csv(const Transition& transition);

}  // namespace proviso
