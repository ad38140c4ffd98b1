// The checker's typing of amounts, what a clause grants (reference § 10, "Amounts"): arithmetic
// with units, min/max, if/then/else, tiers, caps and floors, rounding, cash in lieu.
#include <fmt/format.h>

#include "base/overloaded.hpp"
#include "check/checker.hpp"

namespace proviso {

namespace {

// "2%" or "USD per share" where an amount is needed: the hint says what to multiply it by.
std::string not_an_amount(const Type& type) {
  if (type.is_percentage()) {
    return "a percentage is a rate, not an amount: multiply it by what it is a percentage of, "
           "e.g. 2% * annual_sales";
  }
  if (type.is(Kind::quantity) && type.per_share) {
    return fmt::format(
        "a price per share is not an amount: multiply it by a number of shares, "
        "e.g. shares_held * 1.5 {} per share",
        type.unit);
  }
  return {};
}

const ast::Expr* leaf_of(const ast::Amount& amount) {
  const auto* leaf = std::get_if<ast::ExprPtr>(&amount.node);
  return leaf ? leaf->get() : nullptr;
}

std::optional<Decimal> base_amount(const Value& value) {
  if (const auto* number = std::get_if<Decimal>(&value)) return *number;
  if (const auto* quantity = std::get_if<Quantity>(&value)) return quantity->base_amount;
  return std::nullopt;
}

}  // namespace

Type Checker::check_grant(const ast::ClauseDecl& decl, const Scope& scope) {
  const ast::Amount& grant = *decl.grant;
  const Type type = check_amount(grant, scope);
  if (type.is_error()) return type;
  if (!type.is_numeric()) {
    error(grant.span, fmt::format("a clause grants an amount (shares, money or a number), not {}",
                                  describe(type)));
    return Type{};
  }
  if (const std::string hint = not_an_amount(type); !hint.empty()) {
    error(grant.span,
          fmt::format("a clause grants an amount (shares, money or a number), not {}",
                      describe(type)),
          hint);
    return Type{};
  }
  if (!decl.cash_in_lieu) return type;
  const ast::CashInLieu& lieu = *decl.cash_in_lieu;
  const bool rounded_shares = std::holds_alternative<ast::AmountRounding>(grant.node) &&
                              type.is(Kind::quantity) && type.dimension == "shares";
  if (!rounded_shares) {
    error(lieu.span, "cash in lieu pays for the fraction of a share that rounding drops",
          "round the shares first, e.g. grants x shares rounded down to whole shares, with cash "
          "in lieu at 12.50 USD per share");
  }
  const Type price = check_expr(*lieu.price, scope);
  if (price.is_error()) return type;
  if (!price.is(Kind::quantity) || !price.per_share) {
    error(lieu.price->span,
          fmt::format("cash in lieu is paid at a price per share, not {}", describe(price)),
          "e.g. with cash in lieu at 12.50 USD per share");
  }
  return type;
}

Type Checker::check_amount(const ast::Amount& amount, const Scope& scope, std::string_view role) {
  const std::string_view outer = amount_role_;
  amount_role_ = role;
  const Type type = check_amount(amount, scope);
  amount_role_ = outer;
  if (type.is_error()) return type;
  const std::string hint = type.is_numeric() ? not_an_amount(type) : std::string();
  if (!type.is_numeric() || !hint.empty()) {
    error(amount.span,
          fmt::format("{} an amount (shares, money or a number), not {}", role, describe(type)),
          hint);
    return Type{};
  }
  return type;
}

Type Checker::check_amount(const ast::Amount& amount, const Scope& scope) {
  const Type type = check_amount_node(amount, scope);
  if (amount.id >= result_.types.size()) result_.types.resize(amount.id + 1);
  result_.types[amount.id] = type;
  return type;
}

Type Checker::check_amount_node(const ast::Amount& amount, const Scope& scope) {
  return std::visit(
      overloaded{
          [&](const ast::ExprPtr& leaf) {
            const Type type = check_expr(*leaf, scope);
            if (!type.is_error() && !type.is_numeric()) {
              error(leaf->span, fmt::format("{} an amount (shares, money or a number), not {}",
                                            amount_role_, describe(type)));
              return Type{};
            }
            return type;
          },
          [&](const ast::AmountArithmetic& arithmetic) {
            const Type lhs = check_amount(*arithmetic.lhs, scope);
            const Type rhs = check_amount(*arithmetic.rhs, scope);
            if (lhs.is_error() || rhs.is_error()) return Type{};
            const ast::Expr* number_side =
                lhs.is(Kind::number) ? leaf_of(*arithmetic.lhs) : leaf_of(*arithmetic.rhs);
            return check_arithmetic(arithmetic.op_span, number_side, arithmetic.op, lhs, rhs);
          },
          [&](const ast::AmountExtreme& extreme) {
            Type first;
            bool failed = false;
            for (const auto& item : extreme.items) {
              const Type type = check_amount(*item, scope);
              if (type.is_error()) {
                failed = true;
              } else if (first.is_error()) {
                first = type;
              } else if (!type.compatible(first)) {
                error(
                    item->span,
                    fmt::format("{} compares amounts of one kind, but this is {} and the first "
                                "is {}",
                                extreme.largest ? "max" : "min", describe(type), describe(first)));
                failed = true;
              }
            }
            return failed ? Type{} : first;
          },
          [&](const ast::AmountChoice& choice) {
            expect_condition(*choice.condition, scope, "the condition after 'if'");
            const Type then_type = check_amount(*choice.then_amount, scope);
            const Type else_type = check_amount(*choice.else_amount, scope);
            if (then_type.is_error() || else_type.is_error()) return Type{};
            if (!then_type.compatible(else_type)) {
              error(choice.else_amount->span,
                    fmt::format("both branches of 'if' are amounts of one kind, but 'then' gives "
                                "{} and 'else' {}",
                                describe(then_type), describe(else_type)));
              return Type{};
            }
            return then_type;
          },
          [&](const ast::AmountTiers& tiers) { return check_tiers(amount, tiers, scope); },
          [&](const ast::AmountLimit& limit) {
            const Type type = check_amount(*limit.amount, scope);
            const Type bound = check_expr(*limit.limit, scope);
            if (type.is_error() || bound.is_error()) return Type{};
            if (!bound.compatible(type)) {
              error(limit.limit->span,
                    fmt::format("{} is {}, like the amount it {}, but this is {}",
                                limit.cap ? "the cap" : "the floor", describe(type),
                                limit.cap ? "caps" : "floors", describe(bound)));
              return Type{};
            }
            return type;
          },
          [&](const ast::AmountRounding& rounding) {
            const Type type = check_amount(*rounding.amount, scope);
            if (type.is_error()) return type;
            return check_rounding(rounding, type, scope);
          },
      },
      amount.node);
}

Type Checker::check_tiers(const ast::Amount& amount, const ast::AmountTiers& tiers,
                          const Scope& scope) {
  const Type base = check_expr(*tiers.base, scope);
  if (base.is_error()) return base;
  if (!base.is_numeric() || base.is_percentage()) {
    error(tiers.base->span,
          fmt::format("tiers split a quantity such as sales, not {}", describe(base)));
    return Type{};
  }
  Type result;
  bool failed = false;
  std::optional<Decimal> previous_limit;
  for (std::size_t i = 0; i < tiers.bands.size(); ++i) {
    const ast::TierBand& band = tiers.bands[i];
    const bool last = i + 1 == tiers.bands.size();
    if (!band.up_to && !last) {
      error(band.span, "'above' is the last band: it takes everything above the band before it");
      failed = true;
    }
    if (band.up_to && last) {
      error(band.span, "the last band is 'above: RATE', for what lies above the other bands",
            fmt::format("e.g. above: 0%, if nothing is paid above {}", band.up_to->span.text()));
      failed = true;
    }
    if (band.up_to) {
      const Type limit = check_expr(*band.up_to, scope);
      if (!limit.is_error() && !limit.compatible(base)) {
        error(band.up_to->span,
              fmt::format("a band's limit is {} like the quantity it splits, but this is {}",
                          describe(base), describe(limit)));
        failed = true;
      } else if (!limit.is_error()) {
        const auto value = constant_amount(*band.up_to, scope);
        const auto number = value ? base_amount(*value) : std::nullopt;
        if (number && previous_limit && *number <= *previous_limit) {
          error(band.up_to->span, "bands go upwards: each limit is above the one before it",
                "write the bands from the lowest limit to the highest");
          failed = true;
        }
        if (number) previous_limit = number;
      }
    }
    const Type rate = check_expr(*band.rate, scope);
    if (rate.is_error()) {
      failed = true;
      continue;
    }
    const Type paid =
        check_arithmetic(band.rate->span, band.rate.get(), ArithmeticOp::multiply, base, rate);
    if (paid.is_error()) {
      failed = true;
    } else if (result.is_error()) {
      result = paid;
    } else if (!paid.compatible(result)) {
      error(band.rate->span,
            fmt::format("every band pays an amount of one kind, but this one gives {} and the "
                        "first {}",
                        describe(paid), describe(result)));
      failed = true;
    }
  }
  (void)amount;
  return failed ? Type{} : result;
}

Type Checker::check_rounding(const ast::AmountRounding& rounding, const Type& type,
                             const Scope& scope) {
  if (!type.is_numeric() || type.is_percentage() || type.is_ratio()) {
    error(rounding.word_span, fmt::format("only an amount is rounded, not {}", describe(type)));
    return Type{};
  }
  if (rounding.whole) {
    const auto unit = result_.units.find(rounding.whole->text);
    if (unit == result_.units.end() || !type.is(Kind::quantity) ||
        unit->second.dimension != type.dimension) {
      error(rounding.whole->span,
            fmt::format("{} is not a unit of {}", rounding.whole->text, describe(type)),
            type.is(Kind::quantity) ? fmt::format("e.g. rounded down to whole {}", type.unit)
                                    : "a plain number is rounded to the nearest 1");
      return Type{};
    }
  }
  if (rounding.cent) {
    const auto unit = result_.units.find(type.dimension);
    if (!type.is(Kind::quantity) || unit == result_.units.end() || !unit->second.currency) {
      error(rounding.word_span, fmt::format("only money has cents, not {}", describe(type)));
      return Type{};
    }
  }
  if (rounding.nearest) {
    const Type step = check_expr(*rounding.nearest, scope);
    if (step.is_error()) return step;
    if (!step.compatible(type)) {
      error(rounding.nearest->span,
            fmt::format("the step of a rounding of {} is {} too, but this is {}", describe(type),
                        describe(type), describe(step)));
      return Type{};
    }
    const auto value = constant_amount(*rounding.nearest, scope);
    const auto number = value ? base_amount(*value) : std::nullopt;
    if (number && *number <= Decimal{}) {
      error(rounding.nearest->span, "the rounding step must be above zero");
      return Type{};
    }
  }
  return type;
}

std::optional<Value> Checker::constant_amount(const ast::Expr& expr, const Scope& scope) {
  if (scope.variables || reads_replay_values(expr, scope) || parameter_read(expr)) {
    return std::nullopt;
  }
  return evaluate(expr, {});
}

}  // namespace proviso
