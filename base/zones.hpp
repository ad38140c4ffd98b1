// The time zones Proviso knows: every zone of the IANA time zone database that the system ships
// (Debian's tzdata, /usr/share/zoneinfo), read through Howard Hinnant's date/tz library, with its
// full history of offsets.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace proviso {

/// One known zone, by its IANA name ("America/New_York", "Europe/London", "UTC").
struct ZoneEntry {
  std::string name;
};

/// Every zone in the system's database, sorted by name; "UTC" is always among them, even on a
/// system without the database.
std::span<const ZoneEntry> known_zones();

namespace detail {

/// One zone's UTC offsets over time, as the database lists them: `initial_offset` (seconds east
/// of UTC) until change_at[0], then change_offset[i] from change_at[i] (UTC seconds) on. The
/// database lists changes up to some year (2037 in Debian's files); `rule` is the POSIX TZ rule
/// the database gives for every later year ("EST5EDT,M3.2.0,M11.1.0"), empty when there is none.
struct ZoneHistory {
  std::string name;
  int initial_offset = 0;
  std::vector<std::int64_t> change_at;
  std::vector<int> change_offset;
  std::string rule;
};

/// The history of the zone named exactly `name`; nullopt when the database has no such zone.
std::optional<ZoneHistory> read_zone_history(std::string_view name);

}  // namespace detail
}  // namespace proviso
