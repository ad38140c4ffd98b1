#include "events/flat_json.hpp"

#include <fmt/format.h>

#include "events/read_fields.hpp"

namespace proviso::detail {

namespace {

// Only the space: a tab, like any control character, sends the line to simdjson.
bool is_space(char c) {
  return c == ' ';
}

// Whether the line is printable ASCII without a backslash: its strings then need no unescaping
// and no UTF-8 check. One branch-free pass the compiler can vectorise.
bool is_plain(std::string_view line) {
  unsigned char bad = 0;
  for (const char c : line) {
    const auto byte = static_cast<unsigned char>(c);
    bad |= static_cast<unsigned char>((byte < 0x20) | (byte >= 0x80) | (byte == '\\'));
  }
  return bad == 0;
}

class FlatScanner {
 public:
  explicit FlatScanner(std::string_view line) : line_(line) {}

  // Members are written in place: building one aside and copying it in stalls on the copy.
  bool object(FlatObject& members) {
    members.size = 0;
    if (!is_plain(line_)) return false;
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
    return pos_ == line_.size();
  }

 private:
  bool take(char c) {
    if (pos_ < line_.size() && line_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  void skip_spaces() {
    while (pos_ < line_.size() && is_space(line_[pos_])) ++pos_;
  }

  // A plain string, quotes included.
  bool string(std::string_view& raw) {
    const std::size_t start = pos_;
    if (!take('"')) return false;
    // Keys and values are short: a plain loop beats a call to memchr. A local index stays in a
    // register (stores into members_ might alias pos_).
    std::size_t pos = pos_;
    const char* const text = line_.data();
    const std::size_t size = line_.size();
    while (pos < size && text[pos] != '"') ++pos;
    pos_ = pos;
    if (!take('"')) return false;
    raw = line_.substr(start, pos_ - start);
    return true;
  }

  bool value(FlatMember& member) {
    if (pos_ >= line_.size()) return false;
    const char first = line_[pos_];
    if (first == '"') {
      member.kind = FlatKind::string;
      return string(member.raw);
    }
    // A number or a literal runs to the next delimiter.
    const std::size_t start = pos_;
    while (pos_ < line_.size() && line_[pos_] != ',' && line_[pos_] != '}' &&
           !is_space(line_[pos_])) {
      ++pos_;
    }
    member.raw = line_.substr(start, pos_ - start);
    if (member.raw == "true" || member.raw == "false") {
      member.kind = FlatKind::boolean;
      return true;
    }
    if (member.raw == "null") {
      member.kind = FlatKind::null;
      return true;
    }
    member.kind = FlatKind::number;
    return check_json_number(member.raw, why_);
  }

  std::string_view line_;
  std::size_t pos_ = 0;
  std::string why_;  // check_json_number's complaint, unused: simdjson's path gives the message
};

}  // namespace

bool read_flat_object(std::string_view line, FlatObject& members) {
  return FlatScanner(line).object(members);
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
