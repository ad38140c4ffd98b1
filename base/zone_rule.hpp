// Expanding a POSIX TZ rule ("EST5EDT,M3.2.0,M11.1.0") into its transitions. Internal to base/.
// This header and zone_rule.cpp are C++17: date/ptz.h, the rule parser of the date library, does
// not compile as C++20 (its hh_mm_ss clashes with std::chrono's).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace proviso::detail {

/// The offsets (seconds east of UTC) a POSIX TZ rule gives over [from, to) in UTC seconds:
/// `offset_at_from` in force at `from`, then offsets[i] from at[i] on. False when the rule is
/// one the parser does not read (e.g. transition times outside 0..24 h, as Greenland's).
bool expand_posix_rule(const std::string& rule, std::int64_t from, std::int64_t to,
                       int& offset_at_from, std::vector<std::int64_t>& at,
                       std::vector<int>& offsets);

}  // namespace proviso::detail
