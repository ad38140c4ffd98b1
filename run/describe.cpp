// What the engine says about values: the deciding values of a transition, the states and
// metrics it reports, and the totals of what met clauses grant.
#include <map>

#include <fmt/format.h>

#include "grammar/ast_walk.hpp"
#include "grammar/print_ast.hpp"
#include "run/runtime.hpp"

namespace proviso {

namespace {

// The comparison operator as written, or "" for any other operator.
std::string_view op_symbol(ast::BinaryOp op) {
  return ast::is_comparison(op) ? operator_text(op) : std::string_view();
}

// Shows a quantity in the given unit (the threshold's), else in the value's own unit.
std::string quantity_text(const Decimal& base, const std::string& unit,
                          const std::map<std::string, UnitInfo>& units) {
  const auto it = units.find(unit);
  if (it == units.end()) return base.to_grouped_string();
  return fmt::format("{} {}", (base / it->second.scale).to_grouped_string(), unit);
}

// The source text of an expression with family variables and constants replaced by their
// values, so "amd_close >= target" reads "amd_close >= 250 USD" for the member it concerns.
std::string substituted(const ast::Expr& expr, const ClauseInstance& clause,
                        const CheckedContract& contract) {
  if (const auto* number = std::get_if<ast::NumberLiteral>(&expr.node)) {
    // "5_000_000" reads "5,000,000", like the values it is compared with.
    if (!number->percent) return number->value.to_grouped_string();
  }
  if (const auto* ref = std::get_if<ast::NameRef>(&expr.node)) {
    if (const auto it = clause.bindings.find(ref->name); it != clause.bindings.end()) {
      return format_value(it->second);
    }
    if (const auto it = contract.constants.find(ref->name); it != contract.constants.end()) {
      return format_value(it->second);
    }
  }
  if (const auto* suffixed = std::get_if<ast::Suffixed>(&expr.node)) {
    return fmt::format("{} {}", substituted(*suffixed->operand, clause, contract),
                       suffixed->word.text);
  }
  if (const auto* binary = std::get_if<ast::Binary>(&expr.node)) {
    const std::string_view op = op_symbol(binary->op);
    if (!op.empty()) {
      return fmt::format("{} {} {}", substituted(*binary->lhs, clause, contract), op,
                         substituted(*binary->rhs, clause, contract));
    }
  }
  return std::string(expr.span.text());
}

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

std::string Engine::Impl::format(const ContractRuntime& contract, const RuntimeValue& value,
                                 const Type& type) const {
  if (!value.known) return "no value yet";
  switch (type.kind) {
    case Kind::number:
      return value.number.to_grouped_string();
    case Kind::quantity:
      return quantity_text(value.number, type.unit, contract.loaded.checked.units);
    case Kind::timestamp:
      return format_utc(Timestamp{value.time});
    case Kind::date:
      return format_date(Date{static_cast<std::int32_t>(value.time)});
    case Kind::text:
      return fmt::format("\"{}\"", value.text);
    case Kind::boolean:
      return value.flag ? "true" : "false";
    case Kind::duration:
      return value.months ? fmt::format("{} months", value.months)
                          : fmt::format("{} days", value.time / kMicrosPerDay);
    case Kind::error:
    case Kind::clause:
      break;
  }
  return "";
}

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
      const std::string_view op = op_symbol(binary->op);
      if (!op.empty()) {
        if (const auto m = metric_of(*binary->lhs)) {
          const Type shown = types.at(binary->rhs->id).is(Kind::quantity)
                                 ? types.at(binary->rhs->id)
                                 : types.at(binary->lhs->id);
          values.push_back({metric_names[*m].name, format(contract, value_of(*m), shown),
                            fmt::format("{} {}{}", op, substituted(*binary->rhs, clause, checked),
                                        note_for(*binary->rhs))});
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
                                      substituted(*unary->operand, clause, checked)),
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
        values.push_back({fmt::format("days with {}{}", substituted(*inner, clause, checked),
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
        status.grant =
            impl_->format(contract, grant, contract.plan.types.at(plan.grant->source->id));
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
        text = impl_->format(contract, value, plan.type);
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
                      : quantity_text(total.first, unit, total.second->loaded.checked.units));
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
