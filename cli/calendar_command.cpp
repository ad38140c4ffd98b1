#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>

#include "base/suggest.hpp"
#include "cli/commands.hpp"
#include "stdlib/calendar.hpp"

namespace proviso::cli {

namespace {

struct CalendarArguments {
  std::string name;
  std::string year;
};

int run_calendar(const CalendarArguments& arguments) {
  const std::optional<TradingCalendar> calendar = find_stdlib_calendar(arguments.name);
  if (!calendar) {
    const std::vector<std::string> names = stdlib_calendar_names();
    const auto guess = closest_match(arguments.name, names);
    fmt::print(stderr, "proviso: unknown calendar '{}' ({})\n", arguments.name,
               guess ? fmt::format("did you mean {}?", *guess)
                     : fmt::format("the calendars are {}", fmt::join(names, ", ")));
    return kExitUsage;
  }
  const std::string& text = arguments.year;
  const bool digits =
      !text.empty() && text.size() <= 4 &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  const int year = digits ? std::stoi(text) : 0;
  if (year < 1400) {
    fmt::print(stderr, "proviso: '{}' is not a year from 1400 to 9999\n", text);
    return kExitUsage;
  }
  for (const Holiday& holiday : calendar->holidays(year)) {
    fmt::print("{} {}\n", format_date(holiday.date), holiday.name);
  }
  return kExitOk;
}

}  // namespace

void add_calendar_command(CLI::App& app) {
  auto* command =
      app.add_subcommand("calendar", "List a trading calendar's holidays and closings in a year");
  auto arguments = std::make_shared<CalendarArguments>();
  command->add_option("name", arguments->name, "A stdlib calendar, e.g. NYSE")->required();
  command->add_option("year", arguments->year, "A year from 1400 to 9999")->required();
  command->footer(
      "Prints one line per day the exchange is closed on a weekday, as 'YYYY-MM-DD name', in\n"
      "date order; a holiday on a weekend appears on the day it is observed, if any.\n"
      "Exit codes: 0 ok, 2 an unknown calendar, a year outside 1400..9999 or wrong usage.");
  command->callback([arguments] { set_exit_code(run_calendar(*arguments)); });
}

}  // namespace proviso::cli
