// Internal to the engine and Engine::explain: read-only views of a running engine (tools
// outside the engine use Engine's public views: plan(), metric_value(), value_in()). A trace runs a
// compiled program once and keeps every node's value, so a condition's parts are read from the very
// program the clause runs (its windows, latches and split-adjusted targets included), never
// recompiled.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "run/render.hpp"  // how what is inspected is written
#include "run/runtime.hpp"

namespace proviso {

using EngineImpl = Engine::Impl;

/// The value every node of a program had when it last ran, by node id.
class Trace {
 public:
  /// Runs `program` at the engine's current time. Latches and coverage are left as they were:
  /// looking must not change what the engine would decide.
  Trace(EngineImpl& impl, ContractRuntime& contract, const Program& program);

  /// The node's value; nullopt when the program has no step for it (a derived metric's name,
  /// whose steps are inlined: see value_of).
  const RuntimeValue* find(ast::NodeId node) const;

  /// The value of an expression of the program, looking through derived metrics' names.
  const RuntimeValue* value_of(const ast::Expr& expr, const ContractPlan& plan) const;

  /// Why the program stopped before its end ("division by zero: …"), or empty.
  const std::string& failure() const { return failure_; }

 private:
  std::vector<std::optional<RuntimeValue>> values_;
  std::string failure_;
};

/// The metric a name refers to, if it is a metric's name.
std::optional<std::uint32_t> metric_named(const ContractPlan& plan, const ast::Expr& expr);

/// True when an expression reads no metric, clock, clause or event: a written amount, a family
/// variable, a constant, and arithmetic on them.
bool is_fixed(const ast::Expr& expr, const CheckedContract& contract);

}  // namespace proviso
