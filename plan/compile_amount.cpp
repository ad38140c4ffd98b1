// What a clause grants, compiled: the amount's tree with a program at each leaf.
#include "base/overloaded.hpp"
#include "plan/compiler.hpp"

namespace proviso::detail {

namespace {

bool is_shares(const Type& type) {
  return type.is(Kind::quantity) && type.dimension == "shares" && !type.per_share;
}

}  // namespace

GrantPlan Compiler::grant(const ast::ClauseDecl& decl) {
  GrantPlan out;
  out.source = decl.grant.get();
  out.amount = amount(*decl.grant, decl.adjusted.has_value());
  if (decl.cash_in_lieu) {
    // The price moves with the splits as the shares do: a 2-for-1 split halves it.
    adjust_prices_ = decl.adjusted.has_value();
    out.cash_price = program(*decl.cash_in_lieu->price);
    adjust_prices_ = false;
    const Type& price = type_of(*decl.cash_in_lieu->price);
    out.cash_type = Type::quantity(price.dimension, price.unit);
  }
  return out;
}

Program Compiler::amount_leaf(const ast::Expr& expr, bool adjust_shares) {
  Program out = program(expr);
  if (adjust_shares && is_shares(type_of(expr))) out.steps.push_back(step(Op::adjust_shares, expr));
  return out;
}

AmountPlan Compiler::amount(const ast::Amount& amount, bool adjust_shares) {
  AmountPlan out;
  out.node = amount.id;
  out.span = amount.span;
  out.type = contract_.types.at(amount.id);
  std::visit(overloaded{
                 [&](const ast::ExprPtr& leaf) { out.program = amount_leaf(*leaf, adjust_shares); },
                 [&](const ast::AmountArithmetic& arithmetic) {
                   out.op = AmountOp::arithmetic;
                   out.arithmetic = arithmetic.op;
                   out.items.push_back(this->amount(*arithmetic.lhs, adjust_shares));
                   out.items.push_back(this->amount(*arithmetic.rhs, adjust_shares));
                 },
                 [&](const ast::AmountExtreme& extreme) {
                   out.op = extreme.largest ? AmountOp::max : AmountOp::min;
                   for (const auto& item : extreme.items) {
                     out.items.push_back(this->amount(*item, adjust_shares));
                   }
                 },
                 [&](const ast::AmountChoice& choice) {
                   out.op = AmountOp::choose;
                   out.program = program(*choice.condition);
                   out.items.push_back(this->amount(*choice.then_amount, adjust_shares));
                   out.items.push_back(this->amount(*choice.else_amount, adjust_shares));
                 },
                 [&](const ast::AmountTiers& tiers) {
                   out.op = tiers.flat ? AmountOp::tiers_flat : AmountOp::tiers_marginal;
                   out.program = amount_leaf(*tiers.base, adjust_shares);
                   for (const ast::TierBand& band : tiers.bands) {
                     if (band.up_to) out.limits.push_back(amount_leaf(*band.up_to, adjust_shares));
                     out.rates.push_back(program(*band.rate));
                   }
                 },
                 [&](const ast::AmountLimit& limit) {
                   out.op = limit.cap ? AmountOp::cap : AmountOp::floor;
                   out.items.push_back(this->amount(*limit.amount, adjust_shares));
                   out.program = amount_leaf(*limit.limit, adjust_shares);
                 },
                 [&](const ast::AmountRounding& rounding) {
                   out.op = AmountOp::round;
                   out.rounding = rounding.rule;
                   out.items.push_back(this->amount(*rounding.amount, adjust_shares));
                   if (rounding.nearest) {
                     out.program = program(*rounding.nearest);
                   } else if (rounding.whole) {
                     out.step = contract_.units.at(rounding.whole->text).scale;
                   } else if (rounding.cent) {
                     out.step = *Decimal::parse("0.01");  // of the currency's base unit
                   } else {
                     out.step = Decimal::from_int(1);  // a plain number: to whole numbers
                   }
                 },
             },
             amount.node);
  return out;
}

}  // namespace proviso::detail
