// The AST as compact S-expressions, for parser tests and `proviso parse`.
#pragma once

#include <string>
#include <string_view>

#include "grammar/ast.hpp"

namespace proviso {

/// How the operator is written: "+", ">=", "and".
std::string_view operator_text(ast::BinaryOp op);

/// How the aggregate is written: "sum", "vwap".
std::string_view aggregate_text(ast::AggregateFn fn);

/// `(>= amd_deployed (1 GW))`: operators prefix, suffixes in parentheses.
std::string print(const ast::Expr& expr);

}  // namespace proviso
