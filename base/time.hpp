// Instants, calendar dates and time zones: parsing, formatting and local-time conversion.
// Calendar and DST rules come from Boost.Date_Time, but its headers stay in time.cpp so that
// including this one is cheap.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace proviso {

inline constexpr std::int64_t kMicrosPerSecond = 1'000'000;
inline constexpr std::int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

/// An instant: microseconds since 1970-01-01T00:00:00Z. Plain value, cheap to compare.
struct Timestamp {
  std::int64_t micros = 0;
  auto operator<=>(const Timestamp&) const = default;
};

/// A calendar date (proleptic Gregorian), days since 1970-01-01.
struct Date {
  std::int32_t days = 0;
  auto operator<=>(const Date&) const = default;
};

/// The dates the calendar functions accept: Boost.Date_Time's range, 1400-01-01 to 9999-12-31.
inline constexpr Date kMinDate{-208'188};
inline constexpr Date kMaxDate{2'932'896};

/// A date as year, month (1-12) and day of month (1-31).
struct CivilDate {
  int year, month, day;
  bool operator==(const CivilDate&) const = default;
};

/// The date year-month-day; nullopt when there is no such day (2026-02-30) or the year is
/// outside 1400..9999.
std::optional<Date> make_date(int year, int month, int day);

/// Year, month and day of a date. Throws std::out_of_range outside [kMinDate, kMaxDate].
CivilDate civil(Date date);

/// Day of the week: 0 = Sunday .. 6 = Saturday. Same range rule as civil().
int weekday(Date date);

namespace detail {
struct ZoneRules;
}

/// A named time zone (IANA name such as "America/New_York") with its full history of UTC
/// offsets from the system's time zone database (see base/zones.hpp). A cheap handle to an
/// immutable, process-wide table compiled on the zone's first use: copy it freely and share it
/// between threads.
class TimeZone {
 public:
  /// The zone with that IANA name, exactly as the database spells it (see known_zones());
  /// nullopt when the name is unknown. "UTC" and "Z" are always known (both give "UTC").
  static std::optional<TimeZone> find(std::string_view iana_name);

  /// The zone's IANA name, e.g. "America/New_York".
  std::string_view name() const;

  /// The instant at which the wall clock in this zone shows micros_of_day on date (values
  /// outside one day roll into the neighbouring days). A time skipped by a spring-forward gap
  /// is read with the offset in force before the gap, so it lands as far after the jump as it
  /// named past its start (02:30 in New York on 2026-03-08 is 03:30 EDT, 07:30Z). A time shown
  /// twice when clocks fall back gives the earlier instant (01:30 on 2026-11-01 is 05:30Z).
  /// Throws std::out_of_range only when the instant does not fit in a Timestamp.
  Timestamp to_instant(Date date, std::int64_t micros_of_day) const;

  /// The instant local `date` begins: to_instant(date, 0), with the same gap rule.
  Timestamp start_of_day(Date date) const;

  /// The local date on which an instant falls.
  Date local_date(Timestamp instant) const;

  /// UTC offset in seconds in force at an instant (-14400 for New York in summer).
  int offset_seconds(Timestamp instant) const;

  bool operator==(const TimeZone& other) const { return rules_ == other.rules_; }

 private:
  explicit TimeZone(const detail::ZoneRules* rules) : rules_(rules) {}
  const detail::ZoneRules* rules_;
};

/// Result of parsing a timestamp literal: the wall-clock reading and, when the text fixes the
/// instant, its offset. "Z" sets utc and offset_minutes = 0; "+02:00" sets offset_minutes = 120;
/// with neither the reading is local to some zone the caller chooses (see to_instant below).
struct ParsedTimestamp {
  Date date;
  std::int64_t micros_of_day;  // 0 <= micros_of_day < kMicrosPerDay
  std::optional<int> offset_minutes;
  bool utc;
  bool hour_24 = false;  // written as 24:00, the end of the day before `date`
};

/// Why a date or timestamp literal was rejected, in words for the contract's author.
struct TimeParseError {
  std::string reason;  // e.g. "2026-02-30 is not a date: February 2026 has 28 days"
};

/// Parses ISO-8601 "2026-09-01T14:30:00.123Z", "2026-09-01T09:30-05:00", "2026-09-01 14:30":
/// 'T' (or 't', as RFC 3339 allows) or a space between date and time, seconds optional, a
/// fraction of 1 to 9 digits (truncated to microseconds), then "Z" (or "z"), "±HH:MM" (within
/// ±18:00) or nothing. "24:00" (with zero seconds) is the end of the day and reads as 00:00 on
/// the next one, with hour_24 set. Leap seconds are rejected.
std::variant<ParsedTimestamp, TimeParseError> parse_timestamp(std::string_view text);

/// Parses an ISO-8601 calendar date, exactly "YYYY-MM-DD", e.g. "2030-10-06".
std::variant<Date, TimeParseError> parse_date(std::string_view text);

/// The instant a parsed timestamp names: its own offset when it has one, else its wall-clock
/// reading in `zone` (with TimeZone::to_instant's gap and overlap rules).
Timestamp to_instant(const ParsedTimestamp& parsed, const TimeZone& zone);

/// The instants an event may carry: one day inside the supported dates at each end
/// (1400-01-02T00:00:00Z to 9999-12-30T23:59:59.999999Z), so that an event's local date is a
/// supported date in every time zone (no offset reaches a day).
inline constexpr Timestamp kFirstEventInstant{(kMinDate.days + 1) * kMicrosPerDay};
inline constexpr Timestamp kLastEventInstant{kMaxDate.days * kMicrosPerDay - 1};

/// Whether an instant lies in [kFirstEventInstant, kLastEventInstant].
constexpr bool is_event_instant(Timestamp instant) {
  return kFirstEventInstant <= instant && instant <= kLastEventInstant;
}

/// Fast path for event logs: exactly RFC 3339's "YYYY-MM-DDTHH:MM:SS(.f{1,9})?(Z|±HH:MM)" ('t'
/// and 'z' in either case) -> the instant it names; nullopt when the text has another shape, an
/// invalid value, hour 24 (RFC 3339 has none) or an instant outside is_event_instant (callers
/// then use parse_timestamp for the reason). Agrees with parse_timestamp wherever both accept;
/// no allocation and no Boost, since it runs once per event.
std::optional<Timestamp> parse_instant_fast(std::string_view text);

/// "2026-09-15T00:00:00Z"; a non-zero fraction is appended as ".123" or ".123456".
/// Like every formatter here, throws std::out_of_range outside [kMinDate, kMaxDate].
std::string format_utc(Timestamp instant);

/// "2030-10-06".
std::string format_date(Date date);

/// The wall-clock time in `zone` with its offset: "2030-10-05 17:00:00 -04:00" (a non-zero
/// fraction as in format_utc). The offset is shown in whole minutes; the seconds of a local
/// mean time (New York's -4:56:02 before 1883) are in the wall-clock time only.
std::string format_local(Timestamp instant, const TimeZone& zone);

}  // namespace proviso
