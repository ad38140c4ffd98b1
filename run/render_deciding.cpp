// The deciding values of a transition: the values its condition read, in words ("deployed =
// 1.02 GW (>= 1 GW)", "days with px >= 250 USD = 2 of the last 3 trading days (needs 2)"). Part
// of the one renderer (render.hpp): each temporal construct says here what decided it.
#include <fmt/format.h>

#include "grammar/ast_walk.hpp"
#include "run/render.hpp"
#include "run/runtime.hpp"

namespace proviso {

namespace {

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
  // Prices of an adjusted clause moved with the splits: say so next to the written amount.
  const bool adjusted = clause.decl->adjusted && !(contract.split_factor == Decimal::from_int(1));
  const std::string split_note =
      adjusted ? fmt::format(", ÷ {} for splits", contract.split_factor.to_string()) : "";
  auto note_for = [&](const ast::Expr& expr) {
    const Type& type = contract.plan.types.at(expr.id);
    return type.is(Kind::quantity) && type.per_share ? split_note : std::string();
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
    try {
      return metric.derived ? evaluate(contract, *metric.derived) : metric_value(contract, m);
    } catch (const RuntimeError&) {
      RuntimeValue failed;  // a division by zero the condition was decided without
      failed.known = false;
      return failed;
    }
  };
  std::function<void(const ast::Expr&)> walk = [&](const ast::Expr& expr) {
    if (const auto* binary = std::get_if<ast::Binary>(&expr.node)) {
      if (ast::is_comparison(binary->op)) {
        if (const auto m = metric_of(*binary->lhs)) {
          const Type shown = types.at(binary->rhs->id).is(Kind::quantity)
                                 ? types.at(binary->rhs->id)
                                 : types.at(binary->lhs->id);
          const RuntimeValue value = value_of(*m);
          values.push_back(
              {metric_names[*m].name, render_value(value, shown, contract, ValueForm::engine),
               fmt::format("{} {}{}", render_operator(binary->op, ConditionForm::deciding),
                           text.deciding(*binary->rhs), note_for(*binary->rhs)),
               typed_value(value, shown, contract)});
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
                                : std::string("not held yet"),
                          Value{since.has_value()}});
        return;
      }
    }
    if (const Step* state = step_of(program, Op::clause_state, expr.id)) {
      // `T1 vested`: the state T1 is in.
      const ClausePlan& other = contract.plan.clauses[state->a];
      const std::string now_in = clause_state_name(other, contract.clauses[state->a]);
      values.push_back({other.name, now_in, fmt::format("is {}", other.instance->states[state->b]),
                        Value{now_in}});
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
        const std::uint32_t count = window_count(contract, w);
        values.push_back({fmt::format("days with {}{}", text.deciding(*inner),
                                      compared ? note_for(*compared->rhs) : std::string()),
                          fmt::format("{} of the last {} {}", count, window.span,
                                      window.trading_days ? "trading days" : "days"),
                          fmt::format("needs {}", window.needed), Value{Decimal::from_int(count)}});
      }
    }
    ast::for_each_child(expr, walk);
  };
  if (program.source) walk(*program.source);
  return values;
}

}  // namespace proviso
