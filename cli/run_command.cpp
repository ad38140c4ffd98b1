// `proviso run CONTRACTS… LOGS…`: replays logs through contracts and prints the timeline.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
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

#include "cli/commands.hpp"
#include "cli/replay.hpp"
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
};

constexpr std::string_view kCommand = "run";

// Writes `text` to `path` so that `path` is always either its old content or all of `text`:
// a temporary file beside it (the same file system, so the rename is atomic), flushed to the
// disk, renamed over `path`, and the directory flushed so the rename itself survives a crash.
// On failure the temporary file is removed and `path` is untouched.
bool write_atomically(const std::string& path, const std::string& text, std::string& error) {
  const std::string temporary = path + ".tmp";
  auto fail = [&](std::string_view step, int code) {
    error = fmt::format("cannot save the state: {} {}: {}", step, temporary, std::strerror(code));
    return false;
  };
  // A temporary file left by a killed save is replaced, never written through: were it a
  // link, writing into it would change the file it points to.
  ::unlink(temporary.c_str());
  const int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return fail("cannot create", errno);
  std::size_t written = 0;
  int code = 0;
  while (written < text.size() && code == 0) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno != EINTR) code = errno;
    if (n > 0) written += static_cast<std::size_t>(n);
  }
  const char* step = "cannot write";
  if (code == 0 && ::fsync(fd) != 0) {
    code = errno;
    step = "cannot flush";
  }
  if (::close(fd) != 0 && code == 0) {
    code = errno;
    step = "cannot close";
  }
  if (code == 0 && std::rename(temporary.c_str(), path.c_str()) != 0) {
    code = errno;
    std::remove(temporary.c_str());
    error = fmt::format("cannot save the state: cannot rename {} to {}: {}", temporary, path,
                        std::strerror(code));
    return false;
  }
  if (code != 0) {
    std::remove(temporary.c_str());
    return fail(step, code);
  }
  // The rename is durable once the directory is: flush it (best effort: some file systems
  // refuse to open a directory for this, and the file itself is complete either way).
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  const int dir = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return true;
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

int run(const RunOptions& options) {
  SortedInputs inputs;
  if (const int code = read_inputs(kCommand, options.replay, false,
                                   "give at least one contract file (.proviso)", inputs)) {
    return code;
  }
  Engine engine;
  if (const int code = load_contracts(engine, inputs.contracts, options.replay.instances))
    return code;
  ReplayPlan plan;
  if (const int code = plan_replay(engine, options.replay, kCommand, plan)) return code;
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
  const bool json = options.format == "jsonl";
  if (!plan.at) {
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
  if (const int code = replay_logs(engine, inputs.logs, plan)) return code;
  if (plan.at) print_state(engine, *plan.at);
  if (!json || plan.at) print_totals(engine);
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
  command->add_option("--format", options->format, "Output: text (a readable timeline) or jsonl")
      ->check(CLI::IsMember({"text", "jsonl"}));
  add_replay_options(*command, options->replay,
                     "Print the state of every clause and metric at this time (2027-03-31 or "
                     "2027-03-31T12:00Z) instead of the timeline");
  command->add_option(
      "--save-state", options->save_state,
      "Write the engine's state at the end to this file (atomically: the old file stays "
      "whole until the new one is complete)");
  command->add_option("--resume", options->resume, "Continue from a state saved by --save-state");
  command->footer(
      "Logs replay merged by timestamp; ties keep the order of the files, then line order.\n"
      "A timestamp going backwards within a log is an error unless --reorder allows it.\n"
      "Exit codes: 0 ok, 1 contract errors or a failure while running (a calculation, writing "
      "the state), 2 usage, 3 bad event data.");
  command->callback([options] { set_exit_code(run(*options)); });
}

}  // namespace proviso::cli
