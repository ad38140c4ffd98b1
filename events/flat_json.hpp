// Internal to the JSON Lines reader: a fast path for the plain lines that make up nearly every
// log, {"ts":"…","type":"…","px":"12.5","qty":3}, read without simdjson's per-document set-up.
// It only ever accepts: anything it does not recognise as valid JSON of that shape (escapes,
// non-ASCII text, nesting, odd whitespace, bad numbers) is left to simdjson, which decides and
// explains. So the fast path changes how quickly a line is read, never whether it is accepted.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace proviso::detail {

enum class FlatKind { string, number, boolean, null };

/// One "key": value of a flat object. `raw` is the value's JSON text (a string with its quotes).
struct FlatMember {
  std::string_view key;
  std::string_view raw;
  FlatKind kind;
  /// A string value's text (plain: it has no escapes).
  std::string_view text() const { return raw.substr(1, raw.size() - 2); }
};

/// The most members a line may have for the fast path (more go to simdjson).
inline constexpr std::size_t kMaxFlatMembers = 32;

/// The longest line the fast path reads (longer ones go to simdjson): a W1 line is 60 to 90 bytes.
inline constexpr std::size_t kMaxFlatLine = 512;

/// The members of a flat object, in the line's order.
struct FlatObject {
  std::array<FlatMember, kMaxFlatMembers> members;
  std::size_t size = 0;
  const FlatMember* begin() const { return members.data(); }
  const FlatMember* end() const { return members.data() + size; }
};

/// Fills `object` with the members of `line` and returns true when `line` is, with nothing
/// else but spaces around its tokens, a JSON object whose keys and string values are
/// printable ASCII without escapes and whose other values are numbers (check_json_number), true,
/// false or null, and `line` is at most kMaxFlatLine bytes long. False for anything else, which
/// may or may not be valid JSON.
bool read_flat_object(std::string_view line, FlatObject& object);

/// The most digits a number in a log may have: more is no amount anyone writes, and a reader
/// that accepted any length could be made to work without bound on one line.
inline constexpr std::size_t kMaxNumberDigits = 100;

/// Whether `raw` is a JSON number (RFC 8259) of at most kMaxNumberDigits digits; why not if not.
bool check_json_number(std::string_view raw, std::string& why);

}  // namespace proviso::detail
