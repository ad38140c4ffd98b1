// The compiled plan as text, for tests and reviews: each program's flat steps with their
// operands named (clauses, states, metrics, constants), one step a line, in a stable form.
#pragma once

#include <string>

#include "plan/plan.hpp"

namespace proviso {

/// One program's steps, one a line, each indented by `indent`.
std::string print_program(const ContractPlan& plan, const Program& program,
                          const std::string& indent = "  ");

/// The whole plan: metrics, clauses (stages, deadline, grant), day windows and splits;
/// `schemas` (those the plan was compiled with) name the events and fields metrics read.
std::string print_plan(const ContractPlan& plan, const EventSchemas& schemas);

}  // namespace proviso
