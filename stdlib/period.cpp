#include "stdlib/period.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

#include "stdlib/calendar.hpp"

namespace proviso {

namespace {

// 1970-01-05, the first Monday after the epoch: weeks run Monday to Sunday.
constexpr std::int64_t kFirstMonday = 4;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

int months_in(PeriodUnit unit) {
  switch (unit) {
    case PeriodUnit::month:
      return 1;
    case PeriodUnit::quarter:
      return 3;
    case PeriodUnit::year:
      return 12;
    case PeriodUnit::week:
      break;
  }
  return 0;
}

// Months since year 0, so that calendar periods are fiscal ones that start in January.
std::int64_t month_count(Date date) {
  const CivilDate day = civil(date);
  return std::int64_t{day.year} * 12 + day.month - 1;
}

Date first_of_month(std::int64_t count) {
  return *make_date(static_cast<int>(floor_div(count, 12)),
                    static_cast<int>(count - floor_div(count, 12) * 12) + 1, 1);
}

// The anniversary in `year`, on the last day of February when the anniversary is the 29th.
Date anniversary_in(const CivilDate& anniversary, std::int64_t year) {
  int day = anniversary.day;
  while (!make_date(static_cast<int>(year), anniversary.month, day)) --day;
  return *make_date(static_cast<int>(year), anniversary.month, day);
}

std::optional<int> month_of(std::string_view name) {
  for (std::size_t m = 0; m < std::size(kMonthNames); ++m) {
    if (kMonthNames[m] == name) return static_cast<int>(m) + 1;
  }
  return std::nullopt;
}

}  // namespace

std::int64_t PeriodRule::index_of(Date date) const {
  if (anniversary) {
    const CivilDate first = civil(*anniversary);
    std::int64_t k = civil(date).year - first.year;
    if (date < anniversary_in(first, first.year + k)) --k;
    return k;
  }
  if (unit == PeriodUnit::week) return floor_div(date.days - kFirstMonday, 7);
  return floor_div(month_count(date) - (first_month - 1), months_in(unit));
}

Date PeriodRule::start(std::int64_t index) const {
  if (anniversary) {
    const CivilDate first = civil(*anniversary);
    return anniversary_in(first, first.year + index);
  }
  if (unit == PeriodUnit::week) return Date{static_cast<std::int32_t>(index * 7 + kFirstMonday)};
  return first_of_month(index * months_in(unit) + (first_month - 1));
}

std::string PeriodRule::label(std::int64_t index) const {
  if (anniversary) return fmt::format("contract year {}", index + 1);
  const Date first = start(index);
  const CivilDate day = civil(first);
  // A fiscal year is named for the calendar year it ends in.
  auto fiscal_year = [&](std::int64_t year_index) {
    return civil(first_of_month(year_index * 12 + (first_month - 1) + 11)).year;
  };
  switch (unit) {
    case PeriodUnit::week:
      return fmt::format("week of {}", format_date(first));
    case PeriodUnit::month:
      return fmt::format("{:04}-{:02}", day.year, day.month);
    case PeriodUnit::quarter:
      if (!fiscal) return fmt::format("{:04}-Q{}", day.year, (day.month - 1) / 3 + 1);
      return fmt::format("FY{:04}-Q{}", fiscal_year(floor_div(index, 4)),
                         index - floor_div(index, 4) * 4 + 1);
    case PeriodUnit::year:
      return fiscal ? fmt::format("FY{:04}", fiscal_year(index)) : fmt::format("{:04}", day.year);
  }
  return {};
}

std::string PeriodRule::describe(bool plural) const {
  const std::string_view s = plural ? "s" : "";
  if (anniversary) return fmt::format("contract year{}", s);
  static constexpr std::array<std::string_view, 4> kUnits = {"week", "month", "quarter", "year"};
  const std::string_view unit_word = kUnits[static_cast<std::size_t>(unit)];
  if (!fiscal) return fmt::format("calendar {}{}", unit_word, s);
  if (end_day) {
    return fmt::format("fiscal {}{} ending {} {}", unit_word, s,
                       kMonthNames[static_cast<std::size_t>((first_month + 10) % 12)], *end_day);
  }
  return fmt::format("fiscal {}{} starting {}", unit_word, s,
                     kMonthNames[static_cast<std::size_t>(first_month - 1)]);
}

PeriodResolution resolve_period(const ast::PeriodSpec& spec, std::optional<Date> effective) {
  PeriodResolution result;
  std::string unit = spec.unit.text;
  if (unit.size() > 1 && unit.back() == 's') unit.pop_back();  // `each of the last 3 months`
  PeriodRule rule;
  if (unit == "week") {
    rule.unit = PeriodUnit::week;
  } else if (unit == "month") {
    rule.unit = PeriodUnit::month;
  } else if (unit == "quarter") {
    rule.unit = PeriodUnit::quarter;
  } else if (unit == "year") {
    rule.unit = PeriodUnit::year;
  } else {
    result.error = fmt::format(
        "'{}' is not a period; periods are weeks, months, quarters and years", spec.unit.text);
    result.help = "e.g. calendar month, calendar quarter, fiscal year starting July, contract year";
    result.where = spec.unit.span;
    return result;
  }
  const std::string& family = spec.family.text;
  if (family == "calendar") {
    if (spec.month) {
      result.error = "a calendar period starts on January 1; only a fiscal one starts elsewhere";
      result.help = fmt::format("write 'fiscal {} starting …'", unit);
      result.where = spec.month->span;
      return result;
    }
  } else if (family == "fiscal") {
    rule.fiscal = true;
    if (rule.unit != PeriodUnit::year && rule.unit != PeriodUnit::quarter) {
      result.error = fmt::format("a fiscal period is a year or a quarter, not a {}", unit);
      result.where = spec.unit.span;
      return result;
    }
    if (!spec.month) {
      result.error = "say in which month the fiscal year starts";
      result.help =
          fmt::format("e.g. fiscal {} starting July, or fiscal {} ending June 30", unit, unit);
      result.where = spec.span;
      return result;
    }
    const std::optional<int> month = month_of(spec.month->text);
    if (!month) {
      result.error = fmt::format("'{}' is not a month", spec.month->text);
      result.help = "months are written in English with a capital letter: January … December";
      result.where = spec.month->span;
      return result;
    }
    rule.first_month = *month;
    if (spec.end_day) {
      // `ending June 30`: the year ends on the last day of that month and starts the next.
      int last = 31;
      while (!make_date(2024, *month, last)) --last;  // a leap year: February has 29 days
      const bool february_end = *month == 2 && *spec.end_day == 28;
      if (*spec.end_day != last && !february_end) {
        result.error =
            fmt::format("a fiscal year ends on the last day of a month, and {} {} is not",
                        spec.month->text, *spec.end_day);
        result.help = fmt::format("write 'ending {} {}'", spec.month->text, last);
        result.where = spec.span;
        return result;
      }
      rule.first_month = *month % 12 + 1;
      rule.end_day = spec.end_day;
    }
  } else {  // contract
    if (rule.unit != PeriodUnit::year) {
      result.error = fmt::format("a contract period is a year, not a {}", unit);
      result.where = spec.unit.span;
      return result;
    }
    if (!effective) {
      result.error = "contract years count from the contract's effective date, and it has none";
      result.help = "add 'effective YYYY-MM-DD' to the contract header";
      result.where = spec.span;
      return result;
    }
    rule.anniversary = effective;
  }
  result.rule = rule;
  return result;
}

}  // namespace proviso
