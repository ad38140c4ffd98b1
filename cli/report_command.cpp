// `proviso report CONTRACT… LOG… -o report.html [--at TS]`: replays the logs and writes one
// self-contained HTML file with the clauses, charts and explanations (docs/report.md).
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/replay.hpp"
#include "report/report.hpp"

namespace proviso::cli {

namespace {

struct ReportOptions {
  ReplayOptions replay;
  std::string output;
  std::optional<std::size_t> points;  // by default 1000, or kInstancePoints for a portfolio
};

constexpr std::string_view kCommand = "report";

int report(const ReportOptions& options) {
  SortedInputs inputs;
  if (const int code = read_inputs(kCommand, options.replay, false,
                                   "give a contract file (.proviso) and its logs", inputs)) {
    return code;
  }
  if (std::filesystem::path(options.output).extension() != ".html") {
    return usage_error(kCommand, fmt::format("-o {}: the report is an .html file", options.output));
  }
  Engine engine;
  if (const int code = load_contracts(engine, inputs.contracts, options.replay.instances))
    return code;
  ReplayPlan plan;
  if (const int code = plan_replay(engine, options.replay, kCommand, plan)) return code;
  // A portfolio's instances each keep fewer points, so that memory and the file stay bounded
  // with thousands of them (docs/report.md).
  const std::size_t points =
      options.points.value_or(options.replay.instances.empty() ? 1000 : kInstancePoints);
  ReportRecorder recorder(engine, points);
  const int code = replay_logs(engine, inputs.logs, plan);
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
      ->add_option("inputs", options->replay.inputs,
                   "Contract files (.proviso) and logs (.jsonl, .json, .csv; - for standard input)")
      ->required();
  command->add_option("-o,--output", options->output, "The HTML file to write")->required();
  add_replay_options(*command, options->replay,
                     "Report the state at this time (2027-03-31 or 2027-03-31T12:00Z) instead of "
                     "after the last event");
  command
      ->add_option("--points", options->points,
                   "The most points a metric's chart keeps, besides the instants of changes "
                   "(default 1000; 80 for each instance of a portfolio)")
      ->check(CLI::Range(40, 100000));
  command->footer(
      "Logs replay as with 'proviso run': merged by timestamp, ties in file order.\n"
      "Exit codes: 0 ok, 1 contract errors, 2 usage, 3 bad event data.");
  command->callback([options] { set_exit_code(report(*options)); });
}

}  // namespace proviso::cli
