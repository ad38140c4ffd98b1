// Warnings about clauses that can never be met, or are always met, whatever the events: the
// solver-backed lint that `proviso check` runs after a contract checks clean.
#pragma once

#include "base/diagnostic.hpp"
#include "check/check.hpp"
#include "grammar/ast.hpp"

namespace proviso {

/// The warnings for a contract that checked clean, in source order, each a Diagnostic with
/// Severity::warning. Clauses marked `-- proviso: allow KIND` are left out for that kind.
Diagnostics find_warnings(const ast::File& file, const CheckedContract& contract);

}  // namespace proviso
