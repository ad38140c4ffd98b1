// What a clause grants, evaluated (reference § 10, "Amounts"): the amount's tree over its leaf
// programs, in exact decimals and base units. An amount that cannot be computed (a metric without a
// value, a division by zero) is unknown with the reason, never zero. The ledger of amounts across
// periods builds on evaluate_amount.
#include <algorithm>

#include <fmt/format.h>

#include "run/runtime.hpp"

namespace proviso {

namespace {

// The first reason an amount is unknown, kept; later ones add nothing for the reader.
std::optional<Decimal> unknown(std::string& why, std::string reason) {
  if (why.empty()) why = std::move(reason);
  return std::nullopt;
}

std::string source_text(const Program& program) {
  return program.source ? std::string(program.source->span.text()) : std::string("a value");
}

}  // namespace

bool Engine::Impl::follows_splits(const ClausePlan& plan) {
  if (!plan.grant || !plan.instance->decl->adjusted) return false;
  const Type& type = plan.grant->amount.type;
  return type.is(Kind::quantity) && type.dimension == "shares" && !type.per_share;
}

AmountResult Engine::Impl::evaluate_amount(ContractRuntime& contract, const GrantPlan& grant) {
  AmountResult result;
  const AmountPlan& top = grant.amount;
  std::optional<Decimal> exact;  // before the last rounding, for cash in lieu
  if (grant.cash_price && top.op == AmountOp::round) {
    exact = amount_value(contract, top.items.front(), result.unknown);
  }
  const std::optional<Decimal> value = amount_value(contract, top, result.unknown);
  result.known = value.has_value();
  if (!value) return result;
  result.value = *value;
  if (grant.cash_price && exact) {
    const RuntimeValue price = evaluate(contract, *grant.cash_price);
    if (!price.known) {
      result.known = false;
      result.unknown = fmt::format("{} has no value yet", source_text(*grant.cash_price));
      return result;
    }
    try {
      result.cash = (*exact - *value) * price.number;
    } catch (const ArithmeticError& failure) {
      result.known = false;
      result.unknown = failure.what();
    }
  }
  return result;
}

std::optional<Decimal> Engine::Impl::amount_value(ContractRuntime& contract,
                                                  const AmountPlan& amount, std::string& why) {
  auto leaf = [&](const Program& program) -> std::optional<Decimal> {
    const RuntimeValue value = evaluate(contract, program);
    if (!value.known) return unknown(why, fmt::format("{} has no value yet", source_text(program)));
    return value.number;
  };
  auto item = [&](std::size_t i) { return amount_value(contract, amount.items[i], why); };
  try {
    switch (amount.op) {
      case AmountOp::value:
        return leaf(*amount.program);
      case AmountOp::arithmetic: {
        const auto lhs = item(0);
        const auto rhs = item(1);
        if (!lhs || !rhs) return std::nullopt;
        if (amount.arithmetic == ArithmeticOp::divide && rhs->is_zero()) {
          return unknown(why, fmt::format("division by zero in {}", amount.span.text()));
        }
        return apply(amount.arithmetic, *lhs, *rhs);
      }
      case AmountOp::min:
      case AmountOp::max: {
        std::optional<Decimal> best;
        for (std::size_t i = 0; i < amount.items.size(); ++i) {
          const auto value = item(i);
          if (!value) return std::nullopt;  // the extreme of values one of which is unknown
          if (!best || (amount.op == AmountOp::min ? *value < *best : *value > *best)) best = value;
        }
        return best;
      }
      case AmountOp::choose: {
        const RuntimeValue condition = evaluate(contract, *amount.program);
        if (!condition.known) {
          return unknown(why, fmt::format("{} is unknown", source_text(*amount.program)));
        }
        return item(condition.flag ? 0 : 1);
      }
      case AmountOp::tiers_marginal:
      case AmountOp::tiers_flat:
        return tiered_value(contract, amount, why);
      case AmountOp::cap:
      case AmountOp::floor: {
        const auto value = item(0);
        const auto limit = leaf(*amount.program);
        if (!value || !limit) return std::nullopt;
        return amount.op == AmountOp::cap ? std::min(*value, *limit) : std::max(*value, *limit);
      }
      case AmountOp::round: {
        const auto value = item(0);
        if (!value) return std::nullopt;
        Decimal step = amount.step;
        if (amount.program) {
          const auto written = leaf(*amount.program);
          if (!written) return std::nullopt;
          step = *written;
        }
        if (step.is_zero() || step.is_negative()) {
          return unknown(
              why, fmt::format("the rounding step in {} is not above zero", amount.span.text()));
        }
        return round_to_multiple(*value, step, amount.rounding);
      }
    }
  } catch (const ArithmeticError& failure) {
    return unknown(why, fmt::format("{} in {}", failure.what(), amount.span.text()));
  }
  return std::nullopt;  // not reached: every operation has its case above
}

// `tiered BASE { up to L1: R1, up to L2: R2, above: R3 }`. Marginal: R1 on the part of BASE up
// to L1, R2 on the part between L1 and L2, R3 on the part above L2. Flat: the rate of the band
// BASE falls in, on all of BASE. A limit belongs to its band (`up to` includes it). A base at
// or below zero earns nothing in the marginal form.
std::optional<Decimal> Engine::Impl::tiered_value(ContractRuntime& contract,
                                                  const AmountPlan& amount, std::string& why) {
  const RuntimeValue base = evaluate(contract, *amount.program);
  if (!base.known)
    return unknown(why, fmt::format("{} has no value yet", source_text(*amount.program)));
  std::vector<Decimal> limits;
  for (const Program& program : amount.limits) {
    const RuntimeValue limit = evaluate(contract, program);
    if (!limit.known) return unknown(why, fmt::format("{} has no value yet", source_text(program)));
    if (!limits.empty() && limit.number <= limits.back()) {
      return unknown(why, fmt::format("the bands of {} do not go upwards", amount.span.text()));
    }
    limits.push_back(limit.number);
  }
  std::vector<Decimal> rates;
  for (const Program& program : amount.rates) {
    const RuntimeValue rate = evaluate(contract, program);
    if (!rate.known) return unknown(why, fmt::format("{} has no value yet", source_text(program)));
    rates.push_back(rate.number);
  }
  if (amount.op == AmountOp::tiers_flat) {
    std::size_t band = 0;
    while (band < limits.size() && base.number > limits[band]) ++band;
    return base.number * rates[band];
  }
  Decimal total;
  Decimal lower;  // the first band starts at zero
  for (std::size_t band = 0; band < rates.size(); ++band) {
    const bool last = band == limits.size();
    const Decimal upper = last ? base.number : std::min(base.number, limits[band]);
    if (upper > lower) total = total + (upper - lower) * rates[band];
    if (last || base.number <= limits[band]) break;
    lower = limits[band];
  }
  return total;
}

}  // namespace proviso
