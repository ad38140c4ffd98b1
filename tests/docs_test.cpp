// Every example in docs/*.md is a test, so the documentation cannot rot.
//
// A ```proviso block must check clean. A block that does not start with `contract` (after
// comments and blank lines) is a fragment: it is checked after kPreamble, which
// docs/reference.md prints in its introduction. A ```proviso-error block is a whole contract
// that must fail to check; the ```text block right after it holds exactly what the checker
// reports for it, with the file named example.proviso. A ```proviso block must also draw no
// warning from the solver (lint/); a ```proviso-warning block is a whole contract that checks
// clean and draws warnings, and the ```text block right after it holds exactly those warnings.
//
// A ```proviso block may be followed by a replay that pins what the engine does with it: an
// ```events block (JSON Lines, one event per line) and then a ```timeline block holding exactly
// what `proviso run example.proviso events.jsonl ARGS` prints, standard output and standard
// error together, ARGS being the words after `timeline` on its fence (```timeline --until
// 2027-01-01). Several ```timeline blocks may follow, each with its own ARGS (the whole
// timeline, then the state `--at` an instant). A ```timeline block right after the ```proviso
// block replays no events. Only blank lines may separate the blocks, each replay must succeed
// (exit code 0), and a fragment is replayed after the preamble, as it is checked.
//
// A ```tests block holds exactly what `proviso test example.proviso ARGS` prints for the last
// whole contract shown in a ```proviso block before it (ARGS as for a timeline); a ```sh block
// that names that command may stand between them.
//
// A ```sh block holding one `proviso calendar NAME YEAR` command is followed by a ```text block
// holding exactly what it prints.
#include <unistd.h>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/time.hpp"
#include "check/load.hpp"
#include "grammar/grammar.hpp"
#include "lint/lint.hpp"
#include "tests/support.hpp"

namespace proviso::testing {

namespace {

// What a fragment is checked after. docs/reference.md must print it verbatim.
const std::string& kPreamble = docs_preamble();

// The name error examples are checked under, so that their text does not depend on where the
// documentation lives.
constexpr std::string_view kErrorFileName = "example.proviso";

/// A fenced code block of a Markdown file.
struct Block {
  std::string info;       // the word after the opening fence: proviso, proviso-error, text…
  std::string args;       // the rest of the fence's line: `--until 2027-01-01` for a timeline
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
  std::size_t clean = 0;      // ```proviso blocks that checked clean
  std::size_t errors = 0;     // ```proviso-error blocks that printed their documented text
  std::size_t warnings = 0;   // ```proviso-warning blocks that printed their documented text
  std::size_t replays = 0;    // ```timeline blocks that `proviso run` printed exactly
  std::size_t calendars = 0;  // `proviso calendar` commands that printed their ```text block
  std::size_t test_runs = 0;  // ```tests blocks that `proviso test` printed exactly
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
        const std::size_t word_end = std::min(info.find_first_of(" \t{"), info.size());
        open =
            Block{std::string(info.substr(0, word_end)), std::string(trim(info.substr(word_end))),
                  "", line_number, only_blanks_since_close};
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

std::size_t line_count(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A folder of its own for the files a replay writes, removed when the test program ends.
const std::filesystem::path& replay_folder() {
  struct Folder {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / fmt::format("proviso-docs-replay-{}", ::getpid());
    Folder() { std::filesystem::create_directories(path); }
    ~Folder() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  };
  static const Folder folder;
  return folder.path;
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.good()) throw std::runtime_error("cannot write " + path.string());
}

// The ```events and ```timeline blocks after the ```proviso block at `i`, if any: replays
// `contract` and compares what `proviso run` prints with the timeline. Returns the index of the
// last block it used.
std::size_t check_replay(const std::vector<Block>& blocks, std::size_t i,
                         const std::string& contract, const std::string& where, Report& report) {
  auto next_is = [&](std::size_t at, std::string_view info) {
    return at + 1 < blocks.size() && blocks[at + 1].info == info && blocks[at + 1].adjacent;
  };
  std::optional<std::string> events;
  if (next_is(i, "events")) events = blocks[++i].text;
  if (!next_is(i, "timeline")) {
    if (events) {
      report.problems.push_back(fmt::format(
          "{}: its ```events block must be followed immediately by a ```timeline block", where));
    }
    return i;
  }
  const std::filesystem::path& folder = replay_folder();
  write_text(folder / "example.proviso", contract);
  if (events) write_text(folder / "events.jsonl", *events);
  while (next_is(i, "timeline")) {
    const Block& timeline = blocks[++i];
    std::string arguments = events ? "run example.proviso events.jsonl" : "run example.proviso";
    if (!timeline.args.empty()) arguments += " " + timeline.args;
    const CommandResult result = run_proviso(arguments, folder);
    if (result.exit_code != 0) {
      report.problems.push_back(fmt::format("{}: `proviso {}` failed with exit code {}:\n{}", where,
                                            arguments, result.exit_code, result.output));
    } else if (result.output != timeline.text) {
      report.problems.push_back(fmt::format(
          "{}: `proviso {}` prints another timeline than the ```timeline block at line {}.\n"
          "Documented:\n{}Printed:\n{}",
          where, arguments, timeline.line, timeline.text, result.output));
    } else {
      ++report.replays;
    }
  }
  return i;
}

// A ```tests block: what `proviso test example.proviso ARGS` prints for `contract`.
void check_test_run(const Block& tests, const std::optional<std::string>& contract,
                    const std::string& doc, Report& report) {
  if (!contract) {
    report.problems.push_back(fmt::format(
        "{} line {}: a ```tests block must come after a whole contract in a ```proviso block", doc,
        tests.line));
    return;
  }
  const std::filesystem::path& folder = replay_folder();
  write_text(folder / "example.proviso", *contract);
  std::string arguments = "test example.proviso";
  if (!tests.args.empty()) arguments += " " + tests.args;
  const CommandResult result = run_proviso(arguments, folder);
  if (result.output != tests.text) {
    report.problems.push_back(fmt::format(
        "{} line {}: `proviso {}` prints other lines than the ```tests block.\nDocumented:\n{}"
        "Printed:\n{}",
        doc, tests.line, arguments, tests.text, result.output));
  } else {
    ++report.test_runs;
  }
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
  std::optional<std::string> last_contract;  // for a ```tests block
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const Block& block = blocks[i];
    if (block.info == "tests") {
      check_test_run(block, last_contract, doc, report);
      continue;
    }
    if (block.info == "events" || block.info == "timeline") {
      report.problems.push_back(
          fmt::format("{} line {}: a ```{} block must follow a ```proviso block{}", doc, block.line,
                      block.info, block.info == "timeline" ? " or its ```events block" : ""));
      continue;
    }
    if (block.info == "sh" && block.text.rfind("proviso calendar ", 0) == 0 &&
        line_count(block.text) == 1) {
      // The arguments after `proviso`, without the line's end.
      std::string command = block.text.substr(std::string_view("proviso ").size());
      command.pop_back();
      const bool has_text =
          i + 1 < blocks.size() && blocks[i + 1].info == "text" && blocks[i + 1].adjacent;
      const CommandResult result = run_proviso(command);
      if (!has_text) {
        report.problems.push_back(fmt::format(
            "{} line {}: `proviso {}` must be followed immediately by a ```text block with what "
            "it prints",
            doc, block.line, command));
      } else if (result.output != blocks[i + 1].text) {
        report.problems.push_back(fmt::format(
            "{} line {}: `proviso {}` prints other lines than the ```text block after it.\n"
            "Documented:\n{}Printed:\n{}",
            doc, block.line, command, blocks[i + 1].text, result.output));
      } else {
        ++report.calendars;
      }
      if (has_text) ++i;
      continue;
    }
    if (block.info.rfind("proviso", 0) != 0) continue;
    ++example;
    const std::string where =
        fmt::format("{} example {} (```{} at line {})", doc, example, block.info, block.line);
    if (block.info == "proviso") {
      const bool whole = is_whole_contract(block.text);
      const std::string text = whole ? block.text : kPreamble + "\n" + block.text;
      const LoadedContract loaded = load_contract(fmt::format("{}#{}", doc, example), text);
      if (loaded.ok()) {
        const Diagnostics warnings = find_warnings(*loaded.file, loaded.checked);
        if (!warnings.empty()) {
          report.problems.push_back(
              fmt::format("{} draws warnings; show it as ```proviso-warning or correct it:\n{}",
                          where, render(warnings)));
        }
        ++report.clean;
        if (whole) last_contract = block.text;
        i = check_replay(blocks, i, text, where, report);
        continue;
      }
      report.problems.push_back(fmt::format(
          "{} does not check clean{}:\n{}", where,
          whole ? std::string()
                : fmt::format(" (a fragment: its line 1 is line {} here, after the preamble)",
                              line_count(kPreamble) + 2),
          render(loaded.diagnostics)));
      // Its replay cannot run; the blocks are not reported a second time as misplaced.
      while (i + 1 < blocks.size() && blocks[i + 1].adjacent &&
             (blocks[i + 1].info == "events" || blocks[i + 1].info == "timeline")) {
        ++i;
      }
    } else if (block.info == "proviso-warning") {
      const bool has_text =
          i + 1 < blocks.size() && blocks[i + 1].info == "text" && blocks[i + 1].adjacent;
      if (!is_whole_contract(block.text) || !has_text) {
        report.problems.push_back(fmt::format(
            "{} must be a whole contract followed immediately by a ```text block holding the "
            "expected warnings",
            where));
        continue;
      }
      const std::string& expected = blocks[++i].text;
      const LoadedContract loaded = load_contract(std::string(kErrorFileName), block.text);
      if (!loaded.ok()) {
        report.problems.push_back(
            fmt::format("{} does not check clean:\n{}", where, render(loaded.diagnostics)));
        continue;
      }
      const std::string actual = render(find_warnings(*loaded.file, loaded.checked));
      if (actual.empty()) {
        report.problems.push_back(fmt::format("{} draws no warning, but it should", where));
      } else if (actual != expected) {
        report.problems.push_back(
            fmt::format("{} draws other warnings than the ```text block after it.\nDocumented:\n{}"
                        "Warned:\n{}",
                        where, expected, actual));
      } else {
        ++report.warnings;
      }
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
          fmt::format("{}: unknown kind of example; use ```proviso, ```proviso-error or "
                      "```proviso-warning",
                      where));
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
  std::size_t warnings = 0;
  std::size_t replays = 0;
  std::size_t calendars = 0;
  std::size_t test_runs = 0;
  for (const auto& path : docs) {
    const std::string doc = "docs/" + path.filename().string();
    const Report report = check_examples(doc, read_file(path));
    for (const std::string& problem : report.problems) FAIL_CHECK(problem);
    clean += report.clean;
    errors += report.errors;
    warnings += report.warnings;
    replays += report.replays;
    calendars += report.calendars;
    test_runs += report.test_runs;
  }
  // Guards the extraction itself: the reference alone has far more examples than this.
  CHECK(clean >= 40);
  CHECK(errors >= 4);
  CHECK(warnings >= 4);   // the reference's section on warnings
  CHECK(replays >= 10);   // docs/stdlib.md replays its key examples
  CHECK(calendars >= 1);  // and lists the NYSE's holidays of a year
  CHECK(test_runs >= 5);  // the tutorial's and testing.md's test runs
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

TEST_CASE("the zones the reference and the stdlib guide name are in the database", "[docs]") {
  const std::string reference = read_file(source_dir() / "docs/reference.md");
  const std::vector<std::string> listed = listed_after(reference, "(also written `Z`)");
  CHECK(listed.size() >= 5);
  const std::string guide = read_file(source_dir() / "docs/stdlib.md");
  const std::size_t section = guide.find("## 4. Time zones");
  REQUIRE(section != std::string::npos);
  const std::string stdlib = guide.substr(section, guide.find("\n## ", section + 1) - section);
  std::vector<std::string> tabled;
  for (std::size_t row = stdlib.find("\n| `"); row != std::string::npos;
       row = stdlib.find("\n| `", row + 1)) {
    const std::size_t end = stdlib.find('`', row + 4);
    tabled.push_back(stdlib.substr(row + 4, end - row - 4));
  }
  CHECK(tabled.size() >= 20);
  std::vector<std::string> named = listed;
  named.insert(named.end(), tabled.begin(), tabled.end());
  for (const std::string& name : named) {
    INFO(name);
    CHECK(TimeZone::find(name).has_value());
  }
}

TEST_CASE("the stdlib guide prints the NYSE calendar as the stdlib declares it", "[docs]") {
  const Fences fences = fenced_blocks(read_file(source_dir() / "docs/stdlib.md"));
  REQUIRE_FALSE(fences.unclosed_line);
  const auto printed = std::find_if(fences.blocks.begin(), fences.blocks.end(), [](const Block& b) {
    return b.info.empty() && b.text.rfind("calendar NYSE {", 0) == 0;
  });
  REQUIRE(printed != fences.blocks.end());
  const std::string declared = read_file(source_dir() / "stdlib/calendars.proviso");
  CHECK(declared.find(printed->text) != std::string::npos);
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
  SECTION("a replay prints its timeline, or the difference is reported") {
    const std::string contract =
        "```proviso\ncontract \"Demo\"\nevent deployment { mw: MW }\n"
        "metric deployed = sum deployment.mw\ntranche T vests when deployed >= 1 GW\n```\n\n"
        "```events\n{\"ts\":\"2026-01-05T12:00:00Z\",\"type\":\"deployment\",\"mw\":1000}\n```\n";
    const std::string vested =
        "2026-01-05T12:00:00Z  Demo  T  pending → vested  deployed = 1 GW (>= 1 GW)  "
        "[events.jsonl:1]\n";
    const Report good = check_examples("demo.md", contract + "```timeline\n" + vested + "```\n");
    CHECK(good.problems.empty());
    CHECK(good.replays == 1);
    const Report bad = check_examples("demo.md", contract + "```timeline\nsomething else\n```\n");
    REQUIRE(bad.problems.size() == 1);
    CHECK(bad.problems[0].find("prints another timeline") != std::string::npos);
    CHECK(bad.problems[0].find(vested) != std::string::npos);
  }
  SECTION("a timeline's arguments, and a replay without events") {
    const Report report = check_examples(
        "demo.md",
        "```proviso\ncontract \"Demo\"\n  timezone \"UTC\"\nevent deployment { mw: MW }\n"
        "metric deployed = sum deployment.mw\n"
        "tranche T vests when deployed >= 1 GW lapses if not vested by 2026-01-31\n```\n"
        "```timeline --until 2026-03-01\n"
        "2026-02-01T00:00:00Z  Demo  T  pending → lapsed  deployed = 0 GW (>= 1 GW)  "
        "[deadline 2026-02-01T00:00:00Z]\n```\n");
    CHECK(report.problems.empty());
    CHECK(report.replays == 1);
  }
  SECTION("events without a timeline, or a timeline on its own") {
    CHECK(check_examples("demo.md", "```proviso\ncontract \"x\"\n```\n```events\n```\n")
              .problems.size() == 1);
    CHECK(check_examples("demo.md", "Text.\n```timeline\n```\n").problems.size() == 1);
    CHECK(check_examples("demo.md", "```proviso\ncontract \"x\"\n```\nText.\n```events\n```\n")
              .problems.size() == 1);
  }
  SECTION("a proviso calendar command and what it prints") {
    const std::string command = "```sh\nproviso calendar NYSE 2026\n```\n\n```text\n";
    const Report good = check_examples(
        "demo.md", command +
                       "2026-01-01 New Year's Day\n2026-01-19 Martin Luther King, Jr. Day\n"
                       "2026-02-16 Washington's Birthday\n2026-04-03 Good Friday\n"
                       "2026-05-25 Memorial Day\n2026-06-19 Juneteenth National Independence Day\n"
                       "2026-07-03 Independence Day\n2026-09-07 Labor Day\n"
                       "2026-11-26 Thanksgiving Day\n2026-12-25 Christmas Day\n```\n");
    CHECK(good.problems.empty());
    CHECK(good.calendars == 1);
    const Report bad = check_examples("demo.md", command + "2026-01-01 New Year's Day\n```\n");
    REQUIRE(bad.problems.size() == 1);
    CHECK(bad.problems[0].find("prints other lines") != std::string::npos);
  }
  SECTION("inline code at the start of a line is not a fence") {
    const Report report = check_examples(
        "demo.md", "```` ```text ```` is inline code.\n\n```proviso\nlet a = 1 GW\n```\n");
    CHECK(report.problems.empty());
    CHECK(report.clean == 1);
  }
}

}  // namespace proviso::testing
