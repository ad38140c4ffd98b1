// What the engine says about values: the deciding values of a transition, the states and
// metrics it reports, and the totals of what met clauses grant.
#include <map>

#include <fmt/format.h>

#include "grammar/ast_walk.hpp"
#include "grammar/print_ast.hpp"
#include "run/render.hpp"
#include "run/runtime.hpp"

namespace proviso {

namespace {

// The state a clause reports: its latest stage, lapsed, or for a level clause holding or
// breached.
std::string state_name(const ClausePlan& plan, const ClauseState& state) {
  const auto& states = plan.instance->states;
  if (state.lapsed) return states.back();
  if (plan.holds_while)
    return state.level == 1 ? "holding" : state.level == 2 ? "breached" : "pending";
  return states[state.stage];
}

// The step of `program` that `node` compiled to, with that operation.
const Step* step_of(const Program& program, Op op, ast::NodeId node) {
  for (const Step& step : program.steps) {
    if (step.op == op && step.node == node) return &step;
  }
  return nullptr;
}

}  // namespace

std::vector<Transition::Value> Engine::Impl::deciding_values(ContractRuntime& contract,
                                                             const Program& program,
                                                             const ClauseInstance& clause) {
  const CheckedContract& checked = contract.loaded.checked;
  // Prices of an adjusted clause moved with the splits: say so next to the written amount.
  const bool adjusted = clause.decl->adjusted && !(contract.split_factor == Decimal::from_int(1));
  const std::string split_note =
      adjusted ? fmt::format(", ÷ {} for splits", contract.split_factor.to_string()) : "";
  auto note_for = [&](const ast::Expr& expr) {
    const Type& type = contract.plan.types.at(expr.id);
    const auto unit = type.is(Kind::quantity) ? checked.units.find(type.unit) : checked.units.end();
    return unit != checked.units.end() && unit->second.currency ? split_note : std::string();
  };
  const ConditionText text(contract, clause);
  std::vector<Transition::Value> values;
  const auto& types = contract.plan.types;
  const auto& metric_names = contract.plan.metrics;
  // Each comparison whose side is a metric: "amd_deployed = 1.02 GW" and ">= 1 GW".
  auto metric_of = [&](const ast::Expr& expr) -> std::optional<std::uint32_t> {
    const auto* ref = std::get_if<ast::NameRef>(&expr.node);
    if (!ref) return std::nullopt;
    for (std::uint32_t m = 0; m < metric_names.size(); ++m) {
      if (metric_names[m].name == ref->name) return m;
    }
    return std::nullopt;
  };
  auto value_of = [&](std::uint32_t m) {
    const MetricPlan& metric = metric_names[m];
    return metric.derived ? evaluate(contract, *metric.derived) : metric_value(contract, m);
  };
  std::function<void(const ast::Expr&)> walk = [&](const ast::Expr& expr) {
    if (const auto* binary = std::get_if<ast::Binary>(&expr.node)) {
      if (ast::is_comparison(binary->op)) {
        if (const auto m = metric_of(*binary->lhs)) {
          const Type shown = types.at(binary->rhs->id).is(Kind::quantity)
                                 ? types.at(binary->rhs->id)
                                 : types.at(binary->lhs->id);
          values.push_back({metric_names[*m].name,
                            render_value(value_of(*m), shown, contract, ValueForm::engine),
                            fmt::format("{} {}{}", operator_text(binary->op),
                                        text.deciding(*binary->rhs), note_for(*binary->rhs))});
          return;
        }
      }
    }
    if (const auto* unary = std::get_if<ast::Unary>(&expr.node)) {
      // `once C`: whether and since when C has held, not C's values now.
      const Step* latch = step_of(program, Op::latch, expr.id);
      if (latch && (unary->op == ast::UnaryOp::once || unary->op == ast::UnaryOp::ever)) {
        const auto& since = contract.latches[latch->a];
        values.push_back({fmt::format("{} {}", unary->op == ast::UnaryOp::once ? "once" : "ever",
                                      text.deciding(*unary->operand)),
                          since ? "true" : "false",
                          since ? fmt::format("since {}", format_utc(Timestamp{*since}))
                                : std::string("not held yet")});
        return;
      }
    }
    if (const Step* state = step_of(program, Op::clause_state, expr.id)) {
      // `T1 vested`: the state T1 is in.
      const ClausePlan& other = contract.plan.clauses[state->a];
      values.push_back({other.name, state_name(other, contract.clauses[state->a]),
                        fmt::format("is {}", other.instance->states[state->b])});
      return;
    }
    if (std::holds_alternative<ast::AtLeastOfLast>(expr.node) ||
        std::holds_alternative<ast::Consecutive>(expr.node)) {
      // The window's own count, then the metrics its condition reads. Family members share
      // the tree but each has its own window: the one this clause's program runs.
      if (const Step* found = step_of(program, Op::window, expr.id)) {
        const std::uint32_t w = found->a;
        const ast::Expr* inner = std::holds_alternative<ast::AtLeastOfLast>(expr.node)
                                     ? std::get<ast::AtLeastOfLast>(expr.node).condition.get()
                                     : std::get<ast::Consecutive>(expr.node).condition.get();
        const DayWindowPlan& window = contract.plan.windows[w];
        const auto* compared = std::get_if<ast::Binary>(&inner->node);
        values.push_back({fmt::format("days with {}{}", text.deciding(*inner),
                                      compared ? note_for(*compared->rhs) : std::string()),
                          fmt::format("{} of the last {} {}", window_count(contract, w),
                                      window.span, window.trading_days ? "trading days" : "days"),
                          fmt::format("needs {}", window.needed)});
      }
    }
    ast::for_each_child(expr, walk);
  };
  if (program.source) walk(*program.source);
  return values;
}

std::vector<ClauseStatus> Engine::clause_states() const {
  std::vector<ClauseStatus> out;
  for (const auto& owned : impl_->contracts) {
    ContractRuntime& contract = *owned;
    for (std::uint32_t c = 0; c < contract.plan.clauses.size(); ++c) {
      const ClausePlan& plan = contract.plan.clauses[c];
      const ClauseState& state = contract.clauses[c];
      const auto& states = plan.instance->states;
      const std::string name = state_name(plan, state);
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
  // Totals per unit, in base units, shown in the unit the grants were written in.
  std::map<std::string, std::pair<Decimal, const ContractRuntime*>> totals;
  for (const auto& owned : impl_->contracts) {
    ContractRuntime& contract = *owned;
    for (std::uint32_t c = 0; c < contract.plan.clauses.size(); ++c) {
      const ClausePlan& plan = contract.plan.clauses[c];
      const ClauseState& state = contract.clauses[c];
      if (!plan.grant || state.lapsed || (state.stage == 0 && state.level != 1)) continue;
      const RuntimeValue grant = impl_->evaluate(contract, *plan.grant);
      const Type& type = contract.plan.types.at(plan.grant->source->id);
      auto& [sum, owner] = totals[type.is(Kind::quantity) ? type.unit : std::string()];
      sum = sum + grant.number;
      owner = &contract;
    }
  }
  std::vector<std::string> out;
  for (const auto& [unit, total] : totals) {
    out.push_back(unit.empty()
                      ? total.first.to_grouped_string()
                      : render_amount(total.first, unit, total.second->loaded.checked.units));
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
