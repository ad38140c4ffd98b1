#include "base/diagnostic.hpp"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

namespace proviso {

Span join(const Span& first, const Span& last) {
  Span span = first;
  span.end = std::max(first.end, last.end);
  return span;
}

namespace {

std::string_view severity_word(Severity severity) {
  switch (severity) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::note:
      return "note";
  }
  return "error";
}

// The line holding `offset`, without its line break.
std::string_view line_at(std::string_view text, std::size_t offset) {
  const std::size_t start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  const std::size_t begin = (start == std::string_view::npos || offset == 0) ? 0 : start + 1;
  std::size_t end = text.find('\n', begin);
  if (end == std::string_view::npos) end = text.size();
  if (end > begin && text[end - 1] == '\r') --end;
  return text.substr(begin, end - begin);
}

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Columns a terminal shows for these bytes: tabs to the next multiple of 8 (the line is
// echoed with tabs expanded the same way), one per UTF-8 character.
std::size_t display_width(std::string_view bytes, std::size_t start_column = 0) {
  std::size_t column = start_column;
  for (char c : bytes) {
    if (c == '\t') {
      column += 8 - column % 8;
    } else if (!is_continuation_byte(c)) {
      ++column;
    }
  }
  return column - start_column;
}

std::string expand_tabs(std::string_view line) {
  std::string out;
  std::size_t column = 0;
  for (char c : line) {
    if (c == '\t') {
      const std::size_t width = 8 - column % 8;
      out.append(width, ' ');
      column += width;
    } else {
      out.push_back(c);
      if (!is_continuation_byte(c)) ++column;
    }
  }
  return out;
}

// A line longer than this is shown as a window around the span: a generated or minified line
// of megabytes would otherwise be echoed whole.
constexpr std::size_t kShownLineBytes = 120;

struct Excerpt {
  std::string_view text;  // the part of the line shown
  std::size_t begin = 0;  // the span's bytes within `text`
  std::size_t end = 0;
  bool cut_before = false;
  bool cut_after = false;
};

// The part of `line` to show for a span at bytes [begin, end): all of it when short, otherwise
// kShownLineBytes from a little before the span, cut on UTF-8 character boundaries.
Excerpt excerpt_around(std::string_view line, std::size_t begin, std::size_t end) {
  if (line.size() <= kShownLineBytes) return {line, begin, end, false, false};
  // A UTF-8 character has at most three continuation bytes; invalid text may have runs of them,
  // so the cut moves at most that far, and the span always stays inside the window.
  constexpr std::size_t kMaxContinuation = 3;
  std::size_t from = begin > kShownLineBytes / 3 ? begin - kShownLineBytes / 3 : 0;
  for (std::size_t i = 0; i < kMaxContinuation && from > 0 && is_continuation_byte(line[from]); ++i)
    --from;
  std::size_t to = std::min(line.size(), from + kShownLineBytes);
  for (std::size_t i = 0;
       i < kMaxContinuation && to < line.size() && is_continuation_byte(line[to]); ++i)
    ++to;
  const std::string_view text = line.substr(from, to - from);
  const std::size_t shown_begin = std::min(begin - from, text.size());
  const std::size_t shown_end = std::clamp(end - std::min(end, from), shown_begin, text.size());
  return {text, shown_begin, shown_end, from > 0, to < line.size()};
}

}  // namespace

std::string render(const Diagnostic& diagnostic) {
  const Span& span = diagnostic.span;
  std::string out;
  if (span.file == nullptr) {
    out = fmt::format("proviso: {}: {}\n", severity_word(diagnostic.severity), diagnostic.message);
  } else {
    out = fmt::format("{}:{}:{}: {}: {}\n", span.file->name, span.line, span.column,
                      severity_word(diagnostic.severity), diagnostic.message);
    const std::string_view text = span.file->text;
    const std::string_view line = line_at(text, span.begin);
    const std::size_t line_begin = static_cast<std::size_t>(line.data() - text.data());
    const std::size_t in_line = std::min<std::size_t>(span.begin - line_begin, line.size());
    const std::size_t span_end = std::min<std::size_t>(span.end - line_begin, line.size());
    const Excerpt excerpt = excerpt_around(line, in_line, span_end);
    const std::string_view before = excerpt.cut_before ? "…" : "";
    const std::string_view after = excerpt.cut_after ? "…" : "";
    const std::size_t lead =
        display_width(excerpt.text.substr(0, excerpt.begin)) + display_width(before);
    const std::size_t width = std::max<std::size_t>(
        1, display_width(excerpt.text.substr(excerpt.begin, excerpt.end - excerpt.begin), lead));
    out += fmt::format("  {}{}{}\n  {}^{}\n", before, expand_tabs(excerpt.text), after,
                       std::string(lead, ' '), std::string(width - 1, '~'));
  }
  if (!diagnostic.hint.empty()) out += fmt::format("  help: {}\n", diagnostic.hint);
  return out;
}

std::string render(const Diagnostics& diagnostics) {
  std::string out;
  for (const Diagnostic& diagnostic : diagnostics) out += render(diagnostic);
  return out;
}

bool has_errors(const Diagnostics& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::error; });
}

}  // namespace proviso
