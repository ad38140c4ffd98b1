// The checker's expression typing: one visit over every kind of expression, literals,
// units and durations; names (check_names.cpp) and operators (check_operators.cpp) apart.
#include <algorithm>

#include <fmt/format.h>

#include <fmt/ranges.h>
#include "base/overloaded.hpp"

#include "base/suggest.hpp"
#include "base/zones.hpp"
#include "check/checker.hpp"
#include "grammar/ast_walk.hpp"

namespace proviso {

namespace {

struct DurationWord {
  std::string_view word;
  std::string_view time_kind;  // exact, calendar, trading
  std::string_view unit;       // how the type shows it
};
constexpr DurationWord kDurationWords[] = {
    {"second", "exact", "seconds"},
    {"seconds", "exact", "seconds"},
    {"minute", "exact", "seconds"},
    {"minutes", "exact", "seconds"},
    {"hour", "exact", "seconds"},
    {"hours", "exact", "seconds"},
    {"day", "exact", "days"},
    {"days", "exact", "days"},
    {"week", "exact", "days"},
    {"weeks", "exact", "days"},
    {"month", "calendar", "months"},
    {"months", "calendar", "months"},
    {"year", "calendar", "months"},
    {"years", "calendar", "months"},
    {"trading day", "trading", "trading days"},
    {"trading days", "trading", "trading days"},
};

const DurationWord* duration_word(std::string_view word) {
  for (const auto& entry : kDurationWords) {
    if (entry.word == word) return &entry;
  }
  return nullptr;
}

// A literal the parser already rejected (2026-02-30, a number too large) holds no value: it
// takes the error type, so that nothing more is said about it.
bool rejected_by_parser(const Diagnostics& diagnostics, const Span& span) {
  return std::any_of(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) {
    return d.span.file == span.file && d.span.begin == span.begin && d.span.end == span.end;
  });
}

}  // namespace

Type Checker::expect_condition(const ast::Expr& expr, const Scope& scope, std::string_view role) {
  const Type type = check_expr(expr, scope);
  if (type.is_error() || type.is(Kind::boolean)) return type;
  std::string hint;
  if (type.is(Kind::clause)) {
    hint = fmt::format("name the state, e.g. {} {}", expr.span.text(),
                       states_of(*clause_named(expr)).at(1));
  } else if (type.is(Kind::quantity)) {
    hint = fmt::format("compare it with a threshold, e.g. {} >= 1 {}", expr.span.text(), type.unit);
  } else if (type.is(Kind::number)) {
    hint = fmt::format("compare it with a threshold, e.g. {} >= 1", expr.span.text());
  }
  const std::string what =
      type.is(Kind::quantity) ? fmt::format("an amount in {}", type.unit) : describe(type);
  error(expr.span, fmt::format("{} must be true or false, but this is {}", role, what), hint);
  return Type{};
}

Type Checker::check_expr(const ast::Expr& expr, const Scope& scope) {
  const bool temporal_allowed =
      scope.kind == Scope::Kind::condition || scope.kind == Scope::Kind::test;
  auto temporal_only = [&](std::string_view what) {
    if (!temporal_allowed) {
      error(expr.span, fmt::format("{} can only be used in a clause's condition", what));
    }
  };
  auto literal = [&](Type type) {
    return rejected_by_parser(diagnostics_, expr.span) ? Type{} : type;
  };
  const Type type = std::visit(
      overloaded{
          [&](const ast::NumberLiteral& number) {
            return literal(number.percent ? Type::percentage()
                           : number.ratio ? Type::ratio()
                                          : Type::of(Kind::number));
          },
          [&](const ast::TextLiteral&) { return Type::of(Kind::text); },
          [&](const ast::BoolLiteral&) { return Type::of(Kind::boolean); },
          [&](const ast::DateLiteral&) { return literal(Type::of(Kind::date)); },
          [&](const ast::TimestampLiteral& ts) { return literal(check_timestamp(ts)); },
          [&](const ast::NameRef& ref) { return check_name(expr, ref, scope); },
          [&](const ast::Suffixed& suffixed) { return check_suffixed(expr, suffixed, scope); },
          [&](const ast::Member& member) { return check_member(expr, member, scope); },
          [&](const ast::Index& index) { return check_index(expr, index, scope); },
          [&](const ast::Unary& unary) { return check_unary(expr, unary, scope); },
          [&](const ast::Binary& binary) { return check_binary(expr, binary, scope); },
          [&](const ast::Band& band) { return check_band(band, scope); },
          [&](const ast::Consecutive& phrase) {
            temporal_only("'for N consecutive days'");
            expect_condition(*phrase.condition, scope, "what must hold on consecutive days");
            check_count(*phrase.count, scope, "the number of consecutive days");
            check_period(phrase.period, false);
            check_window_since(phrase.since, scope);
            return Type::of(Kind::boolean);
          },
          [&](const ast::AtLeastOfLast& phrase) {
            temporal_only("'on at least M of the last N days'");
            expect_condition(*phrase.condition, scope, "what must hold on those days");
            check_count(*phrase.needed, scope, "the number of days needed");
            check_count(*phrase.window, scope, "the number of days looked at");
            check_period(phrase.period, false);
            check_window_since(phrase.since, scope);
            if (!scope.variables) {
              const auto needed = evaluate_integer(*phrase.needed, {}, "");
              const auto window = evaluate_integer(*phrase.window, {}, "");
              if (needed && window && *needed > *window) {
                error(phrase.needed->span,
                      fmt::format("{} of the last {} {} can never hold: {} is more than {}",
                                  *needed, *window, phrase.period.text, *needed, *window));
              }
            }
            return Type::of(Kind::boolean);
          },
          [&](const ast::Quorum& quorum) {
            for (const auto& item : quorum.items) {
              expect_condition(*item, scope, "each item of the list");
            }
            if (quorum.needed) {
              check_count(*quorum.needed, scope, "the number of conditions needed");
              const auto needed =
                  scope.variables ? std::nullopt : evaluate_integer(*quorum.needed, {}, "");
              if (needed && *needed > static_cast<std::int64_t>(quorum.items.size())) {
                error(quorum.needed->span,
                      fmt::format("at least {} of {} conditions can never hold", *needed,
                                  quorum.items.size()));
              }
            }
            return Type::of(Kind::boolean);
          },
          [&](const ast::TimeTest& test) {
            const Type instant = check_expr(*test.instant, scope);
            if (!instant.is_error() && !instant.is(Kind::date) && !instant.is(Kind::timestamp)) {
              error(test.instant->span,
                    fmt::format("expected a date or a timestamp here, but this is {}",
                                describe(instant)));
            }
            return Type::of(Kind::boolean);
          },
          [&](const ast::Within& within) {
            const Type duration = check_expr(*within.duration, scope);
            if (!duration.is_error() && !duration.is(Kind::duration)) {
              error(within.duration->span,
                    fmt::format("expected a duration such as 90 days, but this is {}",
                                describe(duration)));
            }
            const Type anchor = check_expr(*within.anchor, scope);
            if (!anchor.is_error() && !anchor.is(Kind::date) && !anchor.is(Kind::timestamp)) {
              error(within.anchor->span,
                    fmt::format("'within … after' needs a date or a timestamp, but this is {}",
                                describe(anchor)),
                    "a clause's time is written T1.vested_at");
            }
            return Type::of(Kind::boolean);
          },
      },
      expr.node);
  set_type(expr, type);
  return type;
}

Type Checker::check_timestamp(const ast::TimestampLiteral& literal) {
  if (literal.zone && !TimeZone::find(literal.zone->text)) {
    std::vector<std::string> names;
    for (const auto& entry : known_zones()) names.emplace_back(entry.name);
    const auto guess = closest_match(literal.zone->text, names);
    error(literal.zone->span, fmt::format("unknown time zone {}", literal.zone->text),
          guess ? fmt::format("did you mean {}?", *guess) : std::string());
    return Type{};
  }
  return Type::of(Kind::timestamp);
}

Type Checker::check_suffixed(const ast::Expr& expr, const ast::Suffixed& suffixed,
                             const Scope& scope) {
  const std::string& word = suffixed.word.text;
  const ast::Expr& operand = *suffixed.operand;
  const Type operand_type = check_expr(operand, scope);
  if (operand_type.is_error()) return Type{};
  if (operand_type.is(Kind::clause)) {
    const auto states = states_of(*clause_named(operand));
    if (std::find(states.begin(), states.end(), word) != states.end()) {
      return Type::of(Kind::boolean);
    }
    const auto guess = closest_match(word, states);
    error(suffixed.word.span,
          fmt::format("{} has no state '{}'; its states are {}", operand.span.text(), word,
                      fmt::join(states, ", ")),
          guess ? fmt::format("did you mean {}?", *guess) : std::string());
    return Type{};
  }
  const UnitWord unit_word = split_unit_word(word);
  const auto unit = result_.units.find(std::string(unit_word.unit));
  const DurationWord* duration = unit_word.per_share ? nullptr : duration_word(word);
  if (unit == result_.units.end() && !duration) {
    std::vector<std::string> candidates;
    for (const auto& [name, _] : result_.units) candidates.push_back(name);
    for (const auto& entry : kDurationWords) candidates.emplace_back(entry.word);
    const auto guess = closest_match(std::string(unit_word.unit), candidates);
    error(suffixed.word.span, fmt::format("unknown unit '{}'", unit_word.unit),
          guess ? fmt::format("did you mean {}?", *guess)
                : std::string("units are declared in the stdlib (MW, GW, USD, shares…) or with "
                              "'unit NAME = AMOUNT'"));
    return Type{};
  }
  if (!operand_type.is(Kind::number)) {
    error(suffixed.word.span,
          fmt::format("'{}' can only follow a plain number, but {} is {}", word,
                      operand.span.text(), describe(operand_type)),
          operand_type.is(Kind::quantity) ? "it already has a unit" : "");
    return Type{};
  }
  if (duration) {
    if (const auto parameter = parameter_read(operand)) {
      error(operand.span,
            fmt::format("the number of {} must be the same for every instance, but {} is a "
                        "parameter",
                        word, *parameter),
            "write a number or a constant (let)");
      return Type{};
    }
    // The plan holds durations as constants: `(k + 1) days` in a family is one, `n days` with
    // a metric n is not.
    if (reads_replay_values(operand, scope)) {
      error(operand.span,
            fmt::format("the number of {} must be known before the replay, but {} changes with "
                        "the events",
                        word, operand.span.text()),
            "write a number, a constant (let) or a family's variable");
      return Type{};
    }
    if (duration->time_kind == "trading") check_period(suffixed.word, false);
    return Type::duration(std::string(duration->time_kind), std::string(duration->unit));
  }
  (void)expr;
  if (unit_word.per_share && !per_share_allowed(unit->second, suffixed.word)) return Type{};
  return Type::quantity(unit->second.dimension, unit->first, unit_word.per_share);
}

bool Checker::reads_replay_values(const ast::Expr& expr, const Scope& scope) const {
  if (const auto* ref = std::get_if<ast::NameRef>(&expr.node)) {
    const bool variable = scope.variables && scope.variables->count(ref->name);
    return !variable && !let_decls_.count(ref->name);
  }
  if (std::holds_alternative<ast::Member>(expr.node) ||
      std::holds_alternative<ast::Index>(expr.node)) {
    return true;  // a clause's time or state
  }
  bool reads = false;
  ast::for_each_child(
      expr, [&](const ast::Expr& child) { reads = reads || reads_replay_values(child, scope); });
  return reads;
}

Type Checker::check_count(const ast::Expr& count, const Scope& scope, std::string_view what) {
  const Type type = check_expr(count, scope);
  if (type.is_error()) return type;
  if (!type.is(Kind::number)) {
    error(count.span,
          fmt::format("{} must be a plain number, but this is {}", what, describe(type)));
    return Type{};
  }
  if (const auto parameter = parameter_read(count)) {
    error(count.span,
          fmt::format("{} must be the same for every instance, but {} is a parameter", what,
                      *parameter),
          "write a number or a constant (let)");
    return Type{};
  }
  if (!scope.variables) {
    const auto value = evaluate_integer(count, {}, what);
    if (value && *value < 1) {
      error(count.span, fmt::format("{} must be at least 1", what));
    }
  }
  return type;
}

void Checker::check_window_since(const std::optional<ast::WindowSince>& since, const Scope& scope) {
  if (!since) return;
  if (!since->date) {
    if (!result_.effective) {
      error(since->span, "'since effective' needs the contract's effective date, and it has none",
            "add 'effective DATE' to the contract header, or write the date: since 2027-01-01");
    }
    return;
  }
  const Type type = check_expr(*since->date, scope);
  if (type.is_error()) return;
  if (!type.is(Kind::date) && !type.is(Kind::timestamp)) {
    error(
        since->date->span,
        fmt::format("the day a window starts from must be a date, but this is {}", describe(type)),
        "write a date, e.g. since 2027-01-01, or since effective");
    return;
  }
  // A template's parameter is known when each instance is loaded.
  if (const auto* ref = std::get_if<ast::NameRef>(&since->date->node)) {
    const int parameter = result_.parameter_index(ref->name);
    if (parameter >= 0) {
      result_.window_first_day_parameters[since->date->id] = static_cast<std::uint32_t>(parameter);
      return;
    }
  }
  // The day is fixed when the contract is loaded: a clause's time is not known then.
  const auto value = evaluate(*since->date, {});
  if (const auto* date = value ? std::get_if<Date>(&*value) : nullptr) {
    result_.window_first_days[since->date->id] = date->days;
  } else if (const auto* ts = value ? std::get_if<Timestamp>(&*value) : nullptr) {
    result_.window_first_days[since->date->id] =
        (zone_ ? *zone_ : *TimeZone::find("UTC")).local_date(*ts).days;
  } else {
    error(since->date->span,
          "the day a window starts from must be known when the contract is loaded",
          "write a date, a timestamp, a 'let' constant or a parameter, e.g. since 2027-01-01");
  }
}

Type Checker::check_period(const ast::Name& period, bool allow_events) {
  const std::string& word = period.text;
  const DurationWord* duration = duration_word(word);
  const bool is_event = word == "events" || word == "event";
  // Day windows count days; a metric's window may also count events or exact time, but not
  // calendar months, whose length varies.
  const bool is_day =
      word == "day" || word == "days" || word == "trading day" || word == "trading days";
  const bool is_exact = duration && duration->time_kind == "exact";
  if (!(is_day || (allow_events && (is_event || is_exact)))) {
    std::vector<std::string> candidates{"days", "trading days"};
    if (allow_events) {
      candidates.insert(candidates.end(), {"events", "weeks", "hours", "minutes", "seconds"});
    }
    const auto guess = closest_match(word, candidates);
    error(period.span,
          fmt::format("'{}' is not a period here; use {}", word, fmt::join(candidates, ", ")),
          guess ? fmt::format("did you mean {}?", *guess) : std::string());
    return Type{};
  }
  if (duration && duration->time_kind == "trading" && result_.calendar.empty()) {
    const bool header_named_one = contract_.header && contract_.header->calendar;
    if (!header_named_one) {
      error(period.span, "trading days need a trading calendar, and this contract names none",
            "add 'calendar NYSE' to the contract header");
    }
    return Type{};
  }
  return is_event ? Type::of(Kind::number)
                  : Type::duration(std::string(duration->time_kind), std::string(duration->unit));
}

}  // namespace proviso
