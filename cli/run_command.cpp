// `proviso run CONTRACTS… LOGS…`: replays logs through contracts and prints the timeline.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/atomic_file.hpp"
#include "cli/commands.hpp"
#include "cli/follow.hpp"
#include "cli/jetstream_source.hpp"
#include "cli/replay.hpp"
#include "cli/worker.hpp"
#include "run/engine.hpp"
#include "run/render.hpp"
#include "run/transition_format.hpp"

namespace proviso::cli {

namespace {

struct RunOptions {
  ReplayOptions replay;
  std::string format = "text";
  std::string save_state;
  std::string resume;
  bool follow = false;
  std::string clock = "events";
  std::string checkpoint;
  std::uint64_t checkpoint_events = 1000;
  double checkpoint_seconds = 5;
  WorkerOptions worker;
  JetStreamOptions jetstream;  // --from and its options (docs/live.md)
};

// --from reads a JetStream stream instead of logs; the message when its options are mixed with
// what it cannot do, or empty.
std::string jetstream_conflict(const RunOptions& options, const SortedInputs& inputs) {
  const JetStreamOptions& stream = options.jetstream;
  if (stream.url.empty()) {
    const bool given = !stream.stream.empty() || !stream.publish.empty() || stream.drain ||
                       !stream.bucket.empty() || !stream.subject.empty();
    return given ? "--stream, --subject, --durable, --publish, --checkpoint-bucket and --drain "
                   "need --from"
                 : "";
  }
  if (stream.stream.empty()) return "--from needs --stream NAME";
  if (!inputs.logs.empty()) return "--from reads its events from the stream: give no log files";
  const ReplayOptions& replay = options.replay;
  for (const auto& [given, name] : {std::pair{options.follow, "--follow"},
                                    {!replay.at.empty(), "--at"},
                                    {!replay.reorder.empty(), "--reorder"},
                                    {!options.save_state.empty(), "--save-state"},
                                    {!options.resume.empty(), "--resume"},
                                    {!options.checkpoint.empty(), "--checkpoint"},
                                    {options.clock == "wall", "--clock wall"}}) {
    if (given) {
      return fmt::format(
          "--from cannot be combined with {} (its checkpoint is in the bucket of "
          "--checkpoint-bucket)",
          name);
    }
  }
  if (!replay.until.empty() && !stream.drain) {
    return "--until with --from needs --drain (the clock moves to it once the stream is consumed)";
  }
  if (options.checkpoint_events == 0) return "--checkpoint-events must be more than 0";
  return "";
}

// --follow's options make sense only with it, and it cannot end at an instant or read standard
// input (which streams already); the message when they are mixed, or empty.
std::string follow_conflict(const RunOptions& options, const SortedInputs& inputs) {
  if (!options.follow) {
    if (options.clock == "wall") return "--clock wall needs --follow";
    if (!options.checkpoint.empty()) return "--checkpoint needs --follow";
    return "";
  }
  const ReplayOptions& replay = options.replay;
  for (const auto& [given, name] : {std::pair{!replay.at.empty(), "--at"},
                                    {!replay.until.empty(), "--until"},
                                    {!replay.reorder.empty(), "--reorder"},
                                    {!options.save_state.empty(), "--save-state"},
                                    {!options.resume.empty(), "--resume"}}) {
    if (given) {
      return fmt::format("--follow cannot be combined with {} (a followed log has no end{})", name,
                         std::string_view(name) == "--reorder"
                             ? ", and a checkpoint names the last line the state holds"
                             : "; --checkpoint saves and resumes");
    }
  }
  if (inputs.logs.empty()) return "--follow needs at least one log file";
  if (std::find(inputs.logs.begin(), inputs.logs.end(), "-") != inputs.logs.end()) {
    return "--follow reads log files; standard input (-) is read as it arrives without it";
  }
  if (options.checkpoint_events == 0 || !(options.checkpoint_seconds > 0)) {
    return "--checkpoint-events and --checkpoint-seconds must be more than 0";
  }
  return "";
}

constexpr std::string_view kCommand = "run";

// A transition as --format asks: text, jsonl or csv.
std::string format_transition(const Transition& transition, std::string_view format) {
  if (format == "jsonl") return format_transition_json(transition);
  if (format == "csv") return format_transition_csv(transition);
  return format_transition_text(transition);
}

void print_state(const Engine& engine, Timestamp at) {
  fmt::print("State at {}\n", format_utc(at));
  for (const ClauseStatus& clause : engine.clause_states()) {
    std::string values;
    for (const auto& value : clause.values) {
      values += fmt::format("{}{}", values.empty() ? "  " : "; ", render_deciding(value));
    }
    fmt::print("  {}  {}{}{}  {}{}{}{}\n", clause.contract, clause.instance,
               clause.instance.empty() ? "" : "  ", clause.clause, clause.state,
               clause.since ? fmt::format(" since {}", format_utc(*clause.since)) : "",
               clause.grant.empty() ? "" : fmt::format("  (grants {})", clause.grant), values);
  }
  for (const MetricStatus& metric : engine.metric_values()) {
    fmt::print("  {}  {}{}{} = {}\n", metric.contract, metric.instance,
               metric.instance.empty() ? "" : "  ", metric.metric, metric.value);
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

// What clauses paid for missed periods (liquidated damages), after the grants.
void print_paid(const Engine& engine) {
  if (!engine.pays_for_missed_periods()) return;
  const auto totals = engine.paid_totals();
  fmt::print("Paid for missed periods at {}: {}\n",
             engine.now() ? format_utc(*engine.now()) : "the start",
             totals.empty() ? "nothing yet" : fmt::format("{}", fmt::join(totals, ", ")));
}

int run(const RunOptions& options) {
  SortedInputs inputs;
  if (const int code = read_inputs(kCommand, options.replay, false,
                                   "give at least one contract file (.proviso)", inputs)) {
    return code;
  }
  if (const std::string conflict = jetstream_conflict(options, inputs); !conflict.empty()) {
    return usage_error(kCommand, conflict);
  }
  if (options.jetstream.url.empty()) {
    if (const std::string conflict = follow_conflict(options, inputs); !conflict.empty()) {
      return usage_error(kCommand, conflict);
    }
  }
  Engine engine;
  if (const int code = start_worker(kCommand, options.worker, engine)) return code;
  if (const int code = load_contracts(engine, inputs.contracts, options.replay.instances))
    return code;
  if (print_subjects(options.worker, engine)) return kExitOk;
  ReplayPlan plan;
  if (const int code = plan_replay(engine, options.replay, kCommand, plan)) return code;
  // JSON Lines and CSV are for programs: no totals line after the transitions.
  const bool structured = options.format != "text";
  const std::string format = options.format;
  // Notes go to standard error in their place among the transitions.
  engine.on_note([](const std::string& note) {
    std::fflush(stdout);
    fmt::print(stderr, "note: {}\n", note);
  });
  if (!options.jetstream.url.empty()) {
    JetStreamOptions jetstream = options.jetstream;
    if (jetstream.subject.empty()) jetstream.subjects = worker_subjects(options.worker, engine);
    jetstream.batch = options.checkpoint_events;
    if (format == "csv") fmt::print("{}\n", format_transition_csv_header());
    const int code = consume_jetstream(engine, plan, jetstream, [format](const Transition& t) {
      return format_transition(t, format);
    });
    // A drained stream ended as a log does: its totals follow, as after `proviso run`.
    if (code == kExitOk && jetstream.drain && !structured && options.worker.worker.empty()) {
      print_totals(engine);
      print_paid(engine);
    }
    return code;
  }
  if (options.follow) {
    FollowOptions follow;
    follow.checkpoint = options.checkpoint;
    follow.checkpoint_events = options.checkpoint_events;
    follow.checkpoint_interval =
        std::chrono::milliseconds(static_cast<std::int64_t>(options.checkpoint_seconds * 1000));
    follow.wall_clock = options.clock == "wall";
    if (format == "csv") follow.header = format_transition_csv_header();
    return follow_logs(engine, inputs.logs, plan, follow, [format](const Transition& transition) {
      return format_transition(transition, format);
    });
  }
  std::string error;
  if (!options.resume.empty()) {
    std::ifstream in(options.resume, std::ios::binary);
    if (!in) return usage_error(kCommand, fmt::format("cannot read {}", options.resume));
    std::ostringstream saved;
    saved << in.rdbuf();
    Diagnostics refused;
    if (!engine.restore_state(saved.str(), refused, options.resume)) {
      // One line, `file:line: why` (the whole state's problems name the file alone).
      const Diagnostic& why = refused.front();
      return usage_error(kCommand, why.span.line > 0 ? fmt::format("{}:{}: {}", options.resume,
                                                                   why.span.line, why.message)
                                                     : why.message);
    }
  }
  if (!plan.at) {
    if (format == "csv") fmt::print("{}\n", format_transition_csv_header());
    engine.on_transition([format](const Transition& transition) {
      fmt::print("{}\n", format_transition(transition, format));
    });
  }
  if (const int code = replay_logs(engine, inputs.logs, plan)) return code;
  if (plan.at) print_state(engine, *plan.at);
  // A worker's totals would be its share's alone.
  if ((!structured || plan.at) && options.worker.worker.empty()) {
    print_totals(engine);
    print_paid(engine);
  }
  if (!options.save_state.empty() &&
      !write_atomically(options.save_state, engine.save_state(), error)) {
    // The replay ran; the failure is the system's (a full disk, a folder without write
    // permission), not the command line's.
    std::fflush(stdout);
    fmt::print(stderr, "proviso {}: {}\n", kCommand, error);
    return kExitContractErrors;
  }
  return kExitOk;
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  auto* command =
      app.add_subcommand("run", "Replay event logs through contracts and print every state change");
  command
      ->add_option("inputs", options->replay.inputs,
                   "Contract files (.proviso) and logs (.jsonl, .json, .csv; - for standard input)")
      ->required();
  command
      ->add_option("--format", options->format,
                   "Output: text (a readable timeline), jsonl (one JSON object per change) or csv "
                   "(a header row, then one row per change)")
      ->check(CLI::IsMember({"text", "jsonl", "csv"}));
  add_replay_options(*command, options->replay,
                     "Print the state of every clause and metric at this time (2027-03-31 or "
                     "2027-03-31T12:00Z) instead of the timeline");
  command->add_option(
      "--save-state", options->save_state,
      "Write the engine's state at the end to this file (atomically: the old file stays "
      "whole until the new one is complete)");
  command->add_option("--resume", options->resume, "Continue from a state saved by --save-state");
  command->add_flag("--follow", options->follow,
                    "After the logs' end, keep reading what is appended to them (and notice a "
                    "rotated or truncated log) until SIGINT or SIGTERM (docs/live.md)");
  command
      ->add_option("--clock", options->clock,
                   "With --follow: events (time moves with the events, the default) or wall "
                   "(deadlines also fire at their wall-clock instant)")
      ->check(CLI::IsMember({"events", "wall"}));
  command->add_option("--checkpoint", options->checkpoint,
                      "With --follow: save the state and the logs' positions to this file "
                      "(atomically), and continue from it when it exists");
  command->add_option("--checkpoint-events", options->checkpoint_events,
                      "Save the checkpoint after this many events (default 1000)");
  command->add_option("--checkpoint-seconds", options->checkpoint_seconds,
                      "Save the checkpoint this long after the last save, if anything changed "
                      "(default 5)");
  add_worker_options(*command, options->worker);
  add_jetstream_options(*command, options->jetstream);
  command->footer(
      "Logs replay merged by timestamp; ties keep the order of the files, then line order.\n"
      "A timestamp going backwards within a log is an error unless --reorder allows it.\n"
      "Exit codes: 0 ok, 1 contract errors or a failure while running (a calculation, writing "
      "the state), 2 usage, 3 bad event data.");
  command->callback([options] { set_exit_code(run(*options)); });
}

}  // namespace proviso::cli
