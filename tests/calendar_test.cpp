// Trading calendars: the stdlib's NYSE against the exchange's published holiday lists, the
// holiday rules at their edges, and `proviso calendar`.
#include "stdlib/calendar.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/date_time/gregorian/gregorian.hpp>
#include <catch2/catch.hpp>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "grammar/parse.hpp"
#include "tests/support.hpp"

namespace proviso {
namespace {

namespace greg = boost::gregorian;

Date date_of(std::string_view text) {
  const auto parsed = parse_date(text);
  REQUIRE(std::holds_alternative<Date>(parsed));
  return std::get<Date>(parsed);
}

const TradingCalendar& nyse() {
  static const TradingCalendar calendar = [] {
    const auto found = find_stdlib_calendar("NYSE");
    REQUIRE(found.has_value());
    return *found;
  }();
  return calendar;
}

// The holidays of a year as "YYYY-MM-DD name" lines, as `proviso calendar` prints them.
std::vector<std::string> listed(const TradingCalendar& calendar, int year) {
  std::vector<std::string> lines;
  for (const Holiday& holiday : calendar.holidays(year)) {
    lines.push_back(format_date(holiday.date) + " " + holiday.name);
  }
  return lines;
}

// The calendar a Proviso declaration describes (the first calendar in the text).
TradingCalendar declared(const std::string& text) {
  const SourceFile source{"calendar.proviso", text};
  const ParseResult parsed = parse(source);
  REQUIRE(parsed.file);
  REQUIRE(parsed.diagnostics.empty());
  for (const ast::Declaration& declaration : parsed.file->declarations) {
    if (const auto* calendar = std::get_if<ast::CalendarDecl>(&declaration)) {
      return TradingCalendar::from_decl(*calendar);
    }
  }
  FAIL("no calendar in the text");
  throw std::logic_error("unreachable");
}

std::vector<std::string> dates_of(const TradingCalendar& calendar, int year) {
  std::vector<std::string> dates;
  for (const Holiday& holiday : calendar.holidays(year)) dates.push_back(format_date(holiday.date));
  return dates;
}

using Lines = std::vector<std::string>;

TEST_CASE("NYSE holidays of 2025 as published, with the Carter day of mourning", "[calendar]") {
  CHECK(listed(nyse(), 2025) ==
        Lines{"2025-01-01 New Year's Day",
              "2025-01-09 National Day of Mourning for President Jimmy Carter",
              "2025-01-20 Martin Luther King, Jr. Day", "2025-02-17 Washington's Birthday",
              "2025-04-18 Good Friday", "2025-05-26 Memorial Day",
              "2025-06-19 Juneteenth National Independence Day", "2025-07-04 Independence Day",
              "2025-09-01 Labor Day", "2025-11-27 Thanksgiving Day", "2025-12-25 Christmas Day"});
}

TEST_CASE("NYSE holidays of 2026 as published: Independence Day observed on Friday", "[calendar]") {
  CHECK(listed(nyse(), 2026) ==
        Lines{"2026-01-01 New Year's Day", "2026-01-19 Martin Luther King, Jr. Day",
              "2026-02-16 Washington's Birthday", "2026-04-03 Good Friday",
              "2026-05-25 Memorial Day", "2026-06-19 Juneteenth National Independence Day",
              "2026-07-03 Independence Day", "2026-09-07 Labor Day", "2026-11-26 Thanksgiving Day",
              "2026-12-25 Christmas Day"});
}

TEST_CASE("NYSE holidays of 2027 as published: three holidays observed", "[calendar]") {
  CHECK(listed(nyse(), 2027) ==
        Lines{"2027-01-01 New Year's Day", "2027-01-18 Martin Luther King, Jr. Day",
              "2027-02-15 Washington's Birthday", "2027-03-26 Good Friday",
              "2027-05-31 Memorial Day", "2027-06-18 Juneteenth National Independence Day",
              "2027-07-05 Independence Day", "2027-09-06 Labor Day", "2027-11-25 Thanksgiving Day",
              "2027-12-24 Christmas Day"});
}

TEST_CASE("New Year's Day on a Saturday is not observed in the year before", "[calendar]") {
  // 2022-01-01 was a Saturday: NYSE traded on Friday 2021-12-31.
  CHECK(dates_of(nyse(), 2021) == Lines{"2021-01-01", "2021-01-18", "2021-02-15", "2021-04-02",
                                        "2021-05-31", "2021-07-05", "2021-09-06", "2021-11-25",
                                        "2021-12-24"});
  CHECK(nyse().is_trading_day(date_of("2021-12-31")));
  CHECK(dates_of(nyse(), 2022) == Lines{"2022-01-17", "2022-02-21", "2022-04-15", "2022-05-30",
                                        "2022-06-20", "2022-07-04", "2022-09-05", "2022-11-24",
                                        "2022-12-26"});
  CHECK(listed(nyse(), 2022).back() == "2022-12-26 Christmas Day");
  CHECK_FALSE(nyse().is_trading_day(date_of("2022-12-26")));
}

TEST_CASE("Juneteenth is a holiday from 2022 on only", "[calendar]") {
  for (int year = 2015; year < 2022; ++year) {
    for (const Holiday& holiday : nyse().holidays(year)) {
      CHECK(holiday.name != "Juneteenth National Independence Day");
    }
  }
  CHECK(nyse().is_trading_day(date_of("2021-06-18")));  // June 19, 2021 was a Saturday
  CHECK_FALSE(nyse().is_trading_day(date_of("2022-06-20")));
}

TEST_CASE("NYSE sessions: weekends, holidays and one-off closings are not trading days",
          "[calendar]") {
  const TradingCalendar& calendar = nyse();
  CHECK(calendar.name() == "NYSE");
  CHECK(calendar.is_trading_day(date_of("2026-07-02")));
  CHECK_FALSE(calendar.is_trading_day(date_of("2026-07-03")));  // Independence Day observed
  CHECK_FALSE(calendar.is_trading_day(date_of("2026-07-04")));  // Saturday
  CHECK_FALSE(calendar.is_trading_day(date_of("2026-07-05")));  // Sunday
  CHECK(calendar.is_trading_day(date_of("2026-07-06")));
  CHECK_FALSE(calendar.is_trading_day(date_of("2012-10-29")));  // Hurricane Sandy
  CHECK_FALSE(calendar.is_trading_day(date_of("2012-10-30")));
  CHECK_FALSE(calendar.is_trading_day(date_of("2018-12-05")));
  CHECK(calendar.next_trading_day(date_of("2026-07-03")) == date_of("2026-07-06"));
  CHECK(calendar.next_trading_day(date_of("2026-07-02")) == date_of("2026-07-02"));
  CHECK(calendar.previous_trading_day(date_of("2026-07-05")) == date_of("2026-07-02"));
  CHECK(calendar.previous_trading_day(date_of("2026-07-06")) == date_of("2026-07-06"));
  CHECK(calendar.previous_trading_day(date_of("2027-01-01")) == date_of("2026-12-31"));
}

TEST_CASE("trading days between dates skip weekends and holidays", "[calendar]") {
  const TradingCalendar& calendar = nyse();
  // Thanksgiving week 2026: Monday to Wednesday and Friday trade.
  CHECK(calendar.trading_days_between(date_of("2026-11-23"), date_of("2026-11-30")) == 4);
  CHECK(calendar.trading_days_between(date_of("2026-11-26"), date_of("2026-11-27")) == 0);
  CHECK(calendar.trading_days_between(date_of("2026-11-27"), date_of("2026-11-28")) == 1);
  // A whole year: 261 weekdays in 2026, 10 of them holidays.
  CHECK(calendar.trading_days_between(date_of("2026-01-01"), date_of("2027-01-01")) == 251);
  CHECK(calendar.trading_days_between(date_of("2026-11-30"), date_of("2026-11-23")) == 0);
  CHECK(calendar.trading_days_between(date_of("2026-11-23"), date_of("2026-11-23")) == 0);
}

TEST_CASE("every_day counts every day", "[calendar]") {
  const TradingCalendar calendar = TradingCalendar::every_day();
  CHECK(calendar.name() == "every day");
  CHECK(calendar.is_trading_day(date_of("2026-07-04")));
  CHECK(calendar.holidays(2026).empty());
  CHECK(calendar.trading_days_between(date_of("2026-01-01"), date_of("2027-01-01")) == 365);
  CHECK(calendar.trading_days_between(date_of("1899-12-01"), date_of("2200-02-01")) ==
        date_of("2200-02-01").days - date_of("1899-12-01").days);
}

TEST_CASE("the precomputed years agree with the rules evaluated outside them", "[calendar]") {
  const TradingCalendar& calendar = nyse();
  // Across both ends of the precomputed years, day by day.
  for (const auto& [from, to] :
       {std::pair{"1898-12-01", "1901-02-01"}, std::pair{"2198-12-01", "2201-02-01"}}) {
    for (Date day = date_of(from); day < date_of(to); day.days++) {
      const int week_day = weekday(day);
      bool closed = week_day == 0 || week_day == 6;
      for (const Holiday& holiday : calendar.holidays(civil(day).year)) {
        closed = closed || holiday.date == day;
      }
      INFO(format_date(day));
      CHECK(calendar.is_trading_day(day) == !closed);
    }
  }
  // Counts over ranges that start or end outside them, against day-by-day counting.
  std::mt19937 random(20250109);
  std::uniform_int_distribution<std::int32_t> days(date_of("1895-01-01").days,
                                                   date_of("2205-01-01").days);
  for (int i = 0; i < 200; ++i) {
    Date a{days(random)};
    Date b{i % 2 == 0 ? a.days + static_cast<std::int32_t>(random() % 800) : days(random)};
    if (b < a) std::swap(a, b);
    std::int64_t expected = 0;
    for (Date day = a; day < b; day.days++) expected += calendar.is_trading_day(day) ? 1 : 0;
    INFO(format_date(a) << " .. " << format_date(b));
    CHECK(calendar.trading_days_between(a, b) == expected);
  }
  CHECK(calendar.next_trading_day(date_of("2300-12-25")) == date_of("2300-12-26"));
  // 1500-01-01 is a Monday, New Year's Day; 1499-12-30 and 31 a weekend.
  CHECK(calendar.previous_trading_day(date_of("1500-01-01")) == date_of("1499-12-29"));
  CHECK_THROWS_AS(calendar.holidays(1399), std::out_of_range);
  CHECK_THROWS_AS(calendar.holidays(10000), std::out_of_range);
  CHECK_THROWS_AS(calendar.is_trading_day(Date{kMaxDate.days + 1}), std::out_of_range);
}

TEST_CASE("session counts over centuries add up year by year", "[calendar]") {
  // Counting outside the precomputed years uses cumulative counts per year; each year's count
  // must still be its weekdays less its weekday holidays, whatever span holds it.
  const TradingCalendar& calendar = nyse();
  const auto year_start = [](int year) {
    return year > 9999 ? Date{kMaxDate.days + 1} : *make_date(year, 1, 1);
  };
  std::vector<std::int64_t> per_year;  // sessions of 1400 + i
  for (int year = 1400; year <= 9999; ++year) {
    // Weekdays: five a week, then the days left over one by one.
    const Date begin = year_start(year);
    const std::int32_t length = year_start(year + 1).days - begin.days;
    std::int64_t sessions = length / 7 * 5;
    for (std::int32_t i = length / 7 * 7; i < length; ++i) {
      const int day = (weekday(begin) + i) % 7;
      sessions += day != 0 && day != 6 ? 1 : 0;
    }
    sessions -= static_cast<std::int64_t>(calendar.holidays(year).size());
    per_year.push_back(sessions);
  }
  const auto whole_years = [&](int from, int to) {  // sessions of the years [from, to)
    std::int64_t sum = 0;
    for (int year = from; year < to; ++year) sum += per_year[static_cast<std::size_t>(year - 1400)];
    return sum;
  };
  CHECK(calendar.trading_days_between(year_start(1400), year_start(10000)) ==
        whole_years(1400, 10000));
  CHECK(calendar.trading_days_between(year_start(2200), year_start(9000)) ==
        whole_years(2200, 9000));
  CHECK(calendar.trading_days_between(year_start(1500), year_start(2500)) ==
        whole_years(1500, 2500));
  // Spans with ragged ends, long and short, split anywhere: the counts add up.
  std::mt19937 random(20261203);
  std::uniform_int_distribution<std::int32_t> days(kMinDate.days, kMaxDate.days);
  for (int i = 0; i < 300; ++i) {
    std::array<Date, 3> cut{Date{days(random)}, Date{days(random)}, Date{days(random)}};
    std::sort(cut.begin(), cut.end());
    INFO(format_date(cut[0]) << " .. " << format_date(cut[1]) << " .. " << format_date(cut[2]));
    CHECK(calendar.trading_days_between(cut[0], cut[2]) ==
          calendar.trading_days_between(cut[0], cut[1]) +
              calendar.trading_days_between(cut[1], cut[2]));
    const int first = civil(cut[0]).year, last = civil(cut[2]).year;
    if (first < last) {
      CHECK(calendar.trading_days_between(cut[0], cut[2]) ==
            calendar.trading_days_between(cut[0], year_start(first + 1)) +
                whole_years(first + 1, last) +
                calendar.trading_days_between(year_start(last), cut[2]));
    }
  }
  // One day past the end of the supported dates still ends a span.
  CHECK(calendar.trading_days_between(kMaxDate, year_start(10000)) ==
        (calendar.is_trading_day(kMaxDate) ? 1 : 0));
}

TEST_CASE("nth and last weekday rules agree with Boost.Date_Time", "[calendar]") {
  const TradingCalendar calendar = declared(R"(calendar Rules {
  holiday "third Monday of January" on third Monday of January
  holiday "last Monday of May" on last Monday of May
  holiday "fourth Thursday of November" on fourth Thursday of November
})");
  for (int year = 1400; year <= 9999; year += 7) {
    const auto expected =
        Lines{greg::to_iso_extended_string(
                  greg::nth_day_of_the_week_in_month(greg::nth_day_of_the_week_in_month::third,
                                                     greg::Monday, greg::Jan)
                      .get_date(year)),
              greg::to_iso_extended_string(
                  greg::last_day_of_the_week_in_month(greg::Monday, greg::May).get_date(year)),
              greg::to_iso_extended_string(
                  greg::nth_day_of_the_week_in_month(greg::nth_day_of_the_week_in_month::fourth,
                                                     greg::Thursday, greg::Nov)
                      .get_date(year))};
    INFO(year);
    CHECK(dates_of(calendar, year) == expected);
  }
}

TEST_CASE("Easter-relative holidays follow Western (Gregorian) Easter", "[calendar]") {
  const TradingCalendar calendar = declared(R"(calendar Easter {
  holiday "Easter Monday" on Easter + 1 day
  holiday "Easter Sunday" on Easter
})");
  // Easter Sunday is on a weekend, so only the Monday is a weekday holiday.
  const std::pair<int, const char*> easter_mondays[] = {
      {1818, "1818-03-23"}, {1943, "1943-04-26"}, {2000, "2000-04-24"},
      {2008, "2008-03-24"}, {2011, "2011-04-25"}, {2019, "2019-04-22"},
      {2024, "2024-04-01"}, {2038, "2038-04-26"}, {2285, "2285-03-23"}};
  for (const auto& [year, day] : easter_mondays) {
    INFO(year);
    CHECK(dates_of(calendar, year) == Lines{day});
  }
  // Easter is a Sunday and 280 days are 40 weeks, so 281 days on is a Monday in the next
  // year: Easter 2026 (April 5) gives 2027-01-11, Easter 2025 (April 20) gives 2026-01-26.
  const TradingCalendar far = declared(R"(calendar Far {
  holiday "Easter + 281" on Easter + 281 days
})");
  CHECK(listed(far, 2027) == Lines{"2027-01-11 Easter + 281"});
  CHECK(listed(far, 2026) == Lines{"2026-01-26 Easter + 281"});
}

TEST_CASE("observance moves weekend holidays to the nearest weekday within the year",
          "[calendar]") {
  const TradingCalendar calendar = declared(R"(calendar Observed {
  holiday "Eve" on December 31 observed
  holiday "Day" on January 1 observed
  holiday "Unobserved" on July 4
})");
  // 2023-01-01 is a Sunday: observed Monday 2023-01-02. 2023-12-31 is a Sunday too, but its
  // Monday is in 2024, so it is not observed at all.
  CHECK(dates_of(calendar, 2023) == Lines{"2023-01-02", "2023-07-04"});
  CHECK(dates_of(calendar, 2024) == Lines{"2024-01-01", "2024-07-04", "2024-12-31"});
  // 2022-01-01 is a Saturday: its Friday is in 2021, so 2021-12-31 is closed only once, for
  // the Eve. 2022-12-31 is a Saturday too, observed on Friday 2022-12-30.
  CHECK(listed(calendar, 2021) == Lines{"2021-01-01 Day", "2021-12-31 Eve"});
  CHECK(dates_of(calendar, 2022) == Lines{"2022-07-04", "2022-12-30"});
  // July 4, 2026 is a Saturday and that rule is not observed: no weekday holiday.
  CHECK(dates_of(calendar, 2026) == Lines{"2026-01-01", "2026-12-31"});
}

TEST_CASE("weekends, year bounds, missing days and closings as declared", "[calendar]") {
  SECTION("a declared weekend replaces Saturday and Sunday") {
    const TradingCalendar calendar = declared(R"(calendar Gulf {
  weekend Friday, Saturday
  holiday "Friday holiday" on January 2 observed
  holiday "Saturday holiday" on January 3 observed
})");
    // 2026-01-02 is a Friday, 2026-01-03 a Saturday.
    CHECK(listed(calendar, 2026) ==
          Lines{"2026-01-01 Friday holiday", "2026-01-04 Saturday holiday"});
    CHECK(calendar.is_trading_day(date_of("2026-01-05")));
    CHECK_FALSE(calendar.is_trading_day(date_of("2026-01-09")));
    CHECK(calendar.trading_days_between(date_of("2026-01-05"), date_of("2026-01-12")) == 5);
  }
  SECTION("no weekend line means Saturday and Sunday") {
    const TradingCalendar calendar = declared("calendar Plain {\n  closed 2026-07-06 \"x\"\n}");
    CHECK_FALSE(calendar.is_trading_day(date_of("2026-07-04")));
    CHECK_FALSE(calendar.is_trading_day(date_of("2026-07-05")));
    CHECK_FALSE(calendar.is_trading_day(date_of("2026-07-06")));
    CHECK(calendar.is_trading_day(date_of("2026-07-07")));
  }
  SECTION("from and until are inclusive") {
    const TradingCalendar calendar = declared(R"(calendar Bounded {
  holiday "Bounded" on first Tuesday of March from 2024 until 2026
})");
    CHECK(dates_of(calendar, 2023).empty());
    CHECK(dates_of(calendar, 2024) == Lines{"2024-03-05"});
    CHECK(dates_of(calendar, 2026) == Lines{"2026-03-03"});
    CHECK(dates_of(calendar, 2027).empty());
  }
  SECTION("a fifth weekday or a February 29 the year lacks is no holiday") {
    const TradingCalendar calendar = declared(R"(calendar Rare {
  holiday "Fifth Monday" on fifth Monday of March
  holiday "Leap day" on February 29
})");
    CHECK(dates_of(calendar, 2026) == Lines{"2026-03-30"});
    CHECK(dates_of(calendar, 2027) == Lines{"2027-03-29"});
    CHECK(dates_of(calendar, 2028) == Lines{"2028-02-29"});  // March 2028 has four Mondays
  }
  SECTION("a closing on a weekend is not listed; two reasons on one day are") {
    const TradingCalendar calendar = declared(R"(calendar Closings {
  holiday "Holiday" on July 6
  closed 2026-07-06 "Storm"
  closed 2026-07-04 "Weekend storm"
  closed 2026-01-02 "Early"
})");
    CHECK(listed(calendar, 2026) ==
          Lines{"2026-01-02 Early", "2026-07-06 Holiday", "2026-07-06 Storm"});
    CHECK(calendar.trading_days_between(date_of("2026-07-06"), date_of("2026-07-08")) == 1);
  }
  SECTION("a calendar without sessions cannot find one") {
    const TradingCalendar calendar = declared(R"(calendar Closed {
  weekend Sunday, Monday, Tuesday, Wednesday, Thursday, Friday, Saturday
})");
    CHECK_FALSE(calendar.is_trading_day(date_of("2026-07-07")));
    CHECK_THROWS_AS(calendar.next_trading_day(date_of("2026-07-07")), std::out_of_range);
  }
}

TEST_CASE("a declaration the checker would reject is refused", "[calendar]") {
  CHECK_THROWS_AS(declared("calendar Bad {\n  holiday \"x\" on Janury 1\n}"),
                  std::invalid_argument);
}

TEST_CASE("the stdlib's calendars are found by name", "[calendar]") {
  CHECK(stdlib_calendar_names() == Lines{"NYSE"});
  CHECK(find_stdlib_calendar("NYSE").has_value());
  CHECK_FALSE(find_stdlib_calendar("nyse").has_value());
  CHECK_FALSE(find_stdlib_calendar("LSE").has_value());
}

}  // namespace

namespace testing {

TEST_CASE("proviso calendar NYSE 2027 lists the year's holidays", "[calendar][cli]") {
  const CommandResult result = run_proviso("calendar NYSE 2027");
  CHECK(result.exit_code == 0);
  CHECK(result.output ==
        "2027-01-01 New Year's Day\n"
        "2027-01-18 Martin Luther King, Jr. Day\n"
        "2027-02-15 Washington's Birthday\n"
        "2027-03-26 Good Friday\n"
        "2027-05-31 Memorial Day\n"
        "2027-06-18 Juneteenth National Independence Day\n"
        "2027-07-05 Independence Day\n"
        "2027-09-06 Labor Day\n"
        "2027-11-25 Thanksgiving Day\n"
        "2027-12-24 Christmas Day\n");
}

TEST_CASE("proviso calendar refuses unknown calendars and years", "[calendar][cli]") {
  const CommandResult unknown = run_proviso("calendar NYS 2027");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output == "proviso: unknown calendar 'NYS' (did you mean NYSE?)\n");
  const CommandResult far = run_proviso("calendar LSE 2027");
  CHECK(far.exit_code == 2);
  CHECK(far.output == "proviso: unknown calendar 'LSE' (the calendars are NYSE)\n");
  for (const char* year : {"1399", "10000", "2027x", "twenty"}) {
    const CommandResult bad = run_proviso(fmt::format("calendar NYSE {}", year));
    CHECK(bad.exit_code == 2);
    CHECK(bad.output == fmt::format("proviso: '{}' is not a year from 1400 to 9999\n", year));
  }
  CHECK(run_proviso("calendar NYSE").exit_code == 2);
  CHECK(run_proviso("calendar NYSE 1400").exit_code == 0);
  CHECK(run_proviso("calendar NYSE 9999").exit_code == 0);
}

}  // namespace testing
}  // namespace proviso
