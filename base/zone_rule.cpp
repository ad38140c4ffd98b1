#include "base/zone_rule.hpp"

#include <date/ptz.h>

#include <chrono>
#include <exception>

namespace proviso::detail {

bool expand_posix_rule(const std::string& rule, std::int64_t from, std::int64_t to,
                       int& offset_at_from, std::vector<std::int64_t>& at,
                       std::vector<int>& offsets) {
  try {
    const Posix::time_zone zone{rule};
    date::sys_seconds time{std::chrono::seconds{from}};
    date::sys_info info = zone.get_info(time);
    offset_at_from = static_cast<int>(info.offset.count());
    int previous = offset_at_from;
    while (info.end.time_since_epoch().count() < to && info.end > time) {
      time = info.end;
      info = zone.get_info(time);
      const int offset = static_cast<int>(info.offset.count());
      if (offset == previous) continue;
      at.push_back(time.time_since_epoch().count());
      offsets.push_back(offset);
      previous = offset;
    }
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace proviso::detail
