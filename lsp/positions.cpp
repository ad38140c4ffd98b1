#include "lsp/positions.hpp"

#include <algorithm>

namespace proviso::lsp {

namespace {

// The length of the UTF-8 sequence that starts with `lead` and its UTF-16 code units, or
// {1, 1} for a byte that cannot start one.
struct Sequence {
  std::uint32_t bytes;
  std::uint32_t units;
  bool valid;
};

Sequence sequence_at(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
  const unsigned char lead = byte(0);
  std::uint32_t bytes = 1;
  // The second byte's range, narrower than 80..BF after some leads (no overlong forms, no
  // surrogates, nothing past U+10FFFF), as RFC 3629 sets out.
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    bytes = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    bytes = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    bytes = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  }
  if (bytes == 1 || at + bytes > text.size()) return {1, 1, lead < 0x80};
  if (byte(1) < low || byte(1) > high) return {1, 1, false};
  for (std::uint32_t i = 2; i < bytes; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return {1, 1, false};
  }
  return {bytes, bytes == 4 ? 2u : 1u, true};  // beyond the BMP: a surrogate pair
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

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const Sequence step = sequence_at(text, at);
    if (step.valid) {
      out.append(text.substr(at, step.bytes));
    } else {
      out.append("\xEF\xBF\xBD");  // U+FFFD, the replacement character
    }
    at += step.bytes;
  }
  return out;
}

}  // namespace proviso::lsp
