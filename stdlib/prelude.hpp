// The stdlib's Proviso sources, embedded into the library at build time, and their trees,
// parsed once per process.
#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "base/source.hpp"
#include "grammar/ast.hpp"

namespace proviso {

/// One embedded stdlib file: its display name (for diagnostics) and its text.
struct PreludeFile {
  std::string_view name;
  std::string_view text;
};

/// Every stdlib file, in load order.
std::span<const PreludeFile> prelude_files();

/// The stdlib parsed: its sources, their trees in load order (node ids 0 to node_count,
/// so a contract's ids start after them), and read-only views of the trees for the checker.
struct ParsedPrelude {
  std::vector<std::unique_ptr<SourceFile>> sources;
  std::vector<std::unique_ptr<ast::File>> files;
  std::vector<const ast::File*> views;
  ast::NodeId node_count = 0;
};

/// The stdlib, parsed on first use and shared, read-only, by every contract and calendar.
/// Throws std::logic_error if the embedded sources do not parse (a build defect).
const ParsedPrelude& parsed_prelude();

}  // namespace proviso
