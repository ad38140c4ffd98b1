// The checker's expression typing: names, units, states and operators.
#include <algorithm>

#include <fmt/format.h>

#include <fmt/ranges.h>
#include "base/overloaded.hpp"

#include "base/suggest.hpp"
#include "base/zones.hpp"
#include "check/checker.hpp"

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

// "write 1 GW" when a plain number meets a quantity.
std::string unit_hint(const Type& a, const Type& b, const ast::Expr& number_side) {
  const Type& quantity = a.is(Kind::quantity) ? a : b;
  if (!quantity.is(Kind::quantity)) return {};
  if (!(a.is(Kind::number) || b.is(Kind::number))) return {};
  return fmt::format("give the number its unit, e.g. {} {}", number_side.span.text(),
                     quantity.unit);
}

// A literal the parser already rejected (2026-02-30, a number too large) holds no value: it
// takes the error type, so that nothing more is said about it.
bool rejected_by_parser(const Diagnostics& diagnostics, const Span& span) {
  return std::any_of(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) {
    return d.span.file == span.file && d.span.begin == span.begin && d.span.end == span.end;
  });
}

// -1, 0 or 1 for two constants of one ordered type; nullopt for other values.
std::optional<int> compare_constants(const Value& a, const Value& b) {
  auto sign = [](auto order) { return order < 0 ? -1 : order > 0 ? 1 : 0; };
  if (const auto* x = std::get_if<Decimal>(&a)) {
    if (const auto* y = std::get_if<Decimal>(&b)) return sign(*x <=> *y);
  }
  if (const auto* x = std::get_if<Quantity>(&a)) {
    if (const auto* y = std::get_if<Quantity>(&b)) return sign(x->base_amount <=> y->base_amount);
  }
  if (const auto* x = std::get_if<Date>(&a)) {
    if (const auto* y = std::get_if<Date>(&b)) return sign(*x <=> *y);
  }
  if (const auto* x = std::get_if<Timestamp>(&a)) {
    if (const auto* y = std::get_if<Timestamp>(&b)) return sign(*x <=> *y);
  }
  return std::nullopt;
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
          [&](const ast::NumberLiteral&) { return literal(Type::of(Kind::number)); },
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
            return Type::of(Kind::boolean);
          },
          [&](const ast::AtLeastOfLast& phrase) {
            temporal_only("'on at least M of the last N days'");
            expect_condition(*phrase.condition, scope, "what must hold on those days");
            check_count(*phrase.needed, scope, "the number of days needed");
            check_count(*phrase.window, scope, "the number of days looked at");
            check_period(phrase.period, false);
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

Type Checker::check_name(const ast::Expr& expr, const ast::NameRef& ref, const Scope& scope) {
  const std::string& name = ref.name;
  if (scope.variables) {
    if (const auto it = scope.variables->find(name); it != scope.variables->end()) {
      return it->second;
    }
  }
  if (scope.kind == Scope::Kind::filter && scope.event) {
    const int index = scope.event->field_index(name);
    if (index >= 0) return scope.event->fields[index].type;
  }
  if (const auto let = let_decls_.find(name); let != let_decls_.end()) {
    if (evaluating_lets_.count(name)) {
      error(expr.span, fmt::format("constant {} is defined in terms of itself", name));
      return Type{};
    }
    check_let(*let->second);
    return result_.types.at(let->second->value->id);
  }
  if (const auto metric = result_.metrics.find(name); metric != result_.metrics.end()) {
    switch (scope.kind) {
      case Scope::Kind::metric:
      case Scope::Kind::condition:
      case Scope::Kind::test:
        return metric_type(name, expr.span);
      case Scope::Kind::filter:
        error(expr.span,
              fmt::format("a filter tests the event's own fields; {} is a metric", name));
        return Type{};
      case Scope::Kind::constant:
        error(expr.span, fmt::format("{} is a metric, which changes with events; a constant "
                                     "value is needed here",
                                     name));
        return Type{};
    }
  }
  if (const auto clause = clause_decls_.find(name); clause != clause_decls_.end()) {
    if (scope.kind != Scope::Kind::condition && scope.kind != Scope::Kind::test) {
      error(expr.span, fmt::format("clause {} cannot be used here", name),
            "clause states are used in clause conditions and test expectations");
      return Type{};
    }
    if (families_.count(name)) {
      const auto& range = family_ranges_[name];
      error(expr.span, fmt::format("{} is a family of clauses: say which one, e.g. {}[{}]", name,
                                   name, range.first));
      return Type{};
    }
    return Type::of(Kind::clause);
  }
  // Not declared. Say what it is when it is something else.
  if (result_.events.count(name)) {
    error(expr.span,
          fmt::format("{} is an event type; conditions use metrics computed from events", name),
          fmt::format("declare one, e.g. metric {}_count = count {}", name, name));
    return Type{};
  }
  for (const auto& [event_name, event] : result_.events) {
    if (event.field_index(name) >= 0 && scope.kind != Scope::Kind::filter) {
      error(expr.span, fmt::format("{} is a field of event {}, not a metric", name, event_name),
            fmt::format("declare a metric, e.g. metric latest_{} = latest {}.{}", name, event_name,
                        name));
      return Type{};
    }
  }
  std::vector<std::string> candidates = known_names();
  if (scope.variables) {
    for (const auto& [variable, _] : *scope.variables) candidates.push_back(variable);
  }
  if (scope.kind == Scope::Kind::filter && scope.event) {
    for (const auto& field : scope.event->fields) candidates.push_back(field.name);
  }
  const auto guess = closest_match(name, candidates);
  std::string message = scope.kind == Scope::Kind::filter && scope.event
                            ? fmt::format("event {} has no field {}", scope.event->name, name)
                            : fmt::format("{} is not declared", name);
  error(expr.span, std::move(message),
        guess ? fmt::format("did you mean {}?", *guess) : std::string());
  return Type{};
}

std::vector<std::string> Checker::states_of(const ast::ClauseDecl& decl) const {
  std::vector<std::string> states{"pending"};
  for (const auto& stage : decl.stages) states.push_back(stage.state.text);
  if (decl.holds_while) {
    states.push_back("holding");
    states.push_back("breached");
  }
  // A clause that reaches states lapses at its deadline, and at the contract's expiry.
  const bool expires = contract_.header && contract_.header->expires;
  if (decl.lapse || (expires && !decl.stages.empty())) states.push_back("lapsed");
  return states;
}

const ast::ClauseDecl* Checker::clause_named(const ast::Expr& expr) const {
  if (const auto* ref = std::get_if<ast::NameRef>(&expr.node)) {
    const auto it = clause_decls_.find(ref->name);
    return it == clause_decls_.end() ? nullptr : it->second;
  }
  if (const auto* index = std::get_if<ast::Index>(&expr.node)) {
    if (const auto* ref = std::get_if<ast::NameRef>(&index->object->node)) {
      const auto it = families_.find(ref->name);
      return it == families_.end() ? nullptr : &it->second->clause;
    }
  }
  return nullptr;
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
  const auto unit = result_.units.find(word);
  const DurationWord* duration = duration_word(word);
  if (unit == result_.units.end() && !duration) {
    std::vector<std::string> candidates;
    for (const auto& [name, _] : result_.units) candidates.push_back(name);
    for (const auto& entry : kDurationWords) candidates.emplace_back(entry.word);
    const auto guess = closest_match(word, candidates);
    error(suffixed.word.span, fmt::format("unknown unit '{}'", word),
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
    if (duration->time_kind == "trading") check_period(suffixed.word, false);
    return Type::duration(std::string(duration->time_kind), std::string(duration->unit));
  }
  (void)expr;
  return Type::quantity(unit->second.dimension, word);
}

Type Checker::check_member(const ast::Expr& expr, const ast::Member& member, const Scope& scope) {
  (void)expr;
  const std::string& name = member.member.text;
  // `deployment.vendor` in a filter names the event's own field.
  if (const auto* ref = std::get_if<ast::NameRef>(&member.object->node);
      ref && scope.kind == Scope::Kind::filter && scope.event && ref->name == scope.event->name) {
    set_type(*member.object, Type{});
    const int index = scope.event->field_index(name);
    if (index >= 0) return scope.event->fields[index].type;
    error(member.member.span, fmt::format("event {} has no field {}", ref->name, name));
    return Type{};
  }
  const Type object = check_expr(*member.object, scope);
  if (object.is_error()) return Type{};
  if (object.is(Kind::clause)) {
    const auto states = states_of(*clause_named(*member.object));
    std::vector<std::string> times;
    for (std::size_t i = 1; i < states.size(); ++i) times.push_back(states[i] + "_at");
    if (std::find(times.begin(), times.end(), name) != times.end()) {
      return Type::of(Kind::timestamp);
    }
    const auto guess = closest_match(name, times);
    error(member.member.span,
          fmt::format("{} has no time '{}'; it has {}", member.object->span.text(), name,
                      fmt::join(times, ", ")),
          guess ? fmt::format("did you mean {}?", *guess) : std::string());
    return Type{};
  }
  error(member.member.span, fmt::format("{} is {}, which has no '.{}'", member.object->span.text(),
                                        describe(object), name));
  return Type{};
}

Type Checker::check_index(const ast::Expr& expr, const ast::Index& index, const Scope& scope) {
  const auto* ref = std::get_if<ast::NameRef>(&index.object->node);
  const auto family = ref ? families_.find(ref->name) : families_.end();
  if (family == families_.end()) {
    check_expr(*index.object, scope);
    error(index.object->span, fmt::format("{} is not a family of clauses, so it takes no [ ]",
                                          index.object->span.text()));
    return Type{};
  }
  set_type(*index.object, Type::of(Kind::clause));
  const Type position = check_expr(*index.index, scope);
  if (!position.is_error() && !position.is(Kind::number)) {
    error(index.index->span,
          fmt::format("a family member is chosen by a number, but this is {}", describe(position)));
    return Type{};
  }
  if (scope.kind != Scope::Kind::condition && scope.kind != Scope::Kind::test) {
    error(index.object->span, fmt::format("clause {} cannot be used here", ref->name));
    return Type{};
  }
  // Clause conditions are resolved member by member once every family is known; a test names
  // one member with a constant, checked here.
  const auto range = family_ranges_.find(ref->name);
  if (scope.kind == Scope::Kind::test && range != family_ranges_.end() && !position.is_error()) {
    const auto member = evaluate_integer(*index.index, {}, "a family member's number");
    if (member && (*member < range->second.first || *member > range->second.second)) {
      error(expr.span,
            fmt::format("{}[{}] does not exist: the family runs from {}[{}] to {}[{}]", ref->name,
                        *member, ref->name, range->second.first, ref->name, range->second.second));
      return Type{};
    }
  }
  return Type::of(Kind::clause);
}

Type Checker::check_unary(const ast::Expr& expr, const ast::Unary& unary, const Scope& scope) {
  (void)expr;
  if (unary.op == ast::UnaryOp::negate) {
    const Type operand = check_expr(*unary.operand, scope);
    if (operand.is_error() || operand.is_numeric() || operand.is(Kind::duration)) return operand;
    error(unary.op_span, fmt::format("cannot negate {}", describe(operand)));
    return Type{};
  }
  if (unary.op != ast::UnaryOp::logical_not && scope.kind != Scope::Kind::condition &&
      scope.kind != Scope::Kind::test) {
    error(unary.op_span, "'once' and 'ever' can only be used in a clause's condition");
  }
  const std::string_view word = unary.op == ast::UnaryOp::logical_not ? "not"
                                : unary.op == ast::UnaryOp::once      ? "once"
                                                                      : "ever";
  expect_condition(*unary.operand, scope, fmt::format("what follows '{}'", word));
  return Type::of(Kind::boolean);
}

Type Checker::check_binary(const ast::Expr& expr, const ast::Binary& binary, const Scope& scope) {
  (void)expr;
  if (binary.op == ast::BinaryOp::logical_and || binary.op == ast::BinaryOp::logical_or) {
    const std::string_view word = binary.op == ast::BinaryOp::logical_and ? "and" : "or";
    expect_condition(*binary.lhs, scope, fmt::format("the left side of '{}'", word));
    expect_condition(*binary.rhs, scope, fmt::format("the right side of '{}'", word));
    return Type::of(Kind::boolean);
  }
  const Type lhs = check_expr(*binary.lhs, scope);
  const Type rhs = check_expr(*binary.rhs, scope);
  if (lhs.is_error() || rhs.is_error()) return Type{};
  return ast::is_comparison(binary.op) ? check_comparison(binary, lhs, rhs)
                                       : check_arithmetic(binary, lhs, rhs);
}

Type Checker::check_comparison(const ast::Binary& binary, const Type& lhs, const Type& rhs) {
  const bool equality = binary.op == ast::BinaryOp::equal || binary.op == ast::BinaryOp::not_equal;
  if (lhs.compatible(rhs) && !lhs.is(Kind::clause) && (equality || lhs.is_ordered())) {
    return Type::of(Kind::boolean);
  }
  if (lhs.compatible(rhs) && !lhs.is(Kind::clause)) {
    error(binary.op_span, fmt::format("{} has no order, so '{}' cannot compare it; use == or !=",
                                      describe(lhs), binary.op_span.text()));
    return Type{};
  }
  const ast::Expr& number_side = lhs.is(Kind::number) ? *binary.lhs : *binary.rhs;
  std::string hint = unit_hint(lhs, rhs, number_side);
  if (lhs.is(Kind::clause) || rhs.is(Kind::clause)) {
    hint = "a clause is compared through its state or time, e.g. T1 vested or T1.vested_at";
  }
  error(binary.op_span, fmt::format("cannot compare {} with {}", describe(lhs), describe(rhs)),
        hint);
  return Type{};
}

Type Checker::check_arithmetic(const ast::Binary& binary, const Type& lhs, const Type& rhs) {
  const ast::Expr& number_side = lhs.is(Kind::number) ? *binary.lhs : *binary.rhs;
  auto fail = [&](std::string message) {
    error(binary.op_span, std::move(message), unit_hint(lhs, rhs, number_side));
    return Type{};
  };
  const bool lhs_time = lhs.is(Kind::date) || lhs.is(Kind::timestamp);
  switch (binary.op) {
    case ast::BinaryOp::add:
    case ast::BinaryOp::subtract: {
      const bool add = binary.op == ast::BinaryOp::add;
      if (lhs.compatible(rhs) && (lhs.is_numeric() || lhs.is(Kind::duration))) return lhs;
      if (lhs_time && rhs.is(Kind::duration)) {
        if (lhs.is(Kind::date) && rhs.dimension == "exact" && rhs.unit == "seconds") {
          return fail(fmt::format("cannot {} {} {} a date: dates move in days, months or years",
                                  add ? "add" : "subtract", describe(rhs), add ? "to" : "from"));
        }
        return lhs;
      }
      if (add && lhs.is(Kind::duration) && (rhs.is(Kind::date) || rhs.is(Kind::timestamp))) {
        return rhs;
      }
      if (!add && lhs_time && lhs.compatible(rhs)) return Type::duration("exact", "days");
      return add ? fail(fmt::format("cannot add {} to {}", describe(rhs), describe(lhs)))
                 : fail(fmt::format("cannot subtract {} from {}", describe(rhs), describe(lhs)));
    }
    case ast::BinaryOp::multiply:
      if (lhs.is(Kind::number) && (rhs.is_numeric() || rhs.is(Kind::duration))) return rhs;
      if (rhs.is(Kind::number) && (lhs.is_numeric() || lhs.is(Kind::duration))) return lhs;
      return fail(fmt::format("cannot multiply {} by {}", describe(lhs), describe(rhs)));
    case ast::BinaryOp::divide:
      if (rhs.is(Kind::number) && (lhs.is_numeric() || lhs.is(Kind::duration))) return lhs;
      if (lhs.compatible(rhs) && (lhs.is(Kind::quantity) || lhs.is(Kind::duration))) {
        return Type::of(Kind::number);
      }
      return fail(fmt::format("cannot divide {} by {}", describe(lhs), describe(rhs)));
    case ast::BinaryOp::equal:
    case ast::BinaryOp::not_equal:
    case ast::BinaryOp::less:
    case ast::BinaryOp::less_equal:
    case ast::BinaryOp::greater:
    case ast::BinaryOp::greater_equal:
    case ast::BinaryOp::logical_and:
    case ast::BinaryOp::logical_or:
      break;
  }
  throw std::logic_error("check_arithmetic: not an arithmetic operator");
}

Type Checker::check_band(const ast::Band& band, const Scope& scope) {
  const Type value = check_expr(*band.value, scope);
  const Type low = check_expr(*band.low, scope);
  const Type high = check_expr(*band.high, scope);
  if (value.is_error() || low.is_error() || high.is_error()) return Type{};
  for (const Type* end : {&low, &high}) {
    if (!value.compatible(*end) || !value.is_ordered()) {
      const ast::Expr& side = end == &low ? *band.low : *band.high;
      error(side.span, fmt::format("cannot compare {} with {}", describe(value), describe(*end)),
            unit_hint(value, *end, side));
      return Type{};
    }
  }
  // Constant ends written the wrong way round make a band nothing can be in.
  if (!scope.variables) {
    const auto low_value = evaluate(*band.low, {});
    const auto high_value = evaluate(*band.high, {});
    const auto order =
        low_value && high_value ? compare_constants(*low_value, *high_value) : std::nullopt;
    if (order && (*order > 0 || (*order == 0 && band.high_excluded))) {
      error(band.op_span,
            fmt::format("nothing is in the band {} {} {}: its low end is not below its high end",
                        band.low->span.text(), band.high_excluded ? "..<" : "..",
                        band.high->span.text()),
            "write the lower value first");
      return Type{};
    }
  }
  return Type::of(Kind::boolean);
}

Type Checker::check_count(const ast::Expr& count, const Scope& scope, std::string_view what) {
  const Type type = check_expr(count, scope);
  if (type.is_error()) return type;
  if (!type.is(Kind::number)) {
    error(count.span,
          fmt::format("{} must be a plain number, but this is {}", what, describe(type)));
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
