// Internal to explain/: the walker that turns one clause's program into an explanation tree,
// reading every value from a trace of that program (explainer.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "explain/explain.hpp"
#include "run/inspect.hpp"
#include "run/render.hpp"

namespace proviso {

/// met, not met, or unknown when the value is missing.
Truth truth_of(const RuntimeValue* value);

/// The step of `program` that computes `node` with `op`, if any.
const Step* step_of(const Program& program, Op op, ast::NodeId node);

/// Explains the conditions of clause `clause` of a contract at the engine's current time.
class Explainer {
 public:
  Explainer(EngineImpl& impl, ContractRuntime& contract, std::uint32_t clause)
      : impl_(impl),
        contract_(contract),
        plan_(contract.plan.clauses[clause]),
        zone_(*contract.plan.zone),
        text_(contract, *plan_.instance) {}

  ExplainedCondition condition(const Program& program) {
    const Trace trace(impl_, contract_, program);
    ExplainedCondition out = node(*program.source, program, trace);
    if (!trace.failure().empty()) {
      out.note = fmt::format("cannot be computed now: {}", trace.failure());
    }
    return out;
  }

 private:
  EngineImpl& impl_;
  ContractRuntime& contract_;
  const ClausePlan& plan_;
  const TimeZone& zone_;
  ConditionText text_;

  std::optional<Timestamp> now() const { return impl_.clock; }

  const Type& type_of(const ast::Expr& expr) const { return contract_.plan.types.at(expr.id); }

  ExplainedCondition node(const ast::Expr& expr, const Program& program, const Trace& trace);

  static std::string count_met(const std::vector<ExplainedCondition>& parts);

  // `a and b and c` reads as one list, as `all of (a, b, c)` would.
  void group(ExplainedCondition& out, const ast::Expr& expr, ast::BinaryOp op,
             const Program& program, const Trace& trace);

  void quorum(ExplainedCondition& out, const ast::Quorum& quorum, const Program& program,
              const Trace& trace);

  void unary(ExplainedCondition& out, const ast::Expr& expr, const ast::Unary& unary,
             const Program& program, const Trace& trace);

  void window(ExplainedCondition& out, const ast::Expr& expr, const ast::Expr& inner,
              const std::string& period, const Program& program);

  // The unit a comparison is shown in: the target's when it is an amount.
  std::string unit_for(const ast::Expr& target, const ast::Expr& subject) const;

  // In an adjusted clause, the contract's per-share amounts are divided by the splits so far.
  std::string split_note(const ast::Expr& target) const;

  // "6 GW", "more than 6 GW", "before 2027-01-01 00:00 New York".
  static std::string needs_phrase(ast::BinaryOp op, const std::string& target, bool instant);

  // How far a number is from its target, in the target's unit: "1.8 GW more".
  std::string shortfall(ast::BinaryOp op, const RuntimeValue& value, const RuntimeValue& target,
                        const std::string& unit) const;

  void comparison(ExplainedCondition& out, const ast::Binary& binary, const Trace& trace);

  void band(ExplainedCondition& out, const ast::Band& band, const Trace& trace);

  void clause_state(ExplainedCondition& out, std::uint32_t clause, std::uint32_t wanted);

  // When a time test changes its answer: `before D` ends as D begins, `by D` as D ends.
  std::int64_t boundary(const ast::TimeTest& test, const RuntimeValue& instant) const;

  void time_test(ExplainedCondition& out, const ast::TimeTest& test, const Trace& trace);

  void within(ExplainedCondition& out, const ast::Within& within, const Trace& trace);

  void value(ExplainedCondition& out, const ast::Expr& expr, const Trace& trace);
};

}  // namespace proviso
