#include "format/format.hpp"

#include <algorithm>
#include <cctype>

#include "format/layout.hpp"
#include "grammar/parse.hpp"

namespace proviso {

namespace {

std::string without_whitespace(std::string_view text) {
  std::string kept;
  std::copy_if(text.begin(), text.end(), std::back_inserter(kept),
               [](char c) { return !std::isspace(static_cast<unsigned char>(c)); });
  return kept;
}

}  // namespace

Formatted format_source(const SourceFile& source) {
  ParseResult parsed = parse(source);
  if (!parsed.file) return {{}, std::move(parsed.diagnostics)};

  SourceFile formatted{source.name, format::layout(source.text)};
  // The layout only moves whitespace; a mistake in it must not reach the user's file.
  const bool same_text = without_whitespace(formatted.text) == without_whitespace(source.text);
  if (!same_text || !parse(formatted).file) {
    Diagnostic failure;
    failure.span = Span{&source, 0, 0, 1, 1};
    failure.message =
        "the formatter could not lay out this file without changing what it says; it is left "
        "as it is";
    failure.hint = "please report this file as a bug in `proviso fmt`";
    return {{}, {failure}};
  }
  return {std::move(formatted.text), {}};
}

}  // namespace proviso
