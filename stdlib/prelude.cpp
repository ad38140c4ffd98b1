#include "stdlib/prelude.hpp"

#include <stdexcept>
#include <string>

#include "base/diagnostic.hpp"
#include "grammar/parse.hpp"

namespace proviso {

const ParsedPrelude& parsed_prelude() {
  static const ParsedPrelude loaded = [] {
    ParsedPrelude p;
    for (const PreludeFile& file : prelude_files()) {
      p.sources.push_back(
          std::make_unique<SourceFile>(SourceFile{std::string(file.name), std::string(file.text)}));
      ParseResult parsed = parse(*p.sources.back(), p.node_count);
      if (!parsed.file || has_errors(parsed.diagnostics)) {
        throw std::logic_error("the embedded stdlib does not parse:\n" +
                               render(parsed.diagnostics));
      }
      p.node_count = parsed.file->node_count;
      p.views.push_back(parsed.file.get());
      p.files.push_back(std::move(parsed.file));
    }
    return p;
  }();
  return loaded;
}

}  // namespace proviso
