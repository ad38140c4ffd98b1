#include "run/fingerprint.hpp"

#include <algorithm>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "plan/print_plan.hpp"
#include "run/state_file.hpp"

namespace proviso {

namespace {

struct Block {
  std::string name;
  std::string text;
};

// The printed plan's top-level blocks: a line that does not start with a space begins one.
std::vector<Block> blocks_of(const std::string& printed) {
  std::vector<Block> blocks;
  std::istringstream lines(printed);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(' ') || blocks.empty()) {
      std::string name = line;
      if (name.starts_with("metric ")) {
        name = name.substr(0, name.find(" = "));
      } else if (name.starts_with("clause ")) {
        name = name.substr(0, name.find(" after "));
      } else if (name.starts_with("window ")) {
        name = "day window " + name.substr(7, name.find(',') - 7);
      } else if (name.starts_with("splits")) {
        name = "the splits";
      }
      blocks.push_back({std::move(name), {}});
    }
    blocks.back().text += line + "\n";
  }
  return blocks;
}

// The text with what a threshold edit changes masked: constants, the M and N of day windows,
// the size of metric windows and the count a quorum needs.
std::string shape_of(const std::string& text) {
  static const std::regex constant(R"(^(\s+\d+: constant ).*$)", std::regex::multiline);
  static const std::regex quorum(R"(^(\s+\d+: quorum )\d+)", std::regex::multiline);
  static const std::regex window(R"(^(window \d+, )\d+ of the last \d+)", std::regex::multiline);
  static const std::regex over(R"( over \d+)");
  std::string shape = std::regex_replace(text, constant, "$1?");
  shape = std::regex_replace(shape, quorum, "$1?");
  shape = std::regex_replace(shape, window, "$1? of the last ?");
  return std::regex_replace(shape, over, " over ?");
}

std::string optional_instant(const std::optional<Timestamp>& at) {
  return at ? std::to_string(at->micros) : "none";
}

}  // namespace

PlanFingerprint fingerprint(const ContractPlan& plan, const EventSchemas& schemas) {
  std::vector<Block> blocks = {{"the effective date", optional_instant(plan.effective)},
                               {"the expiry", optional_instant(plan.expires)},
                               {"the time zone", plan.timezone},
                               {"the trading calendar", plan.calendar}};
  std::vector<Block> printed = blocks_of(print_plan(plan, schemas));
  // A day window belongs to the clauses whose programs use it, so that a changed "M of the
  // last N" is reported as a change of that clause.
  for (const Block& window : printed) {
    if (!window.name.starts_with("day window ")) continue;
    const std::regex uses(fmt::format(R"(: window {}\n)", window.name.substr(11)));
    bool owned = false;
    for (Block& clause : printed) {
      if (!clause.name.starts_with("clause ") || !std::regex_search(clause.text, uses)) continue;
      clause.text += window.text;
      owned = true;
    }
    if (!owned) blocks.push_back(window);
  }
  for (Block& block : printed) {
    if (!block.name.starts_with("day window ")) blocks.push_back(std::move(block));
  }
  PlanFingerprint result;
  std::string whole;
  for (const Block& block : blocks) {
    // The header's parts have no constants to mask: any edit of them is the change itself.
    const bool header = block.name.starts_with("the ");
    result.parts.push_back({block.name, state_checksum(header ? block.text : shape_of(block.text)),
                            state_checksum(block.text)});
    whole += block.name + "\n" + block.text;
  }
  result.whole = state_checksum(whole);
  return result;
}

std::string describe_changes(const PlanFingerprint& saved, const PlanFingerprint& loaded) {
  if (saved.whole == loaded.whole) return "";
  std::vector<std::string> changes;
  auto find = [](const PlanFingerprint& in, const std::string& name) {
    return std::find_if(in.parts.begin(), in.parts.end(),
                        [&](const PlanPart& part) { return part.name == name; });
  };
  for (const PlanPart& before : saved.parts) {
    const auto now = find(loaded, before.name);
    if (now == loaded.parts.end()) {
      changes.push_back(fmt::format("{} was removed", before.name));
    } else if (before.full == now->full) {
      continue;
    } else if (before.name.starts_with("the ")) {
      changes.push_back(fmt::format("{} changed", before.name));
    } else if (before.shape == now->shape) {
      changes.push_back(fmt::format("a threshold or constant of {} changed", before.name));
    } else {
      changes.push_back(fmt::format("the structure of {} changed", before.name));
    }
  }
  for (const PlanPart& now : loaded.parts) {
    if (find(saved, now.name) == saved.parts.end()) {
      changes.push_back(fmt::format("{} was added", now.name));
    }
  }
  // Equal parts in another order (clauses or metrics moved) change the slots the state uses.
  if (changes.empty()) changes.push_back("its clauses or metrics were reordered");
  return fmt::format("{}", fmt::join(changes, "; "));
}

}  // namespace proviso
