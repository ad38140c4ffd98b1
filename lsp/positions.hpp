// Positions as the Language Server Protocol counts them: a 0-based line and a 0-based column
// in UTF-16 code units, converted to and from the byte offsets of the stages' spans.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace proviso::lsp {

/// An LSP position.
struct Position {
  std::uint32_t line = 0;
  std::uint32_t character = 0;  // UTF-16 code units from the start of the line
};

/// An LSP range: half-open, like the spans.
struct Range {
  Position start;
  Position end;
};

/// The starts of a text's lines, for converting offsets. Holds a view of the text, which must
/// outlive it. Bytes that are not valid UTF-8 count as one code unit each.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text);

  /// The position of a byte offset (clamped to the text's end).
  Position position(std::uint32_t offset) const;
  /// The byte offset of a position; a line past the end gives the text's end, a character
  /// past its line's end gives the line's end (before its line break).
  std::uint32_t offset(Position position) const;
  /// The range of bytes [begin, end).
  Range range(std::uint32_t begin, std::uint32_t end) const;

 private:
  std::string_view text_;
  std::vector<std::uint32_t> line_starts_;
};

/// `text` with each byte that is not part of valid UTF-8 replaced by U+FFFD: what the server
/// writes must be UTF-8, and a message may quote a byte cut from the middle of a character.
std::string valid_utf8(std::string_view text);

}  // namespace proviso::lsp
