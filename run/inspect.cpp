#include "run/inspect.hpp"

namespace proviso {

Trace::Trace(EngineImpl& impl, ContractRuntime& contract, const Program& program) {
  const EngineImpl::Looking looking(impl);
  impl.stack.clear();
  try {
    // The steps as written, so that every written part of a folded one has its value too.
    for (const Step& step : program.written.empty() ? program.steps : program.written) {
      impl.execute(contract, contract.plan, step, nullptr);
      if (step.node >= values_.size()) values_.resize(step.node + 1);
      values_[step.node] = impl.stack.back();
    }
  } catch (const RuntimeError& failure) {
    // Arithmetic that fails now (a division by a metric that is 0): the parts after it have no
    // value, and say so.
    failure_ = failure.diagnostic().message;
  }
  impl.stack.clear();
}

const RuntimeValue* Trace::find(ast::NodeId node) const {
  return node < values_.size() && values_[node] ? &*values_[node] : nullptr;
}

const RuntimeValue* Trace::value_of(const ast::Expr& expr, const ContractPlan& plan) const {
  if (const RuntimeValue* value = find(expr.id)) return value;
  if (const auto m = metric_named(plan, expr); m && plan.metrics[*m].derived) {
    const Program& derived = *plan.metrics[*m].derived;
    if (derived.source) return value_of(*derived.source, plan);
  }
  return nullptr;
}

std::optional<std::uint32_t> metric_named(const ContractPlan& plan, const ast::Expr& expr) {
  const auto* ref = std::get_if<ast::NameRef>(&expr.node);
  if (!ref) return std::nullopt;
  for (std::uint32_t m = 0; m < plan.metrics.size(); ++m) {
    if (plan.metrics[m].name == ref->name) return m;
  }
  return std::nullopt;
}

bool is_fixed(const ast::Expr& expr, const CheckedContract& contract) {
  return std::visit(
      [&](const auto& node) -> bool {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, ast::NameRef>) {
          return contract.metrics.count(node.name) == 0;
        } else if constexpr (std::is_same_v<T, ast::Suffixed>) {
          return !contract.types.at(expr.id).is(Kind::boolean) && is_fixed(*node.operand, contract);
        } else if constexpr (std::is_same_v<T, ast::Unary>) {
          return (node.op == ast::UnaryOp::negate || node.op == ast::UnaryOp::logical_not) &&
                 is_fixed(*node.operand, contract);
        } else if constexpr (std::is_same_v<T, ast::Binary>) {
          return is_fixed(*node.lhs, contract) && is_fixed(*node.rhs, contract);
        } else if constexpr (std::is_same_v<T, ast::Band>) {
          return is_fixed(*node.value, contract) && is_fixed(*node.low, contract) &&
                 is_fixed(*node.high, contract);
        } else if constexpr (std::is_same_v<T, ast::NumberLiteral> ||
                             std::is_same_v<T, ast::TextLiteral> ||
                             std::is_same_v<T, ast::BoolLiteral> ||
                             std::is_same_v<T, ast::DateLiteral> ||
                             std::is_same_v<T, ast::TimestampLiteral>) {
          return true;
        } else if constexpr (ast::one_of<T, ast::Member, ast::Index, ast::Consecutive,
                                         ast::AtLeastOfLast, ast::Quorum, ast::TimeTest,
                                         ast::Within>) {
          return false;  // clause times and states, windows, quorums, time tests
        } else {
          static_assert(ast::unhandled<T>);
        }
      },
      expr.node);
}

}  // namespace proviso
