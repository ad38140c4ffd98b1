// How transitions are written: the readable timeline and the stable JSON Lines format
// (documented in docs/run.md). The command and embedding hosts share these.
#pragma once

#include <string>

#include "base/json.hpp"  // json_string, which hosts used from here
#include "run/engine.hpp"

namespace proviso {

/// One timeline line: time, contract, clause, old → new state, deciding values, cause.
std::string format_transition_text(const Transition& transition);

/// One JSON object (no trailing newline): ts, contract, clause, from, to, cause, values.
std::string format_transition_json(const Transition& transition);

}  // namespace proviso
