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

#include "base/time_civil.hpp"
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

using detail::days_in_month;
using detail::kCycleDays;

// The Gregorian calendar, weekdays included, repeats every 400 years, and so do rules of the
// form "second Sunday in March". One cycle of transitions therefore answers for every instant.
constexpr std::int64_t kCycleMicros = kCycleDays * kMicrosPerDay;
constexpr int kCycleFirstYear = 1970;

}  // namespace

namespace detail {

int days_in_month(int year, int month) {
  return greg::gregorian_calendar::end_of_month_day(static_cast<unsigned short>(year),
                                                    static_cast<unsigned short>(month));
}

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

Timestamp to_instant(const ParsedTimestamp& parsed, const TimeZone& zone) {
  if (!parsed.offset_minutes) return zone.to_instant(parsed.date, parsed.micros_of_day);
  return Timestamp{checked_instant(parsed.date, parsed.micros_of_day,
                                   *parsed.offset_minutes * 60 * kMicrosPerSecond)};
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
