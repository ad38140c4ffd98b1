// `proviso run --worker K/N`, `--subject-template` and `--print-subjects`: one worker of several
// that share the contracts (run/share.hpp, run/subjects.hpp; docs/live.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "run/engine.hpp"

namespace CLI {
class App;
}

namespace proviso::cli {

struct WorkerOptions {
  std::string worker;            // "K/N"; empty: every contract
  std::string subject_template;  // "events.{type}.{symbol}"
  bool print_subjects = false;
};

/// Adds --worker, --subject-template and --print-subjects.
void add_worker_options(CLI::App& command, WorkerOptions& options);

/// Before the contracts are loaded: reads --worker and --subject-template and gives the engine
/// its share. Prints a usage error and returns its exit code when one is wrong, else 0.
int start_worker(std::string_view command, const WorkerOptions& options, Engine& engine);

/// After loading, with --print-subjects: prints the subjects the loaded contracts need, one a
/// line, and returns true (the command then ends with exit code 0).
bool print_subjects(const WorkerOptions& options, const Engine& engine);

/// With --from and --subject-template and no --subject: the subjects the (worker's) contracts
/// need, one consumer each; empty without --subject-template (every subject).
std::vector<std::string> worker_subjects(const WorkerOptions& options, const Engine& engine);

}  // namespace proviso::cli
