// Saved states through Engine::restore_state with the fixed contract: a state is restored or
// refused with a reason; a restored engine must go on replaying and saving.
#include <string>

#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  proviso::Engine& engine = proviso::fuzz::reset_fixed_engine();
  proviso::Diagnostics refused;
  if (!engine.restore_state(proviso::fuzz::as_text(data, size), refused)) {
    // A refused state names the line where it failed, inside the text.
    if (refused.empty()) std::abort();
    (void)proviso::render(refused);
    return 0;
  }
  proviso::Diagnostics line_errors;
  try {
    engine.feed_json(
        R"({"ts":"2030-06-03T20:00:00Z","type":"close","symbol":"AMD","px":"120"})"
        "\n"
        R"({"ts":"2030-06-04T20:00:00Z","type":"deployment","vendor":"AMD","mw":"700"})"
        "\n",
        line_errors);
    (void)engine.granted_totals();
    for (const proviso::ClauseStatus& status : engine.clause_states()) {
      (void)engine.explain(status.clause);
    }
  } catch (const proviso::RuntimeError&) {
    // An engine error (an event before the restored clock, an overflow) is an answer.
  }
  (void)engine.save_state();
  return 0;
}
