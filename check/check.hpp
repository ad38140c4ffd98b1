// Stage 2: name resolution and type/unit checking. The result describes the contract in
// resolved terms and keeps side tables keyed by AST node id; the tree is left as parsed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/types.hpp"
#include "base/value.hpp"
#include "grammar/ast.hpp"

namespace proviso {

/// A unit of measure: its dimension and how many of the dimension's base unit it is.
struct UnitInfo {
  std::string name;
  std::string dimension;
  Decimal scale;
  bool currency = false;  // money, declared with `currency`
};

/// Where split ratios come from: `splits from split.ratio where symbol == "AMD"`.
struct SplitsInfo {
  const ast::SplitsDecl* decl = nullptr;
  std::string event;
  std::string field;
};

struct FieldInfo {
  std::string name;
  Type type;
};

struct EventInfo {
  std::string name;
  const ast::EventDecl* decl = nullptr;
  std::vector<FieldInfo> fields;
  /// The field's position, or -1.
  int field_index(std::string_view field) const;
};

struct MetricInfo {
  std::string name;
  const ast::MetricDecl* decl = nullptr;
  Type type;
};

/// The values of a family's variables for one member: k = 3, target = 300 USD.
using Bindings = std::map<std::string, Value>;

/// One clause as the contract states it; a family `F[k]` gives one instance per k.
struct ClauseInstance {
  std::string name;    // "T1", "F[3]"
  std::string family;  // "F" for family members, else empty
  const ast::ClauseDecl* decl = nullptr;
  Bindings bindings;
  std::vector<std::string> states;  // pending, vested, …, lapsed
};

/// A template's parameter: one column of its instances file.
struct ParameterInfo {
  std::string name;
  Type type;
  Span span;
  bool key = false;  // its column names each instance
};

/// A contract that passed the checker.
struct CheckedContract {
  std::string title;
  std::string timezone = "UTC";
  std::string calendar;
  std::optional<Timestamp> effective;
  std::optional<Timestamp> expires;
  std::map<std::string, UnitInfo> units;
  std::map<std::string, EventInfo> events;
  std::map<std::string, MetricInfo> metrics;
  std::map<std::string, Value> constants;  // `let` values
  std::vector<ClauseInstance> clauses;     // in declaration order
  std::vector<std::string> calendars;      // declared in the stdlib or the contract
  std::optional<SplitsInfo> splits;
  std::vector<Type> types;  // by ast::NodeId
  /// `… since D` after a day window: D's local day, by the node id of D.
  std::map<std::uint32_t, std::int32_t> window_first_days;
  /// `… since P` with P a parameter: P's index, by the node id of P (its day is per instance).
  std::map<std::uint32_t, std::uint32_t> window_first_day_parameters;
  /// A template's parameters, in declaration order; empty for a plain contract.
  std::vector<ParameterInfo> parameters;
  /// `let`s made of parameters: their value is per instance, so the plan computes them.
  std::map<std::string, const ast::Expr*> instance_lets;
  /// The parameter's position, or -1.
  int parameter_index(std::string_view name) const;
  /// The cases of each parameterised test (`test "x" for each …`), by the test's span.begin.
  std::map<std::uint32_t, std::vector<Bindings>> test_cases;
};

/// Checks a contract file against the stdlib's files (units, calendars), reporting every
/// error found, not only the first. Files must outlive the result.
CheckedContract check(const std::vector<const ast::File*>& prelude, const ast::File& contract,
                      Diagnostics& diagnostics);

}  // namespace proviso
