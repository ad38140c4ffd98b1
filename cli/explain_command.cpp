// `proviso explain CONTRACT… LOG… CLAUSE… [--at TS] [--format text|json|csv]`: replays the logs,
// then says why each clause is or is not met (docs/explain.md).
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <tuple>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/replay.hpp"
#include "explain/explain.hpp"

namespace proviso::cli {

namespace {

struct ExplainOptions {
  ReplayOptions replay;
  std::string format = "text";
};

constexpr std::string_view kCommand = "explain";

// The clauses a word names in a contract: the clause itself, or every member of a family.
std::vector<std::string> clauses_named(const std::vector<ClauseStatus>& states,
                                       const std::string& contract, const std::string& instance,
                                       const std::string& word) {
  std::vector<std::string> found;
  for (const ClauseStatus& status : states) {
    if (status.contract != contract || status.instance != instance) continue;
    const bool member = status.clause.rfind(word + "[", 0) == 0;
    if (status.clause == word || member) found.push_back(status.clause);
  }
  return found;
}

int explain(const ExplainOptions& options) {
  SortedInputs inputs;
  if (const int code =
          read_inputs(kCommand, options.replay, true,
                      "give a contract file (.proviso), its logs and a clause's name", inputs)) {
    return code;
  }
  Engine engine;
  if (const int code = load_contracts(engine, inputs.contracts, options.replay.instances))
    return code;
  std::vector<std::string> titles;
  for (std::size_t i = 0; i < engine.contract_count(); ++i) {
    titles.push_back(engine.contract(i).checked.title);
  }
  // Which clauses to explain, checked before the replay so that a typo fails fast.
  const std::vector<ClauseStatus> states = engine.clause_states();
  std::vector<std::pair<std::size_t, std::string>> wanted;
  // With a template's instances, a word naming an instance ("N0042") picks the instance whose
  // clauses the next words name.
  std::optional<std::size_t> instance;
  for (const std::string& word : inputs.words) {
    if (const auto named = engine.instance_index(word)) {
      instance = named;
      continue;
    }
    std::size_t matches = 0;
    for (std::size_t i = 0; i < titles.size(); ++i) {
      if (instance ? i != *instance : !engine.instance_name(i).empty()) continue;
      for (const std::string& clause :
           clauses_named(states, titles[i], engine.instance_name(i), word)) {
        wanted.emplace_back(i, clause);
        ++matches;
      }
    }
    if (matches == 0) {
      // Each clause once: a template's instances have the same clauses.
      std::vector<std::string> seen;
      std::string names;
      for (const ClauseStatus& status : states) {
        if (std::find(seen.begin(), seen.end(), status.clause) != seen.end()) continue;
        seen.push_back(status.clause);
        names += fmt::format("{}{}", names.empty() ? "" : ", ", status.clause);
      }
      if (!instance && engine.contract_count() > 0 &&
          !engine.instance_name(engine.contract_count() - 1).empty()) {
        return usage_error(
            kCommand,
            fmt::format("{} is neither an instance nor a clause; name the instance, then its "
                        "clause, e.g. {} {}",
                        word, engine.instance_name(engine.contract_count() - 1),
                        seen.empty() ? word : seen.front()));
      }
      return usage_error(
          kCommand, fmt::format("{} is not a clause of the contract{} (its clauses: {}), nor a "
                                "file: contracts end in .proviso, logs in .jsonl, .json or .csv",
                                word, titles.size() == 1 ? "" : "s", names));
    }
  }
  if (wanted.empty() && options.format == "csv") {
    // The table by period of every clause: what a spreadsheet wants without naming each.
    for (std::size_t i = 0; i < titles.size(); ++i) {
      for (const ClauseStatus& status : states) {
        if (status.contract == titles[i] && status.instance == engine.instance_name(i)) {
          wanted.emplace_back(i, status.clause);
        }
      }
    }
  }
  if (wanted.empty()) {
    std::string names;
    for (const ClauseStatus& status : states) {
      names += fmt::format("{}{}", names.empty() ? "" : ", ", status.clause);
    }
    return usage_error(kCommand, fmt::format("name the clause to explain ({})", names));
  }
  ReplayPlan plan;
  if (const int code = plan_replay(engine, options.replay, kCommand, plan)) return code;
  // The last transition of each clause into each state: what explanations name as the cause.
  std::map<std::tuple<std::string, std::string, std::string, std::string>, Transition> last;
  engine.on_transition([&last](const Transition& transition) {
    last.insert_or_assign(
        {transition.contract, transition.instance, transition.clause, transition.to.name},
        transition);
  });
  if (const int code = replay_logs(engine, inputs.logs, plan)) return code;
  std::vector<Transition> history;
  for (auto& [key, transition] : last) history.push_back(std::move(transition));
  std::sort(history.begin(), history.end(),
            [](const Transition& a, const Transition& b) { return a.ts < b.ts; });

  std::vector<Explanation> explanations;
  for (const auto& [contract, clause] : wanted) {
    explanations.push_back(engine.explain(clause, contract, history));
  }
  if (options.format == "csv") {
    fmt::print("{}", format_period_table_csv(explanations));
    return kExitOk;
  }
  const bool json = options.format == "json";
  // JSON: one array, each explanation an element on its own lines.
  JsonWriter writer(JsonWriter::Layout::indented);
  std::string out;
  if (json) writer.begin_array();
  for (std::size_t i = 0; i < explanations.size(); ++i) {
    const Explanation& explanation = explanations[i];
    if (json) {
      write_explanation_json(writer, explanation);
    } else {
      out += fmt::format("{}{}", i == 0 ? "" : "\n", format_explanation_text(explanation));
    }
  }
  if (json) out = writer.end_array().text() + "\n";
  fmt::print("{}", out);
  return kExitOk;
}

}  // namespace

void add_explain_command(CLI::App& app) {
  auto options = std::make_shared<ExplainOptions>();
  auto* command = app.add_subcommand(
      "explain", "Replay logs, then show why a clause is or is not met, part by part");
  command
      ->add_option(
          "inputs", options->replay.inputs,
          "Contract files (.proviso), logs (.jsonl, .json, .csv; - for standard input) and "
          "the names of the clauses to explain (T1, A[3], or A for every member of family A)")
      ->required();
  command
      ->add_option("--format", options->format,
                   "Output: text (a tree with ✓ and ✗), json, or csv (the table by period, one "
                   "row per period)")
      ->check(CLI::IsMember({"text", "json", "csv"}));
  add_replay_options(*command, options->replay,
                     "Explain the state at this time (2027-03-31 or 2027-03-31T12:00Z) instead "
                     "of after the last event");
  command->footer(
      "A word that does not end in .proviso, .jsonl, .json or .csv is a clause's name.\n"
      "Logs replay as with 'proviso run': merged by timestamp, ties in file order.\n"
      "Exit codes: 0 ok, 1 contract errors, 2 usage, 3 bad event data.");
  command->callback([options] { set_exit_code(explain(*options)); });
}

}  // namespace proviso::cli
