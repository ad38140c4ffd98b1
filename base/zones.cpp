#include "base/zones.hpp"

#include <array>

namespace proviso {
namespace {

// Rule syntax (boost/date_time/local_time/posix_time_zone.hpp):
//   STD±hh[:mm] [DST±hh[:mm],Mm.w.d/hh:mm,Mm.w.d/hh:mm]
// The first offset is standard time from UTC, the second how far DST moves the clock. "Mm.w.d" is
// weekday d (0 = Sunday) of week w (5 = last) of month m; the start time is local standard
// time, the end time local daylight time, as in POSIX. Abbreviations must be letters only, hence
// BRT and SGT where the IANA data writes "-03" and "+08".
// clang-format off
constexpr std::array kZones{
    ZoneEntry{"America/Chicago",     "CST-06CDT+01,M3.2.0/02:00,M11.1.0/02:00"},
    ZoneEntry{"America/Los_Angeles", "PST-08PDT+01,M3.2.0/02:00,M11.1.0/02:00"},
    ZoneEntry{"America/New_York",    "EST-05EDT+01,M3.2.0/02:00,M11.1.0/02:00"},
    ZoneEntry{"America/Sao_Paulo",   "BRT-03"},  // no DST since 2019
    ZoneEntry{"America/Toronto",     "EST-05EDT+01,M3.2.0/02:00,M11.1.0/02:00"},
    ZoneEntry{"Asia/Dubai",          "GST+04"},
    ZoneEntry{"Asia/Hong_Kong",      "HKT+08"},
    ZoneEntry{"Asia/Kolkata",        "IST+05:30"},
    ZoneEntry{"Asia/Seoul",          "KST+09"},
    ZoneEntry{"Asia/Shanghai",       "CST+08"},
    ZoneEntry{"Asia/Singapore",      "SGT+08"},
    ZoneEntry{"Asia/Tokyo",          "JST+09"},
    ZoneEntry{"Australia/Sydney",    "AEST+10AEDT+01,M10.1.0/02:00,M4.1.0/03:00"},
    ZoneEntry{"Europe/Amsterdam",    "CET+01CEST+01,M3.5.0/02:00,M10.5.0/03:00"},
    ZoneEntry{"Europe/Berlin",       "CET+01CEST+01,M3.5.0/02:00,M10.5.0/03:00"},
    // IANA models Irish winter time as negative DST; the offsets are London's, so the rule is too.
    ZoneEntry{"Europe/Dublin",       "GMT+00IST+01,M3.5.0/01:00,M10.5.0/02:00"},
    ZoneEntry{"Europe/London",       "GMT+00BST+01,M3.5.0/01:00,M10.5.0/02:00"},
    ZoneEntry{"Europe/Paris",        "CET+01CEST+01,M3.5.0/02:00,M10.5.0/03:00"},
    ZoneEntry{"Europe/Zurich",       "CET+01CEST+01,M3.5.0/02:00,M10.5.0/03:00"},
    ZoneEntry{"UTC",                 "UTC+00"},
};
// clang-format on

}  // namespace

std::span<const ZoneEntry> known_zones() {
  return kZones;
}

}  // namespace proviso
