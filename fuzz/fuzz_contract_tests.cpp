// Contract files with tests through the `proviso test` runner: the suite loads or reports
// why not, and every test runs to a pass or a failure.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz/fuzz_support.hpp"
#include "testing/contract_tests.hpp"

namespace {

// The runner reads files (a test's `given log "…"` resolves beside the contract), so each input
// is written to a folder of this process's own.
const std::filesystem::path& input_path() {
  static const std::filesystem::path path = [] {
    const auto folder = std::filesystem::temp_directory_path() /
                        ("proviso-fuzz-tests-" + std::to_string(::getpid()));
    std::filesystem::create_directories(folder);
    return folder / "fuzz.proviso";
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(input_path(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  const proviso::TestSuite suite = proviso::TestSuite::load(input_path().string());
  (void)proviso::render(suite.diagnostics());
  if (suite.ok()) {
    proviso::CoverageReport coverage = suite.coverage_of();
    (void)suite.run({}, &coverage);
  }
  return 0;
}
