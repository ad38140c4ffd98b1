// The program W2 is compared against: W2 (../shared/bench/w2/README.md) written by hand for this
// one job, as the README describes the program it measured (simdjson On-Demand, integer cents, a
// hash map from symbol to notes, per-session totals per symbol, a bit mask of met sessions per
// note). bench/w2/bench.sh builds it, checks its answer against reference_w2.py and runs it next
// to `proviso run` on the same log, so the ratio is measured on the machine as it is then.
//   w2_hand OUT_DIR      reads OUT_DIR/notes.csv and OUT_DIR/events.jsonl, prints the answer
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

using i128 = __int128;

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
int days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int weekday(int days) {
  return (days + 4) % 7;
}  // 0 Sunday

int digits(std::string_view s, std::size_t at, std::size_t n) {
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) v = v * 10 + (s[at + i] - '0');
  return v;
}

int parse_date(std::string_view s) {
  return days_from_civil(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2));
}

// "2026-07-01T14:30:00.123Z" -> milliseconds since the epoch.
std::int64_t parse_ts(std::string_view s) {
  const std::int64_t day = parse_date(s);
  return ((day * 24 + digits(s, 11, 2)) * 60 + digits(s, 14, 2)) * 60000 + digits(s, 17, 2) * 1000 +
         digits(s, 20, 3);
}

// "12.34" -> 1234.
std::int64_t cents(std::string_view s) {
  std::int64_t v = 0;
  int decimals = -1;
  for (const char c : s) {
    if (c == '.') {
      decimals = 0;
      continue;
    }
    v = v * 10 + (c - '0');
    if (decimals >= 0) ++decimals;
  }
  for (; decimals < 2; ++decimals) v *= 10;
  return v;
}

// New York: UTC-4 from 2:00 local on the second Sunday of March to 2:00 on the first Sunday of
// November, else UTC-5.
struct NewYork {
  std::unordered_map<int, std::pair<std::int64_t, std::int64_t>> summer;  // year -> [start, end) ms
  std::pair<std::int64_t, std::int64_t> for_year(int year) {
    auto found = summer.find(year);
    if (found != summer.end()) return found->second;
    const int march1 = days_from_civil(year, 3, 1);
    const int second_sunday = march1 + (7 - weekday(march1)) % 7 + 7;
    const int nov1 = days_from_civil(year, 11, 1);
    const int first_sunday = nov1 + (7 - weekday(nov1)) % 7;
    const std::pair<std::int64_t, std::int64_t> range{
        (std::int64_t{second_sunday} * 24 + 7) * 3600000,
        (std::int64_t{first_sunday} * 24 + 6) * 3600000};
    summer.emplace(year, range);
    return range;
  }
  std::int64_t offset_ms(std::int64_t utc_ms, int year) {
    const auto [start, end] = for_year(year);
    return (utc_ms >= start && utc_ms < end ? -4 : -5) * 3600000LL;
  }
  int local_day(std::int64_t utc_ms, int year) {
    const std::int64_t local = utc_ms + offset_ms(utc_ms, year);
    return static_cast<int>(local >= 0 ? local / 86400000 : (local - 86399999) / 86400000);
  }
  // 16:00 New York on `day`.
  std::int64_t at_four(int day, int year) {
    const std::int64_t guess = (std::int64_t{day} * 24 + 20) * 3600000;  // summer
    return guess + (offset_ms(guess, year) == -4 * 3600000LL ? 0 : 3600000);
  }
};

constexpr int kFirstDay = 20089;  // 2025-01-01
constexpr int kLastDay = 22000;   // 2030-03-26, past every session the logs hold
const char* const kHolidays[] = {
    "2025-01-01", "2025-01-09", "2025-01-20", "2025-02-17", "2025-04-18", "2025-05-26",
    "2025-06-19", "2025-07-04", "2025-09-01", "2025-11-27", "2025-12-25", "2026-01-01",
    "2026-01-19", "2026-02-16", "2026-04-03", "2026-05-25", "2026-06-19", "2026-07-03",
    "2026-09-07", "2026-11-26", "2026-12-25", "2027-01-01", "2027-01-18", "2027-02-15",
    "2027-03-26", "2027-05-31", "2027-06-18", "2027-07-05", "2027-09-06", "2027-11-25",
    "2027-12-24"};

struct Clause {
  bool triggered = false;
  std::string ts;
};

struct Note {
  std::string name;
  int symbol = 0;
  std::int64_t cp = 0;  // cents
  int issue = 0, first_session = 0;
  std::int64_t maturity = 0;   // ms
  std::int64_t principal = 0;  // cents
  std::int64_t converted = 0;
  std::uint64_t met = 0;  // bit i: the session i sessions before `met_session` met 130%
  int met_session = -1;
  Clause soft, reset, full;
};

// A symbol's trades per New York day: Σ px × qty (cents) and Σ qty, in a ring of recent days.
struct DayTotal {
  int day = -1;
  i128 amount = 0;
  std::int64_t qty = 0;
};
struct Symbol {
  std::vector<int> notes;
  std::array<DayTotal, 16> ring{};  // 5 sessions span at most 9 days
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: w2_hand OUT_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  // Sessions: index by day.
  std::vector<int> session_of(kLastDay - kFirstDay + 1, -1);
  std::vector<int> holidays;
  for (const char* h : kHolidays) holidays.push_back(parse_date(h));
  for (int d = kFirstDay, s = 0; d <= kLastDay; ++d) {
    const int w = weekday(d);
    if (w == 0 || w == 6 || std::find(holidays.begin(), holidays.end(), d) != holidays.end())
      continue;
    session_of[d - kFirstDay] = s++;
  }
  auto session = [&](int day) { return session_of[day - kFirstDay]; };
  NewYork ny;

  std::vector<Note> notes;
  std::unordered_map<std::string, int> note_index, symbol_index;
  std::vector<Symbol> symbols;
  {
    std::ifstream in(dir + "/notes.csv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::vector<std::string> cells;
      std::stringstream row(line);
      for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
      Note n;
      n.name = cells[0];
      auto [it, added] = symbol_index.emplace(cells[1], static_cast<int>(symbols.size()));
      if (added) symbols.emplace_back();
      n.symbol = it->second;
      n.cp = cents(cells[2]);
      n.issue = parse_date(cells[3]);
      n.first_session = n.issue;
      while (session(n.first_session) < 0) ++n.first_session;
      const int maturity_day = parse_date(cells[4]);
      n.maturity = ny.at_four(maturity_day, std::stoi(cells[4].substr(0, 4)));
      n.principal = cents(cells[5]);
      note_index.emplace(n.name, static_cast<int>(notes.size()));
      symbols[n.symbol].notes.push_back(static_cast<int>(notes.size()));
      notes.push_back(std::move(n));
    }
  }

  simdjson::padded_string log;
  if (simdjson::padded_string::load(dir + "/events.jsonl").get(log)) {
    std::fprintf(stderr, "cannot read %s/events.jsonl\n", dir.c_str());
    return 1;
  }
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document_stream stream;
  if (parser.iterate_many(log).get(stream)) return 1;
  std::int64_t last_ts = 0;
  std::string symbol_name;
  for (auto doc : stream) {
    simdjson::ondemand::object event = doc.get_object();
    std::string_view ts_text = event["ts"].get_string();
    const std::string ts(ts_text);
    const std::string_view type = event["type"].get_string();
    const std::int64_t ts_ms = parse_ts(ts);
    last_ts = ts_ms;
    const int year = digits(ts, 0, 4);
    if (type == "conversion") {
      const std::string_view name = event["note"].get_string();
      const std::int64_t shares = event["shares"].get_int64();
      const auto found = note_index.find(std::string(name));
      if (found == note_index.end()) continue;
      Note& n = notes[found->second];
      if (ts_ms >= n.maturity || n.full.triggered) continue;
      n.converted += shares;
      if (static_cast<i128>(n.converted) * n.cp >= n.principal) n.full = {true, ts};
      continue;
    }
    symbol_name = std::string_view(event["symbol"].get_string());
    const auto found = symbol_index.find(symbol_name);
    const std::int64_t px = cents(event["px"].get_string().value());
    if (found == symbol_index.end()) continue;
    Symbol& sym = symbols[found->second];
    const int day = ny.local_day(ts_ms, year);
    const int today = session(day);
    if (type == "close") {
      for (const int i : sym.notes) {
        Note& n = notes[i];
        if (ts_ms >= n.maturity) continue;
        if (n.met_session >= 0) {
          const int shift = today - n.met_session;
          n.met = shift >= 64 ? 0 : n.met << shift;
        }
        n.met_session = today;
        const bool met = day >= n.issue && px * 10 >= n.cp * 13;
        n.met = (n.met & ~std::uint64_t{1}) | (met ? 1 : 0);
        if (!n.soft.triggered && std::popcount(n.met & ((std::uint64_t{1} << 30) - 1)) >= 20) {
          n.soft = {true, ts};
        }
      }
      continue;
    }
    const std::int64_t qty = event["qty"].get_int64();
    DayTotal& slot = sym.ring[static_cast<std::size_t>(day) % sym.ring.size()];
    if (slot.day != day) slot = {day, 0, 0};
    slot.amount += static_cast<i128>(px) * qty;
    slot.qty += qty;
    if (today < 0) continue;
    // The 5 sessions ending with today: their first day.
    int first = day;
    for (int seen = 1; seen < 5 || session(first) < 0;) {
      --first;
      if (session(first) >= 0) ++seen;
    }
    for (const int i : sym.notes) {
      Note& n = notes[i];
      if (n.reset.triggered || ts_ms >= n.maturity || day <= n.first_session) continue;
      i128 amount = 0;
      std::int64_t total = 0;
      for (const DayTotal& t : sym.ring) {
        if (t.day >= std::max(first, n.issue) && t.day <= day) {
          amount += t.amount;
          total += t.qty;
        }
      }
      if (total > 0 && 5 * amount < static_cast<i128>(4) * n.cp * total) n.reset = {true, ts};
    }
  }

  std::vector<int> order(notes.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::sort(order.begin(), order.end(),
            [&](int a, int b) { return notes[a].name < notes[b].name; });
  std::string out = "[";
  bool first_row = true;
  for (const int i : order) {
    const Note& n = notes[i];
    const std::pair<const char*, const Clause*> rows[] = {
        {"FullyConverted", &n.full}, {"Reset", &n.reset}, {"SoftCall", &n.soft}};
    for (const auto& [clause, c] : rows) {
      std::string status, ts = "null";
      if (c->triggered) {
        status = "triggered";
        ts = "\"" + c->ts + "\"";
      } else if (last_ts >= n.maturity) {
        status = "matured";
        const std::int64_t m = n.maturity;
        const int day = static_cast<int>(m / 86400000);
        // Civil date of `day`.
        const int z = day + 719468, era = z / 146097, doe = z - era * 146097;
        const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
        const int d = doy - (153 * mp + 2) / 5 + 1, mo = mp < 10 ? mp + 3 : mp - 9;
        const int y = yoe + era * 400 + (mo <= 2);
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "\"%04d-%02d-%02dT%02d:00:00.000Z\"", y, mo, d,
                      static_cast<int>(m / 3600000 % 24));
        ts = buffer;
      } else {
        status = "pending";
      }
      out += first_row ? "\n" : ",\n";
      first_row = false;
      out += "{\"note\": \"" + n.name + "\", \"clause\": \"" + clause + "\", \"status\": \"" +
             status + "\", \"ts\": " + ts + "}";
    }
  }
  out += "\n]\n";
  std::fputs(out.c_str(), stdout);
  return 0;
}
