// The types of Proviso values, as the checker assigns them to expressions.
#pragma once

#include <string>
#include <string_view>

namespace proviso {

enum class Kind {
  error,  // already reported: suppresses follow-on errors
  boolean,
  text,
  number,
  quantity,
  date,
  timestamp,
  duration,
  clause,  // a clause named without a state (`T1`), only valid before a state or `.x_at`
};

/// A type. Quantities carry their dimension (power, energy, shares, USD…) and the unit to show
/// them in; durations carry their kind of time (exact, calendar months, trading days).
struct Type {
  Kind kind = Kind::error;
  std::string dimension;
  std::string unit;
  /// A quantity per share (`USD per share`, a price): a stock split moves it, and shares times
  /// it is a plain amount of its dimension.
  bool per_share = false;

  static Type of(Kind kind) { return Type{kind, {}, {}, false}; }
  static Type quantity(std::string_view dimension, std::string_view unit, bool per_share = false) {
    return Type{Kind::quantity, std::string(dimension), std::string(unit), per_share};
  }
  static Type duration(std::string time_kind, std::string unit) {
    return Type{Kind::duration, std::move(time_kind), std::move(unit), false};
  }

  bool is(Kind k) const { return kind == k; }
  bool is_error() const { return kind == Kind::error; }
  /// Same kind and, for quantities and durations, the same dimension (MW and GW match); a price
  /// per share never matches a plain amount.
  bool compatible(const Type& other) const {
    return kind == other.kind && dimension == other.dimension && per_share == other.per_share;
  }
  /// Types whose values have an order (`<`, bands, min/max).
  bool is_ordered() const {
    return kind == Kind::number || kind == Kind::quantity || kind == Kind::date ||
           kind == Kind::timestamp || kind == Kind::duration;
  }
  /// `95%`: a percentage, held as the fraction 0.95, shown as written.
  static Type percentage() { return quantity(kPercentDimension, kPercentUnit); }
  /// `3.25x`: a ratio such as leverage, held as 3.25, shown as credit agreements write it.
  static Type ratio() { return quantity(kRatioDimension, kRatioUnit); }
  bool is_percentage() const { return kind == Kind::quantity && dimension == kPercentDimension; }
  bool is_ratio() const { return kind == Kind::quantity && dimension == kRatioDimension; }

  static constexpr std::string_view kPercentDimension = "percentage";
  static constexpr std::string_view kPercentUnit = "%";
  static constexpr std::string_view kRatioDimension = "ratio";
  static constexpr std::string_view kRatioUnit = "x";

  /// Numbers and quantities: what sums and averages accept.
  bool is_numeric() const { return kind == Kind::number || kind == Kind::quantity; }
};

/// How a message names a type: "GW", "USD per share", "a date", "a plain number", "a condition".
std::string describe(const Type& type);

/// A unit as written after an amount or as a field's type: "USD per share" is {"USD", true},
/// "MW" is {"MW", false}.
struct UnitWord {
  std::string_view unit;
  bool per_share = false;
};
UnitWord split_unit_word(std::string_view word);

}  // namespace proviso
