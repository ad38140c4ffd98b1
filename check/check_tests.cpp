// The checker's steps for trading calendars and for the tests written beside clauses.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/overloaded.hpp"
#include "base/suggest.hpp"
#include "check/checker.hpp"
#include "stdlib/calendar.hpp"

namespace proviso {

namespace {

constexpr const auto& kMonths = kMonthNames;
constexpr const auto& kWeekdays = kWeekdayNames;
constexpr const auto& kOrdinals = kOrdinalNames;
constexpr int kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

template <std::size_t N>
int position_in(std::string_view word, const std::string_view (&words)[N]) {
  for (std::size_t i = 0; i < N; ++i) {
    if (words[i] == word) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

void Checker::check_calendar(const ast::CalendarDecl& decl) {
  auto& known = result_.calendars;
  if (std::find(known.begin(), known.end(), decl.name.text) != known.end()) {
    error(decl.name.span, fmt::format("calendar {} is declared twice", decl.name.text));
    return;
  }
  known.push_back(decl.name.text);
  auto expect_word = [&](const ast::Name& name, const auto& words, std::string_view what) {
    if (position_in(name.text, words) >= 0) return true;
    const auto guess = closest_match(name.text, words);
    error(name.span, fmt::format("'{}' is not {}", name.text, what),
          guess ? fmt::format("did you mean {}?", *guess) : std::string());
    return false;
  };
  for (const ast::Name& day : decl.weekend) expect_word(day, kWeekdays, "a weekday");
  for (const ast::HolidayRule& rule : decl.holidays) {
    std::visit(overloaded{
                   [&](const ast::FixedDay& fixed) {
                     if (expect_word(fixed.month, kMonths, "a month") &&
                         (fixed.day < 1 ||
                          fixed.day > kDaysInMonth[position_in(fixed.month.text, kMonths)])) {
                       error(fixed.day_span,
                             fmt::format("{} has no day {}", fixed.month.text, fixed.day));
                     }
                   },
                   [&](const ast::NthWeekday& nth) {
                     expect_word(nth.ordinal, kOrdinals, "an ordinal (first … fifth, last)");
                     expect_word(nth.weekday, kWeekdays, "a weekday");
                     expect_word(nth.month, kMonths, "a month");
                   },
                   [&](const ast::EasterOffset& easter) {
                     if (easter.unit && easter.unit->text != "days" && easter.unit->text != "day") {
                       error(easter.unit->span,
                             "an offset from Easter is counted in days, e.g. Easter - 2 days");
                     }
                   },
               },
               rule.date);
    if (rule.from_year && rule.until_year && *rule.until_year < *rule.from_year) {
      error(rule.years_span, fmt::format("the holiday's years run backwards: from {} until {}",
                                         *rule.from_year, *rule.until_year));
    }
  }
}

void Checker::check_test(const ast::TestDecl& decl) {
  if (decl.name.value.empty()) error(decl.name.span, "a test needs a name");
  // A parameterised test's variables are typed as a family's are; each case runs on its own.
  std::map<std::string, Type> variables;
  std::vector<Bindings> cases{Bindings{}};
  if (!decl.bindings.empty()) {
    cases = expand_family(decl.bindings, variables);
    result_.test_cases[decl.span.begin] = cases;
  }
  const Scope scope{Scope::Kind::test, nullptr, decl.bindings.empty() ? nullptr : &variables};
  auto expect_instant = [&](const ast::Expr& expr) {
    const Type type = check_expr(expr, scope);
    if (!type.is_error() && !type.is(Kind::date) && !type.is(Kind::timestamp)) {
      error(expr.span,
            fmt::format("expected a date or a timestamp, but this is {}", describe(type)));
    }
  };
  for (const ast::TestItem& item : decl.items) {
    std::visit(
        [&](const auto& body) {
          using T = std::decay_t<decltype(body)>;
          if constexpr (std::is_same_v<T, ast::GivenEvents>) {
            const Scope values{Scope::Kind::constant, nullptr, scope.variables};
            for (const auto& event : body.events) check_given_event(event, values, cases);
          } else if constexpr (std::is_same_v<T, ast::GivenLog>) {
            if (body.path.value.empty()) error(body.path.span, "the log's path is empty");
          } else if constexpr (std::is_same_v<T, ast::ClockAdvance>) {
            expect_instant(*body.to);
          } else if constexpr (std::is_same_v<T, ast::Expectation>) {
            expect_condition(*body.condition, scope, "what a test expects");
            if (body.at) expect_instant(*body.at);
          } else if constexpr (std::is_same_v<T, ast::ExpectedError>) {
            if (body.text.value.empty())
              error(body.text.span, "the expected error's text is empty");
          } else if constexpr (std::is_same_v<T, ast::ExpectedGranted>) {
            const Scope values{Scope::Kind::constant, nullptr, scope.variables};
            const Type type = check_expr(*body.amount, values);
            if (!type.is_error() && !type.is(Kind::quantity) && !type.is(Kind::number)) {
              error(body.amount->span,
                    fmt::format("the total {} is an amount or a number, but this is {}",
                                body.paid ? "paid" : "granted", describe(type)),
                    body.paid ? "e.g. expect paid 25_000 USD"
                              : "e.g. expect granted 53_333_334 shares");
            } else if (!type.is_error()) {
              for (const Bindings& row : cases) evaluate(*body.amount, row);
            }
            if (body.at) expect_instant(*body.at);
          } else if constexpr (std::is_same_v<T, ast::ExpectedTimeline>) {
            if (body.path.value.empty()) error(body.path.span, "the timeline's path is empty");
          } else {
            static_assert(ast::unhandled<T>, "check_test: a test item kind is not handled");
          }
        },
        item.item);
  }
}

void Checker::check_given_event(const ast::GivenEvent& event, const Scope& scope,
                                const std::vector<Bindings>& cases) {
  const auto found = result_.events.find(event.type.text);
  if (found == result_.events.end()) {
    std::vector<std::string> names;
    for (const auto& [name, _] : result_.events) names.push_back(name);
    const auto guess = closest_match(event.type.text, names);
    error(event.type.span, fmt::format("event type {} is not declared", event.type.text),
          guess ? fmt::format("did you mean {}?", *guess) : std::string());
    return;
  }
  const EventInfo& info = found->second;
  std::vector<std::string> given;
  bool unknown_field = false;
  for (const ast::FieldValue& field : event.fields) {
    const int index = info.field_index(field.field.text);
    if (index < 0) {
      std::vector<std::string> names;
      for (const auto& f : info.fields) names.push_back(f.name);
      const auto guess = closest_match(field.field.text, names);
      error(field.field.span, fmt::format("event {} has no field {}", info.name, field.field.text),
            guess           ? fmt::format("did you mean {}?", *guess)
            : names.empty() ? std::string()
                            : fmt::format("its fields are {}", fmt::join(names, ", ")));
      unknown_field = true;
      continue;
    }
    if (std::find(given.begin(), given.end(), field.field.text) != given.end()) {
      error(field.field.span, fmt::format("field {} is given twice", field.field.text));
      continue;
    }
    given.push_back(field.field.text);
    const Type& expected = info.fields[index].type;
    const Type actual = check_expr(*field.value, scope);
    if (actual.is_error() || expected.is_error()) continue;
    // A plain number is read in the field's own unit, as in a log: mw=600 is 600 MW.
    const bool fits =
        expected.compatible(actual) || (expected.is(Kind::quantity) && actual.is(Kind::number));
    if (!fits) {
      error(field.value->span, fmt::format("field {}.{} holds {}, but this is {}", info.name,
                                           field.field.text, describe(expected), describe(actual)));
    } else {
      for (const Bindings& row : cases) evaluate(*field.value, row);
    }
  }
  // A misspelt field is also a missing one: it is reported once, as misspelt.
  if (unknown_field) return;
  for (const FieldInfo& field : info.fields) {
    if (std::find(given.begin(), given.end(), field.name) == given.end()) {
      error(event.span,
            fmt::format("this {} event does not give its field {}", info.name, field.name),
            fmt::format("add {}=…", field.name));
    }
  }
}

}  // namespace proviso
