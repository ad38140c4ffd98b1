// Folding: a part of a condition that only does arithmetic on constants and a template's
// parameters (`80% * conversion_price`, `issue_date - 1 trading day + 1 trading day`) has one
// value per instance, yet a plain program would work it out again at every event. Each largest
// such part becomes one Op::folded step; the runtime works its value out the first time an
// instance needs it and keeps it (run/evaluate.cpp). Only steps whose result depends on nothing
// but the plan and the instance fold: the zone and the calendar a shift by trading days reads are
// the contract's own, while the clock, events, metrics, clause states and splits never fold.
#include <algorithm>

#include "plan/compiler.hpp"

namespace proviso::detail {

namespace {

// How many values a step takes from the stack.
std::uint32_t operand_count(const Step& step) {
  switch (step.op) {
    case Op::constant:
    case Op::parameter:
    case Op::load_metric:
    case Op::load_field:
    case Op::clause_state:
    case Op::clause_time:
    case Op::now:
    case Op::window:
    case Op::folded:
      return 0;
    case Op::negate:
    case Op::logical_not:
    case Op::latch:
    case Op::adjust_price:
    case Op::adjust_shares:
    case Op::time_before:
    case Op::time_by:
    case Op::time_after:
      return 1;
    case Op::add:
    case Op::subtract:
    case Op::multiply:
    case Op::divide:
    case Op::compare:
    case Op::logical_and:
    case Op::logical_or:
    case Op::within:
      return 2;
    case Op::band:
      return 3;
    case Op::quorum:
      return step.a;
  }
  return 0;
}

bool is_fixed_value(Op op) {
  return op == Op::constant || op == Op::parameter || op == Op::folded;
}

bool is_arithmetic(Op op) {
  return op == Op::add || op == Op::subtract || op == Op::multiply || op == Op::divide ||
         op == Op::negate;
}

// The subtree of steps ending at one step: where it begins, whether it has one value per
// instance, and whether folding it saves any work (it computes something).
struct Part {
  std::size_t begin = 0;
  std::size_t end = 0;  // its last step
  bool fixed = false;
  bool computes = false;
};

}  // namespace

void fold_instance_constants(Program& program, ContractPlan& plan) {
  std::vector<Part> parts;
  std::vector<std::pair<std::size_t, std::size_t>> folds;  // [first, last] step of each
  const auto fold_if_worth = [&](const Part& part) {
    if (part.fixed && part.computes) folds.emplace_back(part.begin, part.end);
  };
  for (std::size_t i = 0; i < program.steps.size(); ++i) {
    const Step& step = program.steps[i];
    const std::uint32_t taken = operand_count(step);
    if (taken > parts.size()) return;  // not a well-formed program: leave it as it is
    Part part{i, i, is_fixed_value(step.op), false};
    if (taken > 0) {
      const std::size_t first = parts.size() - taken;
      part.begin = parts[first].begin;
      part.fixed = is_arithmetic(step.op);
      part.computes = true;
      for (std::size_t k = first; k < parts.size(); ++k) part.fixed = part.fixed && parts[k].fixed;
      // Operands that fold while this step does not are the largest parts that fold.
      if (!part.fixed) {
        for (std::size_t k = first; k < parts.size(); ++k) fold_if_worth(parts[k]);
      }
      parts.resize(first);
    }
    parts.push_back(part);
  }
  for (const Part& part : parts) fold_if_worth(part);
  if (folds.empty()) return;
  std::sort(folds.begin(), folds.end());
  program.written = program.steps;
  std::vector<Step> steps;
  std::size_t next = 0;
  for (const auto& [first, last] : folds) {
    steps.insert(steps.end(), program.written.begin() + static_cast<std::ptrdiff_t>(next),
                 program.written.begin() + static_cast<std::ptrdiff_t>(first));
    Program part;
    part.steps.assign(program.written.begin() + static_cast<std::ptrdiff_t>(first),
                      program.written.begin() + static_cast<std::ptrdiff_t>(last + 1));
    const ast::NodeId node = program.written[last].node;
    part.source = node < plan.nodes.size() ? plan.nodes[node] : nullptr;
    plan.folds.push_back(std::move(part));
    steps.push_back(
        Step{Op::folded, static_cast<std::uint32_t>(plan.folds.size() - 1), 0, 0, node});
    next = last + 1;
  }
  steps.insert(steps.end(), program.written.begin() + static_cast<std::ptrdiff_t>(next),
               program.written.end());
  program.steps = std::move(steps);
}

}  // namespace proviso::detail
