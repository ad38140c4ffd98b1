#include "base/wide_int.hpp"

namespace proviso::wide {

uint128 magnitude(int128 x) {
  return x < 0 ? -static_cast<uint128>(x) : static_cast<uint128>(x);
}

// x must be nonzero.
int count_trailing_zeros(uint128 x) {
  const auto low = static_cast<std::uint64_t>(x);
  if (low != 0) return __builtin_ctzll(low);
  return 64 + __builtin_ctzll(static_cast<std::uint64_t>(x >> 64));
}

// Binary gcd: 128-bit division is a library call, shifts and subtractions are not.
static std::uint64_t gcd64(std::uint64_t a, std::uint64_t b) {
  if (a == 0) return b;
  if (b == 0) return a;
  const int shift = __builtin_ctzll(a | b);
  a >>= __builtin_ctzll(a);
  do {
    b >>= __builtin_ctzll(b);
    if (a > b) std::swap(a, b);
    b -= a;
  } while (b != 0);
  return a << shift;
}

static uint128 gcd(uint128 a, uint128 b) {
  if ((a | b) >> 64 == 0)
    return gcd64(static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b));
  if (a == 0) return b;
  if (b == 0) return a;
  const int shift = count_trailing_zeros(a | b);
  a >>= count_trailing_zeros(a);
  do {
    b >>= count_trailing_zeros(b);
    if (a > b) std::swap(a, b);
    b -= a;
  } while (b != 0);
  return a << shift;
}

static bool is_zero(const Wide& x) {
  return x.hi == 0 && x.lo == 0;
}

std::strong_ordering compare(const Wide& a, const Wide& b) {
  if (a.hi != b.hi) return a.hi < b.hi ? std::strong_ordering::less : std::strong_ordering::greater;
  if (a.lo != b.lo) return a.lo < b.lo ? std::strong_ordering::less : std::strong_ordering::greater;
  return std::strong_ordering::equal;
}

Wide multiply_wide(uint128 a, uint128 b) {
  const uint128 mask = ~std::uint64_t{0};
  const uint128 a0 = a & mask, a1 = a >> 64, b0 = b & mask, b1 = b >> 64;
  const uint128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const uint128 middle = (p00 >> 64) + (p01 & mask) + (p10 & mask);
  return {p11 + (p01 >> 64) + (p10 >> 64) + (middle >> 64), (middle << 64) | (p00 & mask)};
}

Wide add(const Wide& a, const Wide& b) {
  const uint128 lo = a.lo + b.lo;
  return {a.hi + b.hi + (lo < a.lo ? 1 : 0), lo};
}

// Requires a >= b.
static Wide subtract(const Wide& a, const Wide& b) {
  return {a.hi - b.hi - (a.lo < b.lo ? 1 : 0), a.lo - b.lo};
}

// Sets quotient = n / d and returns n % d; d must be nonzero.
uint128 divide(const Wide& n, uint128 d, Wide& quotient) {
  quotient.hi = n.hi / d;
  uint128 remainder = n.hi % d;
  if (remainder == 0) {
    quotient.lo = n.lo / d;
    return n.lo % d;
  }
  // Schoolbook binary division of (remainder:lo); the quotient's low half fits in 128 bits.
  quotient.lo = 0;
  for (int bit = 127; bit >= 0; --bit) {
    const bool carry = (remainder >> 127) != 0;
    remainder = (remainder << 1) | ((n.lo >> bit) & 1);
    if (carry || remainder >= d) {
      remainder -= d;  // wraps correctly when carry is set: the true value is below 2d
      quotient.lo |= uint128{1} << bit;
    }
  }
  return remainder;
}

struct SignedWide {
  bool negative = false;
  Wide magnitude;
};

static SignedWide signed_product(int128 a, int128 b) {
  return {(a < 0) != (b < 0), multiply_wide(magnitude(a), magnitude(b))};
}

static SignedWide sum(const SignedWide& a, const SignedWide& b) {
  if (a.negative == b.negative) return {a.negative, add(a.magnitude, b.magnitude)};
  if (compare(a.magnitude, b.magnitude) >= 0) {
    return {a.negative, subtract(a.magnitude, b.magnitude)};
  }
  return {b.negative, subtract(b.magnitude, a.magnitude)};
}

// Knuth's addition (TAOCP 4.5.1) over 256-bit intermediates; only reached when the 128-bit
// attempt overflowed, which can be spurious when the sum still reduces into range.
static std::optional<Fraction> add_wide(int128 n1, int128 d1, int128 n2, int128 d2) {
  const auto g = static_cast<int128>(gcd(static_cast<uint128>(d1), static_cast<uint128>(d2)));
  const SignedWide t = sum(signed_product(n1, d2 / g), signed_product(n2, d1 / g));
  if (is_zero(t.magnitude)) return Fraction{};
  Wide quotient;
  const uint128 g2 =
      gcd(divide(t.magnitude, static_cast<uint128>(g), quotient), static_cast<uint128>(g));
  divide(t.magnitude, g2, quotient);
  if (quotient.hi != 0 || quotient.lo > static_cast<uint128>(kMax)) return std::nullopt;
  Fraction result;
  if (__builtin_mul_overflow(d1 / g, d2 / static_cast<int128>(g2), &result.den)) {
    return std::nullopt;
  }
  const auto num = static_cast<int128>(quotient.lo);
  result.num = t.negative ? -num : num;
  return result;
}

// Whether x lies within ±2^62: sums and products of two such values then fit in 128 bits, and
// their gcds and quotients can be worked out with 64-bit instructions (128-bit division is a
// library call, and the fractions of prices and quantities are almost always this small).
static bool is_small(int128 x) {
  constexpr int128 kLimit = int128{1} << 62;
  return x > -kLimit && x < kLimit;
}

static std::int64_t narrow(int128 x) {
  return static_cast<std::int64_t>(x);
}

static std::uint64_t magnitude64(std::int64_t x) {
  return static_cast<std::uint64_t>(x < 0 ? -x : x);
}

// add_fractions for operands that are all small: every intermediate fits.
static Fraction add_small(std::int64_t n1, std::int64_t d1, std::int64_t n2, std::int64_t d2) {
  if (d1 == d2) {
    const std::int64_t t = n1 + n2;
    if (d1 == 1) return Fraction{t, 1};
    const auto g = static_cast<std::int64_t>(gcd64(magnitude64(t), magnitude64(d1)));
    return Fraction{t / g, d1 / g};
  }
  const auto g = static_cast<std::int64_t>(gcd64(magnitude64(d1), magnitude64(d2)));
  const int128 t = int128{n1} * (d2 / g) + int128{n2} * (d1 / g);
  if (t == 0) return Fraction{};
  // gcd(t, g) == gcd(t mod g, g), and t mod g is small even when t is not.
  const uint128 t_magnitude = magnitude(t);
  const std::uint64_t t_reduced =
      (t_magnitude >> 64) == 0 ? static_cast<std::uint64_t>(t_magnitude)
                               : static_cast<std::uint64_t>(t_magnitude % static_cast<uint128>(g));
  const auto g2 = static_cast<std::int64_t>(gcd64(t_reduced, static_cast<std::uint64_t>(g)));
  return Fraction{g2 == 1 ? t : t / g2, int128{d1 / g} * (d2 / g2)};
}

// Sum of two normalized fractions, or nullopt when it does not fit.
std::optional<Fraction> add_fractions(int128 n1, int128 d1, int128 n2, int128 d2) {
  if (is_small(n1) && is_small(d1) && is_small(n2) && is_small(d2)) {
    return add_small(narrow(n1), narrow(d1), narrow(n2), narrow(d2));
  }
  int128 t;
  if (d1 == d2) {
    if (__builtin_add_overflow(n1, n2, &t) || t == kMin) return add_wide(n1, d1, n2, d2);
    if (d1 == 1) return Fraction{t, 1};
    const auto g = static_cast<int128>(gcd(magnitude(t), static_cast<uint128>(d1)));
    return Fraction{t / g, d1 / g};
  }
  // Knuth: with g = gcd(d1, d2), gcd(t, d1 * d2 / g) == gcd(t, g), so only small gcds are needed
  // and the result comes out in lowest terms.
  const auto g = static_cast<int128>(gcd(static_cast<uint128>(d1), static_cast<uint128>(d2)));
  int128 p1, p2;
  if (__builtin_mul_overflow(n1, d2 / g, &p1) || __builtin_mul_overflow(n2, d1 / g, &p2) ||
      __builtin_add_overflow(p1, p2, &t) || t == kMin) {
    return add_wide(n1, d1, n2, d2);
  }
  if (t == 0) return Fraction{};
  const auto g2 = static_cast<int128>(gcd(magnitude(t), static_cast<uint128>(g)));
  Fraction result{t / g2, 0};
  if (__builtin_mul_overflow(d1 / g, d2 / g2, &result.den)) return std::nullopt;
  return result;
}

// Product of two normalized fractions, or nullopt when it does not fit. Cross-cancelling first
// makes the result already reduced, so any overflow left is genuine.
std::optional<Fraction> multiply_fractions(int128 n1, int128 d1, int128 n2, int128 d2) {
  if (n1 == 0 || n2 == 0) return Fraction{};
  Fraction result;
  if (is_small(n1) && is_small(d1) && is_small(n2) && is_small(d2)) {
    const std::int64_t g1 =
        d2 == 1
            ? 1
            : static_cast<std::int64_t>(gcd64(magnitude64(narrow(n1)), magnitude64(narrow(d2))));
    const std::int64_t g2 =
        d1 == 1
            ? 1
            : static_cast<std::int64_t>(gcd64(magnitude64(narrow(n2)), magnitude64(narrow(d1))));
    result.num = int128{narrow(n1) / g1} * (narrow(n2) / g2);
    result.den = int128{narrow(d1) / g2} * (narrow(d2) / g1);
    return result;
  }
  if (d1 == 1 && d2 == 1) {
    if (__builtin_mul_overflow(n1, n2, &result.num) || result.num == kMin) return std::nullopt;
    return result;
  }
  const auto g1 = static_cast<int128>(d2 == 1 ? 1 : gcd(magnitude(n1), static_cast<uint128>(d2)));
  const auto g2 = static_cast<int128>(d1 == 1 ? 1 : gcd(magnitude(n2), static_cast<uint128>(d1)));
  if (__builtin_mul_overflow(n1 / g1, n2 / g2, &result.num) || result.num == kMin ||
      __builtin_mul_overflow(d1 / g2, d2 / g1, &result.den)) {
    return std::nullopt;
  }
  return result;
}

}  // namespace proviso::wide
