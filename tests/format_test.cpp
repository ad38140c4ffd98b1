// `proviso fmt`: the canonical layout on small inputs, the golden files of tests/golden/fmt,
// and every bundled contract and docs example formatted without changing what it says.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include "check/load.hpp"
#include "format/format.hpp"
#include "plan/plan.hpp"
#include "plan/print_plan.hpp"
#include "tests/support.hpp"

namespace proviso::testing {

namespace {

std::string formatted(const std::string& text) {
  const SourceFile source{"fmt.proviso", text};
  const Formatted result = format_source(source);
  return result.ok() ? result.text : "error:\n" + render(result.diagnostics);
}

std::string without_whitespace(const std::string& text) {
  std::string kept;
  std::copy_if(text.begin(), text.end(), std::back_inserter(kept),
               [](char c) { return !std::isspace(static_cast<unsigned char>(c)); });
  return kept;
}

// What a contract means, as far as the tests can see without spans: the checker's messages
// (without their positions) and, when it checks clean, the compiled plan.
std::string meaning(const std::string& text) {
  const LoadedContract loaded = load_contract("meaning.proviso", text);
  std::string out;
  for (const Diagnostic& d : loaded.diagnostics) out += d.message + " / " + d.hint + "\n";
  if (!loaded.ok()) return out;
  EventSchemas schemas;
  const std::uint32_t declarer = merge_schemas(loaded.checked, schemas);
  return out + print_plan(compile(loaded.checked, schemas, declarer), schemas);
}

// Every .proviso file of the repository (build folders aside) and every docs example.
std::vector<std::pair<std::string, std::string>> bundled_sources() {
  namespace fs = std::filesystem;
  std::vector<std::pair<std::string, std::string>> sources;
  const fs::path root = source_dir();
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const std::string name = it->path().filename().string();
    if (it->is_directory() &&
        (name.rfind("build", 0) == 0 || name.front() == '.' || name == "node_modules")) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".proviso") {
      sources.emplace_back(fs::relative(it->path(), root).string(), read_file(it->path()));
    }
  }
  for (const auto& doc : files_with_extension(root / "docs", ".md")) {
    for (const MarkdownBlock& block : markdown_blocks(read_file(doc))) {
      if (block.info.rfind("proviso", 0) != 0) continue;
      sources.emplace_back(
          fmt::format("{}:{} ({})", doc.filename().string(), block.line, block.info), block.text);
    }
  }
  std::sort(sources.begin(), sources.end());
  return sources;
}

}  // namespace

TEST_CASE("fmt lays out declarations, items, spacing and alignment", "[fmt]") {
  struct Row {
    std::string input;
    std::string expected;
  };
  const std::vector<Row> rows = {
      {"contract \"A\"\ntimezone \"UTC\"\n", "contract \"A\"\n  timezone \"UTC\"\n"},
      {"event e {a:text,b : MW}\n", "event e { a: text, b: MW }\n"},
      {"let x=1_000 MW\nlet long_name = 2\n", "let x         = 1_000 MW\nlet long_name = 2\n"},
      {"let x = 1\n\nlet long_name = 2\n", "let x = 1\n\nlet long_name = 2\n"},
      {"let x = 1 - -5\n", "let x = 1 - -5\n"},
      {"let x = - 5 * (2+3)\n", "let x = -5 * (2 + 3)\n"},
      {"let r = 12.5%   -- a rate\n", "let r = 12.5%   -- a rate\n"},
      {"let cap = 3.5x\nlet floor=1.25x*2\n", "let cap   = 3.5x\nlet floor = 1.25x * 2\n"},
      {"let cap = 3.25   to   1.00\n", "let cap = 3.25 to 1.00\n"},
      {"let t = 2030-10-05 17:00   America/New_York\n",
       "let t = 2030-10-05 17:00   America/New_York\n"},
      {"\n\n-- top\n\n\n\nlet a = 1\n\n\n", "-- top\n\nlet a = 1\n"},
      {"tranche T1\nvests when a >= 1 and\n      b >= 2\n",
       "tranche T1\n  vests when a >= 1 and\n        b >= 2\n"},
      {"tranche T1\n  vests when a\nand b\n", "tranche T1\n  vests when a\n    and b\n"},
      {"calendar C {\nweekend Saturday , Sunday\n   closed 2012-10-29 \"x\"\n}\n",
       "calendar C {\n  weekend Saturday, Sunday\n  closed 2012-10-29 \"x\"\n}\n"},
      {"test \"t\" {\ngiven 2026-01-01T00:00Z e a = 1\nexpect x in 1 .. 2\n}\n",
       "test \"t\" {\n  given 2026-01-01T00:00Z e a=1\n  expect x in 1 .. 2\n}\n"},
      {"calendar C\n{\nweekend Saturday\n}\ntest \"t\"\n   {\nexpect x\nand y==1\n}\n",
       "calendar C\n{\n  weekend Saturday\n}\ntest \"t\"\n{\n  expect x\n    and y == 1\n}\n"},
      {"test \"t\"\n{\n  given 2026-01-01T00:00Z e\n      a = 1\n}\n",
       "test \"t\"\n{\n  given 2026-01-01T00:00Z e\n      a=1\n}\n"},
      {"covenant A\ngrants 1 USD\nrequires x >= 1 in each calendar month\n",
       "covenant A\n  grants 1 USD\n  requires x >= 1 in each calendar month\n"},
      {"tranche T1 \"a\"\n  vests when x\n-- note\n}", "error"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.input);
    const std::string out = formatted(row.input);
    if (row.expected == "error") {
      CHECK(out.rfind("error:", 0) == 0);
    } else {
      CHECK(out == row.expected);
      CHECK(formatted(out) == out);
    }
  }
}

TEST_CASE("fmt gives exactly the golden layouts", "[fmt][golden]") {
  const auto cases = golden_cases(source_dir() / "tests/golden/fmt", ".proviso");
  REQUIRE(!cases.empty());
  for (const GoldenCase& golden : cases) {
    DYNAMIC_SECTION("contract " << golden.input.filename().string()) {
      const std::string out = formatted(read_file(golden.input));
      CHECK(out == read_file(golden.golden));
      CHECK(formatted(out) == out);
      CHECK(meaning(out) == meaning(read_file(golden.input)));
    }
  }
}

TEST_CASE("fmt keeps what every bundled contract and docs example says, and is idempotent",
          "[fmt]") {
  const auto sources = bundled_sources();
  REQUIRE(sources.size() >= 100);
  for (const auto& [name, text] : sources) {
    CAPTURE(name);
    const Formatted once = format_source(SourceFile{name, text});
    const bool parses = once.ok();
    // Only a golden contract or a docs example with a deliberate syntax error may not parse.
    if (!parses) {
      CHECK((name.find("golden/check/") != std::string::npos ||
             name.find("(proviso-error)") != std::string::npos));
      continue;
    }
    CHECK(without_whitespace(once.text) == without_whitespace(text));
    CHECK(formatted(once.text) == once.text);
    CHECK(meaning(once.text) == meaning(text));
  }
}

TEST_CASE("every bundled contract and docs example is already in fmt's layout", "[fmt]") {
  for (const auto& [name, text] : bundled_sources()) {
    // The fmt goldens' inputs are messy on purpose; check goldens may not parse.
    if (name.find("golden/fmt/") != std::string::npos ||
        name.find("golden/check/") != std::string::npos ||
        name.find("(proviso-error)") != std::string::npos) {
      continue;
    }
    CAPTURE(name);
    const Formatted once = format_source(SourceFile{name, text});
    REQUIRE(once.ok());
    CHECK(once.text == text);
  }
}

TEST_CASE("proviso fmt checks, rewrites and reads standard input", "[fmt][cli]") {
  namespace fs = std::filesystem;
  const fs::path messy = source_dir() / "tests/golden/fmt/messy.proviso";
  const fs::path tidy = source_dir() / "tests/golden/fmt/messy.golden";

  const CommandResult printed = run_proviso("fmt tests/golden/fmt/messy.proviso");
  CHECK(printed.exit_code == 0);
  CHECK(printed.output == read_file(tidy));

  const CommandResult check = run_proviso("fmt --check tests/golden/fmt/messy.proviso");
  CHECK(check.exit_code == 1);
  CHECK(check.output == "tests/golden/fmt/messy.proviso\n");

  const CommandResult stdin_ = run_proviso("fmt - < tests/golden/fmt/messy.proviso");
  CHECK(stdin_.exit_code == 0);
  CHECK(stdin_.output == read_file(tidy));

  const fs::path dir = fs::temp_directory_path() / fmt::format("proviso_fmt_{}", ::getpid());
  fs::create_directories(dir);
  fs::copy_file(messy, dir / "a.proviso", fs::copy_options::overwrite_existing);
  const CommandResult write = run_proviso(fmt::format("fmt -w '{}'", (dir / "a.proviso").string()));
  CHECK(write.exit_code == 0);
  CHECK(write.output.empty());
  CHECK(read_file(dir / "a.proviso") == read_file(tidy));
  const CommandResult clean = run_proviso(fmt::format("fmt --check '{}'", dir.string()));
  CHECK(clean.exit_code == 0);
  CHECK(clean.output.empty());
  fs::remove_all(dir);

  const CommandResult broken =
      run_proviso("fmt tests/golden/check/01_missing_closing_quote.proviso");
  CHECK(broken.exit_code == 1);
  CHECK(broken.output.find("01_missing_closing_quote.proviso:") != std::string::npos);

  CHECK(run_proviso("fmt -w -").exit_code == 2);
  CHECK(run_proviso("fmt --check -w tests/golden/fmt/messy.proviso").exit_code == 2);
  CHECK(run_proviso("fmt no_such_file.proviso").exit_code == 2);
}

}  // namespace proviso::testing
