// The portfolio part of the HTML report (docs/report.md): for a template's instances, a summary
// table with one row per instance, sortable and filterable by a small inline script, whose
// keys link to each instance's details. Internal to report/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.hpp"
#include "report/report.hpp"

namespace proviso {

/// The CSS class of a state's badge and marker: met, pending, lapsed or breached.
std::string state_class(std::string_view state);
/// A state as a coloured badge.
std::string state_badge(std::string_view state);

/// An instance's key as an element id: letters, digits, '-' and '_' kept, any other byte
/// written `_XX` (hex), so that ids are unique and the same for the same key.
std::string instance_id(std::string_view key);

/// Each clause of an instance with its state's badge: "SoftCall triggered, Reset pending".
std::string instance_badges(const ContractReport& instance);

struct PortfolioFacts {
  std::optional<Timestamp> as_of;
  std::uint64_t events = 0;
};

/// The portfolio's header, cards and summary table (with its script), for instances of one
/// template in load order.
std::string portfolio_summary_html(const std::vector<const ContractReport*>& instances,
                                   const PortfolioFacts& facts, const TimeZone& zone);

}  // namespace proviso
