#include "base/zones.hpp"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <fstream>
#include <iterator>

namespace proviso {
namespace {

// Where Debian's tzdata installs the compiled zones, which date/tz reads when built with
// USE_OS_TZDB (as Debian builds libdate-tz).
constexpr std::string_view kZoneInfoDir = "/usr/share/zoneinfo/";

// The last line of a version 2+ TZif file is the POSIX TZ rule for the years after its last
// listed transition (RFC 8536, section 3.3); date/tz does not apply it, so it is read here.
std::string footer_rule(const std::string& name) {
  std::ifstream file(std::string(kZoneInfoDir) + name, std::ios::binary);
  const std::string content{std::istreambuf_iterator<char>(file), {}};
  if (content.size() < 2 || content.back() != '\n') return {};
  const std::size_t start = content.rfind('\n', content.size() - 2);
  if (start == std::string::npos) return {};
  return content.substr(start + 1, content.size() - start - 2);
}

}  // namespace

std::span<const ZoneEntry> known_zones() {
  static const std::vector<ZoneEntry> zones = [] {
    std::vector<ZoneEntry> names;
    try {
      for (const date::time_zone& zone : date::get_tzdb().zones) {
        names.push_back(ZoneEntry{std::string(zone.name())});
      }
    } catch (const std::exception&) {
      // No database on this system: only UTC, which needs none.
    }
    if (std::none_of(names.begin(), names.end(),
                     [](const ZoneEntry& e) { return e.name == "UTC"; })) {
      names.push_back(ZoneEntry{"UTC"});
    }
    std::sort(names.begin(), names.end(),
              [](const ZoneEntry& a, const ZoneEntry& b) { return a.name < b.name; });
    return names;
  }();
  return zones;
}

namespace detail {

std::optional<ZoneHistory> read_zone_history(std::string_view name) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(name);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  ZoneHistory history;
  history.name = std::string(name);
  using date::sys_seconds;
  // Well before 1400, the first supported year: every zone is on local mean time by then.
  sys_seconds time{std::chrono::seconds{-30'000'000'000}};
  date::sys_info info = zone->get_info(time);
  history.initial_offset = static_cast<int>(info.offset.count());
  int previous = history.initial_offset;
  // date/tz marks "no later change" with an end in the year 32767.
  const sys_seconds never{std::chrono::seconds{900'000'000'000}};
  while (info.end < never && info.end > time) {
    time = info.end;
    info = zone->get_info(time);
    const int offset = static_cast<int>(info.offset.count());
    if (offset == previous) continue;  // only the abbreviation or the DST flag changed
    history.change_at.push_back(time.time_since_epoch().count());
    history.change_offset.push_back(offset);
    previous = offset;
  }
  history.rule = footer_rule(std::string(zone->name()));
  return history;
}

}  // namespace detail
}  // namespace proviso
