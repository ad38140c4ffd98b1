// An open document and what the server knows of it: the checker's diagnostics for its text,
// and a checked tree to answer hover, definition and completion from, even while the text has
// a syntax error.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/diagnostic.hpp"
#include "check/check.hpp"
#include "grammar/ast.hpp"
#include "lsp/positions.hpp"

namespace proviso::lsp {

/// A text parsed and checked. Spans in `file` and `checked` point into `source`.
struct Analysis {
  std::unique_ptr<SourceFile> source;
  std::unique_ptr<ast::File> file;  // null when nothing could be parsed
  CheckedContract checked;
};

/// One document the client opened.
struct Document {
  std::string uri;
  std::int64_t version = 0;
  std::string text;
  /// The parser's and the checker's diagnostics for `text`, sorted by position.
  Diagnostics diagnostics;
  /// The tree answers come from. When `text` parses, `text` itself; otherwise `text` with the
  /// declarations that do not parse blanked out (same offsets), so the rest still answers.
  Analysis analysis;
  /// True when `analysis` had declarations blanked out.
  bool recovered = false;
  /// When recovered: the text's own parse, which failed; kept because `diagnostics` point
  /// into its source.
  Analysis unparsed;
  LineIndex lines{std::string_view()};
};

/// Parses and checks `text`, recovering what parses when the whole does not.
std::unique_ptr<Document> analyse(std::string uri, std::int64_t version, std::string text);

}  // namespace proviso::lsp
