// Values computed while checking (constants, family indices, deadlines) and, later, at run time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "base/decimal.hpp"
#include "base/time.hpp"

namespace proviso {

/// An amount of a dimension, held in the dimension's base unit (W, Wh, shares, USD) so that
/// 1000 MW and 1 GW are the same value; `unit` is only how to show it.
struct Quantity {
  Decimal base_amount;
  std::string dimension;
  std::string unit;
  Decimal unit_scale;      // base units per `unit`
  bool per_share = false;  // a price per share (`250 USD per share`)
};

/// A length of time: exact microseconds, calendar months, or trading days.
struct Duration {
  std::int64_t micros = 0;
  std::int32_t months = 0;
  std::int32_t trading_days = 0;
};

using Value = std::variant<bool, Decimal, std::string, Quantity, Date, Timestamp, Duration>;

/// What went wrong in contract arithmetic, in the author's terms: "division by zero: ebitda is
/// 0" (naming the divisor as written, not its value in base units), or the overflow message.
std::string arithmetic_failure(const ArithmeticError& failure, std::string_view divisor);

/// The value as a contract author would write it: "1.02 GW", "2030-10-06", "90 days".
std::string format_value(const Value& value);

/// A split's ratio written as text: "2" or "0.5", "2:1" and "1:10" (new shares : old shares),
/// "3-for-2" (new for old). nullopt when the text is none of these or a side is 0; the sign is
/// the caller's to check.
std::optional<Decimal> parse_split_ratio(std::string_view text);

}  // namespace proviso
