// The AST as compact S-expressions, for parser tests and `proviso parse`.
#pragma once

#include <string>

#include "grammar/ast.hpp"

namespace proviso {

/// `(>= amd_deployed (1 GW))`: operators prefix, suffixes in parentheses.
std::string print(const ast::Expr& expr);

}  // namespace proviso
