#include "check/load.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "base/read_text.hpp"
#include "grammar/parse.hpp"
#include "stdlib/prelude.hpp"

namespace proviso {

LoadedContract load_contract(std::string name, std::string text) {
  LoadedContract loaded;
  loaded.source = std::make_unique<SourceFile>(SourceFile{std::move(name), std::move(text)});
  const ParsedPrelude& stdlib = parsed_prelude();
  ParseResult parsed = parse(*loaded.source, stdlib.node_count);
  loaded.diagnostics = std::move(parsed.diagnostics);
  loaded.file = std::move(parsed.file);
  if (loaded.file) loaded.checked = check(stdlib.views, *loaded.file, loaded.diagnostics);
  std::stable_sort(loaded.diagnostics.begin(), loaded.diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.span.line, a.span.column) <
                            std::tie(b.span.line, b.span.column);
                   });
  return loaded;
}

LoadedContract load_contract_file(const std::string& path) {
  std::string error;
  std::optional<std::string> text = read_text_file(path, error);
  if (!text) {
    LoadedContract failed;
    failed.diagnostics.push_back({Severity::error, Span{}, std::move(error), ""});
    return failed;
  }
  return load_contract(path, std::move(*text));
}

}  // namespace proviso
