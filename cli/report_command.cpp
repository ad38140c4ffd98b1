// `proviso report CONTRACT… LOG… -o report.html [--at TS]`: replays the logs and writes one
// self-contained HTML file with the clauses, charts and explanations (docs/report.md).
#include <filesystem>
#include <fstream>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/replay.hpp"
#include "report/report.hpp"

namespace proviso::cli {

namespace {

struct ReportOptions {
  std::vector<std::string> inputs;
  std::string output;
  std::string at;
  std::size_t points = 1000;
};

constexpr std::string_view kCommand = "report";

int report(const ReportOptions& options) {
  const SortedInputs inputs = sort_inputs(options.inputs);
  if (inputs.contracts.empty()) {
    return usage_error(kCommand, "give a contract file (.proviso) and its logs");
  }
  if (!inputs.words.empty()) {
    return usage_error(kCommand,
                       fmt::format("{} is neither a contract (.proviso) nor a log (.jsonl, .json, "
                                   ".csv)",
                                   inputs.words.front()));
  }
  if (std::filesystem::path(options.output).extension() != ".html") {
    return usage_error(kCommand, fmt::format("-o {}: the report is an .html file", options.output));
  }
  Engine engine;
  if (const int code = load_contracts(engine, inputs.contracts)) return code;
  std::string error;
  std::optional<Timestamp> at;
  if (!options.at.empty() && !(at = parse_instant(options.at, engine.timezone(), error))) {
    return usage_error(kCommand, fmt::format("--at {}: {}", options.at, error));
  }
  ReportRecorder recorder(engine, options.points);
  const int code = replay_logs(
      engine, inputs.logs, at, [&recorder](const Event& event) { recorder.after_event(event); },
      kCommand);
  if (code != kExitOk) return code;
  ReportData data = recorder.finish();
  data.contract_files = inputs.contracts;
  data.log_files = inputs.logs;
  const std::string html = render_report_html(data);
  std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
  out << html;
  out.flush();
  if (!out) return usage_error(kCommand, fmt::format("cannot write {}", options.output));
  fmt::print("wrote {} ({} KB)\n", options.output, (html.size() + 1023) / 1024);
  return kExitOk;
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto options = std::make_shared<ReportOptions>();
  auto* command = app.add_subcommand(
      "report", "Replay logs and write a self-contained HTML report with charts");
  command
      ->add_option("inputs", options->inputs,
                   "Contract files (.proviso) and logs (.jsonl, .json, .csv)")
      ->required();
  command->add_option("-o,--output", options->output, "The HTML file to write")->required();
  command->add_option("--at", options->at,
                      "Report the state at this time (2027-03-31 or 2027-03-31T12:00Z) instead of "
                      "after the last event");
  command
      ->add_option("--points", options->points,
                   "The most points a metric's chart keeps, besides the instants of changes "
                   "(default 1000)")
      ->check(CLI::Range(40, 100000));
  command->footer("Exit codes: 0 ok, 1 contract errors, 2 usage, 3 bad event data.");
  command->callback([options] { set_exit_code(report(*options)); });
}

}  // namespace proviso::cli
