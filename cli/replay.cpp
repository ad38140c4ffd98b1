#include "cli/replay.hpp"

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "events/read_events.hpp"

namespace proviso::cli {

SortedInputs sort_inputs(const std::vector<std::string>& inputs) {
  SortedInputs sorted;
  for (const std::string& input : inputs) {
    if (std::filesystem::path(input).extension() == ".proviso") {
      sorted.contracts.push_back(input);
    } else if (format_from_extension(input)) {
      sorted.logs.push_back(input);
    } else {
      sorted.words.push_back(input);
    }
  }
  return sorted;
}

std::optional<Timestamp> parse_instant(const std::string& text, const std::string& zone_name,
                                       std::string& error) {
  const TimeZone zone = TimeZone::find(zone_name).value_or(*TimeZone::find("UTC"));
  if (text.size() == 10) {
    const auto date = parse_date(text);
    if (const auto* day = std::get_if<Date>(&date)) return zone.start_of_day(*day);
    error = std::get<TimeParseError>(date).reason;
    return std::nullopt;
  }
  const auto parsed = parse_timestamp(text);
  if (const auto* ts = std::get_if<ParsedTimestamp>(&parsed)) return to_instant(*ts, zone);
  error = std::get<TimeParseError>(parsed).reason;
  return std::nullopt;
}

int usage_error(std::string_view command, const std::string& message) {
  std::fflush(stdout);
  fmt::print(stderr, "proviso {}: {}\n", command, message);
  return kExitUsage;
}

int load_contracts(Engine& engine, const std::vector<std::string>& contracts) {
  Diagnostics diagnostics;
  for (const std::string& path : contracts) {
    if (engine.load_file(path, diagnostics)) continue;
    std::size_t errors = 0;
    for (const auto& d : diagnostics) errors += d.severity == Severity::error ? 1 : 0;
    std::fputs(render(diagnostics).c_str(), stderr);
    fmt::print(stderr, "{}: {} error{}; nothing was replayed\n", path, errors,
               errors == 1 ? "" : "s");
    return kExitContractErrors;
  }
  return kExitOk;
}

int replay_logs(Engine& engine, const std::vector<std::string>& logs,
                const std::optional<Timestamp>& at,
                const std::function<void(const Event&)>& after_event, std::string_view command) {
  MergedEvents events;
  std::vector<std::string> names;
  for (std::uint32_t i = 0; i < logs.size(); ++i) {
    ReadError open_error;
    auto reader =
        EventReader::open(logs[i], std::nullopt, engine.schemas(), i, ReadOptions{}, open_error);
    if (!reader) {
      fmt::print(stderr, "{}\n", render(open_error));
      return kExitUsage;
    }
    names.push_back(reader->file());
    events.add(std::move(reader));
  }
  engine.set_log_names(names);
  Event event;
  try {
    while (events.next(event)) {
      if (at && event.ts > *at) break;
      engine.feed(event);
      if (after_event) after_event(event);
    }
    if (events.error()) {
      std::fflush(stdout);
      fmt::print(stderr, "{}\n", render(*events.error()));
      return kExitBadData;
    }
    if (at) engine.advance_to(*at);
  } catch (const RuntimeError& failure) {
    std::fflush(stdout);
    fmt::print(stderr, "{}  while processing {}\nproviso {}: stopped\n",
               render(failure.diagnostic()), failure.cause(), command);
    return kExitContractErrors;
  }
  return kExitOk;
}

}  // namespace proviso::cli
