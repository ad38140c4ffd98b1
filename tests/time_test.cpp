#include "base/time.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <boost/date_time/posix_time/posix_time_types.hpp>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/zones.hpp"

namespace proviso {
namespace {

namespace greg = boost::gregorian;
namespace pt = boost::posix_time;

Date date_of(int year, int month, int day) {
  const auto date = make_date(year, month, day);
  REQUIRE(date.has_value());
  return *date;
}

TimeZone zone(std::string_view name) {
  const auto found = TimeZone::find(name);
  REQUIRE(found.has_value());
  return *found;
}

// The instant a literal with an offset names, through the slow, explaining parser.
Timestamp at(std::string_view text) {
  const auto parsed = parse_timestamp(text);
  INFO(text);
  REQUIRE(std::holds_alternative<ParsedTimestamp>(parsed));
  REQUIRE(std::get<ParsedTimestamp>(parsed).offset_minutes.has_value());
  return to_instant(std::get<ParsedTimestamp>(parsed), zone("UTC"));
}

std::int64_t hm(int hours, int minutes) {
  return (hours * 3600 + minutes * 60) * kMicrosPerSecond;
}

std::string parse_error(std::string_view text) {
  const auto parsed = parse_timestamp(text);
  if (const auto* error = std::get_if<TimeParseError>(&parsed)) return error->reason;
  return "(parsed)";
}

std::string date_error(std::string_view text) {
  const auto parsed = parse_date(text);
  if (const auto* error = std::get_if<TimeParseError>(&parsed)) return error->reason;
  return "(parsed)";
}

// Boost's own answers, to hold the cached rules and the fast parser to.
pt::ptime boost_epoch() {
  return pt::ptime(greg::date(1970, 1, 1));
}

std::int64_t boost_micros(const pt::ptime& time) {
  return (time - boost_epoch()).total_microseconds();
}

}  // namespace

// ---- Calendar ---------------------------------------------------------------------------------

TEST_CASE("make_date accepts real days only", "[time]") {
  CHECK(make_date(1970, 1, 1) == Date{0});
  CHECK(make_date(2026, 9, 1) == Date{20697});
  CHECK(make_date(1969, 12, 31) == Date{-1});
  CHECK(make_date(2028, 2, 29).has_value());  // leap year
  CHECK(make_date(2000, 2, 29).has_value());  // divisible by 400
  CHECK_FALSE(make_date(2027, 2, 29));
  CHECK_FALSE(make_date(2100, 2, 29));  // divisible by 100 only
  CHECK_FALSE(make_date(2026, 2, 30));
  CHECK_FALSE(make_date(2026, 4, 31));
  CHECK_FALSE(make_date(2026, 13, 1));
  CHECK_FALSE(make_date(2026, 0, 1));
  CHECK_FALSE(make_date(2026, 1, 0));
  CHECK_FALSE(make_date(1399, 12, 31));
  CHECK_FALSE(make_date(10000, 1, 1));
  CHECK(make_date(1400, 1, 1) == kMinDate);
  CHECK(make_date(9999, 12, 31) == kMaxDate);
}

TEST_CASE("civil and weekday agree with Boost across the supported range", "[time]") {
  const greg::date epoch(1970, 1, 1);
  for (std::int32_t days = kMinDate.days; days <= kMaxDate.days; days += 97) {
    const greg::date expected = epoch + greg::date_duration(days);
    const CivilDate got = civil(Date{days});
    INFO(days);
    REQUIRE(got.year == expected.year());
    REQUIRE(got.month == expected.month());
    REQUIRE(got.day == expected.day());
    REQUIRE(weekday(Date{days}) == expected.day_of_week());
    REQUIRE(make_date(got.year, got.month, got.day) == Date{days});
  }
  CHECK(civil(kMaxDate) == CivilDate{9999, 12, 31});
  CHECK(weekday(Date{0}) == 4);               // 1970-01-01 was a Thursday
  CHECK(weekday(date_of(2026, 9, 1)) == 2);   // Tuesday
  CHECK(weekday(date_of(2030, 10, 6)) == 0);  // Sunday
  CHECK_THROWS_AS(civil(Date{kMaxDate.days + 1}), std::out_of_range);
  CHECK_THROWS_AS(weekday(Date{kMinDate.days - 1}), std::out_of_range);
}

// ---- Parsing ----------------------------------------------------------------------------------

TEST_CASE("parse_date reads YYYY-MM-DD and explains what is wrong", "[time]") {
  const auto parsed = parse_date("2030-10-06");
  REQUIRE(std::holds_alternative<Date>(parsed));
  CHECK(std::get<Date>(parsed) == date_of(2030, 10, 6));
  CHECK(std::get<Date>(parse_date("2028-02-29")) == date_of(2028, 2, 29));

  CHECK(date_error("2027-02-29") == "2027-02-29 is not a date: February 2027 has 28 days");
  CHECK(date_error("2026-02-30") == "2026-02-30 is not a date: February 2026 has 28 days");
  CHECK(date_error("2026-04-31") == "2026-04-31 is not a date: April 2026 has 30 days");
  CHECK(date_error("2026-13-01") == "month 13 is out of range");
  CHECK(date_error("2026-00-10") == "month 0 is out of range");
  CHECK(date_error("2026-01-00") == "day 0 is out of range");
  CHECK(date_error("1399-01-01") == "year 1399 is out of range: years run from 1400 to 9999");
  CHECK(date_error("2026-1-01") ==
        "\"2026-1-01\" is not a date: expected a two-digit month, found \"1-01\"");
  CHECK(date_error("2026-01-01T00:00") ==
        "\"2026-01-01T00:00\" is not a date: expected the end of the date, found \"T00:00\"");
  CHECK(date_error("") == "\"\" is not a date: expected a four-digit year, found the end");
}

TEST_CASE("parse_timestamp accepts the ISO-8601 forms", "[time]") {
  struct Case {
    std::string_view text;
    Date date;
    std::int64_t micros_of_day;
    std::optional<int> offset_minutes;
    bool utc;
  };
  const Date sep1 = date_of(2026, 9, 1);
  const Case cases[] = {
      {"2026-09-01T00:00Z", sep1, 0, 0, true},
      {"2026-09-01T14:30:00.123Z", sep1, hm(14, 30) + 123'000, 0, true},
      {"2026-09-01T00:00:00+02:00", sep1, 0, 120, false},
      {"2026-09-01T09:30:00-05:00", sep1, hm(9, 30), -300, false},
      {"2026-09-01T09:30:00+05:30", sep1, hm(9, 30), 330, false},
      {"2026-09-01T09:30:00-00:00", sep1, hm(9, 30), 0, false},
      {"2026-09-01 14:30", sep1, hm(14, 30), std::nullopt, false},
      {"2026-09-01T14:30:59", sep1, hm(14, 30) + 59 * kMicrosPerSecond, std::nullopt, false},
      {"2026-09-01 14:30:00Z", sep1, hm(14, 30), 0, true},
      {"2026-09-01T00:00:00.5Z", sep1, 500'000, 0, true},
      {"2026-09-01T00:00:00.000001Z", sep1, 1, 0, true},
      {"2026-09-01T00:00:00.123456789Z", sep1, 123'456, 0, true},  // truncated, not rounded
      {"2026-09-01T23:59:59.999999999Z", sep1, kMicrosPerDay - 1, 0, true},
      {"2026-09-01T24:00Z", date_of(2026, 9, 2), 0, 0, true},
      {"2026-12-31T24:00:00.000", date_of(2027, 1, 1), 0, std::nullopt, false},
      {"2028-02-29T12:00Z", date_of(2028, 2, 29), hm(12, 0), 0, true},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    const auto parsed = parse_timestamp(c.text);
    REQUIRE(std::holds_alternative<ParsedTimestamp>(parsed));
    const auto& got = std::get<ParsedTimestamp>(parsed);
    CHECK(got.date == c.date);
    CHECK(got.micros_of_day == c.micros_of_day);
    CHECK(got.offset_minutes == c.offset_minutes);
    CHECK(got.utc == c.utc);
  }
}

TEST_CASE("parse_timestamp rejects invalid literals with a reason", "[time]") {
  struct Case {
    std::string_view text;
    std::string_view reason;
  };
  const Case cases[] = {
      {"2026-02-30T00:00Z", "2026-02-30 is not a date: February 2026 has 28 days"},
      {"2027-02-29T00:00Z", "2027-02-29 is not a date: February 2027 has 28 days"},
      {"2026-13-01T00:00Z", "month 13 is out of range"},
      {"2026-06-00T00:00Z", "day 0 is out of range"},
      {"2026-06-31 10:00", "2026-06-31 is not a date: June 2026 has 30 days"},
      {"2026-09-01T25:00Z", "hour 25 is out of range"},
      {"2026-09-01T24:01", "24:01 is not a time: only 24:00 may use hour 24"},
      {"2026-09-01T24:00:01Z", "24:00:01 is not a time: only 24:00 may use hour 24"},
      {"2026-09-01T24:00:00.5Z", "24:00:00.5 is not a time: only 24:00 may use hour 24"},
      {"9999-12-31T24:00Z", "24:00 on 9999-12-31 is past the last date"},
      {"2026-09-01T12:60Z", "minute 60 is out of range"},
      {"2026-09-01T12:00:60Z", "second 60 is out of range: leap seconds are not supported"},
      {"2026-09-01T12:00:99Z", "second 99 is out of range"},
      {"2026-09-01T12:00+18:01",
       "offset +18:01 is out of range: offsets run from -18:00 to +18:00"},
      {"2026-09-01T12:00-19:00",
       "offset -19:00 is out of range: offsets run from -18:00 to +18:00"},
      {"2026-09-01T12:00+05:60", "offset minute 60 is out of range"},
      {"2026-09-01T12:00:00.1234567891Z", "a fraction of a second has at most 9 digits"},
      {"2026-09-01T12:00:00.Z",
       "\"2026-09-01T12:00:00.Z\" is not a timestamp: expected digits after '.', found \"Z\""},
      {"2026-09-01",
       "\"2026-09-01\" is not a timestamp: expected 'T' or a space after the date, found the end"},
      {"2026-09-01T9:30Z",
       "\"2026-09-01T9:30Z\" is not a timestamp: expected a two-digit hour, found \"9:30Z\""},
      {"2026-09-01T09:30:00 UTC",
       "\"2026-09-01T09:30:00 UTC\" is not a timestamp: expected 'Z', an offset such as +02:00, "
       "or the end, found \" UTC\""},
      {"2026-09-01T09:30+0200",
       "\"2026-09-01T09:30+0200\" is not a timestamp: expected ':' in the offset, found \"00\""},
      {"next tuesday",
       "\"next tuesday\" is not a timestamp: expected a four-digit year, found \"next tuesday\""},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(parse_error(c.text) == c.reason);
    CHECK_FALSE(parse_instant_fast(c.text).has_value());
  }
}

TEST_CASE("to_instant applies a parsed offset or else the zone", "[time]") {
  const auto parsed = std::get<ParsedTimestamp>(parse_timestamp("2026-07-01T12:00"));
  CHECK(to_instant(parsed, zone("America/New_York")) == at("2026-07-01T16:00Z"));
  CHECK(to_instant(parsed, zone("UTC")) == at("2026-07-01T12:00Z"));
  CHECK(at("2026-09-01T00:00:00+02:00") == at("2026-08-31T22:00Z"));
  CHECK(at("2026-09-01T09:30:00-05:00") == at("2026-09-01T14:30Z"));
}

// ---- The fast path ----------------------------------------------------------------------------

TEST_CASE("parse_instant_fast agrees with Boost and with parse_timestamp", "[time]") {
  std::mt19937_64 random(20261006);
  const auto pick = [&random](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random);
  };
  const greg::date epoch(1970, 1, 1);
  const auto check = [&](const greg::date& day, int hour, int minute, int second,
                         std::string_view fraction, int offset) {
    const char sign = offset < 0 ? '-' : '+';
    const int magnitude = std::abs(offset);
    const std::string zone_text =
        offset == 0 && pick(0, 1) == 0
            ? "Z"
            : fmt::format("{}{:02}:{:02}", sign, magnitude / 60, magnitude % 60);
    const std::string text =
        fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{}{}", static_cast<int>(day.year()),
                    static_cast<int>(day.month()), static_cast<int>(day.day()), hour, minute,
                    second, fraction.empty() ? "" : ".", fraction, zone_text);
    std::int64_t fraction_micros = 0;
    for (std::size_t i = 0; i < 6; ++i) {
      fraction_micros = fraction_micros * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
    }
    const pt::ptime expected =
        pt::ptime(day, pt::hours(hour) + pt::minutes(minute) + pt::seconds(second) +
                           pt::microseconds(fraction_micros)) -
        pt::minutes(offset);
    INFO(text);
    const auto fast = parse_instant_fast(text);
    if (!is_event_instant(Timestamp{boost_micros(expected)})) {
      REQUIRE_FALSE(fast.has_value());  // a day from the ends of the supported dates
      return;
    }
    REQUIRE(fast.has_value());
    REQUIRE(fast->micros == boost_micros(expected));
    REQUIRE(*fast == at(text));
  };

  SECTION("every day from 1900 to 2400") {
    for (greg::date day(1900, 1, 1); day <= greg::date(2400, 12, 31); day += greg::days(1)) {
      check(day, 12, 0, 0, "", 0);
    }
  }
  SECTION("random days, times, fractions and offsets over the whole range") {
    const std::string digits = "0123456789";
    for (int i = 0; i < 50'000; ++i) {
      const greg::date day = epoch + greg::date_duration(pick(kMinDate.days, kMaxDate.days));
      std::string fraction;
      const int length = pick(-3, 9);  // often none
      for (int d = 0; d < length; ++d) fraction += digits[static_cast<std::size_t>(pick(0, 9))];
      const int offset = pick(0, 3) == 0 ? 0 : pick(-18 * 60, 18 * 60);
      check(day, pick(0, 23), pick(0, 59), pick(0, 59), fraction, offset);
    }
  }
  SECTION("the edges of days, months and the supported range") {
    check(greg::date(1400, 1, 2), 0, 0, 0, "", 0);
    check(greg::date(9999, 12, 30), 23, 59, 59, "999999999", 0);
    check(greg::date(1969, 12, 31), 23, 59, 59, "999999", 0);
    check(greg::date(2028, 2, 29), 0, 0, 0, "", 18 * 60);
    check(greg::date(2026, 1, 1), 0, 0, 0, "", -18 * 60);
  }
  SECTION("lowercase t and z, as RFC 3339 allows") {
    CHECK(parse_instant_fast("2026-12-31t10:00:00z") == at("2026-12-31T10:00Z"));
    CHECK(parse_instant_fast("2026-12-31t10:00:00.5-05:00") == at("2026-12-31T15:00:00.5Z"));
    CHECK(at("2026-12-31t10:00z") == at("2026-12-31T10:00Z"));
  }
}

TEST_CASE("parse_instant_fast rejects other shapes and invalid values", "[time]") {
  for (const std::string_view text : {
           "2026-09-01T14:30Z",     // seconds are required
           "2026-09-01 14:30:00Z",  // 'T' is required
           "2026-09-01T14:30:00",   // so is a zone
           "2026-09-01T14:30:00x",
           "2026-09-01T14:30:00+0200",
           "2026-09-01T14:30:00+02",
           "2026-09-01T14:30:00+02:00 ",
           "2026-09-01T14:30:00.Z",
           "2026-09-01T14:30:00.1234567890Z",
           "2026-09-01T14:30:00ZZ",
           "2026-9-01T14:30:00Z",
           "20260901T143000Z",
           "2026-09-01T14:3a:00Z",
           "2026-09-01T-1:30:00Z",
           "2026-09-01T14:30:00+18:30",
           "2026-09-01T14:30:00+02:60",
           "1399-12-31T23:59:59Z",
           "2026-00-01T00:00:00Z",
           "2026-09-31T00:00:00Z",
           "2027-02-29T00:00:00Z",
           "2100-02-29T00:00:00Z",
           "2026-09-01T23:60:00Z",
           "2026-09-01T23:59:60Z",
           "2026-09-01T24:00:01Z",
           "9999-12-31T24:00:00Z",
           "2026-12-31T24:00:00Z",  // RFC 3339 has no hour 24
           "1400-01-01T23:59:59Z",  // within a day of the supported dates' ends
           "1400-01-02T00:00:00+00:01",
           "9999-12-31T00:00:00Z",
           "9999-12-31T23:59:59-05:00",
           "9999-12-30T23:00:00-01:00",
           "",
       }) {
    INFO(text);
    CHECK_FALSE(parse_instant_fast(text).has_value());
  }
  CHECK(parse_instant_fast("2028-02-29T00:00:00Z") == at("2028-02-29T00:00Z"));
  CHECK(parse_instant_fast("2000-02-29T00:00:00Z") == at("2000-02-29T00:00Z"));
  CHECK(parse_instant_fast("1400-01-02T00:00:00Z") == kFirstEventInstant);
  CHECK(parse_instant_fast("9999-12-30T23:59:59.999999Z") == kLastEventInstant);
}

TEST_CASE("parse_instant_fast checks every line's time when its date is the previous line's",
          "[time]") {
  // The fast path remembers the last date it read; the rest of the text is still checked.
  CHECK(parse_instant_fast("2026-09-01T10:00:00Z") == at("2026-09-01T10:00Z"));
  for (const std::string_view text : {
           "2026-09-01T24:00:00Z",
           "2026-09-01T23:60:00Z",
           "2026-09-01T23:59:60Z",
           "2026-09-01T1a:00:00Z",
           "2026-09-01X10:00:00Z",
           "2026-09-01T10:00:00+18:01",
           "2026-09-01T10:00:00.Z",
           "2026-09-01T10:00:00.12aZ",
           "2026-09-01T10:00:00.123",
           "2026-09-01T10:00:00.123x",
       }) {
    INFO(text);
    CHECK_FALSE(parse_instant_fast(text).has_value());
    CHECK(parse_instant_fast("2026-09-01T10:00:00.5z") == at("2026-09-01T10:00:00.5Z"));
  }
  // Fractions of other lengths, whatever follows them.
  CHECK(parse_instant_fast("2026-09-01T10:00:00.1234Z") == at("2026-09-01T10:00:00.1234Z"));
  CHECK(parse_instant_fast("2026-09-01T10:00:00.1234-17:28") == at("2026-09-02T03:28:00.1234Z"));
  CHECK(parse_instant_fast("2026-09-01T10:00:00.12+01:00") == at("2026-09-01T09:00:00.12Z"));
  // A date that differs from the remembered one in any character is read afresh.
  CHECK(parse_instant_fast("2026-02-28T00:00:00.250Z") == at("2026-02-28T00:00:00.25Z"));
  CHECK_FALSE(parse_instant_fast("2026-02-29T00:00:00.250Z").has_value());
  CHECK(parse_instant_fast("2026-02-28T12:00:00.001Z") == at("2026-02-28T12:00:00.001Z"));
  CHECK_FALSE(parse_instant_fast("2026/02-28T12:00:00.001Z").has_value());
  CHECK(parse_instant_fast("2028-02-29T00:00:00.999z") == at("2028-02-29T00:00:00.999Z"));
  CHECK(parse_instant_fast("2028-02-29T00:00:00.999-01:00") == at("2028-02-29T01:00:00.999Z"));
  // The last supported instants, with the date remembered.
  CHECK(parse_instant_fast("9999-12-30T00:00:00.000Z").has_value());
  CHECK_FALSE(parse_instant_fast("9999-12-30T23:00:00.000-01:00").has_value());
}

// ---- Time zones -------------------------------------------------------------------------------

TEST_CASE("every zone of the system's database is known, sorted", "[time][zones]") {
  const auto zones = known_zones();
  CHECK(zones.size() >= 400);
  CHECK(std::is_sorted(zones.begin(), zones.end(),
                       [](const ZoneEntry& a, const ZoneEntry& b) { return a.name < b.name; }));
  for (const ZoneEntry& entry : zones) {
    INFO(entry.name);
    CHECK(zone(entry.name).name() == entry.name);
  }
  CHECK(zone("Z") == zone("UTC"));
  CHECK(zone("Z").name() == "UTC");
  CHECK(zone("America/Argentina/Buenos_Aires").name() == "America/Argentina/Buenos_Aires");
  CHECK(zone("Pacific/Chatham").offset_seconds(at("2026-07-01T00:00Z")) == 12 * 3600 + 45 * 60);
  CHECK(zone("US/Eastern").offset_seconds(at("2026-07-01T00:00Z")) == -4 * 3600);  // a link
  CHECK_FALSE(TimeZone::find("America/New_york"));
  CHECK_FALSE(TimeZone::find("Mars/Olympus_Mons"));
  CHECK_FALSE(TimeZone::find("../../etc/passwd"));
  CHECK_FALSE(TimeZone::find(""));
}

TEST_CASE("fixed zones have their offsets", "[time][zones]") {
  const Timestamp summer = at("2026-07-01T00:00Z");
  const Timestamp winter = at("2026-01-15T00:00Z");
  struct Case {
    std::string_view name;
    int summer_seconds, winter_seconds;
  };
  const Case cases[] = {
      {"UTC", 0, 0},
      {"America/Chicago", -5 * 3600, -6 * 3600},
      {"America/Los_Angeles", -7 * 3600, -8 * 3600},
      {"America/Toronto", -4 * 3600, -5 * 3600},
      {"America/Sao_Paulo", -3 * 3600, -3 * 3600},
      {"Europe/London", 3600, 0},
      {"Europe/Dublin", 3600, 0},
      {"Europe/Paris", 2 * 3600, 3600},
      {"Europe/Berlin", 2 * 3600, 3600},
      {"Europe/Zurich", 2 * 3600, 3600},
      {"Europe/Amsterdam", 2 * 3600, 3600},
      {"Asia/Tokyo", 9 * 3600, 9 * 3600},
      {"Asia/Seoul", 9 * 3600, 9 * 3600},
      {"Asia/Hong_Kong", 8 * 3600, 8 * 3600},
      {"Asia/Shanghai", 8 * 3600, 8 * 3600},
      {"Asia/Singapore", 8 * 3600, 8 * 3600},
      {"Asia/Kolkata", 5 * 3600 + 1800, 5 * 3600 + 1800},
      {"Asia/Dubai", 4 * 3600, 4 * 3600},
      {"Australia/Sydney", 10 * 3600, 11 * 3600},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    CHECK(zone(c.name).offset_seconds(summer) == c.summer_seconds);
    CHECK(zone(c.name).offset_seconds(winter) == c.winter_seconds);
  }
}

TEST_CASE("New York: offsets, the 2026 switches, the gap and the overlap", "[time][zones]") {
  const TimeZone ny = zone("America/New_York");
  CHECK(ny.to_instant(date_of(2026, 7, 1), hm(12, 0)) == at("2026-07-01T16:00Z"));
  CHECK(ny.to_instant(date_of(2026, 1, 15), hm(12, 0)) == at("2026-01-15T17:00Z"));

  // Clocks go forward at 02:00 EST on Sunday 8 March 2026 (07:00Z).
  CHECK(ny.offset_seconds(Timestamp{at("2026-03-08T07:00Z").micros - 1}) == -5 * 3600);
  CHECK(ny.offset_seconds(at("2026-03-08T07:00Z")) == -4 * 3600);
  CHECK(ny.offset_seconds(at("2026-03-07T12:00Z")) == -5 * 3600);
  // and back at 02:00 EDT on Sunday 1 November 2026 (06:00Z).
  CHECK(ny.offset_seconds(Timestamp{at("2026-11-01T06:00Z").micros - 1}) == -4 * 3600);
  CHECK(ny.offset_seconds(at("2026-11-01T06:00Z")) == -5 * 3600);
  CHECK(ny.offset_seconds(at("2026-10-31T12:00Z")) == -4 * 3600);

  SECTION("a time in the spring-forward gap moves forward by the gap") {
    const Date day = date_of(2026, 3, 8);
    CHECK(ny.to_instant(day, hm(1, 59)) == at("2026-03-08T06:59Z"));
    CHECK(ny.to_instant(day, hm(2, 0)) == at("2026-03-08T07:00Z"));
    CHECK(ny.to_instant(day, hm(2, 30)) == at("2026-03-08T07:30Z"));
    CHECK(ny.to_instant(day, hm(3, 0)) == at("2026-03-08T07:00Z"));
    CHECK(ny.to_instant(day, hm(3, 30)) == at("2026-03-08T07:30Z"));
    CHECK(format_local(ny.to_instant(day, hm(2, 30)), ny) == "2026-03-08 03:30:00 -04:00");
  }
  SECTION("a time shown twice in the fall-back overlap is its first occurrence") {
    const Date day = date_of(2026, 11, 1);
    CHECK(ny.to_instant(day, hm(0, 59)) == at("2026-11-01T04:59Z"));
    CHECK(ny.to_instant(day, hm(1, 0)) == at("2026-11-01T05:00Z"));
    CHECK(ny.to_instant(day, hm(1, 30)) == at("2026-11-01T05:30Z"));
    CHECK(ny.to_instant(day, hm(2, 0)) == at("2026-11-01T07:00Z"));
    CHECK(format_local(at("2026-11-01T05:30Z"), ny) == "2026-11-01 01:30:00 -04:00");
    CHECK(format_local(at("2026-11-01T06:30Z"), ny) == "2026-11-01 01:30:00 -05:00");
  }
  SECTION("days start at local midnight, whatever their length") {
    CHECK(ny.start_of_day(date_of(2026, 3, 8)) == at("2026-03-08T05:00Z"));
    CHECK(ny.start_of_day(date_of(2026, 3, 9)) == at("2026-03-09T04:00Z"));
    CHECK(ny.start_of_day(date_of(2026, 11, 1)) == at("2026-11-01T04:00Z"));
    CHECK(ny.start_of_day(date_of(2026, 11, 2)) == at("2026-11-02T05:00Z"));
  }
}

TEST_CASE("London: the 2026 switches, the gap and the overlap", "[time][zones]") {
  const TimeZone london = zone("Europe/London");
  // Forward at 01:00 GMT on 29 March 2026; back at 02:00 BST on 25 October 2026.
  CHECK(london.offset_seconds(Timestamp{at("2026-03-29T01:00Z").micros - 1}) == 0);
  CHECK(london.offset_seconds(at("2026-03-29T01:00Z")) == 3600);
  CHECK(london.offset_seconds(Timestamp{at("2026-10-25T01:00Z").micros - 1}) == 3600);
  CHECK(london.offset_seconds(at("2026-10-25T01:00Z")) == 0);

  CHECK(london.to_instant(date_of(2026, 3, 29), hm(1, 30)) == at("2026-03-29T01:30Z"));
  CHECK(format_local(at("2026-03-29T01:30Z"), london) == "2026-03-29 02:30:00 +01:00");
  CHECK(london.to_instant(date_of(2026, 3, 29), hm(2, 0)) == at("2026-03-29T01:00Z"));
  CHECK(london.to_instant(date_of(2026, 10, 25), hm(1, 30)) == at("2026-10-25T00:30Z"));
  CHECK(london.to_instant(date_of(2026, 10, 25), hm(2, 0)) == at("2026-10-25T02:00Z"));
  CHECK(london.start_of_day(date_of(2026, 7, 1)) == at("2026-06-30T23:00Z"));
}

TEST_CASE("Sydney's daylight saving spans the new year", "[time][zones]") {
  const TimeZone sydney = zone("Australia/Sydney");
  // Back at 03:00 AEDT on 5 April 2026, forward at 02:00 AEST on 4 October 2026.
  CHECK(sydney.offset_seconds(Timestamp{at("2026-04-04T16:00Z").micros - 1}) == 11 * 3600);
  CHECK(sydney.offset_seconds(at("2026-04-04T16:00Z")) == 10 * 3600);
  CHECK(sydney.offset_seconds(Timestamp{at("2026-10-03T16:00Z").micros - 1}) == 10 * 3600);
  CHECK(sydney.offset_seconds(at("2026-10-03T16:00Z")) == 11 * 3600);
  CHECK(sydney.offset_seconds(at("2026-12-31T23:00Z")) == 11 * 3600);
  CHECK(sydney.to_instant(date_of(2026, 10, 4), hm(2, 30)) == at("2026-10-03T16:30Z"));
  CHECK(sydney.to_instant(date_of(2026, 4, 5), hm(2, 30)) == at("2026-04-04T15:30Z"));
}

TEST_CASE("local_date follows local midnight", "[time][zones]") {
  const TimeZone ny = zone("America/New_York");
  CHECK(ny.local_date(at("2026-09-02T03:59:59.999999Z")) == date_of(2026, 9, 1));
  CHECK(ny.local_date(at("2026-09-02T04:00Z")) == date_of(2026, 9, 2));
  CHECK(ny.local_date(at("2026-12-02T04:59Z")) == date_of(2026, 12, 1));
  CHECK(ny.local_date(at("2026-12-02T05:00Z")) == date_of(2026, 12, 2));

  const TimeZone tokyo = zone("Asia/Tokyo");
  CHECK(tokyo.local_date(at("2026-08-31T14:59:59Z")) == date_of(2026, 8, 31));
  CHECK(tokyo.local_date(at("2026-08-31T15:00Z")) == date_of(2026, 9, 1));

  const TimeZone kolkata = zone("Asia/Kolkata");
  CHECK(kolkata.local_date(at("2026-08-31T18:29:59Z")) == date_of(2026, 8, 31));
  CHECK(kolkata.local_date(at("2026-08-31T18:30Z")) == date_of(2026, 9, 1));

  const TimeZone utc = zone("UTC");
  CHECK(utc.local_date(at("1969-12-31T23:59:59.999999Z")) == Date{-1});
  CHECK(utc.local_date(at("1970-01-01T00:00Z")) == Date{0});

  for (const Timestamp extreme : {Timestamp{std::numeric_limits<std::int64_t>::max()},
                                  Timestamp{std::numeric_limits<std::int64_t>::min()}}) {
    CHECK(std::abs(ny.offset_seconds(extreme)) < 86'400);
    CHECK(std::abs(ny.local_date(extreme).days - utc.local_date(extreme).days) <= 1);
  }
}

TEST_CASE("zones keep their history: US rules before 2007, Sao Paulo's DST before 2019",
          "[time][zones]") {
  const TimeZone ny = zone("America/New_York");
  // Until 2006 the US switched on the first Sunday in April (2 April 2006), not in March.
  CHECK(ny.offset_seconds(at("2006-03-15T12:00Z")) == -5 * 3600);
  CHECK(ny.offset_seconds(Timestamp{at("2006-04-02T07:00Z").micros - 1}) == -5 * 3600);
  CHECK(ny.offset_seconds(at("2006-04-02T07:00Z")) == -4 * 3600);
  CHECK(ny.offset_seconds(at("2006-10-29T05:59:59Z")) == -4 * 3600);
  CHECK(ny.offset_seconds(at("2006-10-29T06:00Z")) == -5 * 3600);
  CHECK(ny.offset_seconds(at("2007-03-15T12:00Z")) == -4 * 3600);
  CHECK(format_local(at("2006-03-15T16:00Z"), ny) == "2006-03-15 11:00:00 -05:00");
  // Local mean time before standard time (1883): -4:56:02.
  CHECK(ny.offset_seconds(at("1850-06-01T00:00Z")) == -(4 * 3600 + 56 * 60 + 2));

  const TimeZone sao_paulo = zone("America/Sao_Paulo");
  CHECK(sao_paulo.offset_seconds(at("2017-12-01T12:00Z")) == -2 * 3600);
  CHECK(sao_paulo.offset_seconds(at("2018-12-01T12:00Z")) == -2 * 3600);
  CHECK(sao_paulo.offset_seconds(at("2019-12-01T12:00Z")) == -3 * 3600);
  CHECK(sao_paulo.to_instant(date_of(2017, 12, 1), hm(10, 0)) == at("2017-12-01T12:00Z"));

  // Past the last change Debian's files list (2037), the zone's yearly rule goes on.
  CHECK(ny.offset_seconds(at("2100-07-01T00:00Z")) == -4 * 3600);
  CHECK(ny.offset_seconds(at("2100-01-01T00:00Z")) == -5 * 3600);
  CHECK(ny.offset_seconds(at("9999-07-01T00:00Z")) == -4 * 3600);
  CHECK(zone("Australia/Sydney").offset_seconds(at("2500-01-01T00:00Z")) == 11 * 3600);
}

namespace {

// glibc's answer, from the same zoneinfo files (the footer rule included), as an independent
// reader to hold the cached tables to.
int glibc_offset_seconds(std::int64_t seconds) {
  const time_t time = static_cast<time_t>(seconds);
  std::tm local{};
  REQUIRE(localtime_r(&time, &local) != nullptr);
  return static_cast<int>(local.tm_gmtoff);
}

}  // namespace

TEST_CASE("zone offsets and local times agree with glibc for every zone", "[time][zones]") {
  std::mt19937_64 random(7);
  std::vector<std::int64_t> seconds;
  for (std::int64_t t = at("2006-01-01T00:00Z").micros / kMicrosPerSecond;
       t < at("2007-01-01T00:00Z").micros / kMicrosPerSecond; t += 26 * 3600) {
    seconds.push_back(t);
  }
  std::uniform_int_distribution<std::int64_t> anywhere((kMinDate.days + 1) * std::int64_t{86'400},
                                                       (kMaxDate.days - 1) * std::int64_t{86'400});
  for (int i = 0; i < 150; ++i) seconds.push_back(anywhere(random));
  const char* saved = std::getenv("TZ");
  const std::string saved_tz = saved ? saved : "";

  // Greenland's rule changes at -1:00 and 0:00, which the date library's POSIX rule parser does
  // not read: after 2037 those zones keep their last listed offset.
  const std::vector<std::string_view> unread{"America/Godthab", "America/Nuuk",
                                             "America/Scoresbysund"};
  for (const ZoneEntry& entry : known_zones()) {
    const TimeZone tz = zone(entry.name);
    setenv("TZ", entry.name.c_str(), 1);
    tzset();
    for (const std::int64_t second : seconds) {
      if (second > 2'145'916'800 &&
          std::find(unread.begin(), unread.end(), entry.name) != unread.end()) {
        continue;
      }
      const Timestamp instant{second * kMicrosPerSecond};
      INFO(entry.name << " at " << format_utc(instant));
      const int offset = tz.offset_seconds(instant);
      REQUIRE(offset == glibc_offset_seconds(second));
      // Reading the local wall clock back gives the instant, except for the second copy of a
      // time repeated when clocks go back.
      const Date local = tz.local_date(instant);
      const std::int64_t micros_of_day =
          instant.micros + offset * kMicrosPerSecond - std::int64_t{local.days} * kMicrosPerDay;
      REQUIRE(micros_of_day >= 0);
      REQUIRE(micros_of_day < kMicrosPerDay);
      const Timestamp back = tz.to_instant(local, micros_of_day);
      if (back != instant) {
        REQUIRE(back.micros < instant.micros);
        REQUIRE(tz.offset_seconds(back) > offset);
      }
    }
  }
  if (saved) {
    setenv("TZ", saved_tz.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
  tzset();
}

// ---- Formatting -------------------------------------------------------------------------------

TEST_CASE("formatting", "[time]") {
  CHECK(format_utc(at("2026-09-15T00:00Z")) == "2026-09-15T00:00:00Z");
  CHECK(format_utc(at("2026-09-01T14:30:00.123Z")) == "2026-09-01T14:30:00.123Z");
  CHECK(format_utc(at("2026-09-01T14:30:00.1234Z")) == "2026-09-01T14:30:00.123400Z");
  CHECK(format_utc(at("2026-09-01T14:30:00.000001Z")) == "2026-09-01T14:30:00.000001Z");
  CHECK(format_utc(Timestamp{-500'000}) == "1969-12-31T23:59:59.500Z");
  CHECK(format_utc(Timestamp{0}) == "1970-01-01T00:00:00Z");
  CHECK(format_date(date_of(2030, 10, 6)) == "2030-10-06");
  CHECK(format_date(kMinDate) == "1400-01-01");

  const Timestamp deadline = at("2030-10-05T21:00Z");
  CHECK(format_local(deadline, zone("America/New_York")) == "2030-10-05 17:00:00 -04:00");
  CHECK(format_local(deadline, zone("Asia/Kolkata")) == "2030-10-06 02:30:00 +05:30");
  CHECK(format_local(deadline, zone("Australia/Sydney")) == "2030-10-06 08:00:00 +11:00");
  CHECK(format_local(deadline, zone("UTC")) == "2030-10-05 21:00:00 +00:00");
  CHECK(format_local(at("2026-01-15T12:00:00.25Z"), zone("America/Sao_Paulo")) ==
        "2026-01-15 09:00:00.250 -03:00");
  CHECK_THROWS_AS(format_utc(Timestamp{std::numeric_limits<std::int64_t>::max()}),
                  std::out_of_range);
}

TEST_CASE("formatted instants and dates parse back to themselves", "[time]") {
  std::mt19937_64 random(42);
  std::uniform_int_distribution<std::int64_t> anywhere(kMinDate.days * kMicrosPerDay,
                                                       (kMaxDate.days + 1) * kMicrosPerDay - 1);
  const TimeZone ny = zone("America/New_York");
  for (int i = 0; i < 20'000; ++i) {
    Timestamp instant{anywhere(random)};
    if (i % 3 == 0) instant.micros -= instant.micros % kMicrosPerSecond;  // no fraction
    if (i % 3 == 1) instant.micros -= instant.micros % 1000;              // milliseconds
    const std::string text = format_utc(instant);
    INFO(text);
    REQUIRE(parse_instant_fast(text) ==
            (is_event_instant(instant) ? std::optional{instant} : std::nullopt));
    REQUIRE(at(text) == instant);

    // format_local's text is a timestamp literal too, once its offset is glued on (an offset
    // has whole minutes from 1883 on; local mean time before it has seconds, which it drops).
    if (ny.offset_seconds(instant) % 60 == 0) {
      std::string local = format_local(instant, ny);
      local.erase(local.rfind(' '), 1);
      REQUIRE(at(local) == instant);
    }

    const Date date{static_cast<std::int32_t>(instant.micros / kMicrosPerDay)};
    const auto parsed = parse_date(format_date(date));
    REQUIRE(std::holds_alternative<Date>(parsed));
    REQUIRE(std::get<Date>(parsed) == date);
  }
}

}  // namespace proviso
