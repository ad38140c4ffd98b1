// The exact number type of Proviso: money and quantities must never pick up binary rounding.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace proviso {

__extension__ typedef __int128 int128;  // __extension__ silences -Wpedantic

/// Thrown by arithmetic that cannot give an exact answer.
class ArithmeticError : public std::runtime_error {
 public:
  enum class Kind { overflow, division_by_zero };

  /// `message` is shown to the contract author as is.
  ArithmeticError(Kind kind, std::string message);

  /// Which kind of failure this is.
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

class Decimal;
enum class RoundingRule : std::uint8_t;
Decimal round_to_multiple(const Decimal& value, const Decimal& step, RoundingRule rule);

/// An exact rational number: every decimal literal is held exactly and division stays exact.
/// Numerator and denominator are 128-bit with magnitude at most 2^127 - 1; anything that needs
/// more throws ArithmeticError(overflow) instead of wrapping or rounding.
class Decimal {
 public:
  /// Zero.
  Decimal() = default;

  /// The integer `value`.
  static Decimal from_int(std::int64_t value);

  /// Parses "-12", "1_000_000", "0.25", "123.45", "1e5", "1.5E-3", "+3" exactly (never through a
  /// double). '_' is allowed only between digits of the mantissa. Returns nullopt on bad syntax;
  /// throws ArithmeticError(overflow) when the value does not fit.
  static std::optional<Decimal> parse(std::string_view text);

  /// Exact sum; throws ArithmeticError(overflow) when it does not fit.
  Decimal operator+(const Decimal& other) const;
  /// Exact difference; throws ArithmeticError(overflow) when it does not fit.
  Decimal operator-(const Decimal& other) const;
  /// Exact product; throws ArithmeticError(overflow) when it does not fit.
  Decimal operator*(const Decimal& other) const;
  /// Exact quotient; throws ArithmeticError(division_by_zero) or (overflow).
  Decimal operator/(const Decimal& other) const;
  /// Exact negation; never throws (the representable range is symmetric).
  Decimal operator-() const;

  /// Exact equality.
  friend bool operator==(const Decimal& a, const Decimal& b) {
    return a.num_ == b.num_ && a.den_ == b.den_;
  }
  /// Exact ordering; never overflows.
  std::strong_ordering operator<=>(const Decimal& other) const;

  /// True for 0.
  bool is_zero() const { return num_ == 0; }
  /// True for values below 0.
  bool is_negative() const { return num_ < 0; }
  /// True when there is no fractional part.
  bool is_integer() const { return den_ == 1; }

  /// The value, when it is an integer within the range of int64.
  std::optional<std::int64_t> to_int64() const;

  /// Numerator in lowest terms; carries the sign.
  int128 numerator() const { return num_; }
  /// Denominator in lowest terms; always positive.
  int128 denominator() const { return den_; }

  /// Exact decimal text when the expansion is finite ("1.02", "-3", "0.3", "26666667"); otherwise
  /// rounded half-even to 12 decimal places followed by "…" ("0.333333333333…").
  std::string to_string() const;
  /// Same as to_string() with ',' thousands grouping in the integer part: "26,666,667".
  std::string to_grouped_string() const;

  /// Nearest double, for charts only; never feed it back into arithmetic.
  double to_double() const;

 private:
  friend Decimal round_to_multiple(const Decimal& value, const Decimal& step, RoundingRule rule);
  static std::optional<Decimal> parse_short(std::string_view text);
  // Invariant: gcd(|num_|, den_) == 1, den_ > 0, num_ != INT128_MIN (so negation is safe).
  Decimal(int128 num, int128 den) : num_(num), den_(den) {}

  int128 num_ = 0;
  int128 den_ = 1;
};

/// The four operators of contract arithmetic. The grammar maps its `+ - * /` onto these
/// (ast::operator_info), so a stage that computes switches over these four only.
enum class ArithmeticOp : std::uint8_t { add, subtract, multiply, divide };

/// How a value is rounded to a whole number of steps (reference § 10, "Amounts"): `down` toward
/// minus infinity, `up` toward plus infinity, `half_up` to the nearest with halves away from zero,
/// `half_even` to the nearest with halves to the even neighbour (banker's rounding).
enum class RoundingRule : std::uint8_t { half_even, half_up, down, up };

/// `value` rounded to a whole multiple of `step` (> 0) by `rule`, exactly; throws
/// ArithmeticError(division_by_zero) for a zero step.
Decimal round_to_multiple(const Decimal& value, const Decimal& step, RoundingRule rule);

/// `a op b`, exactly; throws ArithmeticError as the operator does.
Decimal apply(ArithmeticOp op, const Decimal& a, const Decimal& b);

}  // namespace proviso
