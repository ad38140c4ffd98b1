// Internal to explain and report: read-only views of a running engine. A trace runs a compiled
// program once and keeps every node's value, so a condition's parts are read from the very
// program the clause runs (its windows, latches and split-adjusted targets included), never
// recompiled.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "run/runtime.hpp"

namespace proviso {

/// The engine's internals, for the explain and report code (a friend of Engine).
struct EngineInternals {
  using Impl = Engine::Impl;
  static Impl& of(const Engine& engine) { return *engine.impl_; }
};

using EngineImpl = EngineInternals::Impl;

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

/// "New York" for America/New_York, "UTC" for UTC: how times name their zone for a reader.
std::string zone_label(std::string_view zone_name);

/// "2030-10-05 17:00 New York" (seconds shown when not zero).
std::string local_time(Timestamp instant, const TimeZone& zone);

/// "1,402 days away", "5 hours away", "passed 3 days ago": from `now` to `then`.
std::string distance_text(Timestamp now, Timestamp then);

/// A quantity held in base units, shown in `unit` ("1.8 GW"); a plain number when the unit is
/// unknown or empty.
std::string amount_text(const Decimal& base, const std::string& unit,
                        const CheckedContract& contract);

/// A runtime value of `type` as a reader reads it: quantities in `unit` (the type's own when
/// empty), instants in the contract's zone, text in quotes.
std::string value_text(const RuntimeValue& value, const Type& type, const ContractRuntime& contract,
                       const std::string& unit = {});

}  // namespace proviso
