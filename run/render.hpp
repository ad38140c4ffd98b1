// The one place where conditions and values become words. Run output (the deciding values of a
// transition, metrics, grants), `proviso explain`, the HTML report and contract-test failures
// all render through here, so a new operator or kind of value is taught to this file and to no
// other output: the grammar, the checker, the plan, the evaluator and this renderer are the
// whole of what a new temporal operator touches. The renderer is this header, render.cpp (values
// and the forms of a condition) and render_deciding.cpp (Engine::Impl::deciding_values: the
// values that decided a transition, construct by construct). Where outputs differ on purpose (the
// engine's timeline writes instants in UTC, a reader's explanation in the contract's zone), the
// difference is an option here, never a second walker.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "run/runtime.hpp"

namespace proviso {

// ---- Values --------------------------------------------------------------------------------

/// How a value is written. `engine`: as the run timeline, metrics and Engine::evaluate write it
/// (instants in UTC, durations in days or months). `reader`: as explain and the report write it
/// (instants in the contract's zone, whole years, grouped days).
enum class ValueForm { engine, reader };

/// A quantity held in base units, shown in `unit` ("1.8 GW"); a plain grouped number when the
/// unit is empty or not a unit of the contract.
std::string render_amount(const Decimal& base, const std::string& unit,
                          const std::map<std::string, UnitInfo>& units);

/// A runtime value of `type` ("1.02 GW", "53,333,334", "\"text\""), "no value yet" when unknown.
/// Quantities are shown in `unit` when given, else in the type's own unit.
std::string render_value(const RuntimeValue& value, const Type& type,
                         const ContractRuntime& contract, ValueForm form,
                         const std::string& unit = {});

/// The value itself, for hosts and for output that converts it: a number, a quantity (in base
/// units, shown in the type's unit), a date, an instant, a duration, a truth or a text;
/// nullopt while it is not known.
std::optional<Value> typed_value(const RuntimeValue& value, const Type& type,
                                 const ContractRuntime& contract);

/// A quantity shown in `unit` of the same dimension ("0.6 GW" for 600 MW); in its own unit
/// when `unit` is of another dimension or not a unit of the contract.
std::string render_in_unit(const Quantity& quantity, const std::string& unit,
                           const CheckedContract& contract);

/// "New York" for America/New_York, "UTC" for UTC: how times name their zone for a reader.
std::string zone_label(std::string_view zone_name);

/// "2030-10-05 17:00 New York" (seconds shown when not zero).
std::string local_time(Timestamp instant, const TimeZone& zone);

/// "1,402 days away", "5 hours away", "passed 3 days ago": from `now` to `then`.
std::string distance_text(Timestamp now, Timestamp then);

/// The state a clause reports: its latest stage, lapsed, or for a level clause "holding",
/// "breached" or "pending".
std::string clause_state_name(const ClausePlan& plan, const ClauseState& state);

/// One deciding value of a transition or clause: "amd_deployed = 1.02 GW (>= 1 GW)".
std::string render_deciding(const Transition::Value& value);

// ---- Conditions ----------------------------------------------------------------------------

/// The forms a condition is written in. `deciding`: the source text, with only numbers, family
/// variables and constants inside comparisons replaced ("amd_close >= 250 USD": the run
/// timeline's tests). `written`: rebuilt from the tree as the contract writes it, family values
/// substituted (explain's `condition`). `reader`: as `written` with "≥"-style symbols, and fixed
/// amounts and times as they stand now (after splits, in the contract's zone).
enum class ConditionForm { deciding, written, reader };

/// How a reader reads a comparison: "≥", "≤", "≠", "=", "<", ">"; empty for other operators.
std::string_view comparison_symbol(ast::BinaryOp op);

/// An operator in `form`: "≥" for a reader, ">=" as written; other operators as written.
std::string_view render_operator(ast::BinaryOp op, ConditionForm form);

/// The comparison with its sides swapped: `1 GW <= x` is `x >= 1 GW`.
ast::BinaryOp flipped(ast::BinaryOp op);

/// A node's value when the program last ran, or nullptr: what the reader form shows.
using NodeValues = std::function<const RuntimeValue*(ast::NodeId)>;

/// A clause's condition written back as text for one member of its family.
class ConditionText {
 public:
  ConditionText(const ContractRuntime& contract, const ClauseInstance& clause)
      : contract_(contract), clause_(clause) {}

  /// The condition in `form`; `values` is read by the reader form only (parts it lacks are shown
  /// as written).
  std::string render(const ast::Expr& expr, ConditionForm form,
                     const NodeValues& values = {}) const;

  /// The deciding form: "amd_close >= 250 USD".
  std::string deciding(const ast::Expr& expr) const {
    return render(expr, ConditionForm::deciding);
  }

  /// The written form: "amd_close >= 300 USD".
  std::string written(const ast::Expr& expr) const { return render(expr, ConditionForm::written); }

  /// The reader form, reading values from anything with `find(ast::NodeId)` (a trace).
  template <class Values>
  std::string reader(const ast::Expr& expr, const Values& values) const {
    return render(expr, ConditionForm::reader,
                  [&values](ast::NodeId node) { return values.find(node); });
  }

 private:
  const ContractRuntime& contract_;
  const ClauseInstance& clause_;

  std::string text(const ast::Expr& expr, ConditionForm form, const NodeValues& values) const;
  std::string child(const ast::Expr& expr, const ast::Expr& parent, ConditionForm form,
                    const NodeValues& values) const;
};

}  // namespace proviso
