#include "stdlib/calendar.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <mutex>
#include <stdexcept>
#include <variant>

#include <fmt/format.h>

#include "grammar/ast.hpp"
#include "stdlib/prelude.hpp"

namespace proviso {

namespace {

constexpr const auto& kMonths = kMonthNames;
constexpr const auto& kWeekdays = kWeekdayNames;
constexpr const auto& kOrdinals = kOrdinalNames;

constexpr int kFirstYear = 1400;
constexpr int kLastYear = 9999;
// Sessions of these years are precomputed as one bit per day: every contract we know of lives
// inside them, and outside them the rules are evaluated on each call.
constexpr int kFirstCachedYear = 1900;
constexpr int kEndCachedYear = 2200;

}  // namespace

namespace detail {

struct FixedDayRule {
  int month = 1;
  int day = 1;
};
struct NthWeekdayRule {
  int ordinal = 1;  // 1..5; 0 for `last`
  int weekday = 0;  // 0 = Sunday
  int month = 1;
};
struct EasterRule {
  int offset = 0;  // days after Easter Sunday
};

struct CalendarRule {
  std::string name;
  std::variant<FixedDayRule, NthWeekdayRule, EasterRule> date;
  bool observed = false;
  int from_year = kFirstYear;
  int until_year = kLastYear;
};

struct CalendarRules {
  std::string name;
  std::array<bool, 7> weekend{};  // by weekday(), 0 = Sunday
  std::vector<CalendarRule> rules;
  std::vector<Holiday> closings;  // in date order
  // Sessions in [cached_begin, cached_end): bit i is day cached_begin + i; sessions_before[w]
  // counts the sessions in the words before word w (one entry more than there are words).
  Date cached_begin;
  Date cached_end;
  std::vector<std::uint64_t> session_bits;
  std::vector<std::int64_t> sessions_before;
  // Outside those years: sessions_before_year[y - kFirstYear] counts the sessions from
  // 1400-01-01 to the start of year y (kFirstYear..kLastYear + 1). Built on first use, as it
  // evaluates the rules for every year; a count then costs two partial years, not one pass per
  // year in between.
  mutable std::once_flag year_counts_built;
  mutable std::vector<std::int64_t> sessions_before_year;

  bool is_weekend(Date day) const { return weekend[static_cast<std::size_t>(weekday(day))]; }
};

}  // namespace detail

namespace {

using detail::CalendarRules;

Date plus_days(Date day, std::int64_t days) {
  return Date{static_cast<std::int32_t>(day.days + days)};
}

bool in_range(Date day) {
  return kMinDate <= day && day <= kMaxDate;
}

Date first_of_year(int year) {
  return year > kLastYear ? plus_days(kMaxDate, 1) : *make_date(year, 1, 1);
}

template <std::size_t N>
int index_of(const ast::Name& word, const std::string_view (&words)[N], std::string_view what) {
  for (std::size_t i = 0; i < N; ++i) {
    if (words[i] == word.text) return static_cast<int>(i);
  }
  throw std::invalid_argument(fmt::format("'{}' is not {}", word.text, what));
}

// Western Easter Sunday: the anonymous Gregorian algorithm (Meeus, Astronomical Algorithms).
Date easter_sunday(int year) {
  const int a = year % 19, b = year / 100, c = year % 100;
  const int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return *make_date(year, month, day);
}

// `third Monday of January`, `last Monday of May`; nullopt for a fifth that the month lacks.
std::optional<Date> nth_weekday(int year, const detail::NthWeekdayRule& rule) {
  if (rule.ordinal == 0) {
    int last = 31;
    while (!make_date(year, rule.month, last)) --last;
    const Date end = *make_date(year, rule.month, last);
    return plus_days(end, -((weekday(end) - rule.weekday + 7) % 7));
  }
  const Date first = *make_date(year, rule.month, 1);
  const Date day =
      plus_days(first, (rule.weekday - weekday(first) + 7) % 7 + 7 * (rule.ordinal - 1));
  if (civil(day).month != rule.month) return std::nullopt;
  return day;
}

// The weekday on which a holiday falling on `day` is observed: the nearest weekday, the later
// one on a tie; nullopt when that would leave the holiday's year.
std::optional<Date> observed_day(const CalendarRules& rules, Date day) {
  if (!rules.is_weekend(day)) return day;
  const int year = civil(day).year;
  for (int distance = 1; distance < 7; ++distance) {
    for (const Date candidate : {plus_days(day, distance), plus_days(day, -distance)}) {
      if (!in_range(candidate) || rules.is_weekend(candidate)) continue;
      if (civil(candidate).year != year) return std::nullopt;
      return candidate;
    }
  }
  return std::nullopt;
}

// The dates in `year` on which one rule closes the exchange (at most one, except an Easter
// offset so large that two Easters land in one year).
void add_rule_days(const CalendarRules& rules, const detail::CalendarRule& rule, int year,
                   std::vector<Holiday>& out) {
  auto add = [&](int rule_year, std::optional<Date> day) {
    if (rule_year < rule.from_year || rule_year > rule.until_year || !day || !in_range(*day)) {
      return;
    }
    if (rules.is_weekend(*day) && !rule.observed) return;
    const std::optional<Date> observed = observed_day(rules, *day);
    if (observed && civil(*observed).year == year) out.push_back({*observed, rule.name});
  };
  std::visit(
      [&](const auto& date) {
        using T = std::decay_t<decltype(date)>;
        if constexpr (std::is_same_v<T, detail::FixedDayRule>) {
          add(year, make_date(year, date.month, date.day));  // none for February 29 of 2026
        } else if constexpr (std::is_same_v<T, detail::NthWeekdayRule>) {
          add(year, nth_weekday(year, date));
        } else if constexpr (std::is_same_v<T, detail::EasterRule>) {
          // The Easters whose offset can land in `year`.
          const int centre = year - date.offset / 365;
          for (int easter_year = std::max(centre - 1, kFirstYear);
               easter_year <= std::min(centre + 1, kLastYear); ++easter_year) {
            add(easter_year, plus_days(easter_sunday(easter_year), date.offset));
          }
        } else {
          static_assert(ast::unhandled<T>, "a holiday rule kind is not handled");
        }
      },
      rule.date);
}

std::vector<Holiday> compute_holidays(const CalendarRules& rules, int year) {
  std::vector<Holiday> result;
  for (const detail::CalendarRule& rule : rules.rules) add_rule_days(rules, rule, year, result);
  const Date begin = first_of_year(year), end = first_of_year(year + 1);
  for (auto it =
           std::lower_bound(rules.closings.begin(), rules.closings.end(), begin,
                            [](const Holiday&closing, Date day) { return closing.date < day; });
       it != rules.closings.end() && it->date < end; ++it) {
    if (!rules.is_weekend(it->date)) result.push_back(*it);
  }
  std::stable_sort(result.begin(), result.end(),
                   [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
  return result;
}

// Sessions in [a, b), both within one year, by evaluating the rules.
std::int64_t sessions_within_year(const CalendarRules& rules, Date a, Date b) {
  const std::int64_t days = b.days - a.days;
  std::int64_t count = days / 7 * std::count(rules.weekend.begin(), rules.weekend.end(), false);
  for (std::int64_t i = 0; i < days % 7; ++i) count += rules.is_weekend(plus_days(a, i)) ? 0 : 1;
  std::vector<Date> closed;
  for (const Holiday& holiday : compute_holidays(rules, civil(a).year)) {
    if (a <= holiday.date && holiday.date < b) closed.push_back(holiday.date);
  }
  closed.erase(std::unique(closed.begin(), closed.end()), closed.end());
  return count - static_cast<std::int64_t>(closed.size());  // holidays never fall on weekends
}

// Sessions in [1400-01-01, day), for day up to the day after kMaxDate.
std::int64_t sessions_since_first_date(const CalendarRules& rules, Date day) {
  std::call_once(rules.year_counts_built, [&rules] {
    auto& counts = rules.sessions_before_year;
    counts.assign(kLastYear - kFirstYear + 2, 0);
    for (int year = kFirstYear; year <= kLastYear; ++year) {
      const auto i = static_cast<std::size_t>(year - kFirstYear);
      counts[i + 1] =
          counts[i] + sessions_within_year(rules, first_of_year(year), first_of_year(year + 1));
    }
  });
  if (day > kMaxDate) return rules.sessions_before_year.back();
  const int year = civil(day).year;
  return rules.sessions_before_year[static_cast<std::size_t>(year - kFirstYear)] +
         sessions_within_year(rules, first_of_year(year), day);
}

// Sessions in [a, b) outside the precomputed years: constant time after the first call.
std::int64_t count_sessions_slowly(const CalendarRules& rules, Date a, Date b) {
  if (b <= first_of_year(civil(a).year + 1)) return sessions_within_year(rules, a, b);
  return sessions_since_first_date(rules, b) - sessions_since_first_date(rules, a);
}

void precompute_sessions(CalendarRules& rules) {
  rules.cached_begin = first_of_year(kFirstCachedYear);
  rules.cached_end = first_of_year(kEndCachedYear);
  const auto days = static_cast<std::size_t>(rules.cached_end.days - rules.cached_begin.days);
  rules.session_bits.assign((days + 63) / 64, 0);
  for (std::size_t i = 0, day_of_week = static_cast<std::size_t>(weekday(rules.cached_begin));
       i < days; ++i, day_of_week = (day_of_week + 1) % 7) {
    if (!rules.weekend[day_of_week]) rules.session_bits[i / 64] |= std::uint64_t{1} << (i % 64);
  }
  for (int year = kFirstCachedYear; year < kEndCachedYear; ++year) {
    for (const Holiday& holiday : compute_holidays(rules, year)) {
      const auto i = static_cast<std::size_t>(holiday.date.days - rules.cached_begin.days);
      rules.session_bits[i / 64] &= ~(std::uint64_t{1} << (i % 64));
    }
  }
  rules.sessions_before.assign(rules.session_bits.size() + 1, 0);
  for (std::size_t w = 0; w < rules.session_bits.size(); ++w) {
    rules.sessions_before[w + 1] = rules.sessions_before[w] + std::popcount(rules.session_bits[w]);
  }
}

// Sessions in [cached_begin, cached_begin + index), for index within the precomputed days.
std::int64_t sessions_before(const CalendarRules& rules, std::int64_t index) {
  const auto word = static_cast<std::size_t>(index / 64);
  const auto bit = static_cast<unsigned>(index % 64);
  std::int64_t count = rules.sessions_before[word];
  if (bit != 0) count += std::popcount(rules.session_bits[word] & ((std::uint64_t{1} << bit) - 1));
  return count;
}

void require_sessions(const CalendarRules& rules) {
  if (std::count(rules.weekend.begin(), rules.weekend.end(), false) == 0) {
    throw std::out_of_range(fmt::format("calendar {} has no trading days", rules.name));
  }
}

}  // namespace

TradingCalendar TradingCalendar::from_decl(const ast::CalendarDecl& decl) {
  auto rules = std::make_shared<CalendarRules>();
  rules->name = decl.name.text;
  if (decl.weekend.empty()) {
    rules->weekend[0] = rules->weekend[6] = true;
  }
  for (const ast::Name& day : decl.weekend) {
    rules->weekend[static_cast<std::size_t>(index_of(day, kWeekdays, "a weekday"))] = true;
  }
  for (const ast::HolidayRule& holiday : decl.holidays) {
    detail::CalendarRule rule;
    rule.name = holiday.name.value;
    rule.observed = holiday.observed;
    rule.from_year = holiday.from_year.value_or(kFirstYear);
    rule.until_year = holiday.until_year.value_or(kLastYear);
    std::visit(
        [&](const auto& date) {
          using T = std::decay_t<decltype(date)>;
          if constexpr (std::is_same_v<T, ast::FixedDay>) {
            rule.date =
                detail::FixedDayRule{index_of(date.month, kMonths, "a month") + 1, date.day};
          } else if constexpr (std::is_same_v<T, ast::NthWeekday>) {
            const int ordinal = index_of(date.ordinal, kOrdinals, "an ordinal");
            rule.date = detail::NthWeekdayRule{ordinal == 5 ? 0 : ordinal + 1,
                                               index_of(date.weekday, kWeekdays, "a weekday"),
                                               index_of(date.month, kMonths, "a month") + 1};
          } else if constexpr (std::is_same_v<T, ast::EasterOffset>) {
            rule.date = detail::EasterRule{date.days};
          } else {
            static_assert(ast::unhandled<T>, "a holiday date kind is not handled");
          }
        },
        holiday.date);
    rules->rules.push_back(std::move(rule));
  }
  for (const ast::ClosedDay& closed : decl.closed_days) {
    rules->closings.push_back({closed.date, closed.name.value});
  }
  std::stable_sort(rules->closings.begin(), rules->closings.end(),
                   [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
  precompute_sessions(*rules);
  return TradingCalendar(std::move(rules));
}

TradingCalendar TradingCalendar::every_day() {
  static const TradingCalendar calendar = [] {
    auto rules = std::make_shared<CalendarRules>();
    rules->name = "every day";
    precompute_sessions(*rules);
    return TradingCalendar(std::move(rules));
  }();
  return calendar;
}

const std::string& TradingCalendar::name() const {
  return rules_->name;
}

bool TradingCalendar::is_trading_day(Date day) const {
  const CalendarRules& rules = *rules_;
  if (rules.cached_begin <= day && day < rules.cached_end) {
    const auto i = static_cast<std::size_t>(day.days - rules.cached_begin.days);
    return (rules.session_bits[i / 64] >> (i % 64)) & 1;
  }
  if (rules.is_weekend(day)) return false;
  const std::vector<Holiday> closed = compute_holidays(rules, civil(day).year);
  return std::none_of(closed.begin(), closed.end(),
                      [&](const Holiday& holiday) { return holiday.date == day; });
}

std::vector<Holiday> TradingCalendar::holidays(int year) const {
  if (year < kFirstYear || year > kLastYear) {
    throw std::out_of_range(
        fmt::format("the year {} is outside {}..{}", year, kFirstYear, kLastYear));
  }
  return compute_holidays(*rules_, year);
}

Date TradingCalendar::next_trading_day(Date from) const {
  require_sessions(*rules_);
  while (!is_trading_day(from)) from = plus_days(from, 1);
  return from;
}

Date TradingCalendar::previous_trading_day(Date from) const {
  require_sessions(*rules_);
  while (!is_trading_day(from)) from = plus_days(from, -1);
  return from;
}

std::int64_t TradingCalendar::trading_days_between(Date a, Date b) const {
  if (b <= a) return 0;
  const CalendarRules& rules = *rules_;
  if (!in_range(a) || !in_range(plus_days(b, -1))) {
    throw std::out_of_range("a date is outside the supported dates 1400-01-01 to 9999-12-31");
  }
  std::int64_t count = 0;
  if (a < rules.cached_begin)
    count += count_sessions_slowly(rules, a, std::min(b, rules.cached_begin));
  if (rules.cached_end < b) count += count_sessions_slowly(rules, std::max(a, rules.cached_end), b);
  const Date begin = std::max(a, rules.cached_begin), end = std::min(b, rules.cached_end);
  if (begin < end) {
    count += sessions_before(rules, end.days - rules.cached_begin.days) -
             sessions_before(rules, begin.days - rules.cached_begin.days);
  }
  return count;
}

namespace {

// The stdlib's calendars, built once per process from the parsed stdlib.
const std::vector<TradingCalendar>& stdlib_calendars() {
  static const std::vector<TradingCalendar> calendars = [] {
    std::vector<TradingCalendar> result;
    for (const std::unique_ptr<ast::File>& file : parsed_prelude().files) {
      for (const ast::Declaration& declaration : file->declarations) {
        if (const auto* calendar = std::get_if<ast::CalendarDecl>(&declaration)) {
          result.push_back(TradingCalendar::from_decl(*calendar));
        }
      }
    }
    return result;
  }();
  return calendars;
}

}  // namespace

std::optional<TradingCalendar> find_stdlib_calendar(std::string_view name) {
  for (const TradingCalendar& calendar : stdlib_calendars()) {
    if (calendar.name() == name) return calendar;
  }
  return std::nullopt;
}

std::vector<std::string> stdlib_calendar_names() {
  std::vector<std::string> names;
  for (const TradingCalendar& calendar : stdlib_calendars()) names.push_back(calendar.name());
  return names;
}

}  // namespace proviso
