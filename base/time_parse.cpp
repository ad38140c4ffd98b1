// Reading dates and timestamps: the checked parser for contract literals, and the fast path
// for event logs.
#include <fmt/format.h>

#include <array>
#include <cstring>
#include <optional>
#include <string_view>
#include <variant>

#include "base/time.hpp"
#include "base/time_civil.hpp"

namespace proviso {

using detail::days_in_month;
using detail::kCycleDays;
using detail::kMonthNames;

namespace {

// A cursor over a literal that reports, in words, what it expected where the shape goes wrong.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ == text_.size(); }
  std::size_t position() const { return pos_; }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  std::string_view rest() const { return text_.substr(pos_); }

  bool accept(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  // Exactly `count` decimal digits, or nullopt (consuming nothing).
  std::optional<int> digits(int count) {
    if (text_.size() - pos_ < static_cast<std::size_t>(count)) return std::nullopt;
    int value = 0;
    for (int i = 0; i < count; ++i) {
      const char c = text_[pos_ + static_cast<std::size_t>(i)];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    pos_ += static_cast<std::size_t>(count);
    return value;
  }

  TimeParseError expected(std::string_view kind, std::string_view what) const {
    if (at_end()) {
      return {fmt::format("\"{}\" is not a {}: expected {}, found the end", text_, kind, what)};
    }
    return {
        fmt::format("\"{}\" is not a {}: expected {}, found \"{}\"", text_, kind, what, rest())};
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// Reads YYYY-MM-DD and checks that the day exists.
std::variant<Date, TimeParseError> scan_date(Scanner& in, std::string_view kind) {
  const auto year = in.digits(4);
  if (!year) return in.expected(kind, "a four-digit year");
  if (!in.accept('-')) return in.expected(kind, "'-' after the year");
  const auto month = in.digits(2);
  if (!month) return in.expected(kind, "a two-digit month");
  if (!in.accept('-')) return in.expected(kind, "'-' after the month");
  const auto day = in.digits(2);
  if (!day) return in.expected(kind, "a two-digit day");

  if (*year < 1400) {
    return TimeParseError{
        fmt::format("year {} is out of range: years run from 1400 to 9999", *year)};
  }
  if (*month < 1 || *month > 12) {
    return TimeParseError{fmt::format("month {} is out of range", *month)};
  }
  if (*day < 1) return TimeParseError{fmt::format("day {} is out of range", *day)};
  const int length = days_in_month(*year, *month);
  if (*day > length) {
    return TimeParseError{
        fmt::format("{:04}-{:02}-{:02} is not a date: {} {} has {} days", *year, *month, *day,
                    kMonthNames[static_cast<std::size_t>(*month - 1)], *year, length)};
  }
  return *make_date(*year, *month, *day);
}

}  // namespace

std::variant<Date, TimeParseError> parse_date(std::string_view text) {
  Scanner in(text);
  auto date = scan_date(in, "date");
  if (std::holds_alternative<Date>(date) && !in.at_end()) {
    return in.expected("date", "the end of the date");
  }
  return date;
}

std::variant<ParsedTimestamp, TimeParseError> parse_timestamp(std::string_view text) {
  constexpr std::string_view kKind = "timestamp";
  Scanner in(text);
  auto scanned_date = scan_date(in, kKind);
  if (auto* error = std::get_if<TimeParseError>(&scanned_date)) return std::move(*error);
  Date date = std::get<Date>(scanned_date);

  if (!in.accept('T') && !in.accept('t') && !in.accept(' ')) {
    return in.expected(kKind, "'T' or a space after the date");
  }
  const std::size_t time_start = in.position();
  const auto hour = in.digits(2);
  if (!hour) return in.expected(kKind, "a two-digit hour");
  if (!in.accept(':')) return in.expected(kKind, "':' after the hour");
  const auto minute = in.digits(2);
  if (!minute) return in.expected(kKind, "two-digit minutes");
  int second = 0;
  std::int64_t fraction_micros = 0;
  bool fraction_zero = true;
  if (in.accept(':')) {
    const auto s = in.digits(2);
    if (!s) return in.expected(kKind, "two-digit seconds");
    second = *s;
    if (in.accept('.')) {
      int count = 0;
      for (; count < 10; ++count) {
        const auto digit = in.digits(1);
        if (!digit) break;
        if (count < 6) fraction_micros = fraction_micros * 10 + *digit;
        fraction_zero = fraction_zero && *digit == 0;
      }
      if (count == 0) return in.expected(kKind, "digits after '.'");
      if (count > 9) return TimeParseError{"a fraction of a second has at most 9 digits"};
      for (; count < 6; ++count) fraction_micros *= 10;
    }
  }

  const std::string_view time_text = text.substr(time_start, in.position() - time_start);

  ParsedTimestamp parsed{date, 0, std::nullopt, false};
  if (in.accept('Z') || in.accept('z')) {
    parsed.utc = true;
    parsed.offset_minutes = 0;
  } else if (const char sign = in.peek(); sign == '+' || sign == '-') {
    in.accept(sign);
    const auto offset_hour = in.digits(2);
    if (!offset_hour) return in.expected(kKind, "a two-digit offset hour");
    if (!in.accept(':')) return in.expected(kKind, "':' in the offset");
    const auto offset_minute = in.digits(2);
    if (!offset_minute) return in.expected(kKind, "two-digit offset minutes");
    if (*offset_minute > 59) {
      return TimeParseError{fmt::format("offset minute {} is out of range", *offset_minute)};
    }
    const int minutes = *offset_hour * 60 + *offset_minute;
    if (minutes > 18 * 60) {
      return TimeParseError{
          fmt::format("offset {}{:02}:{:02} is out of range: offsets run from -18:00 to +18:00",
                      sign, *offset_hour, *offset_minute)};
    }
    parsed.offset_minutes = sign == '-' ? -minutes : minutes;
  }
  if (!in.at_end()) return in.expected(kKind, "'Z', an offset such as +02:00, or the end");

  if (*hour == 24) {
    if (*minute != 0 || second != 0 || !fraction_zero) {
      return TimeParseError{fmt::format("{} is not a time: only 24:00 may use hour 24", time_text)};
    }
    if (date == kMaxDate) return TimeParseError{"24:00 on 9999-12-31 is past the last date"};
    parsed.date = Date{date.days + 1};  // the end of a day is the start of the next
    parsed.hour_24 = true;
    return parsed;
  }
  if (*hour > 23) return TimeParseError{fmt::format("hour {} is out of range", *hour)};
  if (*minute > 59) return TimeParseError{fmt::format("minute {} is out of range", *minute)};
  if (second == 60) {
    return TimeParseError{"second 60 is out of range: leap seconds are not supported"};
  }
  if (second > 59) return TimeParseError{fmt::format("second {} is out of range", second)};
  parsed.micros_of_day =
      (*hour * 3600 + *minute * 60 + second) * kMicrosPerSecond + fraction_micros;
  return parsed;
}

namespace {

// Howard Hinnant's days_from_civil (http://howardhinnant.github.io/date_algorithms.html): the
// fast path cannot afford Boost's checked date objects. Tests hold it to Boost's answers.
constexpr std::int64_t days_from_civil(int year, unsigned month, unsigned day) {
  year -= month <= 2;
  const int era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return std::int64_t{era} * kCycleDays + day_of_era - 719'468;
}

constexpr unsigned fast_days_in_month(int year, unsigned month) {
  constexpr std::array<unsigned char, 12> kLengths{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  return month == 2 && leap ? 29 : kLengths[month - 1];
}

// The value of the two digits at text[at], or a value above 99 when either is not a digit, so
// that one range check per field covers both the shape and the value.
inline unsigned two_digits(const char* text, std::size_t at) {
  const unsigned high = static_cast<unsigned char>(text[at]) - unsigned{'0'};
  const unsigned low = static_cast<unsigned char>(text[at + 1]) - unsigned{'0'};
  return high > 9 || low > 9 ? 100 : high * 10 + low;
}

// Nearly every line of a log has the date of the line before it: the last date read (its ten
// characters and its day number) saves reading and checking it again. One per thread, since
// logs may be read on a thread of their own.
struct LastDate {
  char text[10] = {};
  std::int64_t days = 0;
  bool valid = false;
};
thread_local LastDate last_date;

// Days since 1970-01-01 of the YYYY-MM-DD at the start of `text` (10 characters), or nullopt
// when it is not one or not a day from 1400 on.
std::optional<std::int64_t> read_date(const char* text) {
  if (last_date.valid && std::memcmp(text, last_date.text, 10) == 0) return last_date.days;
  const unsigned century = two_digits(text, 0), year_of_century = two_digits(text, 2);
  const unsigned month = two_digits(text, 5), day = two_digits(text, 8);
  if (text[4] != '-' || text[7] != '-' || century > 99 || year_of_century > 99 || month < 1 ||
      month > 12 || day < 1) {
    return std::nullopt;
  }
  const int year = static_cast<int>(century * 100 + year_of_century);
  if (year < 1400 || day > fast_days_in_month(year, month)) return std::nullopt;
  last_date.days = days_from_civil(year, month, day);
  std::memcpy(last_date.text, text, 10);
  last_date.valid = true;
  return last_date.days;
}

}  // namespace

std::optional<Timestamp> parse_instant_fast(std::string_view text) {
  // 0123456789012345678
  // YYYY-MM-DDTHH:MM:SS then (.f{1,9})? then Z or ±HH:MM
  if (text.size() < 20) return std::nullopt;
  const char* const chars = text.data();
  const unsigned hour = two_digits(chars, 11), minute = two_digits(chars, 14),
                 second = two_digits(chars, 17);
  if ((chars[10] != 'T' && chars[10] != 't') || chars[13] != ':' || chars[16] != ':' || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }
  const std::optional<std::int64_t> days = read_date(chars);
  if (!days) return std::nullopt;
  const auto instant = [&](unsigned fraction,
                           std::int64_t offset_minutes) -> std::optional<Timestamp> {
    const std::int64_t seconds =
        *days * 86'400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    const Timestamp result{seconds * kMicrosPerSecond + fraction};
    if (!is_event_instant(result)) return std::nullopt;
    return result;
  };
  if (text.size() == 24 && chars[19] == '.' && (chars[23] == 'Z' || chars[23] == 'z')) {
    // Milliseconds in UTC, the commonest shape of all.
    const unsigned tenths = static_cast<unsigned char>(chars[20]) - unsigned{'0'};
    const unsigned rest = two_digits(chars, 21);
    if (tenths > 9 || rest > 99) return std::nullopt;
    return instant((tenths * 100 + rest) * 1000, 0);
  }
  std::size_t pos = 19;
  unsigned fraction = 0;
  if (text[pos] == '.') {
    const std::size_t first = ++pos;
    unsigned scale = 100'000;
    while (pos < text.size() && pos - first < 10) {
      const unsigned digit = static_cast<unsigned char>(text[pos]) - unsigned{'0'};
      if (digit > 9) break;
      fraction += digit * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == first || pos - first > 9) return std::nullopt;
  }
  std::int64_t offset_minutes = 0;
  if (pos == text.size()) {
    return std::nullopt;
  } else if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    if (text.size() - pos < 6 || text[pos + 3] != ':') return std::nullopt;
    const unsigned offset_hour = two_digits(chars, pos + 1);
    const unsigned offset_minute = two_digits(chars, pos + 4);
    if (offset_hour > 18 || offset_minute > 59 || offset_hour * 60 + offset_minute > 18 * 60) {
      return std::nullopt;
    }
    offset_minutes = offset_hour * 60 + offset_minute;
    if (text[pos] == '-') offset_minutes = -offset_minutes;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  return instant(fraction, offset_minutes);
}

}  // namespace proviso
