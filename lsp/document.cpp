#include "lsp/document.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <tuple>

#include "grammar/parse.hpp"
#include "stdlib/prelude.hpp"

namespace proviso::lsp {

namespace {

// How many broken declarations are blanked out, one at a time, before giving up.
constexpr int kMaxRecoveries = 64;

Analysis parse_and_check(std::string name, std::string text, Diagnostics& diagnostics) {
  Analysis analysis;
  analysis.source = std::make_unique<SourceFile>(SourceFile{std::move(name), std::move(text)});
  const ParsedPrelude& stdlib = parsed_prelude();
  ParseResult parsed = parse(*analysis.source, stdlib.node_count);
  diagnostics = std::move(parsed.diagnostics);
  analysis.file = std::move(parsed.file);
  if (analysis.file) analysis.checked = check(stdlib.views, *analysis.file, diagnostics);
  return analysis;
}

// The first syntax error's offset, if the parser said where.
std::optional<std::uint32_t> error_offset(const Diagnostics& diagnostics) {
  for (const Diagnostic& diagnostic : diagnostics) {
    if (diagnostic.severity == Severity::error && diagnostic.span.file) {
      return diagnostic.span.begin;
    }
  }
  return std::nullopt;
}

// Declarations start at the margin with a word (`metric`, `tranche`, `for each`, `test`);
// everything indented, and a closing `}`, continues the one above.
bool starts_declaration(std::string_view text, std::size_t line_begin) {
  return line_begin < text.size() && std::isalpha(static_cast<unsigned char>(text[line_begin]));
}

// The offset where the line holding `offset` begins.
std::size_t line_begin(std::string_view text, std::size_t offset) {
  if (offset == 0) return 0;
  const std::size_t newline = text.rfind('\n', offset - 1);
  return newline == std::string_view::npos ? 0 : newline + 1;
}

// The start of the declaration holding `offset`.
std::size_t declaration_begin(std::string_view text, std::size_t offset) {
  std::size_t line = line_begin(text, offset);
  while (line > 0 && !starts_declaration(text, line)) line = line_begin(text, line - 1);
  return line;
}

// The start of the next declaration after the line holding `offset`, or the text's end.
std::size_t declaration_end(std::string_view text, std::size_t offset) {
  std::size_t newline = text.find('\n', offset);
  while (newline != std::string_view::npos) {
    if (starts_declaration(text, newline + 1)) return newline + 1;
    newline = text.find('\n', newline + 1);
  }
  return text.size();
}

// True when only blanks and comments stand between `begin` and `offset`: the parser stopped
// at the start of this declaration, so the one before it is the one left unfinished.
bool nothing_before(std::string_view text, std::size_t begin, std::size_t offset) {
  for (std::size_t i = begin; i < offset && i < text.size(); ++i) {
    if (text[i] == '-' && i + 1 < text.size() && text[i + 1] == '-') {
      i = std::min(text.find('\n', i), offset);
      if (i == std::string_view::npos) return true;
    } else if (!std::isspace(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

void blank(std::string& text, std::size_t begin, std::size_t end) {
  for (std::size_t i = begin; i < end && i < text.size(); ++i) {
    if (text[i] != '\n') text[i] = ' ';
  }
}

}  // namespace

std::unique_ptr<Document> analyse(std::string uri, std::int64_t version, std::string text) {
  auto document = std::make_unique<Document>();
  document->uri = std::move(uri);
  document->version = version;
  document->text = std::move(text);
  document->lines = LineIndex(document->text);
  document->analysis = parse_and_check(document->uri, document->text, document->diagnostics);
  std::stable_sort(document->diagnostics.begin(), document->diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.span.line, a.span.column) <
                            std::tie(b.span.line, b.span.column);
                   });
  if (document->analysis.file) return document;

  // A half-typed file: blank out the declaration the parser stopped in and try again, so the
  // declarations that are whole still give hover and completion.
  std::string partial = document->text;
  Diagnostics scratch = document->diagnostics;
  std::optional<std::uint32_t> previous_stop;
  for (int attempt = 0; attempt < kMaxRecoveries; ++attempt) {
    const std::optional<std::uint32_t> stop = error_offset(scratch);
    if (!stop) break;
    std::size_t begin = declaration_begin(partial, *stop);
    if (begin > 0 && nothing_before(partial, begin, *stop) && previous_stop != stop) {
      begin = declaration_begin(partial, begin - 1);
    }
    previous_stop = stop;
    blank(partial, begin, declaration_end(partial, begin));
    Analysis attempt_analysis = parse_and_check(document->uri, partial, scratch);
    if (attempt_analysis.file) {
      document->unparsed = std::move(document->analysis);
      document->analysis = std::move(attempt_analysis);
      document->recovered = true;
      break;
    }
  }
  return document;
}

}  // namespace proviso::lsp
