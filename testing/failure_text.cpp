// Why an expectation did not hold, in the words of the contract: the values its comparisons
// read ("amd_deployed = 0.6 GW"), the state a clause is in and what put it there.
#include <fmt/format.h>

#include "grammar/ast_walk.hpp"
#include "run/render.hpp"
#include "testing/runner.hpp"

namespace proviso {

namespace {

// Windows and latches keep history that only the program they were compiled in has seen, so
// their parts cannot be evaluated on their own.
bool evaluable_alone(const ast::Expr& expr) {
  if (std::holds_alternative<ast::AtLeastOfLast>(expr.node) ||
      std::holds_alternative<ast::Consecutive>(expr.node)) {
    return false;
  }
  if (const auto* unary = std::get_if<ast::Unary>(&expr.node)) {
    if (unary->op == ast::UnaryOp::once || unary->op == ast::UnaryOp::ever) return false;
  }
  bool alone = true;
  ast::for_each_child(expr,
                      [&](const ast::Expr& child) { alone = alone && evaluable_alone(child); });
  return alone;
}

// Literals and constants: showing their value would only repeat the expectation.
bool is_written_value(const ast::Expr& expr, const CheckedContract& contract) {
  return std::visit(
      [&](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, ast::NameRef>) {
          return contract.constants.count(node.name) > 0;
        } else if constexpr (std::is_same_v<T, ast::Suffixed>) {
          return is_written_value(*node.operand, contract);
        } else if constexpr (std::is_same_v<T, ast::Unary>) {
          return node.op == ast::UnaryOp::negate && is_written_value(*node.operand, contract);
        } else if constexpr (ast::one_of<T, ast::NumberLiteral, ast::TextLiteral, ast::BoolLiteral,
                                         ast::DateLiteral, ast::TimestampLiteral>) {
          return true;
        } else if constexpr (ast::one_of<T, ast::Member, ast::Index, ast::Binary, ast::Band,
                                         ast::Consecutive, ast::AtLeastOfLast, ast::Quorum,
                                         ast::TimeTest, ast::Within>) {
          return false;
        } else {
          static_assert(ast::unhandled<T>);
        }
      },
      expr.node);
}

// The unit a written amount is in (`1 GW`, a constant of 500 MW), to show the other side in.
std::string unit_written(const ast::Expr& expr, const CheckedContract& contract) {
  if (const auto* suffixed = std::get_if<ast::Suffixed>(&expr.node)) {
    if (contract.units.count(suffixed->word.text) > 0) return suffixed->word.text;
  }
  if (const auto* ref = std::get_if<ast::NameRef>(&expr.node)) {
    const auto constant = contract.constants.find(ref->name);
    if (constant != contract.constants.end()) {
      if (const auto* quantity = std::get_if<Quantity>(&constant->second)) return quantity->unit;
    }
  }
  return {};
}

std::optional<Evaluation> evaluate_quietly(Engine& engine, const ast::Expr& expr,
                                           const Bindings* bindings, std::size_t index = 0) {
  try {
    return engine.evaluate(expr, index, bindings);
  } catch (const RuntimeError&) {
    return std::nullopt;
  }
}

// "amd_deployed = 0.6 GW", or "amd_close has no value yet".
std::string side_value(Replay& replay, const ast::Expr& side, const std::string& unit) {
  const std::string text = one_line(side.span.text());
  const auto value = evaluate_quietly(replay.engine, side, replay.bindings, replay.contract);
  if (!value) return fmt::format("{} cannot be computed", text);
  if (!value->known) return fmt::format("{} has no value yet", text);
  const Quantity* quantity = value->value ? std::get_if<Quantity>(&*value->value) : nullptr;
  if (!quantity || unit.empty()) return fmt::format("{} = {}", text, value->text);
  return fmt::format("{} = {}", text,
                     render_in_unit(*quantity, unit, replay.engine.contract(0).checked));
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (part.empty()) continue;
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

}  // namespace

std::optional<ClauseStateRef> clause_state_ref(Engine& engine, const ast::Expr& expr,
                                               const Bindings* bindings) {
  const auto* suffixed = std::get_if<ast::Suffixed>(&expr.node);
  if (!suffixed) return std::nullopt;
  const ast::Expr& operand = *suffixed->operand;
  const auto& types = engine.contract(0).checked.types;
  if (operand.id >= types.size() || !types[operand.id].is(Kind::clause)) return std::nullopt;
  if (const auto* ref = std::get_if<ast::NameRef>(&operand.node)) {
    return ClauseStateRef{ref->name, suffixed->word.text};
  }
  if (const auto* index = std::get_if<ast::Index>(&operand.node)) {
    const auto* family = std::get_if<ast::NameRef>(&index->object->node);
    const auto member = evaluate_quietly(engine, *index->index, bindings);
    const Decimal* number =
        member && member->value ? std::get_if<Decimal>(&*member->value) : nullptr;
    if (!family || !number) return std::nullopt;
    return ClauseStateRef{fmt::format("{}[{}]", family->name, number->to_string()),
                          suffixed->word.text};
  }
  return std::nullopt;
}

const Transition* transition_into(const Replay& replay, const std::string& clause,
                                  const std::string& state) {
  const std::string& instance = replay.engine.instance_name(replay.contract);
  for (auto it = replay.transitions.rbegin(); it != replay.transitions.rend(); ++it) {
    if (it->clause == clause && it->to.name == state && it->instance == instance) return &*it;
  }
  return nullptr;
}

std::string cause_phrase(const Transition& transition) {
  const Transition::Cause& cause = transition.cause;
  switch (cause.kind) {
    case CauseKind::event:
      return cause.file.empty()
                 ? fmt::format("decided by an event at {}", format_utc(transition.ts))
                 : fmt::format("decided by the event at {}:{}", cause.file, cause.line);
    case CauseKind::deadline:
      return "decided by its deadline";
    case CauseKind::expiry:
      return "decided by the contract's expiry";
    case CauseKind::effective:
      return "decided when the contract took effect";
    case CauseKind::period_end:
      return "decided at the end of the period";
    case CauseKind::clock:
      break;
  }
  return "decided by the passing of time, with no event";
}

std::string describe_clause(Replay& replay, const std::string& clause) {
  const std::string& instance = replay.engine.instance_name(replay.contract);
  for (const ClauseStatus& status : replay.engine.clause_states()) {
    if (status.clause != clause || status.instance != instance) continue;
    std::string text = fmt::format("{} is {}", clause, status.state);
    if (status.since) {
      text += fmt::format(" since {}", format_utc(*status.since));
      if (const Transition* into = transition_into(replay, clause, status.state)) {
        text += fmt::format(" ({})", cause_phrase(*into));
      }
    } else if (!status.values.empty()) {
      std::vector<std::string> values;
      for (const auto& value : status.values) {
        values.push_back(render_deciding(value));
      }
      text += fmt::format(" ({})", join(values, "; "));
    }
    // A clause tested per period: every period's outcome so far, as a table would list them.
    std::vector<std::string> periods;
    for (const Transition& transition : replay.transitions) {
      if (transition.clause == clause && transition.instance == instance &&
          !transition.period.empty()) {
        periods.push_back(fmt::format("{} {}", transition.period, transition.to.name));
      }
    }
    if (!periods.empty()) text += fmt::format("; by period: {}", join(periods, ", "));
    return text;
  }
  return fmt::format("{} is not a clause of the contract", clause);
}

std::string explain(Replay& replay, const ast::Expr& condition, bool wanted) {
  const CheckedContract& contract = replay.engine.contract(0).checked;
  const std::string text = one_line(condition.span.text());
  if (const auto ref = clause_state_ref(replay.engine, condition)) {
    return describe_clause(replay, ref->clause);
  }
  if (const auto* unary = std::get_if<ast::Unary>(&condition.node)) {
    if (unary->op == ast::UnaryOp::logical_not) return explain(replay, *unary->operand, !wanted);
  }
  if (std::holds_alternative<ast::NameRef>(condition.node)) {
    return side_value(replay, condition, {});
  }
  if (const auto* band = std::get_if<ast::Band>(&condition.node)) {
    return side_value(replay, *band->value, unit_written(*band->low, contract));
  }
  if (const auto* binary = std::get_if<ast::Binary>(&condition.node)) {
    if (ast::is_comparison(binary->op)) {
      std::vector<std::string> sides;
      if (!is_written_value(*binary->lhs, contract)) {
        sides.push_back(side_value(replay, *binary->lhs, unit_written(*binary->rhs, contract)));
      }
      if (!is_written_value(*binary->rhs, contract)) {
        sides.push_back(side_value(replay, *binary->rhs, unit_written(*binary->lhs, contract)));
      }
      if (!sides.empty()) return join(sides, " and ");
    }
    const bool all_needed = (binary->op == ast::BinaryOp::logical_and) == wanted;
    if (binary->op == ast::BinaryOp::logical_and || binary->op == ast::BinaryOp::logical_or) {
      // Wanting `A and B` (or not `A or B`), each part that is not as wanted is to blame;
      // wanting `A or B` (or not `A and B`), every part is.
      std::vector<std::string> reasons;
      std::vector<const ast::Expr*> opaque;
      for (const ast::Expr* part : {binary->lhs.get(), binary->rhs.get()}) {
        if (!evaluable_alone(*part)) {
          opaque.push_back(part);
          continue;
        }
        const auto value = evaluate_quietly(replay.engine, *part, replay.bindings, replay.contract);
        const bool as_wanted = value && value->known && value->truth == wanted;
        if (!all_needed || !as_wanted) reasons.push_back(explain(replay, *part, wanted));
      }
      // A window or latch is to blame when nothing else is.
      for (const ast::Expr* part : opaque) {
        if (!all_needed || reasons.empty()) {
          reasons.push_back(fmt::format("{} {}", one_line(part->span.text()),
                                        wanted ? "does not hold" : "holds"));
        }
      }
      if (!reasons.empty()) return join(reasons, "; ");
    }
  }
  if (evaluable_alone(condition)) {
    const auto value = evaluate_quietly(replay.engine, condition, replay.bindings, replay.contract);
    if (value && !value->known) return fmt::format("{} cannot be decided yet", text);
  }
  return fmt::format("{} {}", text, wanted ? "does not hold" : "holds");
}

}  // namespace proviso
