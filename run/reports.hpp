// Internal to the engine: the reports a contract has read (events with an `id`), kept so that
// copies count once and corrections find what they replace (corrections.cpp); state_io.cpp
// saves and restores them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "run/runtime.hpp"

namespace proviso {

// A report's latest figure, at the instant of the report it first was (which places it in its
// period), and the line that gave that figure.
struct Report {
  Event figure;
  std::string where;
  std::vector<std::vector<FieldSlot>> earlier;  // the figures corrections replaced
};

// An event type the contract declares with an `id`.
struct ReportType {
  std::uint32_t id = 0;                   // its fields' indices in the schema
  std::optional<std::uint32_t> corrects;  //
  std::vector<std::uint32_t> compared;    // the fields the contract declares, for copies
  std::unordered_map<std::string, std::size_t> by_id;  // every id, a correction's too
  std::vector<Report> reports;
};

/// A contract's reports, by event type, and its closed periods' metric states.
struct ReportBook {
  std::vector<std::optional<ReportType>> types;  // by event type
  // (rule, period) → the states of the rule's period metrics when the period ended, by metric.
  std::map<std::pair<std::uint32_t, std::int64_t>, std::map<std::uint32_t, MetricState>> closed;
  bool resumed = false;  // resumed from a state, which keeps reports but no closed periods
};

}  // namespace proviso
