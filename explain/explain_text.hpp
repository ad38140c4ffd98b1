// Internal to explain and report: a condition written back as text for one clause, with its
// family variables and constants replaced by their values.
#pragma once

#include <string>

#include "run/inspect.hpp"

namespace proviso {

/// How a reader reads a comparison: "≥", "≤", "≠", "=", "<", ">"; empty for other operators.
std::string_view comparison_symbol(ast::BinaryOp op);

/// The comparison with its sides swapped: `1 GW <= x` is `x >= 1 GW`.
ast::BinaryOp flipped(ast::BinaryOp op);

/// A clause's condition written back as text for one member.
class ConditionText {
 public:
  ConditionText(const ContractRuntime& contract, const ClauseInstance& clause)
      : contract_(contract), clause_(clause) {}

  /// As the contract writes it, for this member: "amd_close >= 300 USD".
  std::string written(const ast::Expr& expr) const;

  /// As a reader reads it: "amd_close ≥ 150 USD", fixed amounts as they stand now (after
  /// splits) and times in the contract's zone. Parts `trace` lacks are shown as written.
  std::string reader(const ast::Expr& expr, const Trace& trace) const;

 private:
  const ContractRuntime& contract_;
  const ClauseInstance& clause_;

  std::string text(const ast::Expr& expr, const Trace* trace) const;
  std::string child(const ast::Expr& expr, const ast::Expr& parent, const Trace* trace) const;
};

}  // namespace proviso
