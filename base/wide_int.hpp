// Exact integer arithmetic past 128 bits for base/decimal.cpp: a 256-bit unsigned integer and
// sums and products of 128-bit fractions that overflow only in their intermediates.
#pragma once

#include <compare>
#include <optional>

#include "base/decimal.hpp"

namespace proviso::wide {

__extension__ typedef unsigned __int128 uint128;  // __extension__ silences -Wpedantic

inline constexpr int128 kMax = static_cast<int128>(~uint128{0} >> 1);
inline constexpr int128 kMin = -kMax - 1;

/// The number of zero bits below the lowest one; x must be nonzero.
int count_trailing_zeros(uint128 x);
/// |x| without overflow for the most negative value.
uint128 magnitude(int128 x);

/// An unsigned 256-bit integer, for the rare cases where exact 128-bit intermediates overflow
/// although the final answer (or comparison) does not.
struct Wide {
  uint128 hi = 0;
  uint128 lo = 0;
};

/// The ordering of two 256-bit integers.
std::strong_ordering compare(const Wide& a, const Wide& b);
/// The exact product of two 128-bit integers.
Wide multiply_wide(uint128 a, uint128 b);
/// a + b, which must fit in 256 bits.
Wide add(const Wide& a, const Wide& b);
/// Sets quotient = n / d and returns n % d; d must be nonzero.
uint128 divide(const Wide& n, uint128 d, Wide& quotient);

/// A normalized fraction: lowest terms, positive denominator.
struct Fraction {
  int128 num = 0;
  int128 den = 1;
};

/// Sum of two normalized fractions, or nullopt when it does not fit.
std::optional<Fraction> add_fractions(int128 n1, int128 d1, int128 n2, int128 d2);
/// Product of two normalized fractions, or nullopt when it does not fit.
std::optional<Fraction> multiply_fractions(int128 n1, int128 d1, int128 n2, int128 d2);

}  // namespace proviso::wide
