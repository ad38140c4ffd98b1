// The stdlib's Proviso sources, embedded into the library at build time.
#pragma once

#include <span>
#include <string_view>

namespace proviso {

/// One embedded stdlib file: its display name (for diagnostics) and its text.
struct PreludeFile {
  std::string_view name;
  std::string_view text;
};

/// Every stdlib file, in load order.
std::span<const PreludeFile> prelude_files();

}  // namespace proviso
