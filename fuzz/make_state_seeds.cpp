// Writes the saved-state fuzzer's seed corpus: the fixed contract's state after each prefix of
// each given JSON Lines log (every 8th line), so seeds hold windows, timers and latches.
//   make_state_seeds OUT_DIR LOG.jsonl…
#include <fstream>
#include <sstream>
#include <string>

#include "fuzz/fuzz_support.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    fmt::print(stderr, "usage: make_state_seeds OUT_DIR LOG.jsonl…\n");
    return 2;
  }
  const std::string out_dir = argv[1];
  int written = 0;
  for (int i = 2; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    proviso::Engine engine = proviso::fuzz::fixed_engine();
    std::string line;
    std::size_t count = 0;
    proviso::Diagnostics errors;
    while (std::getline(in, line)) {
      try {
        if (!engine.feed_json(line + "\n", errors)) continue;
      } catch (const proviso::RuntimeError&) {
        continue;
      }
      if (++count % 8 == 1) {
        std::ofstream(fmt::format("{}/state-{}-{}", out_dir, i - 1, count), std::ios::binary)
            << engine.save_state();
        ++written;
      }
    }
    std::ofstream(fmt::format("{}/state-{}-end", out_dir, i - 1), std::ios::binary)
        << engine.save_state();
    ++written;
  }
  fmt::print("make_state_seeds: {} states\n", written);
  return 0;
}
