#include "events/flat_json.hpp"

#include <fmt/format.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <bit>
#include <cstdint>
#include <cstring>

#include "events/read_fields.hpp"

namespace proviso::detail {

namespace {

// Only the space: a tab, like any control character, sends the line to simdjson.
bool is_space(char c) {
  return c == ' ';
}

// Where the quotes of a line are, one bit per byte (bit i of quotes[i / 64] for line[i]): the
// scan below then finds the end of a string with one instruction instead of a loop.
struct QuoteBits {
  std::array<std::uint64_t, kMaxFlatLine / 64> quotes{};
  std::size_t words = 0;

  // The position of the first quote at or after `from`, or npos.
  std::size_t next(std::size_t from) const {
    std::size_t word = from / 64;
    if (word >= words) return std::string_view::npos;
    std::uint64_t bits = quotes[word] & (~std::uint64_t{0} << (from % 64));
    while (bits == 0) {
      if (++word == words) return std::string_view::npos;
      bits = quotes[word];
    }
    return word * 64 + static_cast<std::size_t>(std::countr_zero(bits));
  }
};

// Whether the line is printable ASCII without a backslash (its strings then need no unescaping
// and no UTF-8 check), noting its quotes in `bits` on the way: one pass, 16 bytes at a time
// where SSE2 is there.
bool classify(std::string_view line, QuoteBits& bits) {
  const std::size_t size = line.size();
  bits.words = (size + 63) / 64;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(' ');
  __m128i bad = _mm_setzero_si128();
  const auto block = [&](const char* at, std::size_t offset) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    // Signed bytes: below ' ' is a control character or, negative, a byte of 0x80 or more.
    bad = _mm_or_si128(
        bad, _mm_or_si128(_mm_cmplt_epi8(bytes, space), _mm_cmpeq_epi8(bytes, backslash)));
    const auto mask = static_cast<std::uint64_t>(
        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, quote))));
    bits.quotes[offset / 64] |= mask << (offset % 64);
  };
  std::size_t offset = 0;
  for (; offset + 16 <= size; offset += 16) block(line.data() + offset, offset);
  if (offset < size) {
    // The last bytes, padded with spaces, which are neither bad nor quotes.
    char tail[16];
    std::memset(tail, ' ', sizeof tail);
    std::memcpy(tail, line.data() + offset, size - offset);
    block(tail, offset);
  }
  return _mm_movemask_epi8(bad) == 0;
#else
  unsigned char bad = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const auto byte = static_cast<unsigned char>(line[i]);
    bad |= static_cast<unsigned char>((byte < 0x20) | (byte >= 0x80) | (byte == '\\'));
    bits.quotes[i / 64] |= std::uint64_t{byte == '"'} << (i % 64);
  }
  return bad == 0;
#endif
}

// Members are written in place: building one aside and copying it in stalls on the copy. The
// position is a local that stays in a register (stores into `members` might alias a member).
bool scan_object(std::string_view line, const QuoteBits& quotes, FlatObject& members) {
  const char* const text = line.data();
  const std::size_t size = line.size();
  std::size_t pos = 0;
  const auto skip_spaces = [&] {
    while (pos < size && is_space(text[pos])) ++pos;
  };
  const auto take = [&](char c) {
    if (pos < size && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  };
  // A plain string, quotes included, starting at pos.
  const auto string = [&](std::string_view& raw) {
    if (pos >= size || text[pos] != '"') return false;
    const std::size_t end = quotes.next(pos + 1);
    if (end == std::string_view::npos) return false;
    raw = line.substr(pos, end + 1 - pos);
    pos = end + 1;
    return true;
  };
  std::string why;  // check_json_number's complaint, unused: simdjson's path gives the message
  const auto value = [&](FlatMember& member) {
    if (pos >= size) return false;
    if (text[pos] == '"') {
      member.kind = FlatKind::string;
      return string(member.raw);
    }
    // A number or a literal runs to the next delimiter.
    const std::size_t start = pos;
    while (pos < size && text[pos] != ',' && text[pos] != '}' && !is_space(text[pos])) ++pos;
    member.raw = line.substr(start, pos - start);
    if (member.raw == "true" || member.raw == "false") {
      member.kind = FlatKind::boolean;
      return true;
    }
    if (member.raw == "null") {
      member.kind = FlatKind::null;
      return true;
    }
    member.kind = FlatKind::number;
    return check_json_number(member.raw, why);
  };

  members.size = 0;
  skip_spaces();
  if (!take('{')) return false;
  skip_spaces();
  if (!take('}')) {
    while (true) {
      if (members.size == kMaxFlatMembers) return false;
      FlatMember& member = members.members[members.size];
      if (!string(member.key)) return false;
      member.key = member.key.substr(1, member.key.size() - 2);
      skip_spaces();
      if (!take(':')) return false;
      skip_spaces();
      if (!value(member)) return false;
      ++members.size;
      skip_spaces();
      if (take('}')) break;
      if (!take(',')) return false;
      skip_spaces();
    }
  }
  skip_spaces();
  return pos == size;
}

}  // namespace

bool read_flat_object(std::string_view line, FlatObject& members) {
  members.size = 0;
  if (line.size() > kMaxFlatLine) return false;
  QuoteBits quotes;
  return classify(line, quotes) && scan_object(line, quotes, members);
}

bool check_json_number(std::string_view raw, std::string& why) {
  std::size_t pos = 0, digits = 0;
  const auto take_digits = [&] {
    const std::size_t start = pos;
    while (pos < raw.size() && raw[pos] >= '0' && raw[pos] <= '9') ++pos;
    digits += pos - start;
    return pos > start;
  };
  bool ok = true;
  if (pos < raw.size() && raw[pos] == '-') ++pos;
  if (pos < raw.size() && raw[pos] == '0') {
    ++pos;
    ++digits;
  } else {
    ok = take_digits();
  }
  if (ok && pos < raw.size() && raw[pos] == '.') {
    ++pos;
    ok = take_digits();
  }
  if (ok && pos < raw.size() && (raw[pos] == 'e' || raw[pos] == 'E')) {
    ++pos;
    if (pos < raw.size() && (raw[pos] == '+' || raw[pos] == '-')) ++pos;
    ok = take_digits();
  }
  if (!ok || pos != raw.size()) {
    why = fmt::format("{} is not a number", shown(raw));
    return false;
  }
  if (digits > kMaxNumberDigits) {
    why = fmt::format("a number has {} digits, more than the {} a log may use", digits,
                      kMaxNumberDigits);
    return false;
  }
  return true;
}

}  // namespace proviso::detail
