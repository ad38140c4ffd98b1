#include "lsp/positions.hpp"

#include <algorithm>

namespace proviso::lsp {

namespace {

// The length of the UTF-8 sequence that starts with `lead` and its UTF-16 code units, or
// {1, 1} for a byte that cannot start one.
struct Sequence {
  std::uint32_t bytes;
  std::uint32_t units;
};

Sequence sequence_at(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  std::uint32_t bytes = 1;
  if (lead >= 0xF0 && lead < 0xF8) {
    bytes = 4;
  } else if (lead >= 0xE0) {
    bytes = lead < 0xF0 ? 3 : 1;
  } else if (lead >= 0xC2) {
    bytes = 2;
  }
  if (bytes == 1 || at + bytes > text.size()) return {1, 1};
  for (std::uint32_t i = 1; i < bytes; ++i) {
    if ((static_cast<unsigned char>(text[at + i]) & 0xC0) != 0x80) return {1, 1};
  }
  return {bytes, bytes == 4 ? 2u : 1u};  // beyond the BMP: a surrogate pair
}

// The end of a line's content: before its '\n' (and a '\r' before that).
std::uint32_t content_end(std::string_view text, std::uint32_t begin, std::uint32_t next) {
  std::uint32_t end = next;
  if (end > begin && end <= text.size() && text[end - 1] == '\n') --end;
  if (end > begin && text[end - 1] == '\r') --end;
  return end;
}

}  // namespace

LineIndex::LineIndex(std::string_view text) : text_(text) {
  line_starts_.push_back(0);
  for (std::uint32_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts_.push_back(i + 1);
  }
}

Position LineIndex::position(std::uint32_t offset) const {
  offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text_.size()));
  const auto after = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const auto line = static_cast<std::uint32_t>(after - line_starts_.begin() - 1);
  std::uint32_t units = 0;
  for (std::uint32_t at = line_starts_[line]; at < offset;) {
    const Sequence step = sequence_at(text_, at);
    // An offset inside a character counts as the character's start.
    if (at + step.bytes > offset) break;
    at += step.bytes;
    units += step.units;
  }
  return {line, units};
}

std::uint32_t LineIndex::offset(Position position) const {
  if (position.line >= line_starts_.size()) return static_cast<std::uint32_t>(text_.size());
  const std::uint32_t begin = line_starts_[position.line];
  const std::uint32_t next = position.line + 1 < line_starts_.size()
                                 ? line_starts_[position.line + 1]
                                 : static_cast<std::uint32_t>(text_.size());
  const std::uint32_t end = content_end(text_, begin, next);
  std::uint32_t at = begin;
  std::uint32_t units = 0;
  while (at < end && units < position.character) {
    const Sequence step = sequence_at(text_, at);
    at += step.bytes;
    units += step.units;
  }
  return std::min(at, end);
}

Range LineIndex::range(std::uint32_t begin, std::uint32_t end) const {
  return {position(begin), position(std::max(begin, end))};
}

}  // namespace proviso::lsp
