// The types of Proviso values, as the checker assigns them to expressions.
#pragma once

#include <string>

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

  static Type of(Kind kind) { return Type{kind, {}, {}}; }
  static Type quantity(std::string dimension, std::string unit) {
    return Type{Kind::quantity, std::move(dimension), std::move(unit)};
  }
  static Type duration(std::string time_kind, std::string unit) {
    return Type{Kind::duration, std::move(time_kind), std::move(unit)};
  }

  bool is(Kind k) const { return kind == k; }
  bool is_error() const { return kind == Kind::error; }
  /// Same kind and, for quantities and durations, the same dimension (MW and GW match).
  bool compatible(const Type& other) const {
    return kind == other.kind && dimension == other.dimension;
  }
  /// Types whose values have an order (`<`, bands, min/max).
  bool is_ordered() const {
    return kind == Kind::number || kind == Kind::quantity || kind == Kind::date ||
           kind == Kind::timestamp || kind == Kind::duration;
  }
  /// Numbers and quantities: what sums and averages accept.
  bool is_numeric() const { return kind == Kind::number || kind == Kind::quantity; }
};

/// How a message names a type: "GW", "a date", "a number", "a condition (true or false)".
std::string describe(const Type& type);

}  // namespace proviso
