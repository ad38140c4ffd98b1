// CSV logs (header and rows) through the event reader into the fixed contract.
#include "fuzz/replay_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  proviso::fuzz::replay_log(data, size, proviso::LogFormat::csv);
  return 0;
}
