// Expressions nested or chained beyond grammar::kMaxExpressionDepth are refused with one
// message at file:line:col instead of overflowing the stack in the parser, the AST builder,
// the checker or the engine. The inputs are generated here, far past the limit (the sizes a
// fuzzing campaign crashed with) and just within it.
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "check/load.hpp"
#include "run/engine.hpp"
#include "tests/support.hpp"

namespace proviso {

namespace {

// Five lines, so a generated expression starts on line 6.
const std::string kHeader =
    "contract \"Depth\"\n  timezone \"America/New_York\"\n  calendar NYSE\n"
    "event deployment { vendor: text, mw: MW }\n"
    "metric mw = sum deployment.mw\n";

std::string repeat(std::string_view piece, int times) {
  std::string out;
  out.reserve(piece.size() * static_cast<std::size_t>(times));
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

struct DeepCase {
  std::string name;
  std::string line;  // line 6 of the contract
  int column;        // where the error is reported
};

// Each case is one line; columns count from 1.
std::vector<DeepCase> deep_cases() {
  const std::string let = "let x = ";
  const std::string vests = "tranche T vests when ";
  const int past_limit = 256 + 1;  // the first level too many opens at this count
  return {
      {"100,000 nested parentheses", let + repeat("(", 100'000) + "1" + repeat(")", 100'000),
       static_cast<int>(let.size()) + past_limit},
      {"10,000 chained 'not'", vests + repeat("not ", 10'000) + "mw > 1 MW",
       static_cast<int>(vests.size()) + 4 * 256 + 1},
      {"10,000 chained negations", let + repeat("- ", 10'000) + "1",
       static_cast<int>(let.size()) + 2 * 256 + 1},
      {"10,000 nested 'before'", vests + repeat("before ", 10'000) + "2026-01-01",
       static_cast<int>(vests.size()) + 7 * 256 + 1},
      {"10,000 nested brackets", let + repeat("mw[", 10'000) + "1" + repeat("]", 10'000),
       static_cast<int>(let.size()) + 3 * 256 + 1},
      {"10,000 nested 'all of'",
       vests + repeat("all of (", 10'000) + "mw > 1 MW" + repeat(")", 10'000),
       static_cast<int>(vests.size()) + 8 * 256 + 1},
      // Flat chains do not nest in the parser, but each operator is a level of the tree.
      {"100,000 '+' terms", let + "1" + repeat(" + 1", 99'999), static_cast<int>(let.size()) + 1},
      {"10,000 chained 'and'", vests + "mw > 1 MW" + repeat(" and mw > 1 MW", 9'999),
       static_cast<int>(vests.size()) + 1},
      {"10,000 chained 'or'", vests + "mw > 1 MW" + repeat(" or mw > 1 MW", 9'999),
       static_cast<int>(vests.size()) + 1},
      {"100,000 chained '*'", let + "1" + repeat(" * 1", 99'999), static_cast<int>(let.size()) + 1},
      {"100,000 members", let + "mw" + repeat(".a", 99'999), static_cast<int>(let.size()) + 1},
      {"10,000 indexes in a row", let + "mw" + repeat("[1]", 9'999),
       static_cast<int>(let.size()) + 1},
  };
}

}  // namespace

TEST_CASE("expressions past the depth limit get one clear error", "[parser][limits]") {
  for (const DeepCase& deep : deep_cases()) {
    DYNAMIC_SECTION(deep.name) {
      const LoadedContract loaded = load_contract("deep.proviso", kHeader + deep.line + "\n");
      REQUIRE_FALSE(loaded.ok());
      REQUIRE(loaded.diagnostics.size() == 1);
      const Diagnostic& error = loaded.diagnostics.front();
      CHECK(error.message.rfind("expression nested deeper than 256 levels", 0) == 0);
      CHECK(error.hint.find("name parts of it with 'let'") != std::string::npos);
      CHECK(error.span.line == 6);
      CHECK(error.span.column == static_cast<std::uint32_t>(deep.column));
    }
  }
}

TEST_CASE("expressions within the depth limit check and run", "[parser][limits]") {
  // 250 parentheses, a 200-term sum and a 200-term conjunction: deep, but allowed, and the
  // checker, the planner and the engine all recurse over them.
  const std::string contract = kHeader + "let base = " + repeat("(", 250) + "1 MW" +
                               repeat(")", 250) + "\n" + "let limit = base" +
                               repeat(" + 1 MW", 199) + "\n" + "tranche T vests when mw > base" +
                               repeat(" and mw > base", 199) + " and mw >= limit\n";
  Engine engine;
  Diagnostics diagnostics;
  const bool loaded = engine.load_text("deep.proviso", contract, diagnostics);
  INFO(render(diagnostics));
  REQUIRE(loaded);
  std::uint64_t line = 0;
  engine.feed(testing::make_event(engine, "deployment", "2026-01-05T15:00:00Z",
                                  {{"vendor", "AMD"}, {"mw", "150"}}, ++line));
  CHECK(engine.clause_states().front().state == "pending");
  engine.feed(testing::make_event(engine, "deployment", "2026-01-05T16:00:00Z",
                                  {{"vendor", "AMD"}, {"mw", "60"}}, ++line));
  CHECK(engine.clause_states().front().state == "vested");
}

TEST_CASE("proviso check reports a too-deep expression at file:line:col", "[cli][limits]") {
  const auto folder = testing::scratch_path("depth-test");
  std::filesystem::create_directories(folder);
  const auto path = folder / "deep.proviso";
  {
    std::ofstream out(path, std::ios::binary);
    out << kHeader << "let x = " << repeat("(", 100'000) << "1" << repeat(")", 100'000) << "\n";
  }
  const testing::CommandResult result = testing::run_proviso("check " + path.string());
  CHECK(result.exit_code == 1);
  CHECK(result.output.find(fmt::format("{}:6:265: error: expression nested deeper than 256 levels",
                                       path.string())) != std::string::npos);
  std::filesystem::remove_all(folder);
}

}  // namespace proviso
