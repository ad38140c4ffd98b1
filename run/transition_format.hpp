// How transitions are written: the readable timeline and the stable JSON Lines format
// (documented in docs/run.md). The command and embedding hosts share these.
#pragma once

#include <string>

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

}  // namespace proviso
