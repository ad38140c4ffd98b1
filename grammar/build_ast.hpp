// Internal to grammar/: turns PEGTL's parse tree into the typed AST.
#pragma once

#include <memory>

#include <tao/pegtl/contrib/parse_tree.hpp>

#include "base/diagnostic.hpp"
#include "grammar/ast.hpp"

namespace proviso {

/// Builds the AST of a successfully parsed file, or none when an expression nests deeper than
/// grammar::kMaxExpressionDepth. Values the grammar cannot judge (a date
/// that does not exist, a number too large) are reported into `diagnostics`.
std::unique_ptr<ast::File> build_ast(const tao::pegtl::parse_tree::node& root,
                                     const SourceFile& source, ast::NodeId first_node_id,
                                     Diagnostics& diagnostics);

}  // namespace proviso
