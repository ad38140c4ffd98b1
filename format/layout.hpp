// The canonical layout of contract text: indentation, spacing and alignment. Only whitespace
// changes; line breaks and comments stay where they are.
#pragma once

#include <string>
#include <string_view>

namespace proviso::format {

/// The text laid out canonically. The text must parse (format.hpp checks it first).
std::string layout(std::string_view text);

}  // namespace proviso::format
