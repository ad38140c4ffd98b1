// The amounts of a clause tested per period (reference § "Amounts per period"): what a met
// period grants, what a missed one pays (`pays 10000 USD for each missed month`), the caps
// across periods (`capped at 120000 USD per contract year`, `… in total`) and the catch-up
// of grants missed earlier (`with catch-up`). Each period's amounts are settled once, at its
// end, and kept with its outcome, so running totals and caps are sums over the outcomes.
#include <fmt/format.h>

#include <algorithm>

#include "run/amount_totals.hpp"
#include "run/render.hpp"
#include "run/runtime.hpp"

namespace proviso {

namespace {

constexpr std::uint32_t kMet = 1;
constexpr std::uint32_t kMissed = 2;

// The period of `rule` a clause's period belongs to: the one holding its last day, so a
// month that straddles an anniversary counts in the contract year it ends in.
std::int64_t cap_period_of(const ContractPlan& plan, std::uint32_t rule, Timestamp end) {
  return plan.period_rules[rule].index_of(plan.zone->local_date(Timestamp{end.micros - 1}));
}

// What the caps bound for one outcome: its payment for a missed period, else its grant.
std::optional<Decimal> capped_amount(const ClausePlan& plan, const PeriodOutcome& outcome) {
  return plan.missed_payment ? outcome.paid : outcome.granted;
}

}  // namespace

std::string Engine::Impl::settle_period_amounts(ContractRuntime& contract, std::uint32_t clause,
                                                PeriodOutcome& outcome) {
  const ClausePlan& plan = contract.plan.clauses[clause];
  ClauseState& state = contract.clauses[clause];
  // An amount that cannot be computed is never counted as zero: a note says why.
  const auto not_counted = [&](std::string_view verb, const std::string& why) {
    notify_note(
        fmt::format("{}: {} for {} {} an amount that cannot be computed ({}), so it is "
                    "not counted",
                    contract.plan.title, plan.name,
                    contract.plan.period_rules[plan.period_rule].label(outcome.index), verb, why));
  };
  const auto payment_of = [&]() -> std::optional<Decimal> {
    std::string unknown;
    const std::optional<Decimal> paid = amount_value(contract, *plan.missed_payment, unknown);
    if (!paid) not_counted("pays", unknown);
    return paid;
  };
  const auto grant_of = [&]() -> std::optional<Decimal> {
    const AmountResult amount = evaluate_amount(contract, *plan.grant);
    if (!amount.known) {
      not_counted("grants", amount.unknown);
      return std::nullopt;
    }
    if (outcome.state == kMet && amount.cash) {
      outcome.cash = amount.cash;
      state.period_cash = state.period_cash + *amount.cash;
    }
    return amount.value;
  };
  if (outcome.state == kMet && plan.grant) outcome.granted = grant_of();
  if (outcome.state == kMissed && plan.missed_payment) {
    outcome.paid = payment_of();
  }
  // A missed period's grant is kept, so that a later period may catch it up.
  if (outcome.state == kMissed && plan.catch_up && plan.grant) {
    outcome.forgone = grant_of();
  }
  if (plan.catch_up) {
    bool catches_up = outcome.state == kMet;
    if (plan.catch_up_when) {
      const RuntimeValue when = evaluate(contract, *plan.catch_up_when);
      catches_up = when.known && when.flag;
    }
    if (catches_up) {
      Decimal caught;
      for (PeriodOutcome& earlier : state.periods) {
        if (!earlier.forgone || earlier.caught_up) continue;
        caught = caught + *earlier.forgone;
        earlier.caught_up = true;
      }
      if (caught != Decimal{}) {
        outcome.caught = caught;
        outcome.granted = outcome.granted.value_or(Decimal{}) + caught;
      }
    }
  }
  // Caps: each bounds the sum over the periods in its scope (all of them for `in total`); a
  // period pays what is left under the tightest one, and nothing once a cap is reached.
  std::optional<Decimal>& amount = plan.missed_payment ? outcome.paid : outcome.granted;
  const ast::ClauseDecl& decl = *plan.instance->decl;
  // The types amounts are shown in: a payment's, else the grant's (reference § 10, "Amounts").
  const Type* grant_type = plan.grant ? &plan.grant->amount.type : nullptr;
  const Type* typed = plan.missed_payment ? &plan.missed_payment->type : grant_type;
  const auto show = [&](const Decimal& value, const Type* as = nullptr) {
    const Type& type = as ? *as : *typed;
    return render_amount(value, type.is(Kind::quantity) ? type.unit : std::string(),
                         contract.loaded.checked.units);
  };
  std::string capped_of;  // " of 10,000 USD": what the period would have had
  std::string capped;     // ", capped at 25,000 USD per contract year" (or "… reached")
  const std::optional<Decimal> uncapped = amount;
  for (std::size_t k = 0; amount && k < plan.caps.size(); ++k) {
    const CapPlan& cap = plan.caps[k];
    const RuntimeValue limit = evaluate(contract, cap.amount);
    if (!limit.known) continue;
    const auto scope =
        cap.period_rule ? std::optional(cap_period_of(contract.plan, *cap.period_rule, outcome.end))
                        : std::nullopt;
    Decimal used;
    for (const PeriodOutcome& earlier : state.periods) {
      const auto counted = capped_amount(plan, earlier);
      if (!counted) continue;
      if (scope && cap_period_of(contract.plan, *cap.period_rule, earlier.end) != *scope) continue;
      used = used + *counted;
    }
    const Decimal left = std::max(Decimal{}, limit.number - used);
    if (*amount > left) {
      amount = left;
      const ast::Cap& written = decl.caps[k];
      const std::string scope_words =
          written.per ? "per " + std::string(written.per->span.text()) : std::string("in total");
      capped_of = " of " + show(*uncapped);
      capped = left == Decimal{}
                   ? fmt::format(", cap of {} {} reached", show(limit.number), scope_words)
                   : fmt::format(", capped at {} {}", show(limit.number), scope_words);
    }
  }
  if (outcome.granted) state.period_granted = state.period_granted + *outcome.granted;
  if (outcome.paid) state.period_paid = state.period_paid + *outcome.paid;
  if (outcome.paid) {
    return fmt::format("pays {}{}{}, total {}", show(*outcome.paid), capped_of, capped,
                       show(state.period_paid));
  }
  if (!outcome.granted) return {};
  const Type* grant = grant_type;
  const bool grant_capped = !plan.missed_payment;
  std::string words = fmt::format("grants {}{}", show(*outcome.granted, grant),
                                  grant_capped ? capped_of : std::string());
  if (outcome.caught) words += fmt::format(" with catch-up {}", show(*outcome.caught, grant));
  return words + (grant_capped ? capped : std::string()) +
         fmt::format(", total {}", show(state.period_granted, grant));
}

std::optional<Decimal> Engine::Impl::paid_by(const ContractRuntime& contract,
                                             std::uint32_t clause) const {
  const ClauseState& state = contract.clauses[clause];
  if (!contract.plan.clauses[clause].missed_payment) return std::nullopt;
  const bool any = std::any_of(state.periods.begin(), state.periods.end(),
                               [](const PeriodOutcome& p) { return p.paid.has_value(); });
  return any ? std::optional(state.period_paid) : std::nullopt;
}

}  // namespace proviso

namespace proviso {

// What the clauses that pay for missed periods have paid so far, by dimension: every
// contract's, or only contract `only`'s.
static AmountTotals paid_by_dimension(const Engine::Impl& impl,
                                      std::optional<std::size_t> only = std::nullopt) {
  AmountTotals totals;
  for (std::size_t i = 0; i < impl.contracts.size(); ++i) {
    if (only && i != *only) continue;
    const ContractRuntime& contract = *impl.contracts[i];
    for (std::uint32_t c = 0; c < contract.plan.clauses.size(); ++c) {
      const std::optional<Decimal> paid = impl.paid_by(contract, c);
      if (!paid) continue;
      totals.add(paid, contract.plan.clauses[c].missed_payment->type, contract);
    }
  }
  return totals;
}

std::vector<std::string> Engine::paid_totals() const {
  const Impl::Looking looking(*impl_);  // a query changes nothing
  return paid_by_dimension(*impl_).rendered();
}

bool Engine::pays_for_missed_periods() const {
  return std::any_of(impl_->contracts.begin(), impl_->contracts.end(), [](const auto& contract) {
    return std::any_of(contract->plan.clauses.begin(), contract->plan.clauses.end(),
                       [](const ClausePlan& clause) { return clause.missed_payment.has_value(); });
  });
}

Decimal Engine::paid_total(const std::string& dimension) const {
  const Impl::Looking looking(*impl_);
  return paid_by_dimension(*impl_).of(dimension);
}

std::vector<std::string> Engine::paid_totals(std::size_t index) const {
  const Impl::Looking looking(*impl_);
  return paid_by_dimension(*impl_, index).rendered();
}

}  // namespace proviso
