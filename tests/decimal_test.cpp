#include "base/decimal.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace Catch {
// Failing assertions then show the value instead of "{?}".
template <>
struct StringMaker<proviso::Decimal> {
  static std::string convert(const proviso::Decimal& value) { return value.to_string(); }
};
}  // namespace Catch

namespace {

using proviso::ArithmeticError;
using proviso::Decimal;
using proviso::int128;
using Kind = ArithmeticError::Kind;

// 2^127 - 1, the largest magnitude a numerator or denominator can have.
constexpr std::string_view kMaxText = "170141183460469231731687303715884105727";

Decimal num(std::string_view text) {
  const auto value = Decimal::parse(text);
  REQUIRE(value.has_value());
  return *value;
}

Decimal max_value() {
  return num(kMaxText);
}

std::string int128_text(int128 value) {
  if (value == 0) return "0";
  const bool negative = value < 0;
  std::string digits;
  for (; value != 0; value /= 10) {
    const int digit = static_cast<int>(value % 10);
    digits.insert(digits.begin(), static_cast<char>('0' + (negative ? -digit : digit)));
  }
  return negative ? "-" + digits : digits;
}

// "numerator/denominator", to pin the exact stored fraction.
std::string fraction_of(const Decimal& value) {
  return int128_text(value.numerator()) + "/" + int128_text(value.denominator());
}

int128 gcd(int128 a, int128 b) {
  if (a < 0) a = -a;
  while (b != 0) {
    const int128 r = a % b;
    a = b;
    b = r;
  }
  return a;
}

bool is_normalized(const Decimal& value) {
  return value.denominator() > 0 && gcd(value.numerator(), value.denominator()) == 1;
}

// Runs `operation` and returns the kind of ArithmeticError it threw; fails if it did not throw.
template <typename Operation>
Kind error_kind(Operation operation) {
  try {
    operation();
  } catch (const ArithmeticError& error) {
    return error.kind();
  }
  FAIL("expected an ArithmeticError");
  return Kind::overflow;
}

template <typename Operation>
std::string error_message(Operation operation) {
  try {
    operation();
  } catch (const ArithmeticError& error) {
    return error.what();
  }
  FAIL("expected an ArithmeticError");
  return "";
}

}  // namespace

TEST_CASE("decimal literals are held exactly") {
  CHECK(fraction_of(num("123.45")) == "2469/20");
  CHECK(fraction_of(num("0.25")) == "1/4");
  CHECK(fraction_of(num("-12")) == "-12/1");
  CHECK(fraction_of(num("+3")) == "3/1");
  CHECK(fraction_of(num("1_000_000")) == "1000000/1");
  CHECK(fraction_of(num("1_000.000_5")) == "2000001/2000");
  CHECK(fraction_of(num("1e5")) == "100000/1");
  CHECK(fraction_of(num("1.5E-3")) == "3/2000");
  CHECK(fraction_of(num("2.5e+2")) == "250/1");
  CHECK(fraction_of(num("007")) == "7/1");
  CHECK(fraction_of(num("0.50")) == "1/2");
  CHECK(fraction_of(num("-0")) == "0/1");
  CHECK(fraction_of(num("0.000")) == "0/1");
  CHECK(fraction_of(num("0e999999999999")) == "0/1");
  CHECK(fraction_of(num("1e-38")) == "1/100000000000000000000000000000000000000");
  CHECK(num(kMaxText).to_string() == kMaxText);
  // Trailing zeros beyond 128 bits do not matter; only the value does.
  CHECK(fraction_of(num("1.500000000000000000000000000000000000000000000000000000")) == "3/2");
  CHECK(fraction_of(num("100000000000000000000000000000000000000000000000000e-20")) ==
        "1000000000000000000000000000000/1");
  // The mantissa needs more than 128 bits but the reduced fraction fits: 2^130 / 10^39.
  CHECK(fraction_of(num("1.361129467683753853853498429727072845824")) ==
        "2475880078570760549798248448/1818989403545856475830078125");
}

TEST_CASE("malformed literals are rejected") {
  for (const char* text :
       {"",   "abc", "1__0",  "_1",    "1_",    "1_.5", "1._5", "1.",   ".5",    "+",    "-", "--1",
        "1e", "1e+", "1e1_0", "1e1.5", "1.2.3", " 1",   "1 ",   "0x10", "1,000", "1e5x", "١"}) {
    INFO(text);
    CHECK_FALSE(Decimal::parse(text).has_value());
  }
}

TEST_CASE("literals that do not fit throw overflow") {
  for (const char* text :
       {"170141183460469231731687303715884105728", "-170141183460469231731687303715884105728",
        "2e38", "1e39", "1e-39", "1e999999999999", "1e-999999999999",
        "0.0000000000000000000000000000000000000003"}) {
    INFO(text);
    CHECK(error_kind([&] { Decimal::parse(text); }) == Kind::overflow);
  }
  CHECK(error_message([] { Decimal::parse("1e39"); }) ==
        "the number 1e39 needs more digits than a number can hold");
}

TEST_CASE("arithmetic is exact") {
  CHECK(num("0.1") + num("0.2") == num("0.3"));
  CHECK(num("0.3") - num("0.1") == num("0.2"));
  CHECK(Decimal::from_int(1) / Decimal::from_int(3) * Decimal::from_int(3) == Decimal::from_int(1));
  CHECK(num("1.1") * num("1.1") == num("1.21"));
  CHECK(num("-7") / num("2") == num("-3.5"));
  CHECK(num("7") / num("-2") == num("-3.5"));
  CHECK(num("-7") / num("-0.5") == num("14"));
  CHECK(num("6") / num("3") == num("2"));
  CHECK(num("0") / num("5") == Decimal());
  CHECK(-num("2.5") == num("-2.5"));
  CHECK(-Decimal() == Decimal());
  CHECK(num("0.5") * num("0") == Decimal());
  CHECK(fraction_of(num("0.5") - num("0.5")) == "0/1");
  CHECK(fraction_of(num("1") / num("3") - num("1") / num("3")) == "0/1");
  CHECK(fraction_of(num("1") / num("6") + num("1") / num("10")) == "4/15");
  CHECK(fraction_of(num("0.75") + num("0.25")) == "1/1");
}

TEST_CASE("every result is normalized") {
  const std::vector<Decimal> values = {
      num("0"),  num("1"),    num("-1"),           num("0.5"),          num("-2.5"),
      num("12"), num("0.12"), num("1") / num("3"), num("7") / num("-6")};
  for (const auto& a : values) {
    for (const auto& b : values) {
      CHECK(is_normalized(a + b));
      CHECK(is_normalized(a - b));
      CHECK(is_normalized(a * b));
      if (!b.is_zero()) CHECK(is_normalized(a / b));
    }
  }
}

TEST_CASE("overflow throws instead of wrapping") {
  const Decimal big = num("1e30");
  CHECK(error_kind([&] { big* big; }) == Kind::overflow);
  CHECK(error_kind([&] { max_value() + Decimal::from_int(1); }) == Kind::overflow);
  CHECK(error_kind([&] { -max_value() - Decimal::from_int(1); }) == Kind::overflow);
  CHECK(error_kind([&] { -max_value() - Decimal::from_int(1) / Decimal::from_int(2); }) ==
        Kind::overflow);
  CHECK(error_kind([&] { max_value() / num("0.5"); }) == Kind::overflow);
  CHECK(error_kind([&] { max_value() + num("0.5"); }) == Kind::overflow);
  const Decimal max_less_one = max_value() - Decimal::from_int(1);
  const Decimal max_less_two = max_value() - Decimal::from_int(2);
  CHECK(error_kind([&] { max_value() / max_less_one + max_less_one / max_less_two; }) ==
        Kind::overflow);
  CHECK(error_message([&] { max_value() + Decimal::from_int(1); }) ==
        "the exact result of 170141183460469231731687303715884105727 + 1 needs more digits than a "
        "number can hold");
  // The range is symmetric, so -max is fine and negating never overflows.
  CHECK((-max_value()).to_string() == "-170141183460469231731687303715884105727");
  CHECK(-(-max_value()) == max_value());
  CHECK(fraction_of(-max_value() - Decimal()) == "-170141183460469231731687303715884105727/1");
}

TEST_CASE("denominators overflow after 80 divisions by 3") {
  Decimal value = Decimal::from_int(1);
  const Decimal three = Decimal::from_int(3);
  int divisions = 0;
  CHECK(error_kind([&] {
          for (;;) {
            value = value / three;
            ++divisions;
          }
        }) == Kind::overflow);
  CHECK(divisions == 80);  // 3^80 < 2^127 < 3^81
}

TEST_CASE("division by zero throws") {
  CHECK(error_kind([] { num("5") / Decimal(); }) == Kind::division_by_zero);
  CHECK(error_kind([] { num("0.5") / num("0.000"); }) == Kind::division_by_zero);
  CHECK(error_kind([] { Decimal() / Decimal(); }) == Kind::division_by_zero);
  CHECK(error_message([] { num("5") / Decimal(); }) == "division by zero: 5 / 0");
}

TEST_CASE("sums whose intermediates overflow but whose result fits are exact") {
  const Decimal half_max = num("85070591730234615865843651857942052863.5");  // max / 2
  CHECK(half_max + half_max == max_value());
  // max/6 - max/10 == max/15: the cross products exceed 128 bits.
  const Decimal sixth = max_value() / Decimal::from_int(6);
  const Decimal tenth = max_value() / Decimal::from_int(10);
  CHECK(fraction_of(sixth - tenth) == "170141183460469231731687303715884105727/15");
  CHECK(fraction_of(tenth - sixth) == "-170141183460469231731687303715884105727/15");
  CHECK(sixth - sixth == Decimal());
  // A product whose factors cancel is exact too.
  CHECK(max_value() / num("7") * num("7") == max_value());
}

TEST_CASE("comparisons are exact") {
  CHECK(num("0.1") < num("0.2"));
  CHECK(num("1") / num("3") < num("0.34"));
  CHECK(num("1") / num("3") > num("0.33"));
  CHECK(-num("1") / num("3") > num("-0.34"));
  CHECK(num("-0.5") < num("0.25"));
  CHECK(num("0.25") > num("-0.5"));
  CHECK(num("0") < num("0.0001"));
  CHECK(num("-0.0001") < num("0"));
  CHECK(num("2") > num("1.999"));
  CHECK(num("2.50") == num("2.5"));
  CHECK(num("2.5") != num("2.51"));
  CHECK((num("3") <=> num("3")) == std::strong_ordering::equal);
  CHECK((num("1.5") <=> num("1.25")) == std::strong_ordering::greater);
}

TEST_CASE("comparisons near the 128-bit limits do not overflow") {
  const Decimal max = max_value();
  const Decimal one = Decimal::from_int(1);
  const Decimal max_less_one = max - one;
  const Decimal max_less_two = max - Decimal::from_int(2);
  // max/(max-1) = 1 + 1/(max-1) is just below (max-1)/(max-2) = 1 + 1/(max-2).
  const Decimal a = max / max_less_one;
  const Decimal b = max_less_one / max_less_two;
  CHECK(a < b);
  CHECK(b > a);
  CHECK(-a > -b);
  CHECK(a > one);
  CHECK(-a < -one);
  CHECK(one / max < one / max_less_one);
  CHECK(-(one / max) > -(one / max_less_one));
  CHECK(max > a);
  CHECK(-max < -a);
  CHECK(a == max / max_less_one);
  CHECK((a <=> a) == std::strong_ordering::equal);
  CHECK(max / Decimal::from_int(3) > max / Decimal::from_int(4));
  CHECK(max / Decimal::from_int(3) < max_less_one / Decimal::from_int(2));
}

TEST_CASE("random small fractions agree with exact cross multiplication") {
  std::mt19937_64 random(12345);
  std::uniform_int_distribution<std::int64_t> numerators(-1'000'000'000, 1'000'000'000);
  std::uniform_int_distribution<std::int64_t> denominators(1, 1'000'000);
  for (int i = 0; i < 2000; ++i) {
    const std::int64_t n1 = numerators(random), d1 = denominators(random);
    const std::int64_t n2 = numerators(random), d2 = denominators(random);
    const Decimal a = Decimal::from_int(n1) / Decimal::from_int(d1);
    const Decimal b = Decimal::from_int(n2) / Decimal::from_int(d2);
    const int128 left = int128{n1} * d2, right = int128{n2} * d1;
    INFO(a.to_string() << " vs " << b.to_string());
    CHECK(((a <=> b) == (left <=> right)));
    CHECK((a + b) * Decimal::from_int(d1) * Decimal::from_int(d2) ==
          Decimal::from_int(n1) * Decimal::from_int(d2) +
              Decimal::from_int(n2) * Decimal::from_int(d1));
    CHECK(a + b - b == a);
    CHECK(is_normalized(a + b));
    if (!b.is_zero()) CHECK(a * b / b == a);
  }
}

TEST_CASE("random large values satisfy the arithmetic identities or throw overflow") {
  std::mt19937_64 random(678);
  const auto random_int = [&](std::int64_t minimum) {
    // Widths from 1 to 63 bits, so sums and products land both inside and outside the range.
    return static_cast<std::int64_t>(random() >> (1 + random() % 63)) + minimum;
  };
  const auto random_value = [&] {
    const Decimal numerator = Decimal::from_int(random_int(0)) * Decimal::from_int(random_int(0)) +
                              Decimal::from_int(random_int(0));
    const Decimal value = numerator / Decimal::from_int(random_int(1));
    return random() % 2 == 0 ? -value : value;
  };
  // The result, or nullopt when the operation threw overflow.
  const auto attempt = [](auto operation) -> std::optional<Decimal> {
    try {
      return operation();
    } catch (const ArithmeticError& error) {
      CHECK(error.kind() == Kind::overflow);
      return std::nullopt;
    }
  };
  int exact_differences = 0, exact_products = 0;
  for (int i = 0; i < 2000; ++i) {
    const Decimal a = random_value(), b = random_value();
    if (const auto difference = attempt([&] { return a - b; })) {
      CHECK(is_normalized(*difference));
      CHECK(((a <=> b) == (*difference <=> Decimal())));
      CHECK(*difference + b == a);
      ++exact_differences;
    }
    if (const auto product = attempt([&] { return a * b; }); product && !b.is_zero()) {
      CHECK(is_normalized(*product));
      CHECK(*product / b == a);
      ++exact_products;
    }
  }
  // The identities were actually exercised.
  CHECK(exact_differences > 100);
  CHECK(exact_products > 100);
}

// Operands within ±2^62 are added and multiplied with 64-bit gcds and quotients; larger ones in
// 128 bits. Both must give the one reduced fraction that Euclid's algorithm on the exact
// cross products gives, on either side of the boundary.
TEST_CASE("sums and products agree with Euclid on either side of 2^62") {
  std::mt19937_64 random(2026);
  const auto random_int = [&](int most_bits) {
    return static_cast<std::int64_t>(random() >> (64 - 1 - random() % most_bits));
  };
  // A reduced fraction n/d with |n| below 2^63 and d below 2^31.
  const auto random_fraction = [&](std::int64_t& n, std::int64_t& d) {
    n = random_int(63) * (random() % 2 == 0 ? 1 : -1);
    d = random_int(31) + 1;
    const auto g = static_cast<std::int64_t>(gcd(n, d));
    n /= g;
    d /= g;
    return Decimal::from_int(n) / Decimal::from_int(d);
  };
  const auto reduced = [](int128 n, int128 d) {
    const int128 g = gcd(n, d);
    return int128_text(n / g) + "/" + int128_text(d / g);
  };
  for (int i = 0; i < 5000; ++i) {
    std::int64_t n1, d1, n2, d2;
    const Decimal a = random_fraction(n1, d1);
    const Decimal b = random_fraction(n2, d2);
    INFO(fraction_of(a) << " and " << fraction_of(b));
    CHECK(fraction_of(a) == reduced(n1, d1));
    CHECK(fraction_of(a + b) == reduced(int128{n1} * d2 + int128{n2} * d1, int128{d1} * d2));
    CHECK(fraction_of(a - b) == reduced(int128{n1} * d2 - int128{n2} * d1, int128{d1} * d2));
    // Below 2^63 each, numerators multiply within 2^126: every product and quotient fits.
    {
      CHECK(fraction_of(a * b) == reduced(int128{n1} * n2, int128{d1} * d2));
      if (n2 != 0) {
        const int128 sign = n2 < 0 ? -1 : 1;
        CHECK(fraction_of(a / b) == reduced(int128{n1} * d2 * sign, int128{d1} * n2 * sign));
      }
    }
  }
}

// Short decimal text (up to 18 digits, no exponent, no '_') is read in 64 bits; longer text the
// general way. Both give the value digits ÷ 10^places in lowest terms.
TEST_CASE("decimal text of every length reads as digits over a power of ten") {
  std::mt19937_64 random(31);
  for (int i = 0; i < 5000; ++i) {
    const int digits = 1 + static_cast<int>(random() % 21);
    std::string text;
    for (int k = 0; k < digits; ++k) text.push_back(static_cast<char>('0' + random() % 10));
    const int places = static_cast<int>(random() % static_cast<unsigned>(digits));
    int128 mantissa = 0;
    for (const char c : text) mantissa = mantissa * 10 + (c - '0');
    int128 scale = 1;
    for (int k = 0; k < places; ++k) scale *= 10;
    if (places > 0) text.insert(text.end() - places, '.');
    const bool negative = random() % 3 == 0;
    if (negative) text.insert(text.begin(), '-');
    if (!negative && random() % 7 == 0) text.insert(text.begin(), '+');
    INFO(text);
    const int128 g = gcd(mantissa, scale);
    const int128 n = mantissa / g;
    CHECK(fraction_of(num(text)) ==
          int128_text(negative && n != 0 ? -n : n) + "/" + int128_text(scale / g));
  }
  CHECK_FALSE(Decimal::parse("1."));
  CHECK_FALSE(Decimal::parse(".5"));
  CHECK_FALSE(Decimal::parse("1.2.3"));
  CHECK_FALSE(Decimal::parse("-"));
  CHECK_FALSE(Decimal::parse("+"));
  CHECK_FALSE(Decimal::parse("1-"));
  CHECK(fraction_of(num("-0.000")) == "0/1");
  CHECK(fraction_of(num("999999999999999999")) == "999999999999999999/1");
  CHECK(fraction_of(num("9999999999999999999")) == "9999999999999999999/1");
  CHECK(fraction_of(num("0.000000000000000001")) == "1/1000000000000000000");
}

TEST_CASE("to_string gives exact text or twelve rounded places") {
  const auto ratio = [](std::int64_t n, std::int64_t d) {
    return (Decimal::from_int(n) / Decimal::from_int(d)).to_string();
  };
  CHECK(ratio(1, 3) == "0.333333333333…");
  CHECK(ratio(2, 3) == "0.666666666667…");
  CHECK(ratio(-2, 3) == "-0.666666666667…");
  CHECK(ratio(2, 5) == "0.4");
  CHECK(ratio(-7, 4) == "-1.75");
  CHECK(ratio(1, 7) == "0.142857142857…");
  CHECK(ratio(22, 7) == "3.142857142857…");
  CHECK(Decimal().to_string() == "0");
  CHECK(num("1.02").to_string() == "1.02");
  CHECK(num("-3").to_string() == "-3");
  CHECK(num("0.3").to_string() == "0.3");
  CHECK(num("26666667").to_string() == "26666667");
  CHECK(num("1.5E-3").to_string() == "0.0015");
  CHECK(num("1e-38").to_string() == "0.00000000000000000000000000000000000001");
  // Rounding carries into the integer part.
  CHECK(ratio(29'999'999'999'999, 30'000'000'000'000) == "1.000000000000…");
  CHECK(ratio(-29'999'999'999'999, 30'000'000'000'000) == "-1.000000000000…");
  CHECK(ratio(1, 30'000'000'000'000) == "0.000000000000…");
  // Remainders too large to multiply by ten in 128 bits.
  const Decimal max = max_value();
  CHECK(((max - Decimal::from_int(1)) / max).to_string() == "1.000000000000…");
  CHECK((max / Decimal::from_int(3)).to_string() ==
        "56713727820156410577229101238628035242.333333333333…");
  // A long but finite expansion is written out in full: 1/2^100.
  Decimal tiny = Decimal::from_int(1);
  for (int i = 0; i < 100; ++i) tiny = tiny / Decimal::from_int(2);
  CHECK(tiny.to_string() ==
        "0.0000000000000000000000000000007888609052210118054117285652827862296732064351090230047702"
        "789306640625");
}

TEST_CASE("to_grouped_string groups thousands in the integer part") {
  CHECK(num("26666667").to_grouped_string() == "26,666,667");
  CHECK(num("-1234.5").to_grouped_string() == "-1,234.5");
  CHECK(num("999").to_grouped_string() == "999");
  CHECK(num("1000").to_grouped_string() == "1,000");
  CHECK(num("100000").to_grouped_string() == "100,000");
  CHECK(num("0.12345").to_grouped_string() == "0.12345");
  CHECK(Decimal().to_grouped_string() == "0");
  CHECK((num("-1000000") - num("1") / num("3")).to_grouped_string() == "-1,000,000.333333333333…");
  CHECK(max_value().to_grouped_string() == "170,141,183,460,469,231,731,687,303,715,884,105,727");
}

TEST_CASE("predicates and conversions") {
  CHECK(Decimal().is_zero());
  CHECK_FALSE(num("0.001").is_zero());
  CHECK(num("-0.001").is_negative());
  CHECK_FALSE(Decimal().is_negative());
  CHECK(num("4.000").is_integer());
  CHECK_FALSE(num("4.5").is_integer());
  CHECK(num("-42").to_int64() == std::optional<std::int64_t>(-42));
  CHECK_FALSE(num("4.5").to_int64().has_value());
  CHECK(num("-9223372036854775808").to_int64() ==
        std::optional<std::int64_t>(std::numeric_limits<std::int64_t>::min()));
  CHECK_FALSE(num("9223372036854775808").to_int64().has_value());
  CHECK(Decimal::from_int(std::numeric_limits<std::int64_t>::min()).to_string() ==
        "-9223372036854775808");
  CHECK(num("0.25").to_double() == 0.25);
  CHECK(num("-1.5e10").to_double() == -1.5e10);
  CHECK((Decimal::from_int(1) / Decimal::from_int(3)).to_double() == Approx(1.0 / 3.0));
  CHECK(max_value().to_double() == Approx(1.7014118346046923e38));
}
