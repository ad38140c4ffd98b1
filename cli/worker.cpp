#include "cli/worker.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/replay.hpp"
#include "run/share.hpp"
#include "run/subjects.hpp"

namespace proviso::cli {

void add_worker_options(CLI::App& command, WorkerOptions& options) {
  command.add_option("--worker", options.worker,
                     "K/N: run only the K-th of N shares of the contracts (by contract title, or "
                     "instance key; docs/live.md)");
  command.add_option("--subject-template", options.subject_template,
                     "How events are published to subjects, e.g. 'events.{type}.{symbol}' "
                     "(docs/live.md)");
  command.add_flag("--print-subjects", options.print_subjects,
                   "Print the subjects this worker's contracts need (with --subject-template), "
                   "one a line, and stop");
}

int start_worker(std::string_view command, const WorkerOptions& options, Engine& engine) {
  std::string error;
  if (!options.worker.empty()) {
    const auto share = parse_worker_share(options.worker, error);
    if (!share) return usage_error(command, error);
    engine.set_share(*share);
  }
  if (options.print_subjects && options.subject_template.empty()) {
    return usage_error(command,
                       "--print-subjects needs --subject-template, e.g. "
                       "--subject-template 'events.{type}.{symbol}'");
  }
  if (!options.subject_template.empty() &&
      !parse_subject_template(options.subject_template, error)) {
    return usage_error(command, error);
  }
  return 0;
}

bool print_subjects(const WorkerOptions& options, const Engine& engine) {
  if (!options.print_subjects) return false;
  std::string error;
  const auto subjects = parse_subject_template(options.subject_template, error);
  for (const std::string& subject : needed_subjects(engine, *subjects)) {
    fmt::print("{}\n", subject);
  }
  return true;
}

std::vector<std::string> worker_subjects(const WorkerOptions& options, const Engine& engine) {
  if (options.subject_template.empty()) return {};
  std::string error;
  return needed_subjects(engine, *parse_subject_template(options.subject_template, error));
}

}  // namespace proviso::cli
