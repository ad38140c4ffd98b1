// The checker's typing of operators: unary, arithmetic, comparisons and bands.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/overloaded.hpp"
#include "base/suggest.hpp"
#include "base/zones.hpp"
#include "check/checker.hpp"

namespace proviso {

namespace {

// "write 1 GW" when a plain number meets a quantity; "write 95%" when it meets a percentage.
std::string unit_hint(const Type& a, const Type& b, const ast::Expr* number_side) {
  const Type& quantity = a.is(Kind::quantity) ? a : b;
  if (!quantity.is(Kind::quantity)) return {};
  if (!(a.is(Kind::number) || b.is(Kind::number))) return {};
  if (quantity.is_percentage()) {
    const auto* literal =
        number_side ? std::get_if<ast::NumberLiteral>(&number_side->node) : nullptr;
    const std::string example =
        literal ? (literal->value * Decimal::from_int(100)).to_string() + "%" : "95%";
    return fmt::format(
        "a plain number is not a percentage: write it as one, e.g. {}, or multiply a ratio by "
        "100%",
        example);
  }
  if (quantity.is_ratio()) {
    // A written number can be written as a ratio; a name's value (a metric, a field) cannot.
    if (!number_side) return "write the number as a ratio, e.g. 3.25x or 3.25 to 1";
    if (const auto* literal = std::get_if<ast::NumberLiteral>(&number_side->node)) {
      const std::string value = literal->value.to_string();
      return fmt::format("write the number as a ratio, e.g. {}x or {} to 1", value, value);
    }
    return fmt::format(
        "{} is a plain number, not a ratio: declare what it reads as a ratio, or compare it with "
        "a plain number",
        number_side->span.text());
  }
  return fmt::format("give the number its unit, e.g. {} {}",
                     number_side ? number_side->span.text() : "1", quantity.unit);
}

// "write 250 USD per share" when a price per share meets a plain amount of its dimension.
std::string per_share_hint(const Type& a, const Type& b) {
  if (!a.is(Kind::quantity) || !b.is(Kind::quantity) || a.dimension != b.dimension ||
      a.per_share == b.per_share) {
    return {};
  }
  const Type& price = a.per_share ? a : b;
  return fmt::format(
      "a price per share is compared with a price per share, e.g. 250 {} per share; multiply it "
      "by a number of shares for an amount in {}",
      price.unit, price.unit);
}

// -1, 0 or 1 for two constants of one ordered type; nullopt for other values.
std::optional<int> compare_constants(const Value& a, const Value& b) {
  auto sign = [](auto order) { return order < 0 ? -1 : order > 0 ? 1 : 0; };
  if (const auto* x = std::get_if<Decimal>(&a)) {
    if (const auto* y = std::get_if<Decimal>(&b)) return sign(*x <=> *y);
  }
  if (const auto* x = std::get_if<Quantity>(&a)) {
    if (const auto* y = std::get_if<Quantity>(&b)) return sign(x->base_amount <=> y->base_amount);
  }
  if (const auto* x = std::get_if<Date>(&a)) {
    if (const auto* y = std::get_if<Date>(&b)) return sign(*x <=> *y);
  }
  if (const auto* x = std::get_if<Timestamp>(&a)) {
    if (const auto* y = std::get_if<Timestamp>(&b)) return sign(*x <=> *y);
  }
  return std::nullopt;
}

}  // namespace

Type Checker::check_unary(const ast::Expr& expr, const ast::Unary& unary, const Scope& scope) {
  (void)expr;
  if (unary.op == ast::UnaryOp::negate) {
    const Type operand = check_expr(*unary.operand, scope);
    if (operand.is_error() || operand.is_numeric() || operand.is(Kind::duration)) return operand;
    error(unary.op_span, fmt::format("cannot negate {}", describe(operand)));
    return Type{};
  }
  if (unary.op != ast::UnaryOp::logical_not && scope.kind != Scope::Kind::condition &&
      scope.kind != Scope::Kind::test) {
    error(unary.op_span, "'once' and 'ever' can only be used in a clause's condition");
  }
  const std::string_view word = unary.op == ast::UnaryOp::logical_not ? "not"
                                : unary.op == ast::UnaryOp::once      ? "once"
                                                                      : "ever";
  expect_condition(*unary.operand, scope, fmt::format("what follows '{}'", word));
  return Type::of(Kind::boolean);
}

Type Checker::check_binary(const ast::Expr& expr, const ast::Binary& binary, const Scope& scope) {
  (void)expr;
  const ast::OperatorInfo info = ast::operator_info(binary.op);
  switch (info.family) {
    case ast::OperatorFamily::logical:
      expect_condition(*binary.lhs, scope, fmt::format("the left side of '{}'", info.text));
      expect_condition(*binary.rhs, scope, fmt::format("the right side of '{}'", info.text));
      return Type::of(Kind::boolean);
    case ast::OperatorFamily::comparison:
    case ast::OperatorFamily::arithmetic:
      break;  // both sides are values
  }
  const Type lhs = check_expr(*binary.lhs, scope);
  const Type rhs = check_expr(*binary.rhs, scope);
  if (lhs.is_error() || rhs.is_error()) return Type{};
  return info.family == ast::OperatorFamily::comparison
             ? check_comparison(binary, lhs, rhs)
             : check_arithmetic(binary, info.arithmetic, lhs, rhs);
}

Type Checker::check_comparison(const ast::Binary& binary, const Type& lhs, const Type& rhs) {
  const bool equality = binary.op == ast::BinaryOp::equal || binary.op == ast::BinaryOp::not_equal;
  if (lhs.compatible(rhs) && !lhs.is(Kind::clause) && (equality || lhs.is_ordered())) {
    return Type::of(Kind::boolean);
  }
  if (lhs.compatible(rhs) && !lhs.is(Kind::clause)) {
    error(binary.op_span, fmt::format("{} has no order, so '{}' cannot compare it; use == or !=",
                                      describe(lhs), binary.op_span.text()));
    return Type{};
  }
  const ast::Expr& number_side = lhs.is(Kind::number) ? *binary.lhs : *binary.rhs;
  std::string hint = unit_hint(lhs, rhs, &number_side);
  if (hint.empty()) hint = per_share_hint(lhs, rhs);
  if (lhs.is(Kind::clause) || rhs.is(Kind::clause)) {
    hint = "a clause is compared through its state or time, e.g. T1 vested or T1.vested_at";
  }
  error(binary.op_span, fmt::format("cannot compare {} with {}", describe(lhs), describe(rhs)),
        hint);
  return Type{};
}

Type Checker::check_arithmetic(const ast::Binary& binary, ArithmeticOp op, const Type& lhs,
                               const Type& rhs) {
  return check_arithmetic(binary.op_span,
                          lhs.is(Kind::number) ? binary.lhs.get() : binary.rhs.get(), op, lhs, rhs);
}

Type Checker::check_arithmetic(const Span& op_span, const ast::Expr* number_side, ArithmeticOp op,
                               const Type& lhs, const Type& rhs) {
  auto fail = [&](std::string message) {
    std::string hint = unit_hint(lhs, rhs, number_side);
    if (hint.empty()) hint = per_share_hint(lhs, rhs);
    error(op_span, std::move(message), std::move(hint));
    return Type{};
  };
  const bool lhs_shares = lhs.is(Kind::quantity) && lhs.dimension == "shares";
  const bool rhs_shares = rhs.is(Kind::quantity) && rhs.dimension == "shares";
  const bool lhs_time = lhs.is(Kind::date) || lhs.is(Kind::timestamp);
  switch (op) {
    case ArithmeticOp::add:
    case ArithmeticOp::subtract: {
      const bool add = op == ArithmeticOp::add;
      if (lhs.compatible(rhs) && (lhs.is_numeric() || lhs.is(Kind::duration))) return lhs;
      if (lhs_time && rhs.is(Kind::duration)) {
        if (lhs.is(Kind::date) && rhs.dimension == "exact" && rhs.unit == "seconds") {
          return fail(fmt::format("cannot {} {} {} a date: dates move in days, months or years",
                                  add ? "add" : "subtract", describe(rhs), add ? "to" : "from"));
        }
        return lhs;
      }
      if (add && lhs.is(Kind::duration) && (rhs.is(Kind::date) || rhs.is(Kind::timestamp))) {
        return rhs;
      }
      if (!add && lhs_time && lhs.compatible(rhs)) return Type::duration("exact", "days");
      return add ? fail(fmt::format("cannot add {} to {}", describe(rhs), describe(lhs)))
                 : fail(fmt::format("cannot subtract {} from {}", describe(rhs), describe(lhs)));
    }
    case ArithmeticOp::multiply:
      if (lhs.is(Kind::number) && (rhs.is_numeric() || rhs.is(Kind::duration))) return rhs;
      if (rhs.is(Kind::number) && (lhs.is_numeric() || lhs.is(Kind::duration))) return lhs;
      // A percentage of an amount is an amount of it: 95% × 1 GW is 0.95 GW.
      if (lhs.is_percentage() && rhs.is_numeric()) return rhs;
      if (rhs.is_percentage() && lhs.is_numeric()) return lhs;
      // shares × USD per share is USD: what a holding is worth at a price.
      if (lhs_shares && !lhs.per_share && rhs.is(Kind::quantity) && rhs.per_share) {
        return Type::quantity(rhs.dimension, rhs.unit);
      }
      if (rhs_shares && !rhs.per_share && lhs.is(Kind::quantity) && lhs.per_share) {
        return Type::quantity(lhs.dimension, lhs.unit);
      }
      return fail(fmt::format("cannot multiply {} by {}", describe(lhs), describe(rhs)));
    case ArithmeticOp::divide:
      if (rhs.is(Kind::number) && (lhs.is_numeric() || lhs.is(Kind::duration))) return lhs;
      if (lhs.compatible(rhs) && (lhs.is(Kind::quantity) || lhs.is(Kind::duration))) {
        return Type::of(Kind::number);
      }
      if (rhs.is_percentage() && lhs.is(Kind::quantity)) return lhs;  // 1 GW ÷ 50% is 2 GW
      // USD ÷ shares is USD per share: an amount spread over a number of shares.
      if (rhs_shares && !rhs.per_share && lhs.is(Kind::quantity) && !lhs_shares && !lhs.per_share) {
        return Type::quantity(lhs.dimension, lhs.unit, true);
      }
      // USD ÷ USD per share is shares: how many shares an amount buys at a price.
      if (lhs.is(Kind::quantity) && !lhs.per_share && !lhs_shares && rhs.is(Kind::quantity) &&
          rhs.per_share && lhs.dimension == rhs.dimension) {
        return Type::quantity("shares", "shares");
      }
      return fail(fmt::format("cannot divide {} by {}", describe(lhs), describe(rhs)));
  }
  throw std::logic_error("check_arithmetic: unknown arithmetic operator");
}

Type Checker::check_band(const ast::Band& band, const Scope& scope) {
  const Type value = check_expr(*band.value, scope);
  const Type low = check_expr(*band.low, scope);
  const Type high = check_expr(*band.high, scope);
  if (value.is_error() || low.is_error() || high.is_error()) return Type{};
  for (const Type* end : {&low, &high}) {
    if (!value.compatible(*end) || !value.is_ordered()) {
      const ast::Expr& side = end == &low ? *band.low : *band.high;
      error(side.span, fmt::format("cannot compare {} with {}", describe(value), describe(*end)),
            unit_hint(value, *end, &side));
      return Type{};
    }
  }
  // Constant ends written the wrong way round make a band nothing can be in.
  if (!scope.variables) {
    const auto low_value = evaluate(*band.low, {});
    const auto high_value = evaluate(*band.high, {});
    const auto order =
        low_value && high_value ? compare_constants(*low_value, *high_value) : std::nullopt;
    if (order && (*order > 0 || (*order == 0 && band.high_excluded))) {
      error(band.op_span,
            fmt::format("nothing is in the band {} {} {}: its low end is not below its high end",
                        band.low->span.text(), band.high_excluded ? "..<" : "..",
                        band.high->span.text()),
            "write the lower value first");
      return Type{};
    }
  }
  return Type::of(Kind::boolean);
}

}  // namespace proviso
