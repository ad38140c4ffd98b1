#include "base/time.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <boost/date_time/local_time/posix_time_zone.hpp>
#include <boost/date_time/posix_time/posix_time_types.hpp>
#include <memory>
#include <stdexcept>
#include <vector>

#include "base/zones.hpp"

namespace proviso {

namespace greg = boost::gregorian;

namespace {

// Floor division and its remainder, so that instants before 1970 fall on the right day.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a % b < 0) != (b < 0)));
}
constexpr std::int64_t floor_mod(std::int64_t a, std::int64_t b) {
  const std::int64_t rest = a % b;
  return rest != 0 && (rest < 0) != (b < 0) ? rest + b : rest;
}

const greg::date& epoch() {
  static const greg::date date(1970, 1, 1);
  return date;
}

greg::date to_boost(Date date) {
  if (date < kMinDate || date > kMaxDate) {
    throw std::out_of_range(fmt::format(
        "day {} after 1970-01-01 is outside the supported dates 1400-01-01 to 9999-12-31",
        date.days));
  }
  return epoch() + greg::date_duration(date.days);
}

Date from_boost(const greg::date& date) {
  return Date{static_cast<std::int32_t>((date - epoch()).days())};
}

std::int64_t to_micros(const boost::posix_time::ptime& time) {
  return (time - boost::posix_time::ptime(epoch())).total_microseconds();
}

int days_in_month(int year, int month) {
  return greg::gregorian_calendar::end_of_month_day(static_cast<unsigned short>(year),
                                                    static_cast<unsigned short>(month));
}

constexpr std::array<std::string_view, 12> kMonthNames{
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

// The Gregorian calendar, weekdays included, repeats every 400 years, and so do rules of the
// form "second Sunday in March". One cycle of transitions therefore answers for every instant.
constexpr std::int64_t kCycleDays = 146'097;
constexpr std::int64_t kCycleMicros = kCycleDays * kMicrosPerDay;
constexpr int kCycleFirstYear = 1970;

}  // namespace

namespace detail {

// One zone's rules, compiled from its POSIX rule into the UTC instants of its transitions over
// one 400-year cycle starting at 1970-01-01T00:00Z, so lookups need no calendar arithmetic.
struct ZoneRules {
  std::string_view name;
  int base_seconds = 0;
  int dst_seconds = 0;
  std::vector<std::int64_t> transitions;  // UTC micros within the cycle, ascending
  std::vector<int> offsets;               // offset in force from transitions[i] on

  explicit ZoneRules(const ZoneEntry& entry) : name(entry.name) {
    const boost::local_time::posix_time_zone zone{std::string(entry.posix_rule)};
    base_seconds = static_cast<int>(zone.base_utc_offset().total_seconds());
    if (!zone.has_dst()) return;
    dst_seconds = static_cast<int>(zone.dst_offset().total_seconds());
    const std::int64_t base = base_seconds * kMicrosPerSecond;
    const std::int64_t dst = dst_seconds * kMicrosPerSecond;
    std::vector<std::pair<std::int64_t, int>> changes;
    for (int year = kCycleFirstYear; year < kCycleFirstYear + 400; ++year) {
      const auto y = static_cast<unsigned short>(year);
      // POSIX gives the start in local standard time and the end in local daylight time.
      changes.emplace_back(to_micros(zone.dst_local_start_time(y)) - base,
                           base_seconds + dst_seconds);
      changes.emplace_back(to_micros(zone.dst_local_end_time(y)) - base - dst, base_seconds);
    }
    std::sort(changes.begin(), changes.end());
    for (const auto& [at, offset] : changes) {
      transitions.push_back(at);
      offsets.push_back(offset);
    }
  }

  int offset_seconds(std::int64_t micros) const {
    if (transitions.empty()) return base_seconds;
    const std::int64_t in_cycle = floor_mod(micros, kCycleMicros);
    const auto next = std::upper_bound(transitions.begin(), transitions.end(), in_cycle);
    // Before the cycle's first transition the state is the one its last transition left.
    if (next == transitions.begin()) return offsets.back();
    return offsets[static_cast<std::size_t>(next - transitions.begin() - 1)];
  }
};

}  // namespace detail

std::optional<Date> make_date(int year, int month, int day) {
  if (year < 1400 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > days_in_month(year, month)) {
    return std::nullopt;
  }
  return from_boost(greg::date(static_cast<unsigned short>(year),
                               static_cast<unsigned short>(month),
                               static_cast<unsigned short>(day)));
}

CivilDate civil(Date date) {
  const auto ymd = to_boost(date).year_month_day();
  return CivilDate{ymd.year, ymd.month, ymd.day};
}

int weekday(Date date) {
  return to_boost(date).day_of_week();
}

// ---- Time zones -------------------------------------------------------------------------------

namespace {

const std::vector<std::unique_ptr<detail::ZoneRules>>& zone_table() {
  // Built once, on first use, for every known zone; TimeZone handles point into it.
  static const auto table = [] {
    std::vector<std::unique_ptr<detail::ZoneRules>> rules;
    for (const ZoneEntry& entry : known_zones()) {
      rules.push_back(std::make_unique<detail::ZoneRules>(entry));
    }
    return rules;
  }();
  return table;
}

// local + micros, throwing rather than wrapping when the instant does not fit in a Timestamp.
std::int64_t checked_instant(Date date, std::int64_t micros_of_day, std::int64_t offset_micros) {
  std::int64_t result = 0;
  if (__builtin_mul_overflow(static_cast<std::int64_t>(date.days), kMicrosPerDay, &result) ||
      __builtin_add_overflow(result, micros_of_day, &result) ||
      __builtin_sub_overflow(result, offset_micros, &result)) {
    throw std::out_of_range(
        fmt::format("day {} after 1970-01-01 is beyond the range of instants", date.days));
  }
  return result;
}

}  // namespace

std::optional<TimeZone> TimeZone::find(std::string_view iana_name) {
  if (iana_name == "Z") iana_name = "UTC";
  for (const auto& rules : zone_table()) {
    if (rules->name == iana_name) return TimeZone(rules.get());
  }
  return std::nullopt;
}

std::string_view TimeZone::name() const {
  return rules_->name;
}

Timestamp TimeZone::to_instant(Date date, std::int64_t micros_of_day) const {
  const int standard = rules_->base_seconds;
  const std::int64_t as_standard =
      checked_instant(date, micros_of_day, standard * kMicrosPerSecond);
  if (rules_->transitions.empty()) return Timestamp{as_standard};
  const int daylight = standard + rules_->dst_seconds;
  const std::int64_t as_daylight =
      checked_instant(date, micros_of_day, daylight * kMicrosPerSecond);
  const bool standard_fits = rules_->offset_seconds(as_standard) == standard;
  const bool daylight_fits = rules_->offset_seconds(as_daylight) == daylight;
  if (standard_fits && daylight_fits) {
    return Timestamp{std::min(as_standard, as_daylight)};  // overlap: the earlier reading
  }
  if (standard_fits) return Timestamp{as_standard};
  if (daylight_fits) return Timestamp{as_daylight};
  // In a gap each reading lands on the other side of the jump from its own offset. The later
  // one uses the offset in force before the jump, carrying the time forward by the gap.
  return Timestamp{std::max(as_standard, as_daylight)};
}

Timestamp TimeZone::start_of_day(Date date) const {
  return to_instant(date, 0);
}

int TimeZone::offset_seconds(Timestamp instant) const {
  return rules_->offset_seconds(instant.micros);
}

Date TimeZone::local_date(Timestamp instant) const {
  // Split before adding the offset so that extreme instants cannot overflow.
  const std::int64_t day = floor_div(instant.micros, kMicrosPerDay);
  const std::int64_t local_micros_of_day =
      floor_mod(instant.micros, kMicrosPerDay) + offset_seconds(instant) * kMicrosPerSecond;
  return Date{static_cast<std::int32_t>(day + floor_div(local_micros_of_day, kMicrosPerDay))};
}

// ---- Parsing ----------------------------------------------------------------------------------

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

  if (!in.accept('T') && !in.accept(' ')) {
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
  if (in.accept('Z')) {
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

Timestamp to_instant(const ParsedTimestamp& parsed, const TimeZone& zone) {
  if (!parsed.offset_minutes) return zone.to_instant(parsed.date, parsed.micros_of_day);
  return Timestamp{checked_instant(parsed.date, parsed.micros_of_day,
                                   *parsed.offset_minutes * 60 * kMicrosPerSecond)};
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

// Reads `count` digits at `at` into `out`; false if any is not a digit.
constexpr bool fast_digits(std::string_view text, std::size_t at, std::size_t count,
                           unsigned& out) {
  out = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    const unsigned digit = static_cast<unsigned char>(text[i]) - unsigned{'0'};
    if (digit > 9) return false;
    out = out * 10 + digit;
  }
  return true;
}

}  // namespace

std::optional<Timestamp> parse_instant_fast(std::string_view text) {
  // 0123456789012345678
  // YYYY-MM-DDTHH:MM:SS then (.f{1,9})? then Z or ±HH:MM
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!fast_digits(text, 0, 4, year) || !fast_digits(text, 5, 2, month) ||
      !fast_digits(text, 8, 2, day) || !fast_digits(text, 11, 2, hour) ||
      !fast_digits(text, 14, 2, minute) || !fast_digits(text, 17, 2, second)) {
    return std::nullopt;
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
  if (pos == text.size()) return std::nullopt;
  if (text[pos] == 'Z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    unsigned offset_hour = 0, offset_minute = 0;
    if (text.size() - pos < 6 || text[pos + 3] != ':' ||
        !fast_digits(text, pos + 1, 2, offset_hour) ||
        !fast_digits(text, pos + 4, 2, offset_minute) || offset_minute > 59 ||
        offset_hour * 60 + offset_minute > 18 * 60) {
      return std::nullopt;
    }
    offset_minutes = offset_hour * 60 + offset_minute;
    if (text[pos] == '-') offset_minutes = -offset_minutes;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  const int y = static_cast<int>(year);
  if (y < 1400 || month < 1 || month > 12 || day < 1 || day > fast_days_in_month(y, month) ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }
  if (hour > 23) {
    // 24:00:00 ends the day, as in parse_timestamp; 9999-12-31 has no next day to start.
    if (hour != 24 || minute != 0 || second != 0 || fraction != 0 ||
        (y == 9999 && month == 12 && day == 31)) {
      return std::nullopt;
    }
  }
  const std::int64_t seconds = days_from_civil(y, month, day) * 86'400 + hour * 3600 + minute * 60 +
                               second - offset_minutes * 60;
  return Timestamp{seconds * kMicrosPerSecond + fraction};
}

// ---- Formatting -------------------------------------------------------------------------------

namespace {

// "2026-09-15T00:00:00" with `separator` between date and time, and a fraction when non-zero.
std::string format_wall_clock(std::int64_t day, std::int64_t micros_of_day, char separator) {
  const CivilDate date = civil(Date{static_cast<std::int32_t>(day)});
  const std::int64_t seconds = micros_of_day / kMicrosPerSecond;
  const std::int64_t micros = micros_of_day % kMicrosPerSecond;
  std::string text =
      fmt::format("{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}", date.year, date.month, date.day,
                  separator, seconds / 3600, seconds / 60 % 60, seconds % 60);
  if (micros % 1000 != 0) {
    text += fmt::format(".{:06}", micros);
  } else if (micros != 0) {
    text += fmt::format(".{:03}", micros / 1000);
  }
  return text;
}

}  // namespace

std::string format_utc(Timestamp instant) {
  return format_wall_clock(floor_div(instant.micros, kMicrosPerDay),
                           floor_mod(instant.micros, kMicrosPerDay), 'T') +
         'Z';
}

std::string format_date(Date date) {
  const CivilDate ymd = civil(date);
  return fmt::format("{:04}-{:02}-{:02}", ymd.year, ymd.month, ymd.day);
}

std::string format_local(Timestamp instant, const TimeZone& zone) {
  const int offset = zone.offset_seconds(instant);
  const std::int64_t local_micros_of_day =
      floor_mod(instant.micros, kMicrosPerDay) + offset * kMicrosPerSecond;
  const std::int64_t day =
      floor_div(instant.micros, kMicrosPerDay) + floor_div(local_micros_of_day, kMicrosPerDay);
  const int magnitude = offset < 0 ? -offset : offset;
  return fmt::format("{} {}{:02}:{:02}",
                     format_wall_clock(day, floor_mod(local_micros_of_day, kMicrosPerDay), ' '),
                     offset < 0 ? '-' : '+', magnitude / 3600, magnitude / 60 % 60);
}

}  // namespace proviso
