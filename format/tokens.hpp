// Contract text cut into the pieces the formatter lays out: words, literals, operators,
// punctuation and comments, each with the text exactly as written.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace proviso::format {

/// What a piece of a line is; the formatter spaces pieces by kind.
enum class TokenKind { word, number, text, time, comment, symbol };

/// One piece of a line, and how much whitespace came before it on that line.
struct Token {
  TokenKind kind = TokenKind::word;
  std::string text;
  std::size_t gap = 0;

  bool is(std::string_view symbol) const { return text == symbol && kind != TokenKind::text; }
};

/// The pieces of one line of a contract that parses (the formatter lexes only text the grammar
/// has accepted, so an unterminated text cannot occur). Dates and timestamps, with their zone,
/// are one piece, as the grammar reads them.
std::vector<Token> tokenize_line(std::string_view line);

/// True for the words the grammar reserves (grammar.hpp `reserved`, matched by PEGTL).
bool is_reserved(std::string_view word);

}  // namespace proviso::format
