// Trading calendars: which days are sessions, from a calendar declaration's weekend, holiday
// rules and one-off closings. Rules are evaluated here; the declarations are Proviso
// (stdlib/calendars.proviso for the calendars that ship).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.hpp"

namespace proviso {

namespace ast {
struct CalendarDecl;
}

namespace detail {
struct CalendarRules;
}

/// A day the exchange is closed, named as its rule or closing was declared.
/// The words calendar declarations use, in order: months from January, weekdays from Sunday,
/// ordinals from first (then last). The checker and the calendar read the same lists.
inline constexpr std::string_view kMonthNames[] = {"January",   "February", "March",    "April",
                                                   "May",       "June",     "July",     "August",
                                                   "September", "October",  "November", "December"};
inline constexpr std::string_view kWeekdayNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                     "Thursday", "Friday", "Saturday"};
inline constexpr std::string_view kOrdinalNames[] = {"first",  "second", "third",
                                                     "fourth", "fifth",  "last"};

struct Holiday {
  Date date;
  std::string name;
  bool operator==(const Holiday&) const = default;
};

/// A trading calendar: which days are sessions. Built from a checked calendar declaration.
/// A cheap handle to immutable rules: copy it freely and share it between threads.
///
/// A holiday marked `observed` that falls on a weekend day moves to the nearest weekday
/// (Saturday → the Friday before, Sunday → the Monday after; on a tie, the later day), but
/// observance never moves a holiday into another year: New Year's Day on a Saturday is not
/// observed at all (NYSE Rule 7.2). Without `observed`, a holiday on a weekend is no closing.
/// Every function taking a date throws std::out_of_range for dates outside
/// [kMinDate, kMaxDate], or when the search runs past them.
class TradingCalendar {
 public:
  /// The calendar a declaration describes. Throws std::invalid_argument for words the checker
  /// rejects (an unknown month, weekday or ordinal).
  static TradingCalendar from_decl(const ast::CalendarDecl& decl);

  /// Every day is a session (for `days` as opposed to `trading days`).
  static TradingCalendar every_day();

  /// The declared name, e.g. "NYSE"; "every day" for every_day().
  const std::string& name() const;

  /// True when the day is neither a weekend day nor a holiday or closing. Constant time for
  /// 1900..2199 (precomputed); other years evaluate the rules.
  bool is_trading_day(Date day) const;

  /// Holidays and one-off closings falling on weekdays of that year, in date order (the
  /// observed date, named as declared). Days closed twice appear once per reason. Throws
  /// std::out_of_range for a year outside 1400..9999.
  std::vector<Holiday> holidays(int year) const;

  /// The first trading day at or after `from`.
  Date next_trading_day(Date from) const;

  /// The last trading day at or before `from`.
  Date previous_trading_day(Date from) const;

  /// The number of trading days in [a, b); 0 when b <= a.
  std::int64_t trading_days_between(Date a, Date b) const;

 private:
  explicit TradingCalendar(std::shared_ptr<const detail::CalendarRules> rules)
      : rules_(std::move(rules)) {}
  std::shared_ptr<const detail::CalendarRules> rules_;
};

/// The stdlib's calendar with that name (case-sensitive, e.g. "NYSE"); nullopt when the stdlib
/// declares none by that name.
std::optional<TradingCalendar> find_stdlib_calendar(std::string_view name);

/// The names of the stdlib's calendars, in declaration order.
std::vector<std::string> stdlib_calendar_names();

}  // namespace proviso
