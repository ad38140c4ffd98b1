#include "base/value.hpp"

#include <cctype>

#include <fmt/format.h>

#include "base/overloaded.hpp"

namespace proviso {

namespace {

std::string format_duration(const Duration& duration) {
  if (duration.trading_days != 0) return fmt::format("{} trading days", duration.trading_days);
  if (duration.months != 0) {
    if (duration.months % 12 == 0) return fmt::format("{} years", duration.months / 12);
    return fmt::format("{} months", duration.months);
  }
  if (duration.micros % kMicrosPerDay == 0) {
    return fmt::format("{} days", duration.micros / kMicrosPerDay);
  }
  const Decimal seconds = Decimal::from_int(duration.micros) / Decimal::from_int(kMicrosPerSecond);
  return fmt::format("{} seconds", seconds.to_string());
}

}  // namespace

std::string arithmetic_failure(const ArithmeticError& failure, std::string_view divisor) {
  if (failure.kind() == ArithmeticError::Kind::division_by_zero) {
    // A written-out zero needs no naming; a name or an expression does.
    const bool literal = !divisor.empty() && std::isdigit(static_cast<unsigned char>(divisor[0]));
    return literal ? std::string("division by zero")
                   : fmt::format("division by zero: {} is 0", divisor);
  }
  return "the exact result needs more digits than a number can hold (about 38)";
}

std::string format_value(const Value& value) {
  return std::visit(overloaded{
                        [](bool b) { return std::string(b ? "true" : "false"); },
                        [](const Decimal& d) { return d.to_grouped_string(); },
                        [](const std::string& s) { return fmt::format("\"{}\"", s); },
                        [](const Quantity& q) {
                          // `95%` and `3.25x` are written on the number, as agreements do.
                          const bool attached = q.unit == "%" || q.unit == "x";
                          return fmt::format(
                              "{}{}{}{}", (q.base_amount / q.unit_scale).to_grouped_string(),
                              attached ? "" : " ", q.unit, q.per_share ? " per share" : "");
                        },
                        [](const Date& d) { return format_date(d); },
                        [](const Timestamp& t) { return format_utc(t); },
                        [](const Duration& d) { return format_duration(d); },
                    },
                    value);
}

std::optional<Decimal> parse_split_ratio(std::string_view text) {
  for (const std::string_view separator : {std::string_view(":"), std::string_view("-for-")}) {
    const std::size_t at = text.find(separator);
    if (at == std::string_view::npos) continue;
    const auto shares_after = Decimal::parse(text.substr(0, at));
    const auto shares_before = Decimal::parse(text.substr(at + separator.size()));
    if (!shares_after || !shares_before || shares_before->is_zero()) return std::nullopt;
    try {
      return *shares_after / *shares_before;
    } catch (const ArithmeticError&) {
      return std::nullopt;
    }
  }
  return Decimal::parse(text);
}

}  // namespace proviso
