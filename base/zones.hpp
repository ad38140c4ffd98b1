// The time zones Proviso knows, by IANA name, with the rules they follow today.
#pragma once

#include <span>
#include <string_view>

namespace proviso {

/// One known zone: its IANA name and its current rule as a Boost posix_time_zone string.
/// Boost's sign convention is ISO's (east of Greenwich is +), the reverse of glibc's TZ.
struct ZoneEntry {
  std::string_view name;
  std::string_view posix_rule;
};

/// Every known zone, sorted by name. Only today's rules are modelled: a contract dated before a
/// zone last changed its rules (e.g. Sao Paulo's DST before 2019) sees today's offsets.
std::span<const ZoneEntry> known_zones();

}  // namespace proviso
