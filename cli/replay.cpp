#include "cli/replay.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "events/read_ahead.hpp"
#include "testing/contract_tests.hpp"

namespace proviso::cli {

namespace {

// Standard output is buffered and standard error is not: what was printed so far goes out
// before any message, so that the two read in order when they share a terminal or a file.
template <typename... Args>
void print_error(fmt::format_string<Args...> format, Args&&... args) {
  std::fflush(stdout);
  fmt::print(stderr, format, std::forward<Args>(args)...);
}

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

}  // namespace

// Nothing is skipped or passed over silently: each log says how many lines it skipped (and the
// first few) and how many events of undeclared types it passed over. After a replay that did
// not fail, a log without a single event says so: an empty file, or the wrong one, would
// otherwise replay to the same result as a quiet month. (Every log's first line is read even when
// --at stops the replay early.)
void report_reading(
    const MergedEvents& events, bool finished,
    const std::function<std::uint64_t(std::uint32_t log, std::uint64_t line)>& file_line) {
  for (const auto& reader : events.readers()) {
    if (finished && reader->good_lines() == 0) {
      print_error("{}: the log holds no events\n", reader->file());
    }
    if (reader->skipped_lines() > 0) {
      const auto skipped = reader->skipped_lines();
      const auto shown = reader->first_skipped().size();
      print_error("{}: skipped {} bad line{}{}:\n", reader->file(), skipped,
                  skipped == 1 ? "" : "s",
                  shown < skipped ? fmt::format("; the first {}", shown) : "");
      for (ReadError error : reader->first_skipped()) {
        if (file_line && error.line > 0) error.line = file_line(reader->log_index(), error.line);
        print_error("  {}\n", render(error));
      }
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

namespace {

// Whether every log among `inputs` is a regular file (standard input never counts as one).
bool all_regular_files(const std::vector<std::string>& inputs) {
  for (const std::string& log : sort_inputs(inputs).logs) {
    struct stat file {};
    if (log == "-" || ::stat(log.c_str(), &file) != 0 || !S_ISREG(file.st_mode)) return false;
  }
  return true;
}

// Whether a second core looks free: the machine has two or more and the load average of the
// last minute leaves one idle. On a machine kept busy by other work, the second thread was
// measured to make W1's replay slower, not faster (bench/README.md).
bool has_idle_core() {
  const unsigned cores = std::thread::hardware_concurrency();
  double load = 0;
  return cores >= 2 && ::getloadavg(&load, 1) == 1 && load < cores - 1.0;
}

}  // namespace

void add_replay_options(CLI::App& command, ReplayOptions& options, const std::string& at_help) {
  command.add_option("--instances", options.instances,
                     "Instantiate the template contract (one with 'parameters') once per row of "
                     "this file: CSV with a header row, or JSON Lines (.jsonl)");
  command
      .add_option("--input-format", options.input_format, "Format of standard input: jsonl or csv")
      ->check(CLI::IsMember({"jsonl", "csv"}));
  command.add_option("--at", options.at, at_help);
  command.add_option("--until", options.until,
                     "After the logs, move the clock to this time so deadlines up to it fire");
  command.add_option("--reorder", options.reorder,
                     "Accept events up to this late within a log (30s, 15min, 2h, 1d) and replay "
                     "them in time order");
  command.add_flag("--skip-bad-lines", options.skip_bad_lines,
                   "Skip malformed lines, and report how many and where at the end");
  command.add_flag("--strict", options.strict,
                   "Make an event of a type no contract declares an error, not a count");
  command
      .add_option("--threads", options.threads,
                  "1: read the logs on the replaying thread; 2: read them ahead on a second one "
                  "(the default when a second core is idle and the logs are files)")
      ->check(CLI::Range(1, 2));
}

SortedInputs sort_inputs(const std::vector<std::string>& inputs) {
  SortedInputs sorted;
  for (const std::string& input : inputs) {
    if (std::filesystem::path(input).extension() == ".proviso") {
      sorted.contracts.push_back(input);
    } else if (input == "-" || format_from_extension(input)) {
      sorted.logs.push_back(input);
    } else {
      sorted.words.push_back(input);
    }
  }
  return sorted;
}

int read_inputs(std::string_view command, const ReplayOptions& options, bool words_allowed,
                std::string_view no_contract, SortedInputs& inputs) {
  inputs = sort_inputs(options.inputs);
  if (!words_allowed && !inputs.words.empty()) {
    return usage_error(command, fmt::format("{} is neither a contract (.proviso) nor a log "
                                            "(.jsonl, .json, .csv, or - for standard "
                                            "input with --input-format)",
                                            inputs.words.front()));
  }
  // `proviso run contracts/*.proviso …` names the contracts' test files too: they are for
  // `proviso test`, and replaying one as a contract would fail on its first `test`.
  std::erase_if(inputs.contracts, [&](const std::string& path) {
    if (!is_test_file_name(path)) return false;
    print_error("proviso {}: {} is a test file, passed over (run it with proviso test)\n", command,
                path);
    return true;
  });
  if (inputs.contracts.empty()) return usage_error(command, std::string(no_contract));
  const bool reads_stdin =
      std::find(inputs.logs.begin(), inputs.logs.end(), "-") != inputs.logs.end();
  if (reads_stdin && options.input_format.empty()) {
    return usage_error(command, "reading standard input needs --input-format jsonl or csv");
  }
  return kExitOk;
}

std::optional<Timestamp> parse_instant(const std::string& text, const std::string& zone_name,
                                       std::string& error) {
  const TimeZone zone = TimeZone::find(zone_name).value_or(*TimeZone::find("UTC"));
  std::optional<Timestamp> instant;
  if (text.size() == 10) {
    const auto date = parse_date(text);
    if (const auto* day = std::get_if<Date>(&date)) {
      instant = zone.start_of_day(*day);
    } else {
      error = std::get<TimeParseError>(date).reason;
    }
  } else {
    const auto parsed = parse_timestamp(text);
    if (const auto* ts = std::get_if<ParsedTimestamp>(&parsed)) {
      instant = to_instant(*ts, zone);
    } else {
      error = std::get<TimeParseError>(parsed).reason;
    }
  }
  // An offset or a zone can carry a date at the ends of the range past them; every time the
  // replay prints must be one it can print.
  try {
    if (instant) format_utc(*instant);
  } catch (const std::out_of_range&) {
    error = "this instant is outside the supported dates, 1400-01-01 to 9999-12-31 in UTC";
    return std::nullopt;
  }
  return instant;
}

int usage_error(std::string_view command, const std::string& message) {
  print_error("proviso {}: {}\n", command, message);
  return kExitUsage;
}

int runtime_error(const RuntimeError& failure) {
  print_error("{}  while processing {}\n", render(failure.diagnostic()), failure.cause());
  return kExitContractErrors;
}

int load_contracts(Engine& engine, const std::vector<std::string>& contracts,
                   const std::string& instances) {
  Diagnostics diagnostics;
  bool instantiated = false;
  for (const std::string& path : contracts) {
    // A template is told apart by its `parameters`; parsing it twice costs little.
    bool is_template = false;
    if (!instances.empty()) {
      const LoadedContract peek = load_contract_file(path);
      is_template = peek.file && peek.file->parameters.has_value();
    }
    instantiated |= is_template;
    if (is_template ? engine.load_template_file(path, instances, diagnostics)
                    : engine.load_file(path, diagnostics)) {
      continue;
    }
    std::fflush(stdout);
    // A contract that cannot be read is a usage error, as for `proviso check`.
    if (diagnostics.size() == 1 && !diagnostics.front().span.file) {
      std::fputs(render(diagnostics).c_str(), stderr);
      return kExitUsage;
    }
    std::size_t errors = 0;
    for (const auto& d : diagnostics) errors += d.severity == Severity::error ? 1 : 0;
    std::fputs(render(diagnostics).c_str(), stderr);
    fmt::print(stderr, "{}: {} error{}; nothing was replayed\n", path, errors,
               errors == 1 ? "" : "s");
    return kExitContractErrors;
  }
  if (!instances.empty() && !instantiated) {
    return usage_error("run", fmt::format("--instances {}: none of the contracts declares "
                                          "parameters, so none has instances",
                                          instances));
  }
  return kExitOk;
}

int plan_replay(const Engine& engine, const ReplayOptions& options, std::string_view command,
                ReplayPlan& plan) {
  plan.read.skip_bad_lines = options.skip_bad_lines;
  plan.read.strict_types = options.strict;
  if (!options.input_format.empty()) {
    plan.stdin_format = options.input_format == "csv" ? LogFormat::csv : LogFormat::jsonl;
  }
  if (!options.reorder.empty()) {
    plan.read.reorder_window_micros = parse_window(options.reorder);
    if (!plan.read.reorder_window_micros) {
      return usage_error(command,
                         fmt::format("--reorder {}: give a duration such as 30s, 15min, 2h or 1d",
                                     options.reorder));
    }
  }
  plan.read_ahead = options.threads == 2 ||
                    (options.threads == 0 && has_idle_core() && all_regular_files(options.inputs));
  std::string error;
  if (!options.at.empty() && !(plan.at = parse_instant(options.at, engine.timezone(), error))) {
    return usage_error(command, fmt::format("--at {}: {}", options.at, error));
  }
  if (!options.until.empty() &&
      !(plan.until = parse_instant(options.until, engine.timezone(), error))) {
    return usage_error(command, fmt::format("--until {}: {}", options.until, error));
  }
  return kExitOk;
}

int replay_logs(Engine& engine, const std::vector<std::string>& logs, const ReplayPlan& plan) {
  // Into a pipe (`tail -f log | proviso run c.proviso - | …`) each line goes out as it is
  // printed, so whoever reads sees a change when it happens; a file or terminal keeps the
  // default buffering.
  if (struct stat out{};
      ::fstat(STDOUT_FILENO, &out) == 0 && (S_ISFIFO(out.st_mode) || S_ISSOCK(out.st_mode))) {
    std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);
  }
  MergedEvents events;
  std::vector<std::string> names;
  for (std::uint32_t i = 0; i < logs.size(); ++i) {
    ReadError open_error;
    auto reader = EventReader::open(logs[i], logs[i] == "-" ? plan.stdin_format : std::nullopt,
                                    engine.schemas(), i, plan.read, open_error);
    if (!reader) {
      print_error("{}\n", render(open_error));
      return kExitUsage;
    }
    names.push_back(reader->file());
    events.add(std::move(reader));
  }
  engine.set_log_names(names);
  engine.set_skip_bad_reports(plan.read.skip_bad_lines);
  const std::optional<Timestamp> resumed_at = engine.now();
  Event event;
  try {
    // The loop below stops after the first event past --at; reading ahead stops there too.
    std::optional<ReadAhead> ahead;
    if (plan.read_ahead) ahead.emplace(events, plan.at);
    const auto next = [&] { return ahead ? ahead->next(event) : events.next(event); };
    while (next()) {
      if (resumed_at && event.ts < *resumed_at) {
        print_error("{}:{}: error: this event ({}) is earlier than the resumed state's time {}\n",
                    names[event.log], event.line, format_utc(event.ts), format_utc(*resumed_at));
        return kExitBadData;
      }
      if (plan.at && event.ts > *plan.at) break;
      engine.feed(event);
    }
    ahead.reset();  // the reading thread has ended: the counts are final
    if (events.error()) {
      report_reading(events, false);
      print_error("{}\n", render(*events.error()));
      return kExitBadData;
    }
    if (plan.at) {
      engine.advance_to(*plan.at);
    } else if (plan.until) {
      engine.advance_to(*plan.until);
    }
  } catch (const RuntimeError& failure) {
    return runtime_error(failure);
  }
  report_reading(events, true);
  return kExitOk;
}

}  // namespace proviso::cli
