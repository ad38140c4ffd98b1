// `proviso run CONTRACTS… LOGS…`: replays logs through contracts and prints the timeline.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/replay.hpp"
#include "events/read_events.hpp"
#include "run/engine.hpp"
#include "run/transition_format.hpp"

namespace proviso::cli {

namespace {

struct RunOptions {
  std::vector<std::string> inputs;
  std::string format = "text";
  std::string input_format;
  std::string at;
  std::string until;
  std::string reorder;
  bool skip_bad_lines = false;
  std::string save_state;
  std::string resume;
};

// "30s", "15min", "2h", "1d", or plain seconds; nullopt for anything else or too long a window.
std::optional<std::int64_t> parse_window(const std::string& text) {
  std::int64_t amount = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), amount);
  if (error != std::errc() || end == text.data() || amount < 0) return std::nullopt;
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  std::int64_t per_unit = 0;
  if (unit.empty() || unit == "s") per_unit = kMicrosPerSecond;
  if (unit == "min" || unit == "m") per_unit = 60 * kMicrosPerSecond;
  if (unit == "h") per_unit = 3600 * kMicrosPerSecond;
  if (unit == "d") per_unit = kMicrosPerDay;
  if (per_unit == 0 || amount > std::numeric_limits<std::int64_t>::max() / per_unit) {
    return std::nullopt;
  }
  return amount * per_unit;
}

// Standard output is buffered and standard error is not: the timeline printed so far goes out
// before any message, so that the two read in order when they share a terminal or a file.
template <typename... Args>
void print_error(fmt::format_string<Args...> format, Args&&... args) {
  std::fflush(stdout);
  fmt::print(stderr, format, std::forward<Args>(args)...);
}

bool write_atomically(const std::string& path, const std::string& text, std::string& error) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      error = fmt::format("cannot write {}", temporary);
      return false;
    }
  }
  std::error_code code;
  std::filesystem::rename(temporary, path, code);
  if (code) error = fmt::format("cannot rename {} to {}: {}", temporary, path, code.message());
  return !code;
}

void print_state(const Engine& engine, Timestamp at) {
  fmt::print("State at {}\n", format_utc(at));
  for (const ClauseStatus& clause : engine.clause_states()) {
    std::string values;
    for (const auto& value : clause.values) {
      values += fmt::format("{}{} = {} ({})", values.empty() ? "  " : "; ", value.name, value.value,
                            value.test);
    }
    fmt::print("  {}  {}  {}{}{}{}\n", clause.contract, clause.clause, clause.state,
               clause.since ? fmt::format(" since {}", format_utc(*clause.since)) : "",
               clause.grant.empty() ? "" : fmt::format("  (grants {})", clause.grant), values);
  }
  for (const MetricStatus& metric : engine.metric_values()) {
    fmt::print("  {}  {} = {}\n", metric.contract, metric.metric, metric.value);
  }
}

void print_totals(const Engine& engine) {
  const auto clauses = engine.clause_states();
  const bool grants = std::any_of(clauses.begin(), clauses.end(),
                                  [](const ClauseStatus& clause) { return !clause.grant.empty(); });
  if (!grants) return;  // contracts that grant nothing (covenants, alerts) have no totals
  const auto totals = engine.granted_totals();
  fmt::print("Granted at {}: {}\n", engine.now() ? format_utc(*engine.now()) : "the start",
             totals.empty() ? "nothing yet" : fmt::format("{}", fmt::join(totals, ", ")));
}

void report_reading(const MergedEvents& events) {
  for (const auto& reader : events.readers()) {
    if (reader->skipped_lines() > 0) {
      const auto skipped = reader->skipped_lines();
      const auto shown = reader->first_skipped().size();
      print_error("{}: skipped {} bad line{}{}:\n", reader->file(), skipped,
                  skipped == 1 ? "" : "s",
                  shown < skipped ? fmt::format("; the first {}", shown) : "");
      for (const ReadError& error : reader->first_skipped()) print_error("  {}\n", render(error));
    }
    std::uint64_t passed = 0;
    std::string kinds;
    for (const auto& [type, count] : reader->undeclared_types()) {
      passed += count;
      kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", type, count);
    }
    if (passed > 0) {
      print_error("{}: passed over {} event{} of types no contract declares ({})\n", reader->file(),
                  passed, passed == 1 ? "" : "s", kinds);
    }
  }
}

int run(const RunOptions& options) {
  std::vector<std::string> contracts;
  std::vector<std::string> logs;
  for (const std::string& input : options.inputs) {
    const std::string extension = std::filesystem::path(input).extension().string();
    if (extension == ".proviso") {
      contracts.push_back(input);
    } else if (input == "-" || format_from_extension(input)) {
      logs.push_back(input);
    } else {
      return usage_error("run", fmt::format("{} is neither a contract (.proviso) nor a log "
                                            "(.jsonl, .json, .csv, or - for standard "
                                            "input with --input-format)",
                                            input));
    }
  }
  if (contracts.empty()) return usage_error("run", "give at least one contract file (.proviso)");
  std::optional<LogFormat> input_format;
  if (!options.input_format.empty()) {
    input_format = options.input_format == "csv" ? LogFormat::csv : LogFormat::jsonl;
  }
  if (std::find(logs.begin(), logs.end(), "-") != logs.end() && !input_format) {
    return usage_error("run", "reading standard input needs --input-format jsonl or csv");
  }

  Engine engine;
  Diagnostics diagnostics;
  for (const std::string& path : contracts) {
    if (!engine.load_file(path, diagnostics)) {
      std::size_t errors = 0;
      for (const auto& d : diagnostics) errors += d.severity == Severity::error ? 1 : 0;
      std::fputs(render(diagnostics).c_str(), stderr);
      fmt::print(stderr, "{}: {} error{}; nothing was replayed\n", path, errors,
                 errors == 1 ? "" : "s");
      return kExitContractErrors;
    }
  }
  ReadOptions read_options;
  read_options.skip_bad_lines = options.skip_bad_lines;
  if (!options.reorder.empty()) {
    read_options.reorder_window_micros = parse_window(options.reorder);
    if (!read_options.reorder_window_micros) {
      return usage_error("run",
                         fmt::format("--reorder {}: give a duration such as 30s, 15min, 2h or 1d",
                                     options.reorder));
    }
  }
  std::string error;
  std::optional<Timestamp> at;
  std::optional<Timestamp> until;
  if (!options.at.empty() && !(at = parse_instant(options.at, engine.timezone(), error))) {
    return usage_error("run", fmt::format("--at {}: {}", options.at, error));
  }
  if (!options.until.empty() && !(until = parse_instant(options.until, engine.timezone(), error))) {
    return usage_error("run", fmt::format("--until {}: {}", options.until, error));
  }
  if (!options.resume.empty()) {
    std::ifstream in(options.resume, std::ios::binary);
    if (!in) return usage_error("run", fmt::format("cannot read {}", options.resume));
    std::ostringstream saved;
    saved << in.rdbuf();
    if (!engine.restore_state(saved.str(), error)) {
      return usage_error("run", fmt::format("{}: {}", options.resume, error));
    }
  }

  MergedEvents events;
  std::vector<std::string> names;
  for (std::uint32_t i = 0; i < logs.size(); ++i) {
    ReadError open_error;
    auto reader = EventReader::open(
        logs[i], input_format.has_value() && logs[i] == "-" ? input_format : std::nullopt,
        engine.schemas(), i, read_options, open_error);
    if (!reader) {
      print_error("{}\n", render(open_error));
      return kExitUsage;
    }
    names.push_back(reader->file());
    events.add(std::move(reader));
  }
  engine.set_log_names(names);
  const bool json = options.format == "jsonl";
  if (!at) {
    engine.on_transition([json](const Transition& transition) {
      fmt::print("{}\n",
                 json ? format_transition_json(transition) : format_transition_text(transition));
    });
  }
  // Notes go to standard error in their place among the transitions.
  engine.on_note([](const std::string& note) {
    std::fflush(stdout);
    fmt::print(stderr, "note: {}\n", note);
  });
  const std::optional<Timestamp> resumed_at = engine.now();
  Event event;
  try {
    while (events.next(event)) {
      if (resumed_at && event.ts < *resumed_at) {
        print_error("{}:{}: error: this event ({}) is earlier than the resumed state's time {}\n",
                    names[event.log], event.line, format_utc(event.ts), format_utc(*resumed_at));
        return kExitBadData;
      }
      if (at && event.ts > *at) break;
      engine.feed(event);
    }
    if (events.error()) {
      report_reading(events);
      print_error("{}\n", render(*events.error()));
      return kExitBadData;
    }
    if (at) engine.advance_to(*at);
    if (until && !at) engine.advance_to(*until);
  } catch (const RuntimeError& failure) {
    print_error("{}  while processing {}\n", render(failure.diagnostic()), failure.cause());
    return kExitContractErrors;
  }
  report_reading(events);
  if (at) print_state(engine, *at);
  if (!json || at) print_totals(engine);
  if (!options.save_state.empty() &&
      !write_atomically(options.save_state, engine.save_state(), error)) {
    return usage_error("run", error);
  }
  return kExitOk;
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  auto* command =
      app.add_subcommand("run", "Replay event logs through contracts and print every state change");
  command
      ->add_option("inputs", options->inputs,
                   "Contract files (.proviso) and logs (.jsonl, .json, .csv; - for standard input)")
      ->required();
  command->add_option("--format", options->format, "Output: text (a readable timeline) or jsonl")
      ->check(CLI::IsMember({"text", "jsonl"}));
  command
      ->add_option("--input-format", options->input_format,
                   "Format of standard input: jsonl or csv")
      ->check(CLI::IsMember({"jsonl", "csv"}));
  command->add_option("--at", options->at,
                      "Print the state of every clause and metric at this time (2027-03-31 or "
                      "2027-03-31T12:00Z) instead of the timeline");
  command->add_option("--until", options->until,
                      "After the logs, move the clock to this time so deadlines up to it fire");
  command->add_option("--reorder", options->reorder,
                      "Accept events up to this late within a log (30s, 15min, 2h, 1d) and replay "
                      "them in time order");
  command->add_flag("--skip-bad-lines", options->skip_bad_lines,
                    "Skip malformed lines, and report how many and where at the end");
  command->add_option("--save-state", options->save_state,
                      "Write the engine's state at the end to this file (atomically)");
  command->add_option("--resume", options->resume, "Continue from a state saved by --save-state");
  command->footer(
      "Logs replay merged by timestamp; ties keep the order of the files, then line order.\n"
      "A timestamp going backwards within a log is an error unless --reorder allows it.\n"
      "Exit codes: 0 ok, 1 contract errors, 2 usage, 3 bad event data.");
  command->callback([options] { set_exit_code(run(*options)); });
}

}  // namespace proviso::cli
