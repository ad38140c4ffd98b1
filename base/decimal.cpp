#include "base/decimal.hpp"

#include "base/wide_int.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>

namespace proviso {
namespace {

using namespace wide;

// Decimal digits of v.
std::string digits_of(uint128 v) {
  constexpr std::uint64_t kTen19 = 10'000'000'000'000'000'000ULL;
  if (v <= std::numeric_limits<std::uint64_t>::max()) {
    return fmt::format_int(static_cast<std::uint64_t>(v)).str();
  }
  return fmt::format("{}{:019}", digits_of(v / kTen19), static_cast<std::uint64_t>(v % kTen19));
}

// For remainder < d: returns floor(10 * remainder / d) and leaves (10 * remainder) mod d.
int next_digit(uint128& remainder, uint128 d) {
  if (remainder <= ~uint128{0} / 10) {
    const uint128 scaled = remainder * 10;
    remainder = scaled % d;
    return static_cast<int>(scaled / d);
  }
  // 10 * remainder would overflow; add it up modulo d instead (each partial sum is below 2d).
  int digit = 0;
  uint128 acc = 0;
  for (int i = 0; i < 10; ++i) {
    acc += remainder;
    if (acc >= d) {
      acc -= d;
      ++digit;
    }
  }
  remainder = acc;
  return digit;
}

std::string group_thousands(const std::string& digits) {
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

constexpr int kApproximatePlaces = 12;

std::string render(int128 num, int128 den, bool grouped) {
  const uint128 d = static_cast<uint128>(den);
  uint128 whole = magnitude(num) / d;
  uint128 remainder = magnitude(num) % d;
  std::string fraction;
  bool approximate = false;
  if (remainder != 0) {
    uint128 other_factors = d >> count_trailing_zeros(d);
    while (other_factors % 5 == 0) other_factors /= 5;
    if (other_factors == 1) {
      // Only 2s and 5s in the denominator: the expansion ends within 127 digits.
      while (remainder != 0) fraction.push_back(static_cast<char>('0' + next_digit(remainder, d)));
    } else {
      approximate = true;
      for (int i = 0; i < kApproximatePlaces; ++i) {
        fraction.push_back(static_cast<char>('0' + next_digit(remainder, d)));
      }
      // The tail is never exactly half a unit here (that would make the expansion finite), so
      // half-even rounding comes down to comparing the tail with one half.
      if (remainder > d - remainder) {
        std::size_t i = fraction.size();
        while (i > 0 && fraction[i - 1] == '9') fraction[--i] = '0';
        if (i > 0) {
          ++fraction[i - 1];
        } else {
          ++whole;
        }
      }
    }
  }
  std::string out = num < 0 ? "-" : "";
  out += grouped ? group_thousands(digits_of(whole)) : digits_of(whole);
  if (!fraction.empty()) out += "." + fraction;
  if (approximate) out += "\u2026";
  return out;
}

uint128 power(uint128 base, int exponent) {
  uint128 result = 1;
  for (int i = 0; i < exponent; ++i) result *= base;
  return result;
}

// Consumes digits with single '_' separators between them; false when no digit starts the run.
bool scan_digits(std::string_view text, std::size_t& pos, std::string& digits) {
  if (pos >= text.size() || text[pos] < '0' || text[pos] > '9') return false;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
      ++pos;
    } else if (c == '_' && pos + 1 < text.size() && text[pos + 1] >= '0' && text[pos + 1] <= '9') {
      ++pos;
    } else {
      break;
    }
  }
  return true;
}

std::string describe(const Decimal& a, std::string_view op, const Decimal& b) {
  return fmt::format("the exact result of {} {} {} needs more digits than a number can hold",
                     a.to_string(), op, b.to_string());
}

}  // namespace

ArithmeticError::ArithmeticError(Kind kind, std::string message)
    : std::runtime_error(std::move(message)), kind_(kind) {}

Decimal Decimal::from_int(std::int64_t value) {
  return Decimal(value, 1);
}

// The common case of parse: "[+-]D+[.D+]" with at most 18 digits, read into 64 bits and
// reduced by the 2s and 5s of its power of ten; nullopt for anything else, which parse then
// reads the general way.
std::optional<Decimal> Decimal::parse_short(std::string_view text) {
  std::size_t pos = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) ++pos;
  std::uint64_t mantissa = 0;
  int digits = 0;
  int places = -1;  // digits after the point; -1 before one
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c >= '0' && c <= '9') {
      if (++digits > 18) return std::nullopt;
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
      if (places >= 0) ++places;
    } else if (c == '.' && places < 0 && digits > 0 && pos + 1 < text.size()) {
      places = 0;
    } else {
      return std::nullopt;  // '_', an exponent, or bad syntax: the general way decides
    }
  }
  if (digits == 0) return std::nullopt;
  std::uint64_t den = 1;
  for (int i = 0; i < places; ++i) den *= 10;
  if (mantissa != 0 && den != 1) {
    const int twos = std::min(__builtin_ctzll(mantissa), places);
    mantissa >>= twos;
    den >>= twos;
    while (den % 5 == 0 && mantissa % 5 == 0) {
      mantissa /= 5;
      den /= 5;
    }
  }
  if (mantissa == 0) den = 1;
  const auto num = static_cast<int128>(mantissa);
  return Decimal(negative ? -num : num, static_cast<int128>(den));
}

std::optional<Decimal> Decimal::parse(std::string_view text) {
  if (auto short_form = parse_short(text)) return short_form;
  std::size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) negative = text[pos++] == '-';
  std::string digits;  // integer then fraction digits, without separators
  if (!scan_digits(text, pos, digits)) return std::nullopt;
  std::int64_t exponent = 0;  // value = digits * 10^exponent
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t integer_digits = digits.size();
    if (!scan_digits(text, pos, digits)) return std::nullopt;
    exponent -= static_cast<std::int64_t>(digits.size() - integer_digits);
  }
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    bool negative_exponent = false;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      negative_exponent = text[pos++] == '-';
    }
    if (pos >= text.size()) return std::nullopt;
    std::int64_t written = 0;
    for (; pos < text.size(); ++pos) {
      if (text[pos] < '0' || text[pos] > '9') return std::nullopt;
      // Saturate: any exponent this large overflows unless the mantissa is zero.
      if (written < 1'000'000'000) written = written * 10 + (text[pos] - '0');
    }
    exponent += negative_exponent ? -written : written;
  }
  if (pos != text.size()) return std::nullopt;

  // Trailing zeros move into the exponent so "1.50000…0" or "1000…0e-30" need no wide mantissa.
  while (!digits.empty() && digits.back() == '0') {
    digits.pop_back();
    ++exponent;
  }
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return Decimal();
  const auto too_big = [&] {
    return ArithmeticError(
        ArithmeticError::Kind::overflow,
        fmt::format("the number {} needs more digits than a number can hold", text));
  };
  if (digits.size() - first > 77) throw too_big();  // 10^77 is the largest power below 2^256
  Wide mantissa;
  for (std::size_t i = first; i < digits.size(); ++i) {
    const Wide low = multiply_wide(mantissa.lo, 10);
    mantissa = add({mantissa.hi * 10 + low.hi, low.lo}, {0, uint128(digits[i] - '0')});
  }

  uint128 den = 1;
  if (exponent < 0) {
    // Cancel the 2s and 5s of 10^-exponent against the mantissa so the result is in lowest terms.
    const std::int64_t places = -exponent;
    std::int64_t twos = places, fives = places;
    const int mantissa_twos = mantissa.lo != 0 ? count_trailing_zeros(mantissa.lo)
                                               : 128 + count_trailing_zeros(mantissa.hi);
    const int cancelled_twos = static_cast<int>(std::min<std::int64_t>(mantissa_twos, twos));
    twos -= cancelled_twos;
    if (cancelled_twos >= 128) {
      mantissa = {0, mantissa.hi >> (cancelled_twos - 128)};
    } else if (cancelled_twos > 0) {
      mantissa = {mantissa.hi >> cancelled_twos,
                  (mantissa.lo >> cancelled_twos) | (mantissa.hi << (128 - cancelled_twos))};
    }
    Wide quotient;
    while (fives > 0 && divide(mantissa, 5, quotient) == 0) {
      mantissa = quotient;
      --fives;
    }
    // 2^126 and 5^54 are the largest powers that fit; the product must fit as well.
    if (twos > 126 || fives > 54) throw too_big();
    int128 product;
    if (__builtin_mul_overflow(static_cast<int128>(power(2, static_cast<int>(twos))),
                               static_cast<int128>(power(5, static_cast<int>(fives))), &product)) {
      throw too_big();
    }
    den = static_cast<uint128>(product);
  }
  if (mantissa.hi != 0 || mantissa.lo > static_cast<uint128>(kMax)) throw too_big();
  int128 num = static_cast<int128>(mantissa.lo);
  if (exponent > 0) {
    if (exponent > 38 ||
        __builtin_mul_overflow(num, static_cast<int128>(power(10, static_cast<int>(exponent))),
                               &num)) {
      throw too_big();
    }
  }
  return Decimal(negative ? -num : num, static_cast<int128>(den));
}

Decimal Decimal::operator+(const Decimal& other) const {
  if (den_ == 1 && other.den_ == 1) {
    int128 sum;
    if (!__builtin_add_overflow(num_, other.num_, &sum) && sum != kMin) return Decimal(sum, 1);
    throw ArithmeticError(ArithmeticError::Kind::overflow, describe(*this, "+", other));
  }
  if (const auto result = add_fractions(num_, den_, other.num_, other.den_)) {
    return Decimal(result->num, result->den);
  }
  throw ArithmeticError(ArithmeticError::Kind::overflow, describe(*this, "+", other));
}

Decimal Decimal::operator-(const Decimal& other) const {
  if (den_ == 1 && other.den_ == 1) {
    int128 difference;
    if (!__builtin_sub_overflow(num_, other.num_, &difference) && difference != kMin) {
      return Decimal(difference, 1);
    }
    throw ArithmeticError(ArithmeticError::Kind::overflow, describe(*this, "-", other));
  }
  if (const auto result = add_fractions(num_, den_, -other.num_, other.den_)) {
    return Decimal(result->num, result->den);
  }
  throw ArithmeticError(ArithmeticError::Kind::overflow, describe(*this, "-", other));
}

Decimal Decimal::operator*(const Decimal& other) const {
  if (const auto result = multiply_fractions(num_, den_, other.num_, other.den_)) {
    return Decimal(result->num, result->den);
  }
  throw ArithmeticError(ArithmeticError::Kind::overflow, describe(*this, "*", other));
}

Decimal Decimal::operator/(const Decimal& other) const {
  if (other.num_ == 0) {
    throw ArithmeticError(ArithmeticError::Kind::division_by_zero,
                          fmt::format("division by zero: {} / 0", to_string()));
  }
  // Multiply by the reciprocal, moving the divisor's sign to its numerator.
  const int128 reciprocal_num = other.num_ < 0 ? -other.den_ : other.den_;
  const int128 reciprocal_den = other.num_ < 0 ? -other.num_ : other.num_;
  if (const auto result = multiply_fractions(num_, den_, reciprocal_num, reciprocal_den)) {
    return Decimal(result->num, result->den);
  }
  throw ArithmeticError(ArithmeticError::Kind::overflow, describe(*this, "/", other));
}

Decimal Decimal::operator-() const {
  return Decimal(-num_, den_);
}

std::strong_ordering Decimal::operator<=>(const Decimal& other) const {
  if (den_ == other.den_) return num_ <=> other.num_;
  const int sign = (num_ > 0) - (num_ < 0);
  const int other_sign = (other.num_ > 0) - (other.num_ < 0);
  if (sign != other_sign) return sign <=> other_sign;
  int128 left, right;
  if (!__builtin_mul_overflow(num_, other.den_, &left) &&
      !__builtin_mul_overflow(other.num_, den_, &right)) {
    return left <=> right;
  }
  // Same sign: compare magnitudes of the cross products exactly in 256 bits.
  const std::strong_ordering by_magnitude =
      compare(multiply_wide(magnitude(num_), static_cast<uint128>(other.den_)),
              multiply_wide(magnitude(other.num_), static_cast<uint128>(den_)));
  return sign < 0 ? 0 <=> by_magnitude : by_magnitude;
}

std::optional<std::int64_t> Decimal::to_int64() const {
  if (den_ != 1 || num_ < std::numeric_limits<std::int64_t>::min() ||
      num_ > std::numeric_limits<std::int64_t>::max()) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(num_);
}

std::string Decimal::to_string() const {
  return render(num_, den_, false);
}

std::string Decimal::to_grouped_string() const {
  return render(num_, den_, true);
}

double Decimal::to_double() const {
  return static_cast<double>(num_) / static_cast<double>(den_);
}

Decimal round_to_multiple(const Decimal& value, const Decimal& step, RoundingRule rule) {
  const Decimal steps = value / step;
  const int128 num = steps.num_;
  const int128 den = steps.den_;
  int128 whole = num / den;       // toward zero
  const int128 rest = num % den;  // same sign as num
  if (rest != 0) {
    const bool negative = num < 0;
    const int128 part = rest < 0 ? -rest : rest;  // the fraction is part / den
    const int128 other = den - part;              // compared without doubling: no overflow
    switch (rule) {
      case RoundingRule::down:
        if (negative) whole -= 1;
        break;
      case RoundingRule::up:
        if (!negative) whole += 1;
        break;
      case RoundingRule::half_up:
        if (part >= other) whole += negative ? -1 : 1;
        break;
      case RoundingRule::half_even:
        if (part > other || (part == other && whole % 2 != 0)) whole += negative ? -1 : 1;
        break;
    }
  }
  return Decimal(whole, 1) * step;
}

Decimal apply(ArithmeticOp op, const Decimal& a, const Decimal& b) {
  switch (op) {
    case ArithmeticOp::add:
      return a + b;
    case ArithmeticOp::subtract:
      return a - b;
    case ArithmeticOp::multiply:
      return a * b;
    case ArithmeticOp::divide:
      return a / b;
  }
  throw std::logic_error("apply: unknown arithmetic operator");
}

}  // namespace proviso
