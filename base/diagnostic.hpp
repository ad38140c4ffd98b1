// One diagnostic type for every phase, and the one function that renders it.
#pragma once

#include <string>
#include <vector>

#include "base/source.hpp"

namespace proviso {

enum class Severity { error, warning, note };

/// A message about a place in a contract, with an optional hint ("did you mean T1?").
struct Diagnostic {
  Severity severity = Severity::error;
  Span span;
  std::string message;
  std::string hint;
};

using Diagnostics = std::vector<Diagnostic>;

/// `file:line:col: error: message`, the source line, a caret under the span, the hint.
std::string render(const Diagnostic& diagnostic);

/// Every diagnostic rendered, in order, each ending with a newline.
std::string render(const Diagnostics& diagnostics);

/// True when any diagnostic is an error.
bool has_errors(const Diagnostics& diagnostics);

}  // namespace proviso
