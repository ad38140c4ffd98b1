// Contract source through the parser, the checker and the planner: any text is either loaded
// or refused with diagnostics, which must render.
#include <string>

#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  proviso::Engine engine;
  proviso::Diagnostics diagnostics;
  const bool loaded = engine.load_text(
      "fuzz.proviso", std::string(proviso::fuzz::as_text(data, size)), diagnostics);
  const std::string rendered = proviso::render(diagnostics);
  if (loaded) {
    for (const auto& status : engine.clause_states()) (void)status;
    (void)engine.save_state();
  }
  return 0;
}
