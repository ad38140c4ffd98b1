// The library's front door for now: contract text in, a checked contract or diagnostics out.
// It chains the pipeline's stages: parse the stdlib and the contract, then check.
#pragma once

#include <memory>
#include <string>

#include "base/diagnostic.hpp"
#include "check/check.hpp"
#include "grammar/ast.hpp"

namespace proviso {

/// A contract with everything it points into: its text, its tree and the checker's result.
/// `checked` is meaningful only when `ok()`.
struct LoadedContract {
  std::unique_ptr<SourceFile> source;
  std::unique_ptr<ast::File> file;
  CheckedContract checked;
  Diagnostics diagnostics;  // sorted by position

  bool ok() const { return file && !has_errors(diagnostics); }
};

/// Parses and checks contract text; `name` is how diagnostics name the file.
LoadedContract load_contract(std::string name, std::string text);

/// Reads a file and loads it; a file that cannot be read gives one diagnostic saying why.
LoadedContract load_contract_file(const std::string& path);

}  // namespace proviso
