// JSON Lines logs through the event reader into the fixed contract.
#include "fuzz/replay_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  proviso::fuzz::replay_log(data, size, proviso::LogFormat::jsonl);
  return 0;
}
