// The solver's warnings (lint/): what each kind catches, and — as important — the conditions it
// must not warn about, because a stateful operator (a day window, `once`, a clause's state or
// time, a metric not yet known) can make true what one instant's arithmetic cannot.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "check/load.hpp"
#include "lint/lint.hpp"
#include "tests/support.hpp"

namespace proviso::testing {

namespace {

const std::string kHeader = R"(contract "Lint"
  timezone "America/New_York"
  calendar NYSE
  effective 2025-10-06
event deployment { vendor: text, mw: MW }
event close { symbol: text, px: USD }
event milestone { name: text }
metric amd_deployed = sum deployment.mw where vendor == "AMD"
metric amd_close = latest close.px where symbol == "AMD"
metric notices = count milestone where name == "notice"
)";

// The warnings for the clauses after the header, one message per line ("" for none).
std::string warnings_for(const std::string& clauses) {
  const LoadedContract loaded = load_contract("lint.proviso", kHeader + clauses);
  if (!loaded.ok()) return "does not check: " + render(loaded.diagnostics);
  std::string messages;
  for (const Diagnostic& warning : find_warnings(*loaded.file, loaded.checked)) {
    CHECK(warning.severity == Severity::warning);
    messages += warning.message + "\n";
  }
  return messages;
}

struct Case {
  const char* clauses;
  const char* expected;  // the start of the first message, or "" for no warning
};

}  // namespace

TEST_CASE("the lint warns of what can never be met, and of what always is", "[lint]") {
  const std::vector<Case> cases{
      {"clause A triggers when amd_deployed >= 5 GW and amd_deployed < 3 GW",
       "A can never be triggered: 'amd_deployed >= 5 GW' and 'amd_deployed < 3 GW'"},
      {"clause A triggers when amd_deployed > 1 GW and amd_deployed <= 1000 MW",
       "A can never be triggered"},
      {"clause A triggers when amd_close * 2 > 500 USD and amd_close <= 250 USD",
       "A can never be triggered"},
      {"clause A triggers when at least 2 of (amd_close > 5 USD, amd_close < 1 USD, "
       "amd_deployed < 0 MW and amd_deployed > 1 MW)",
       "A can never be triggered"},
      {"tranche T1 vests when amd_deployed >= 1 GW\n"
       "clause A triggers when T1 vested and T1 pending",
       "A can never be triggered: 'T1 vested' and 'T1 pending'"},
      {"clause A triggers when amd_deployed >= 1 GW and before 2025-01-01",
       "A can never be triggered: 'before 2025-01-01' cannot hold"},
      {"clause A becomes open when after 2028-01-01\n  becomes settled when before 2027-01-01",
       "A can never be settled: this stage is looked at only once A is open"},
      {"clause A pays when amd_deployed >= 1 GW and after 2030-06-30\n"
       "  lapses if not paid by 2030-06-30",
       "A can never be paid by its deadline 2030-06-30"},
      {"clause A triggers when after 2020-01-01",
       "A is always met: it is triggered at the effective date 2025-10-06"},
      {"covenant C holds while amd_deployed >= 1 GW or true", "C is always met"},
      {"for each k in 1..3, cap in [1 GW, 3 GW, 2 GW]\n"
       "  clause F[k] triggers when amd_deployed >= cap",
       "the tiers of F are not increasing: F[3] needs amd_deployed to reach 2 GW"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.clauses) {
      const std::string messages = warnings_for(c.clauses);
      CHECK(messages.rfind(c.expected, 0) == 0);
      CHECK(std::count(messages.begin(), messages.end(), '\n') == 1);
    }
  }
}

TEST_CASE("the lint does not warn where events or time can meet the clause", "[lint]") {
  const std::vector<std::string> clean{
      "clause A triggers when amd_deployed >= 5 GW or amd_deployed < 3 GW",
      "clause A triggers when amd_deployed >= 1 GW and amd_deployed <= 1000 MW",
      // Unknown until the first deployment: not met at the effective date.
      "clause A triggers when not (amd_deployed >= 1 GW) or amd_deployed >= 1 GW",
      "clause A triggers when amd_deployed >= 0 MW",
      // The window and the latch look at earlier days than the comparison beside them.
      "clause A triggers when amd_close >= 250 USD on at least 20 of the last 30 trading days\n"
      "  and amd_close < 200 USD",
      "clause A triggers when amd_close >= 250 USD for 5 consecutive trading days\n"
      "  and amd_close < 200 USD",
      "clause A triggers when once amd_close >= 600 USD and amd_close < 100 USD",
      // Stages that read the clause's own earlier state, as the reference shows.
      "clause W becomes exercisable when amd_deployed >= 1 GW\n"
      "  becomes exercised when W exercisable and notices >= 1\n"
      "  lapses if not exercisable by 2030-10-06",
      "tranche T1 vests when amd_deployed >= 1 GW lapses if not vested by 2030-10-06\n"
      "tranche T3 vests when amd_deployed >= 3 GW lapses if not vested by T1.vested_at + 2 years",
      "tranche T1 vests when amd_deployed >= 1 GW\n"
      "clause P pays when notices >= 1 and within 90 days after T1.vested_at\n"
      "  lapses if not paid by 2027-01-01",
      "tranche T1 vests when amd_deployed >= 1 GW and after 2026-01-01\n"
      "tranche T2 vests when amd_deployed >= 2 GW after T1 lapses if not vested by 2026-01-02",
      "clause A triggers when before 2030-01-01 and amd_close > 1 USD",
      "clause A triggers when by 2025-10-06 and notices >= 1",
      // Products of metrics are beyond linear arithmetic: still decided, or left alone.
      "clause A triggers when amd_close * notices >= 1000 USD and amd_deployed / notices > 1 MW",
      "clause A triggers when amd_close / amd_close == 1 and after 9999-12-30",
      // Caps that step down over the years are not tiers out of order.
      "for each k in 1..3, cap in [4 GW, 3 GW, 2 GW]\n"
      "  covenant C[k] holds while amd_deployed <= cap",
      "for each k in 1..3, target in [250 USD, 300 USD, 400 USD]\n"
      "  tranche F[k] vests when amd_close >= target",
  };
  for (const std::string& clauses : clean) {
    DYNAMIC_SECTION(clauses) {
      CHECK(warnings_for(clauses).empty());
    }
  }
}

TEST_CASE("no clause is met after the contract expires", "[lint]") {
  const LoadedContract loaded = load_contract("expiry.proviso", R"(contract "Expiry"
  timezone "America/New_York"
  effective 2025-10-06
  expires 2030-10-05 17:00 America/New_York
clause Late triggers when after 2030-12-31
clause InTime triggers when after 2030-10-04
event milestone { name: text }
metric notices = count milestone where name == "notice"
tranche T1 vests when notices >= 1 lapses if not vested by 2031-06-30
clause Missed triggers when T1 lapsed
)");
  REQUIRE(loaded.ok());
  const Diagnostics warnings = find_warnings(*loaded.file, loaded.checked);
  // T1 lapses at the expiry, before its deadline: Missed can be triggered.
  REQUIRE(warnings.size() == 1);
  CHECK(warnings.front().message == "Late can never be triggered: 'after 2030-12-31' cannot hold");
}

TEST_CASE("a family member's warning names its values", "[lint]") {
  CHECK(warnings_for("for each k in 1..2, days in [20, 25]\n"
                     "  clause S[k] pays when amd_close >= 1 USD on at least days of the last 20 "
                     "days") ==
        "S[2] (days = 25, k = 2) can never be paid: 'amd_close >= 1 USD on at least days of the "
        "last 20 days' (it needs 25 days of a window of 20) cannot hold\n");
}

TEST_CASE("an allow comment silences its own kind of warning only", "[lint]") {
  CHECK(warnings_for("-- proviso: allow never-met\n"
                     "clause A triggers when amd_deployed >= 5 GW and amd_deployed < 3 GW")
            .empty());
  CHECK(warnings_for("clause A\n  -- proviso: allow always-met\n  triggers when after 2020-01-01")
            .empty());
  CHECK(warnings_for("-- proviso: allow always-met\n"
                     "clause A triggers when amd_deployed >= 5 GW and amd_deployed < 3 GW")
            .rfind("A can never be triggered", 0) == 0);
  // The comment belongs to the clause right below it, not to the next one.
  CHECK(warnings_for("-- proviso: allow never-met\n"
                     "clause A triggers when amd_deployed >= 1 GW\n"
                     "clause B triggers when amd_deployed >= 5 GW and amd_deployed < 3 GW")
            .rfind("B can never be triggered", 0) == 0);
}

TEST_CASE("the bundled contracts and the README draw no warning", "[lint][contracts]") {
  std::vector<std::pair<std::string, std::string>> subjects;
  for (const auto& contract : files_with_extension(source_dir() / "contracts", ".proviso")) {
    subjects.emplace_back(contract.filename().string(), read_file(contract));
  }
  for (const auto& path : files_with_extension(source_dir() / "bench", ".proviso")) {
    subjects.emplace_back(path.filename().string(), read_file(path));
  }
  for (const MarkdownBlock& block : markdown_blocks(read_file(source_dir() / "README.md"))) {
    if (block.info != "proviso") continue;
    subjects.emplace_back(
        fmt::format("README.md line {}", block.line),
        is_whole_contract(block.text) ? block.text : docs_preamble() + "\n" + block.text);
  }
  REQUIRE(subjects.size() >= 5);
  for (const auto& [name, text] : subjects) {
    DYNAMIC_SECTION(name) {
      const LoadedContract loaded = load_contract(name, text);
      if (!loaded.ok()) continue;  // test files and fragments are checked elsewhere
      CHECK(render(find_warnings(*loaded.file, loaded.checked)).empty());
    }
  }
}

}  // namespace proviso::testing
