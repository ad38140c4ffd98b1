// Calendar periods: calendar weeks, months, quarters and years, fiscal years and quarters that
// start in a given month, and contract years from an anniversary. A period is numbered by an
// index that grows by one from each period to the next, so "the previous period" is index − 1
// and a period's end is the start of index + 1 (midnight in the contract's zone).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/time.hpp"
#include "grammar/ast.hpp"

namespace proviso {

/// How long one period is.
enum class PeriodUnit : std::uint8_t { week, month, quarter, year };

/// A division of the calendar into periods.
struct PeriodRule {
  PeriodUnit unit = PeriodUnit::month;
  bool fiscal = false;
  int first_month = 1;              // fiscal periods: the month a fiscal year starts in
  std::optional<Date> anniversary;  // contract years: the day the first one starts
  // `fiscal year ending June 30`: the day it was written to end on (30), for describe(); the
  // same periods as `starting July`, so equality ignores it.
  std::optional<int> end_day;

  /// The index of the period a local date falls in.
  std::int64_t index_of(Date date) const;
  /// The first local date of period `index`.
  Date start(std::int64_t index) const;
  /// The period's name in the timeline: "2026-03", "2026-Q1", "2026", "FY2027" (a fiscal year
  /// is named for the calendar year it ends in), "FY2027-Q1", "week of 2026-03-02",
  /// "contract year 2".
  std::string label(std::int64_t index) const;
  /// As a contract writes it: "calendar month", "fiscal year starting July" (or "fiscal year
  /// ending June 30"); with `plural`, "calendar months", "fiscal years starting July".
  std::string describe(bool plural = false) const;
  bool operator==(const PeriodRule& other) const {
    return unit == other.unit && fiscal == other.fiscal && first_month == other.first_month &&
           anniversary == other.anniversary;
  }
};

/// The rule a period phrase names, or a message for the author (an unknown word, a contract
/// year without an effective date). `effective` is the contract's effective local date.
struct PeriodResolution {
  std::optional<PeriodRule> rule;
  std::string error;
  std::string help;
  Span where;
};
PeriodResolution resolve_period(const ast::PeriodSpec& spec, std::optional<Date> effective);

}  // namespace proviso
