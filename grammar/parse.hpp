// Stage 1: contract text to AST.
#pragma once

#include <memory>

#include "base/diagnostic.hpp"
#include "grammar/ast.hpp"

namespace proviso {

/// The tree of one file, or none after a syntax error; diagnostics in both cases (a tree
/// may come with errors about values, such as a date that does not exist).
struct ParseResult {
  std::unique_ptr<ast::File> file;
  Diagnostics diagnostics;
};

/// Parses one contract or stdlib file. The source must outlive the tree (spans point into
/// it). `first_node_id` lets several files share one id space.
ParseResult parse(const SourceFile& source, ast::NodeId first_node_id = 0);

}  // namespace proviso
