// What the engine says about its clauses and metrics: the states and metrics it reports and the
// totals of what met clauses grant (the words themselves come from render.hpp).
#include <map>

#include <fmt/format.h>

#include "run/amount_totals.hpp"
#include "run/inspect.hpp"
#include "run/render.hpp"
#include "run/runtime.hpp"

namespace proviso {

std::vector<ClauseStatus> Engine::clause_states() const {
  const Impl::Looking looking(*impl_);  // a query changes nothing
  std::vector<ClauseStatus> out;
  for (const auto& owned : impl_->contracts) {
    ContractRuntime& contract = *owned;
    for (std::uint32_t c = 0; c < contract.plan.clauses.size(); ++c) {
      const ClausePlan& plan = contract.plan.clauses[c];
      const ClauseState& state = contract.clauses[c];
      const auto& states = plan.instance->states;
      const ClauseStage stage = Impl::stage_of(contract, c);
      ClauseStatus status;
      status.contract = contract.plan.title;
      status.instance = contract.instance;
      status.clause = plan.name;
      status.state = stage.name;
      status.state_index = stage.index;
      status.since = state.entered[stage.index];
      for (std::size_t i = 0; i < states.size(); ++i) {
        status.entered.emplace_back(states[i], state.entered[i]);
      }
      if (plan.grant) {
        // Once met, what it granted then; before, what it would grant now.
        RuntimeValue grant;
        if (const auto granted = impl_->granted_by(contract, c)) {
          grant.number = *granted;
        } else {
          const AmountResult amount = impl_->evaluate_amount(contract, *plan.grant);
          grant.number = amount.value;
          grant.known = amount.known;
        }
        const Type& type = plan.grant->amount.type;
        status.grant = render_value(grant, type, contract, ValueForm::engine);
        status.grant_value = typed_value(grant, type, contract);
      }
      const Program* next = state.lapsed ? nullptr : Impl::unmet_stage(plan, state);
      if (next) {
        try {
          status.values = impl_->deciding_values(contract, *next, *plan.instance);
        } catch (const RuntimeError&) {
          // A value that cannot be computed now: the metrics report says why.
        }
      }
      out.push_back(std::move(status));
    }
  }
  return out;
}

std::vector<MetricStatus> Engine::metric_values() const {
  const Impl::Looking looking(*impl_);  // a query changes nothing
  std::vector<MetricStatus> out;
  for (const auto& owned : impl_->contracts) {
    ContractRuntime& contract = *owned;
    for (std::uint32_t m = 0; m < contract.plan.metrics.size(); ++m) {
      const MetricPlan& plan = contract.plan.metrics[m];
      MetricStatus status{contract.plan.title, plan.name, {}, {}, contract.instance};
      try {
        const RuntimeValue value = plan.derived ? impl_->evaluate(contract, *plan.derived)
                                                : impl_->metric_value(contract, m);
        status.value = render_value(value, plan.type, contract, ValueForm::engine);
        status.typed = typed_value(value, plan.type, contract);
      } catch (const RuntimeError& failure) {
        status.value = fmt::format("cannot be computed: {}", failure.diagnostic().message);
      }
      out.push_back(std::move(status));
    }
  }
  return out;
}

std::vector<std::string> Engine::granted_totals() const {
  const Impl::Looking looking(*impl_);  // a query changes nothing
  AmountTotals totals;
  for (const auto& owned : impl_->contracts) {
    ContractRuntime& contract = *owned;
    for (std::uint32_t c = 0; c < contract.plan.clauses.size(); ++c) {
      const ClausePlan& plan = contract.plan.clauses[c];
      if (!plan.grant) continue;
      totals.add(impl_->granted_by(contract, c), plan.grant->amount.type, contract);
      totals.add(impl_->cash_granted_by(contract, c), plan.grant->cash_type, contract);
    }
  }
  return totals.rendered();
}

Decimal Engine::granted_total(const std::string& dimension) const {
  Decimal sum;
  for (std::size_t i = 0; i < impl_->contracts.size(); ++i) sum = sum + granted_total(i, dimension);
  return sum;
}

const ContractPlan& Engine::plan(std::size_t index) const {
  return impl_->contracts.at(index)->plan;
}

std::optional<Value> Engine::metric_value(std::size_t index, std::uint32_t metric) const {
  const Impl::Looking looking(*impl_);
  ContractRuntime& contract = *impl_->contracts.at(index);
  const MetricPlan& plan = contract.plan.metrics.at(metric);
  const RuntimeValue value = plan.derived ? impl_->evaluate(contract, *plan.derived)
                                          : impl_->metric_value(contract, metric);
  return typed_value(value, plan.type, contract);
}

std::optional<Value> Engine::value_in(std::size_t index, const Program& program,
                                      const ast::Expr& expr) const {
  ContractRuntime& contract = *impl_->contracts.at(index);
  const Trace trace(*impl_, contract, program);
  const RuntimeValue* value = trace.value_of(expr, contract.plan);
  if (!value) return std::nullopt;
  return typed_value(*value, contract.plan.types.at(expr.id), contract);
}

Decimal Engine::split_factor(std::size_t index) const {
  return impl_->contracts.at(index)->split_factor;
}

Decimal Engine::granted_total(std::size_t index, const std::string& dimension) const {
  const Impl::Looking looking(*impl_);
  ContractRuntime& contract = *impl_->contracts.at(index);
  Decimal sum;
  for (std::uint32_t c = 0; c < contract.plan.clauses.size(); ++c) {
    const ClausePlan& plan = contract.plan.clauses[c];
    auto add = [&](const std::optional<Decimal>& granted, const Type& type) {
      if (!granted) return;
      if ((type.is(Kind::quantity) ? type.dimension : std::string()) != dimension) return;
      sum = sum + *granted;
    };
    if (!plan.grant) continue;
    add(impl_->granted_by(contract, c), plan.grant->amount.type);
    add(impl_->cash_granted_by(contract, c), plan.grant->cash_type);
  }
  return sum;
}

}  // namespace proviso
