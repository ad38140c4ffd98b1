// What the engine says about its clauses and metrics: the states and metrics it reports and the
// totals of what met clauses grant (the words themselves come from render.hpp).
#include <map>

#include <fmt/format.h>

#include "run/render.hpp"
#include "run/runtime.hpp"

namespace proviso {

std::vector<ClauseStatus> Engine::clause_states() const {
  std::vector<ClauseStatus> out;
  for (const auto& owned : impl_->contracts) {
    ContractRuntime& contract = *owned;
    for (std::uint32_t c = 0; c < contract.plan.clauses.size(); ++c) {
      const ClausePlan& plan = contract.plan.clauses[c];
      const ClauseState& state = contract.clauses[c];
      const auto& states = plan.instance->states;
      const std::string name = clause_state_name(plan, state);
      const auto position = std::find(states.begin(), states.end(), name) - states.begin();
      ClauseStatus status{
          contract.plan.title, plan.name, name, state.entered[position], {}, {}, {}};
      for (std::size_t i = 0; i < states.size(); ++i) {
        status.entered.emplace_back(states[i], state.entered[i]);
      }
      if (plan.grant) {
        const RuntimeValue grant = impl_->evaluate(contract, *plan.grant);
        status.grant = render_value(grant, contract.plan.types.at(plan.grant->source->id), contract,
                                    ValueForm::engine);
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
  std::vector<MetricStatus> out;
  for (const auto& owned : impl_->contracts) {
    ContractRuntime& contract = *owned;
    for (std::uint32_t m = 0; m < contract.plan.metrics.size(); ++m) {
      const MetricPlan& plan = contract.plan.metrics[m];
      std::string text;
      try {
        const RuntimeValue value = plan.derived ? impl_->evaluate(contract, *plan.derived)
                                                : impl_->metric_value(contract, m);
        text = render_value(value, plan.type, contract, ValueForm::engine);
      } catch (const RuntimeError& failure) {
        text = fmt::format("cannot be computed: {}", failure.diagnostic().message);
      }
      out.push_back({contract.plan.title, plan.name, std::move(text)});
    }
  }
  return out;
}

std::vector<std::string> Engine::granted_totals() const {
  // One total per dimension (50 USDm and 25,000,000 USD are one amount of money), summed in
  // base units and shown in the unit of the first grant that counts, as the report does.
  struct Total {
    Decimal sum;
    std::string unit;
    const ContractRuntime* owner = nullptr;
  };
  std::map<std::string, Total> totals;
  for (const auto& owned : impl_->contracts) {
    ContractRuntime& contract = *owned;
    for (std::uint32_t c = 0; c < contract.plan.clauses.size(); ++c) {
      const ClausePlan& plan = contract.plan.clauses[c];
      const ClauseState& state = contract.clauses[c];
      if (!plan.grant || state.lapsed || (state.stage == 0 && state.level != 1)) continue;
      const RuntimeValue grant = impl_->evaluate(contract, *plan.grant);
      const Type& type = contract.plan.types.at(plan.grant->source->id);
      Total& total = totals[type.is(Kind::quantity) ? type.dimension : std::string()];
      total.sum = total.sum + grant.number;
      if (!total.owner) {
        total.unit = type.is(Kind::quantity) ? type.unit : std::string();
        total.owner = &contract;
      }
    }
  }
  std::vector<std::string> out;
  for (const auto& [dimension, total] : totals) {
    out.push_back(render_amount(total.sum, total.unit, total.owner->loaded.checked.units));
  }
  return out;
}

Decimal Engine::granted_total(const std::string& dimension) const {
  Decimal sum;
  for (const auto& owned : impl_->contracts) {
    ContractRuntime& contract = *owned;
    for (std::uint32_t c = 0; c < contract.plan.clauses.size(); ++c) {
      const ClausePlan& plan = contract.plan.clauses[c];
      const ClauseState& state = contract.clauses[c];
      if (!plan.grant || state.lapsed || (state.stage == 0 && state.level != 1)) continue;
      const Type& type = contract.plan.types.at(plan.grant->source->id);
      if ((type.is(Kind::quantity) ? type.dimension : std::string()) != dimension) continue;
      sum = sum + impl_->evaluate(contract, *plan.grant).number;
    }
  }
  return sum;
}

}  // namespace proviso
