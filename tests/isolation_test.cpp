// A contract's answers depend only on its own text and the events of the types it declares:
// every bundled contract with a log gives the same transitions and notes when it is replayed
// alone as when it is replayed together with every other bundled contract and their logs.
#include <algorithm>
#include <regex>
#include <set>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "check/load.hpp"
#include "tests/support.hpp"

namespace proviso::testing {

namespace {

// After every bundled log, so that deadlines, expiries and windows all play out the same way
// alone and together.
constexpr const char* kUntil = "2035-01-01T00:00Z";

struct Bundled {
  std::string contract;           // relative to the source folder
  std::vector<std::string> logs;  // each replayed on its own
  std::string title;
  std::set<std::string> declared;  // its event types
};

std::string from_source(const std::filesystem::path& path) {
  return std::filesystem::relative(path, source_dir()).generic_string();
}

// contracts/NAME.proviso goes with contracts/logs/FIRSTWORD_*.jsonl; a golden contract
// NAME.proviso with NAME.jsonl or NAME_*.jsonl beside it.
std::vector<Bundled> bundled_contracts() {
  std::vector<Bundled> out;
  auto add = [&](const std::filesystem::path& contract, const std::filesystem::path& logs,
                 const std::string& prefix) {
    Bundled bundled{from_source(contract), {}, {}, {}};
    for (const auto& log : files_with_extension(logs, ".jsonl")) {
      const std::string name = log.stem().string();
      if (name == prefix || name.rfind(prefix + "_", 0) == 0) {
        bundled.logs.push_back(from_source(log));
      }
    }
    if (bundled.logs.empty()) return;
    const LoadedContract loaded = load_contract_file(contract.string());
    if (!loaded.ok()) return;             // contract_errors.proviso: nothing is replayed
    if (loaded.file->parameters) return;  // a template replays only with its instances
    bundled.title = loaded.checked.title;
    for (const auto& [name, info] : loaded.checked.events) bundled.declared.insert(name);
    out.push_back(std::move(bundled));
  };
  for (const auto& contract : files_with_extension(source_dir() / "contracts", ".proviso")) {
    const std::string stem = contract.stem().string();
    if (stem.find('.') != std::string::npos) continue;  // NAME.test.proviso
    add(contract, source_dir() / "contracts/logs", stem.substr(0, stem.find('_')));
  }
  for (const std::string folder : {"tests/golden/run", "tests/golden/explain"}) {
    for (const auto& contract : files_with_extension(source_dir() / folder, ".proviso")) {
      if (contract.stem() == "runtime_error") continue;  // stops every replay it is part of
      add(contract, source_dir() / folder, contract.stem().string());
    }
  }
  return out;
}

std::set<std::string> event_types(const std::string& log) {
  static const std::regex type(R"re("type"\s*:\s*"([^"]*)")re");
  std::set<std::string> types;
  const std::string text = read_file(source_dir() / log);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), type); it != std::sregex_iterator();
       ++it) {
    types.insert((*it)[1].str());
  }
  return types;
}

// The lines of a replay's output about one contract: its transitions and its notes.
std::vector<std::string> lines_about(const std::string& output, const std::string& title) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < output.size()) {
    std::size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    const std::string line = output.substr(start, end - start);
    if (line.find(fmt::format("\"contract\":\"{}\"", title)) != std::string::npos ||
        line.rfind(fmt::format("note: {}:", title), 0) == 0) {
      out.push_back(line);
    }
    start = end + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += " " + item;
  return out;
}

}  // namespace

TEST_CASE("every bundled contract answers the same alone and replayed with all the others",
          "[run][isolation]") {
  const std::vector<Bundled> bundled = bundled_contracts();
  REQUIRE(bundled.size() >= 15);
  for (const Bundled& contract : bundled) {
    for (const std::string& log : contract.logs) {
      DYNAMIC_SECTION(contract.contract << " with " << log) {
        // Every other contract joins in, those that declare the same event types with other
        // fields too: each needs only the fields it declares, so this log need not carry the
        // others' fields (the lines that lack them are skipped for those contracts alone). The
        // others' logs join in unless they carry events of this contract's types, which would
        // rightly change its answers.
        std::vector<std::string> contracts{contract.contract};
        std::vector<std::string> logs{log};
        for (const Bundled& other : bundled) {
          if (&other == &contract) continue;
          contracts.push_back(other.contract);
          for (const std::string& other_log : other.logs) {
            const auto types = event_types(other_log);
            const bool ours = std::any_of(types.begin(), types.end(), [&](const auto& type) {
              return contract.declared.count(type) > 0;
            });
            if (!ours) logs.push_back(other_log);
          }
        }
        REQUIRE(contracts.size() == bundled.size());
        const auto alone = run_proviso(
            fmt::format("run {} {} --format jsonl --until {}", contract.contract, log, kUntil));
        const auto together =
            run_proviso(fmt::format("run{}{} --format jsonl --skip-bad-lines --until {}",
                                    join(contracts), join(logs), kUntil));
        INFO("together: run" << join(contracts) << join(logs));
        INFO("alone:\n" << alone.output << "\ntogether:\n" << together.output);
        REQUIRE(alone.exit_code == 0);
        REQUIRE(together.exit_code == 0);
        CHECK(lines_about(together.output, contract.title) ==
              lines_about(alone.output, contract.title));
      }
    }
  }
}

TEST_CASE("another contract's earlier log does not fill a day window", "[run][isolation]") {
  // The issue's case: 3 of the last 5 trading days, with only three closes of its own. The
  // other contract's deployments begin weeks earlier.
  const std::string price = R"(contract "Price"
  timezone "America/New_York"
  calendar NYSE
event close { px: USD }
metric px = latest close.px
clause Hurdle triggers when px >= 10 USD on at least 3 of the last 5 trading days
)";
  const std::string other = R"(contract "Other"
  timezone "America/New_York"
event deployment { mw: MW }
metric deployed = sum deployment.mw
clause Big triggers when deployed >= 1 GW
)";
  const std::string closes = R"({"ts":"2026-03-02T21:00:00Z","type":"close","px":11}
{"ts":"2026-03-03T21:00:00Z","type":"close","px":12}
{"ts":"2026-03-04T21:00:00Z","type":"close","px":13}
)";
  const std::string deployments = R"({"ts":"2026-01-05T15:00:00Z","type":"deployment","mw":100}
)";
  auto hurdle = [&](bool with_other) {
    Engine engine;
    Diagnostics diagnostics;
    REQUIRE(engine.load_text("price.proviso", price, diagnostics));
    if (with_other) REQUIRE(engine.load_text("other.proviso", other, diagnostics));
    std::vector<std::string> seen;
    engine.on_transition([&](const Transition& t) {
      seen.push_back(t.clause + " " + t.to.name + " " + format_utc(t.ts));
    });
    std::vector<std::string> notes;
    engine.on_note([&](const std::string& note) { notes.push_back(note); });
    Diagnostics errors;
    if (with_other) REQUIRE(engine.feed_json(deployments, errors, "other.jsonl"));
    REQUIRE(engine.feed_json(closes, errors, "price.jsonl"));
    return std::pair(seen, notes);
  };
  const auto [alone, alone_notes] = hurdle(false);
  const auto [together, together_notes] = hurdle(true);
  // Three qualifying sessions of five are enough, though the log began three sessions ago.
  CHECK(alone == std::vector<std::string>{"Hurdle triggered 2026-03-04T21:00:00Z"});
  CHECK(together == alone);
  // No note about the weeks before the contract's first close.
  CHECK(together_notes == alone_notes);
  CHECK(alone_notes.empty());
}

}  // namespace proviso::testing
