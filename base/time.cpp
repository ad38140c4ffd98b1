#include "base/time.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/time_civil.hpp"
#include "base/zone_rule.hpp"
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

using detail::days_in_month;
using detail::kCycleDays;

// 400 Gregorian years: the period of yearly zone rules (see ZoneRules).
constexpr std::int64_t kCycleMicros = kCycleDays * kMicrosPerDay;

}  // namespace

namespace detail {

int days_in_month(int year, int month) {
  return greg::gregorian_calendar::end_of_month_day(static_cast<unsigned short>(year),
                                                    static_cast<unsigned short>(month));
}

// One zone's offsets, compiled from its database history into sorted UTC instants so that a
// lookup is a binary search. After the last listed change the zone follows its yearly rule, if
// it has one; since the Gregorian calendar repeats every 400 years, so do rules of the form
// "second Sunday in March", and one cycle of their transitions answers for every later instant.
struct ZoneRules {
  std::string name;
  int initial_offset = 0;
  std::vector<std::int64_t> transitions;        // UTC micros, ascending
  std::vector<int> offsets;                     // offset in force from transitions[i] on
  std::int64_t cycle_start = 0;                 // the rule's cycle, when there is one, from here on
  std::vector<std::int64_t> cycle_transitions;  // UTC micros in [cycle_start, + kCycleMicros)
  std::vector<int> cycle_offsets;

  explicit ZoneRules(std::string zone_name) : name(std::move(zone_name)) {}

  explicit ZoneRules(const ZoneHistory& history)
      : name(history.name), initial_offset(history.initial_offset), offsets(history.change_offset) {
    for (const std::int64_t at : history.change_at) transitions.push_back(at * kMicrosPerSecond);
    if (history.rule.empty()) return;
    const std::int64_t from = history.change_at.empty() ? 0 : history.change_at.back() + 1;
    int offset_at_from = 0;
    std::vector<std::int64_t> at;
    if (!expand_posix_rule(history.rule, from, from + kCycleDays * 86'400, offset_at_from, at,
                           cycle_offsets) ||
        at.empty()) {
      cycle_offsets.clear();  // no yearly changes (or none we can read): the last offset stays
      return;
    }
    cycle_start = from * kMicrosPerSecond;
    for (const std::int64_t t : at) cycle_transitions.push_back(t * kMicrosPerSecond);
  }

  int offset_seconds(std::int64_t micros) const {
    if (!cycle_transitions.empty() && micros >= cycle_start) {
      const std::int64_t in_cycle = cycle_start + floor_mod(micros - cycle_start, kCycleMicros);
      const auto next =
          std::upper_bound(cycle_transitions.begin(), cycle_transitions.end(), in_cycle);
      // Before the cycle's first transition the state is the one its last transition left.
      if (next == cycle_transitions.begin()) return cycle_offsets.back();
      return cycle_offsets[static_cast<std::size_t>(next - cycle_transitions.begin() - 1)];
    }
    const auto next = std::upper_bound(transitions.begin(), transitions.end(), micros);
    if (next == transitions.begin()) return initial_offset;
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

// Zones are compiled on first use and kept for the life of the process; TimeZone handles point
// into this table, whose entries never move.
class ZoneTable {
 public:
  const detail::ZoneRules* find(std::string_view name) {
    const std::lock_guard lock(mutex_);
    if (const auto found = zones_.find(name); found != zones_.end()) return found->second.get();
    std::unique_ptr<detail::ZoneRules> rules;
    if (name == "UTC") {
      rules = std::make_unique<detail::ZoneRules>("UTC");  // needs no database
    } else if (auto history = detail::read_zone_history(name)) {
      rules = std::make_unique<detail::ZoneRules>(*history);
    } else {
      return nullptr;
    }
    return zones_.emplace(std::string(name), std::move(rules)).first->second.get();
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<detail::ZoneRules>, std::less<>> zones_;
};

ZoneTable& zone_table() {
  static ZoneTable table;
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
  if (const detail::ZoneRules* rules = zone_table().find(iana_name)) return TimeZone(rules);
  return std::nullopt;
}

std::string_view TimeZone::name() const {
  return rules_->name;
}

Timestamp TimeZone::to_instant(Date date, std::int64_t micros_of_day) const {
  // The offsets in force a day before and a day after the reading (taken as if it were UTC)
  // are the candidates: no zone changes its offset twice within two days.
  const std::int64_t as_utc = checked_instant(date, micros_of_day, 0);
  // Saturating, so that a reading at the very ends of the Timestamp range cannot overflow.
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  const int before = rules_->offset_seconds(
      as_utc < std::numeric_limits<std::int64_t>::min() + kMicrosPerDay ? as_utc
                                                                        : as_utc - kMicrosPerDay);
  const int after =
      rules_->offset_seconds(as_utc > kMax - kMicrosPerDay ? as_utc : as_utc + kMicrosPerDay);
  const std::int64_t with_before = checked_instant(date, micros_of_day, before * kMicrosPerSecond);
  if (before == after) return Timestamp{with_before};
  const std::int64_t with_after = checked_instant(date, micros_of_day, after * kMicrosPerSecond);
  const bool before_fits = rules_->offset_seconds(with_before) == before;
  const bool after_fits = rules_->offset_seconds(with_after) == after;
  if (before_fits && after_fits) {
    return Timestamp{std::min(with_before, with_after)};  // overlap: the earlier reading
  }
  if (before_fits) return Timestamp{with_before};
  if (after_fits) return Timestamp{with_after};
  // In a gap each reading lands on the other side of the jump from its own offset. The one that
  // uses the offset in force before the jump carries the time forward by the gap.
  return Timestamp{with_before};
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
