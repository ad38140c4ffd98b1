// What the fuzz targets share: an engine with the fixed contract, fresh for each input, and the
// rule that a target may refuse input with an error but never crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

#include "explain/explain.hpp"
#include "fuzz/fixed_contract.hpp"
#include "run/engine.hpp"

namespace proviso::fuzz {

/// The fuzzer's bytes as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// An engine with kFixedContract loaded. The contract is part of the target, so failing to
/// load it is a bug in the target: it aborts, and libFuzzer reports it at once.
inline Engine fixed_engine() {
  Engine engine;
  Diagnostics diagnostics;
  if (!engine.load_text("fuzz.proviso", std::string(kFixedContract), diagnostics)) {
    fmt::print(stderr, "the fuzz targets' fixed contract does not load:\n{}\n",
               render(diagnostics));
    std::abort();
  }
  return engine;
}

/// The engine with kFixedContract, loaded once per process and reset for each input: a reset
/// engine answers as a new one (tests/engine_reset_test.cpp), without parsing, checking and
/// compiling the contract again, so every input still starts from the same state.
inline Engine& reset_fixed_engine() {
  static Engine engine = fixed_engine();
  engine.reset();
  return engine;
}

}  // namespace proviso::fuzz
