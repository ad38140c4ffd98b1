// `proviso fmt`: one canonical layout for contract text. Only whitespace changes: comments,
// line breaks, texts and numbers (with their `_` grouping) stay as written.
#pragma once

#include <string>

#include "base/diagnostic.hpp"
#include "base/source.hpp"

namespace proviso {

/// The formatted text, or the diagnostics that stopped formatting (a file must parse first).
struct Formatted {
  std::string text;
  Diagnostics diagnostics;

  bool ok() const { return !has_errors(diagnostics); }
};

/// Lays out a contract or test file canonically: declarations at the margin, header and clause
/// items indented by two, blocks by two per level, one space between words and around
/// operators, and the `=` of runs of `metric` and `let` lines (the `{` of `event` lines)
/// aligned. Formatting formatted text changes nothing. The result is parsed again and compared
/// with the input, so a layout that would change what the file says is reported, not returned.
Formatted format_source(const SourceFile& source);

}  // namespace proviso
