// A fingerprint of a compiled contract, saved with the engine's state so that resuming with
// an edited contract is refused and the refusal says what changed. It is computed from the
// printed plan (plan/print_plan), cut into parts — the header's dates, zone and calendar,
// each metric, each clause with the day windows it uses, the splits — and each part is
// hashed twice: as printed, and with its constants and counts masked, so that a changed
// threshold can be told from a changed structure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "plan/plan.hpp"

namespace proviso {

struct PlanPart {
  std::string name;         // "clause T1", "metric px", "the effective date"
  std::uint64_t shape = 0;  // its text with constants, thresholds and window sizes masked
  std::uint64_t full = 0;   // its text as printed
};

struct PlanFingerprint {
  std::uint64_t whole = 0;  // of every part's full text, in order
  std::vector<PlanPart> parts;
};

PlanFingerprint fingerprint(const ContractPlan& plan, const EventSchemas& schemas);

/// What differs between the plan a state was saved with and the loaded one, in words
/// ("a threshold or constant of clause Streak changed; metric vol was added"); empty when
/// nothing does.
std::string describe_changes(const PlanFingerprint& saved, const PlanFingerprint& loaded);

}  // namespace proviso
