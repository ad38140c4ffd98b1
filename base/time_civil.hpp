// What base/time.cpp and base/time_parse.cpp share about the Gregorian calendar; internal to
// base/, not part of the time API.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace proviso::detail {

/// Days in `month` (1-12) of `year`, leap years included.
int days_in_month(int year, int month);

/// English month names, January first, for messages.
inline constexpr std::array<std::string_view, 12> kMonthNames{
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

/// Days in 400 Gregorian years, after which the calendar (weekdays included) repeats.
inline constexpr std::int64_t kCycleDays = 146'097;

}  // namespace proviso::detail
