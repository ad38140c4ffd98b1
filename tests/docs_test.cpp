// Every example in docs/*.md is a test, so the documentation cannot rot.
//
// A ```proviso block must check clean. A block that does not start with `contract` (after
// comments and blank lines) is a fragment: it is checked after kPreamble, which
// docs/reference.md prints in its introduction. A ```proviso-error block is a whole contract
// that must fail to check; the ```text block right after it holds exactly what the checker
// reports for it, with the file named example.proviso.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/diagnostic.hpp"
#include "grammar/grammar.hpp"
#include "interpreter/load.hpp"
#include "stdlib/zones.hpp"
#include "tests/support.hpp"

namespace proviso::testing {

namespace {

// What a fragment is checked after. docs/reference.md must print it verbatim.
const std::string kPreamble = R"(contract "Reference example"
  timezone "America/New_York"
  calendar NYSE
  effective 2025-10-06

event deployment { vendor: text, mw: MW }
event close      { symbol: text, px: USD }
event trade      { symbol: text, px: USD, qty: number }
event milestone  { name: text }

metric amd_deployed = sum deployment.mw where vendor == "AMD"
metric amd_close    = latest close.px where symbol == "AMD"
)";

// The name error examples are checked under, so that their text does not depend on where the
// documentation lives.
constexpr std::string_view kErrorFileName = "example.proviso";

/// A fenced code block of a Markdown file.
struct Block {
  std::string info;       // the word after the opening fence: proviso, proviso-error, text…
  std::string text;       // the lines between the fences, each ending with '\n'
  std::size_t line = 0;   // line of the opening fence, 1-based
  bool adjacent = false;  // only blank lines separate it from the block before
};

/// The fenced blocks of a Markdown file, and the line of a fence left open, if any.
struct Fences {
  std::vector<Block> blocks;
  std::optional<std::size_t> unclosed_line;
};

/// What checking one Markdown file's examples found.
struct Report {
  std::size_t clean = 0;   // ```proviso blocks that checked clean
  std::size_t errors = 0;  // ```proviso-error blocks that printed their documented text
  std::vector<std::string> problems;
};

std::string_view trim_left(std::string_view text) {
  const std::size_t start = text.find_first_not_of(" \t");
  return start == std::string_view::npos ? std::string_view() : text.substr(start);
}

std::string_view trim(std::string_view text) {
  text = trim_left(text);
  const std::size_t end = text.find_last_not_of(" \t\r");
  return end == std::string_view::npos ? std::string_view() : text.substr(0, end + 1);
}

// The fenced blocks of a Markdown text, in order. An opening fence may be indented (in a
// list); its indentation is removed from the block's lines. A fence never closed is reported,
// as it would otherwise hide every example after it.
Fences fenced_blocks(std::string_view markdown) {
  Fences fences;
  std::optional<Block> open;
  std::size_t indent = 0;
  std::size_t line_number = 0;
  bool only_blanks_since_close = false;
  std::size_t start = 0;
  while (start < markdown.size()) {
    std::size_t end = markdown.find('\n', start);
    if (end == std::string_view::npos) end = markdown.size();
    std::string_view line = markdown.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    start = end + 1;
    ++line_number;
    const std::string_view stripped = trim_left(line);
    const bool fence = stripped.substr(0, 3) == "```";
    if (!open) {
      const std::string_view info = fence ? trim(stripped.substr(3)) : std::string_view();
      // As in CommonMark, a backtick in the info string makes the line text, not a fence:
      // ```` ```text ```` is inline code.
      if (fence && info.find('`') == std::string_view::npos) {
        indent = line.size() - stripped.size();
        open = Block{std::string(info.substr(0, info.find_first_of(" \t{"))), "", line_number,
                     only_blanks_since_close};
      } else if (!trim(line).empty()) {
        only_blanks_since_close = false;
      }
      continue;
    }
    if (fence && trim(stripped) == "```") {
      fences.blocks.push_back(std::move(*open));
      open.reset();
      only_blanks_since_close = true;
      continue;
    }
    const std::size_t drop = std::min(indent, line.size() - trim_left(line).size());
    open->text.append(line.substr(drop)).push_back('\n');
  }
  if (open) fences.unclosed_line = open->line;
  return fences;
}

// A whole contract starts with `contract` once comments and blank lines are skipped.
bool is_whole_contract(std::string_view text) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = trim(text.substr(start, end - start));
    start = end + 1;
    if (line.empty() || line.substr(0, 2) == "--") continue;
    return line.substr(0, 8) == "contract" &&
           (line.size() == 8 || line[8] == ' ' || line[8] == '\t' || line[8] == '"');
  }
  return false;
}

std::size_t line_count(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Checks every example of one Markdown file; `doc` names it in the problems reported.
Report check_examples(const std::string& doc, std::string_view markdown) {
  Report report;
  const Fences fences = fenced_blocks(markdown);
  if (fences.unclosed_line) {
    report.problems.push_back(
        fmt::format("{} line {}: this ``` block is never closed", doc, *fences.unclosed_line));
    return report;
  }
  const std::vector<Block>& blocks = fences.blocks;
  std::size_t example = 0;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const Block& block = blocks[i];
    if (block.info.rfind("proviso", 0) != 0) continue;
    ++example;
    const std::string where =
        fmt::format("{} example {} (```{} at line {})", doc, example, block.info, block.line);
    if (block.info == "proviso") {
      const bool whole = is_whole_contract(block.text);
      const std::string text = whole ? block.text : kPreamble + "\n" + block.text;
      const LoadedContract loaded = load_contract(fmt::format("{}#{}", doc, example), text);
      if (loaded.ok()) {
        ++report.clean;
        continue;
      }
      report.problems.push_back(fmt::format(
          "{} does not check clean{}:\n{}", where,
          whole ? std::string()
                : fmt::format(" (a fragment: its line 1 is line {} here, after the preamble)",
                              line_count(kPreamble) + 2),
          render(loaded.diagnostics)));
    } else if (block.info == "proviso-error") {
      if (!is_whole_contract(block.text)) {
        report.problems.push_back(fmt::format(
            "{} must be a whole contract, starting with `contract`, so that the line numbers "
            "of its messages match the example",
            where));
        continue;
      }
      const bool has_text =
          i + 1 < blocks.size() && blocks[i + 1].info == "text" && blocks[i + 1].adjacent;
      if (!has_text) {
        report.problems.push_back(fmt::format(
            "{} must be followed immediately by a ```text block holding the expected messages",
            where));
        continue;
      }
      const std::string& expected = blocks[++i].text;
      const LoadedContract loaded = load_contract(std::string(kErrorFileName), block.text);
      const std::string actual = render(loaded.diagnostics);
      if (loaded.ok()) {
        report.problems.push_back(fmt::format("{} checks clean, but it should fail", where));
      } else if (actual != expected) {
        report.problems.push_back(fmt::format(
            "{} reports other messages than the ```text block after it.\nDocumented:\n{}"
            "Reported:\n{}",
            where, expected, actual));
      } else {
        ++report.errors;
      }
    } else {
      report.problems.push_back(
          fmt::format("{}: unknown kind of example; use ```proviso or ```proviso-error", where));
    }
  }
  return report;
}

// The word a keyword rule matches: kw_after gives "after".
template <char... Cs>
std::string keyword_text(const tao::pegtl::ascii::keyword<Cs...>*) {
  return std::string{Cs...};
}

template <typename... Keywords>
std::vector<std::string> keyword_texts(tao::pegtl::type_list<Keywords...>) {
  return {keyword_text(static_cast<const Keywords*>(nullptr))...};
}

// The words in backticks in the paragraph after the one holding `marker`: the lists the
// reference prints of the reserved words and of the time zones.
std::vector<std::string> listed_after(std::string_view markdown, std::string_view marker) {
  std::vector<std::string> words;
  const std::size_t at = markdown.find(marker);
  if (at == std::string_view::npos) return words;
  const std::size_t start = markdown.find("\n\n", at);
  if (start == std::string_view::npos) return words;
  const std::size_t end = markdown.find("\n\n", start + 2);
  std::string_view list = markdown.substr(start + 2, end - start - 2);
  for (std::size_t open = list.find('`'); open != std::string_view::npos;
       open = list.find('`', open)) {
    const std::size_t close = list.find('`', open + 1);
    if (close == std::string_view::npos) break;
    words.emplace_back(list.substr(open + 1, close - open - 1));
    open = close + 1;
  }
  std::sort(words.begin(), words.end());
  return words;
}

}  // namespace

TEST_CASE("every example in docs/ checks as documented", "[docs]") {
  const auto docs = files_with_extension(source_dir() / "docs", ".md");
  REQUIRE_FALSE(docs.empty());
  std::size_t clean = 0;
  std::size_t errors = 0;
  for (const auto& path : docs) {
    const std::string doc = "docs/" + path.filename().string();
    const Report report = check_examples(doc, read_file(path));
    for (const std::string& problem : report.problems) FAIL_CHECK(problem);
    clean += report.clean;
    errors += report.errors;
  }
  // Guards the extraction itself: the reference alone has far more examples than this.
  CHECK(clean >= 40);
  CHECK(errors >= 4);
}

TEST_CASE("the reference prints the preamble that fragments are checked after", "[docs]") {
  const std::string reference = read_file(source_dir() / "docs/reference.md");
  const Fences fences = fenced_blocks(reference);
  REQUIRE_FALSE(fences.unclosed_line);
  const auto& blocks = fences.blocks;
  const bool printed = std::any_of(blocks.begin(), blocks.end(), [](const Block& block) {
    return block.info == "proviso" && block.text == kPreamble;
  });
  CHECK(printed);
}

TEST_CASE("the reference lists exactly the grammar's reserved words", "[docs]") {
  std::vector<std::string> reserved = keyword_texts(grammar::reserved::subs_t{});
  std::sort(reserved.begin(), reserved.end());
  const std::string reference = read_file(source_dir() / "docs/reference.md");
  CHECK(listed_after(reference, "cannot be used as names:") == reserved);
}

TEST_CASE("the reference lists exactly the time zones Proviso knows", "[docs]") {
  std::vector<std::string> zones;
  for (const ZoneEntry& zone : known_zones()) zones.emplace_back(zone.name);
  std::sort(zones.begin(), zones.end());
  const std::string reference = read_file(source_dir() / "docs/reference.md");
  CHECK(listed_after(reference, "Proviso knows these zones") == zones);
}

TEST_CASE("a broken docs example fails the docs test", "[docs]") {
  SECTION("a fragment that does not check") {
    const Report report =
        check_examples("demo.md",
                       "Text.\n\n```proviso\ntranche T1 vests when amd_deployed >= "
                       "250 USD\n```\n");
    REQUIRE(report.problems.size() == 1);
    CHECK(report.problems[0].find("demo.md example 1 (```proviso at line 3)") == 0);
    CHECK(report.problems[0].find("cannot compare MW with USD") != std::string::npos);
  }
  SECTION("a fragment and a whole contract that check clean") {
    const Report report = check_examples(
        "demo.md",
        "```proviso\ntranche T1 vests when amd_deployed >= 1 GW\n```\n\n"
        "  ```proviso\n  -- indented, in a list\n  contract \"Whole\"\n  let a = 1 GW\n  ```\n");
    CHECK(report.problems.empty());
    CHECK(report.clean == 2);
  }
  SECTION("an error example whose messages differ from its text block") {
    const Report report =
        check_examples("demo.md",
                       "```proviso-error\ncontract \"x\"\nlet a = 1 GW + 2 USD\n```\n\n```text\n"
                       "example.proviso:2:14: error: something else\n```\n");
    REQUIRE(report.problems.size() == 1);
    CHECK(report.problems[0].find("reports other messages") != std::string::npos);
  }
  SECTION("an error example that matches its text block") {
    const Report report =
        check_examples("demo.md",
                       "```proviso-error\ncontract \"x\"\nlet a = 1 GW + 2 USD\n```\n```text\n"
                       "example.proviso:2:14: error: cannot add USD to GW\n  let a = 1 GW + 2 USD\n"
                       "               ^\n```\n");
    CHECK(report.problems.empty());
    CHECK(report.errors == 1);
  }
  SECTION("an error example that checks clean, or has no text block") {
    CHECK(check_examples("demo.md", "```proviso-error\ncontract \"x\"\n```\n```text\n```\n")
              .problems.size() == 1);
    CHECK(check_examples("demo.md",
                         "```proviso-error\ncontract \"x\"\nlet a = b\n```\nText.\n"
                         "```text\n```\n")
              .problems.size() == 1);
  }
  SECTION("a misspelt kind of example or an unclosed fence") {
    CHECK(check_examples("demo.md", "```proviso-err\ncontract \"x\"\n```\n").problems.size() == 1);
    CHECK(check_examples("demo.md", "```proviso\ncontract \"x\"\n").problems.size() == 1);
  }
  SECTION("inline code at the start of a line is not a fence") {
    const Report report = check_examples(
        "demo.md", "```` ```text ```` is inline code.\n\n```proviso\nlet a = 1 GW\n```\n");
    CHECK(report.problems.empty());
    CHECK(report.clean == 1);
  }
}

}  // namespace proviso::testing
