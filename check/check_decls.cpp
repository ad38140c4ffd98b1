// The checker's steps for the header, units, events, constants and metrics.
#include <algorithm>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/overloaded.hpp"
#include "base/suggest.hpp"
#include "base/zones.hpp"
#include "check/checker.hpp"
#include "grammar/print_ast.hpp"
#include "stdlib/period.hpp"

namespace proviso {

namespace {

std::string with_hint(std::string_view prefix, const std::optional<std::string>& guess) {
  return guess ? fmt::format("{}did you mean {}?", prefix, *guess) : std::string();
}

}  // namespace

bool Checker::claim_name(const ast::Name& name, std::string_view what) {
  const auto [it, inserted] = declared_.emplace(name.text, name.span);
  if (!inserted) {
    error(
        name.span,
        fmt::format("{} {} is declared twice (first at line {})", what, name.text, it->second.line),
        "give each metric, constant and clause its own name");
  }
  return inserted;
}

void Checker::declare_everything(const ast::File& file, bool is_prelude) {
  for (const auto& declaration : file.declarations) {
    std::visit(
        overloaded{
            [&](const ast::DimensionDecl& dimension) { check_dimension(dimension); },
            [&](const ast::UnitDecl& unit) { check_unit(unit); },
            [&](const ast::CurrencyDecl& currency) { check_currency(currency); },
            [&](const ast::EventDecl& event) { check_event(event); },
            [&](const ast::CalendarDecl& calendar) { check_calendar(calendar); },
            [&](const ast::LetDecl& let) {
              if (claim_name(let.name, "constant")) let_decls_[let.name.text] = &let;
            },
            [&](const ast::MetricDecl& metric) {
              if (claim_name(metric.name, "metric")) {
                result_.metrics[metric.name.text] = MetricInfo{metric.name.text, &metric, Type{}};
              }
            },
            [&](const ast::ClauseDecl& clause) {
              if (clause.family_variable) {
                error(clause.family_variable->span,
                      fmt::format("{}[{}] uses a variable, but no 'for each {} in …' gives its "
                                  "values",
                                  clause.name.text, clause.family_variable->text,
                                  clause.family_variable->text),
                      fmt::format("write 'for each {} in 1..N' on the line before the clause",
                                  clause.family_variable->text));
              } else if (claim_name(clause.name, "clause")) {
                clause_decls_[clause.name.text] = &clause;
              }
            },
            [&](const ast::FamilyDecl& family) {
              if (claim_name(family.clause.name, "clause family")) {
                clause_decls_[family.clause.name.text] = &family.clause;
                families_[family.clause.name.text] = &family;
              }
            },
            // Tests and splits declare no name; they are checked with the bodies.
            [](const ast::one_of<ast::TestDecl, ast::SplitsDecl> auto&) {},
        },
        declaration);
  }
  if (!is_prelude && contract_.header && contract_.header->calendar) {
    const ast::Name& calendar = *contract_.header->calendar;
    const auto& known = result_.calendars;
    if (std::find(known.begin(), known.end(), calendar.text) == known.end()) {
      error(
          calendar.span, fmt::format("calendar {} is not declared", calendar.text),
          with_hint("", closest_match(calendar.text, known)) +
              (known.empty() ? "" : fmt::format(" Known calendars: {}.", fmt::join(known, ", "))));
    } else {
      result_.calendar = calendar.text;
    }
  }
}

void Checker::check_header(const ast::File& file) {
  zone_ = TimeZone::find("UTC");
  if (!file.header) {
    Span start{file.source, 0, 0, 1, 1};
    error(start, "a contract file starts with its name, e.g. contract \"AMD–OpenAI warrant\"",
          "only stdlib files may leave out the contract header");
    return;
  }
  const ast::Header& header = *file.header;
  result_.title = header.title.value;
  if (header.title.value.empty()) error(header.title.span, "the contract's name is empty");
  if (header.timezone) {
    if (auto zone = TimeZone::find(header.timezone->value)) {
      zone_ = zone;
      result_.timezone = std::string(zone->name());
    } else {
      std::vector<std::string> names;
      for (const auto& entry : known_zones()) names.emplace_back(entry.name);
      error(header.timezone->span, fmt::format("unknown time zone \"{}\"", header.timezone->value),
            with_hint("", closest_match(header.timezone->value, names)) +
                " Time zones are IANA names such as \"America/New_York\" or \"Europe/London\".");
    }
  }
  const Scope constant{};
  auto instant = [&](const ast::ExprPtr& expr, std::string_view role) -> std::optional<Timestamp> {
    if (!expr) return std::nullopt;
    const Type type = check_expr(*expr, constant);
    if (!type.is_error() && !type.is(Kind::date) && !type.is(Kind::timestamp)) {
      error(expr->span,
            fmt::format("the {} date must be a date or a timestamp, not {}", role, describe(type)));
      return std::nullopt;
    }
    return type.is_error() ? std::nullopt : evaluate_instant(*expr, {});
  };
  result_.effective = instant(header.effective, "effective");
  result_.expires = instant(header.expires, "expiry");
  if (result_.effective && result_.expires && *result_.expires <= *result_.effective) {
    error(header.expires->span,
          fmt::format("the contract expires ({}) before it takes effect ({})",
                      header.expires->span.text(), header.effective->span.text()));
  }
}

void Checker::check_dimension(const ast::DimensionDecl& decl) {
  if (dimensions_.count(decl.name.text)) {
    error(decl.name.span, fmt::format("dimension {} is declared twice", decl.name.text));
    return;
  }
  if (result_.units.count(decl.base_unit.text)) {
    error(decl.base_unit.span, fmt::format("unit {} is declared twice", decl.base_unit.text));
    return;
  }
  dimensions_[decl.name.text] = {decl.base_unit.text, decl.span};
  result_.units[decl.base_unit.text] =
      UnitInfo{decl.base_unit.text, decl.name.text, Decimal::from_int(1)};
}

void Checker::check_unit(const ast::UnitDecl& decl) {
  if (result_.units.count(decl.name.text)) {
    error(decl.name.span, fmt::format("unit {} is declared twice", decl.name.text));
    return;
  }
  const Type type = check_expr(*decl.definition, Scope{});
  if (type.is_error()) return;
  if (!type.is(Kind::quantity)) {
    error(decl.definition->span,
          fmt::format("unit {} must be defined as an amount of another unit, e.g. 1000 MW",
                      decl.name.text));
    return;
  }
  const auto value = evaluate(*decl.definition, {});
  if (!value) return;
  const auto& quantity = std::get<Quantity>(*value);
  if (!(quantity.base_amount > Decimal())) {
    error(decl.definition->span, fmt::format("unit {} must be a positive amount", decl.name.text));
    return;
  }
  result_.units[decl.name.text] =
      UnitInfo{decl.name.text, quantity.dimension, quantity.base_amount};
}

void Checker::check_currency(const ast::CurrencyDecl& decl) {
  for (const ast::Name& code : decl.codes) {
    const bool iso_shape =
        code.text.size() == 3 && std::all_of(code.text.begin(), code.text.end(),
                                             [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!iso_shape) {
      error(code.span, fmt::format("{} is not a currency code: use three capital letters (ISO "
                                   "4217), e.g. USD",
                                   code.text));
      continue;
    }
    if (result_.units.count(code.text)) {
      error(code.span, fmt::format("currency {} is declared twice", code.text));
      continue;
    }
    // Every currency is its own dimension: USD never converts to EUR implicitly.
    dimensions_[code.text] = {code.text, code.span};
    result_.units[code.text] = UnitInfo{code.text, code.text, Decimal::from_int(1), true};
  }
}

bool Checker::per_share_allowed(const UnitInfo& unit, const ast::Name& written) {
  if (unit.dimension != "shares") return true;
  error(written.span,
        fmt::format("'{}' is not a unit: shares per share is a plain number", written.text),
        "write a plain number, e.g. 1.5, for a number of shares per share");
  return false;
}

std::optional<Type> Checker::field_type(const ast::Name& type_name) {
  const std::string& name = type_name.text;
  if (name == "text") return Type::of(Kind::text);
  if (name == "number") return Type::of(Kind::number);
  if (name == "bool") return Type::of(Kind::boolean);
  if (name == "date") return Type::of(Kind::date);
  if (name == "timestamp") return Type::of(Kind::timestamp);
  if (name == "percentage") return Type::percentage();
  if (name == "ratio") return Type::ratio();
  const UnitWord word = split_unit_word(name);
  if (const auto unit = result_.units.find(std::string(word.unit)); unit != result_.units.end()) {
    if (word.per_share && !per_share_allowed(unit->second, type_name)) return std::nullopt;
    return Type::quantity(unit->second.dimension, unit->first, word.per_share);
  }
  std::vector<std::string> candidates{"text",      "number",     "bool", "date",
                                      "timestamp", "percentage", "ratio"};
  for (const auto& [unit, info] : result_.units) candidates.push_back(unit);
  error(type_name.span, fmt::format("unknown field type {}", name),
        with_hint("", closest_match(name, candidates)) +
            (closest_match(name, candidates) ? " " : "") +
            "A field is text, number, bool, date, timestamp, percentage, ratio or a unit such as "
            "MW, USD or USD per share.");
  return std::nullopt;
}

void Checker::check_event(const ast::EventDecl& decl) {
  if (result_.events.count(decl.name.text)) {
    error(decl.name.span, fmt::format("event {} is declared twice", decl.name.text));
    return;
  }
  EventInfo info{decl.name.text, &decl, {}};
  for (const ast::FieldDecl& field : decl.fields) {
    if (field.name.text == "ts" || field.name.text == "type") {
      error(field.name.span,
            fmt::format("'{}' is set on every event by the log; it cannot be declared as a field",
                        field.name.text));
      continue;
    }
    if (info.field_index(field.name.text) >= 0) {
      error(field.name.span,
            fmt::format("event {} declares field {} twice", decl.name.text, field.name.text));
      continue;
    }
    info.fields.push_back(FieldInfo{field.name.text, field_type(field.type).value_or(Type{})});
  }
  check_report_fields(decl, info);
  result_.events[decl.name.text] = std::move(info);
}

// `id` and `corrects` make an event a report that can be restated (docs/reference.md §7): both
// are text, and a correction names the report it corrects by that report's id.
void Checker::check_report_fields(const ast::EventDecl& decl, const EventInfo& info) {
  const ast::FieldDecl* id = nullptr;
  const ast::FieldDecl* corrects = nullptr;
  for (const ast::FieldDecl& field : decl.fields) {
    if (field.name.text == "id") id = &field;
    if (field.name.text == "corrects") corrects = &field;
  }
  for (const ast::FieldDecl* field : {id, corrects}) {
    if (!field) continue;
    const int index = info.field_index(field->name.text);
    if (index < 0 || info.fields[index].type.is_error() || info.fields[index].type.is(Kind::text))
      continue;
    error(field->type.span,
          fmt::format("{}.{} names a report, so it is text, not {}", decl.name.text,
                      field->name.text, describe(info.fields[index].type)),
          fmt::format("declare it as `{}: text`", field->name.text));
  }
  if (corrects && !id) {
    error(corrects->name.span,
          fmt::format("event {} declares corrects but no id: a correction is itself a report "
                      "that later ones may name",
                      decl.name.text),
          "add `id: text` to the event");
  }
}

void Checker::check_let(const ast::LetDecl& decl) {
  if (lets_done_.count(decl.name.text) || evaluating_lets_.count(decl.name.text)) return;
  evaluating_lets_.insert(decl.name.text);
  const bool outer_reads_parameter = std::exchange(reads_parameter_, false);
  const Type type = check_expr(*decl.value, Scope{});
  const bool per_instance = reads_parameter_;
  reads_parameter_ = outer_reads_parameter || per_instance;
  if (per_instance) {
    // Made of a template's parameters: the plan computes it for each instance.
    if (!type.is_error()) result_.instance_lets[decl.name.text] = decl.value.get();
  } else if (!type.is_error()) {
    const std::size_t reported = diagnostics_.size();
    const bool outer_used_let_without_value = std::exchange(used_let_without_value_, false);
    if (auto value = evaluate(*decl.value, {})) {
      result_.constants[decl.name.text] = *value;
    } else if (diagnostics_.size() == reported && !used_let_without_value_) {
      // Every constant the checker accepts has a value: the plan has nothing else to load.
      error(decl.value->span,
            fmt::format("the value of {} cannot be worked out before the contract runs",
                        decl.name.text),
            "a constant is made of literals, units and other constants");
    }
    used_let_without_value_ = outer_used_let_without_value;
  }
  lets_done_.insert(decl.name.text);
  evaluating_lets_.erase(decl.name.text);
}

void Checker::check_metric(const ast::MetricDecl& decl) {
  metric_type(decl.name.text, decl.name.span);
}

// A metric's type, checking its definition first when needed; derived metrics may use
// metrics declared after them, but not themselves.
Type Checker::metric_type(const std::string& name, const Span& used_at) {
  MetricInfo& info = result_.metrics.at(name);
  if (metrics_done_.count(name)) return info.type;
  if (metrics_in_progress_.count(name)) {
    error(used_at, fmt::format("metric {} is defined in terms of itself", name),
          "a metric may use other metrics, but never come back to itself");
    return Type{};
  }
  metrics_in_progress_.insert(name);
  const ast::MetricDecl& decl = *info.decl;
  std::visit(
      overloaded{
          [&](const ast::Aggregate& aggregate) { check_aggregate(decl, aggregate); },
          [&](const ast::ExprPtr& expr) {
            info.type = check_expr(*expr, Scope{Scope::Kind::metric, nullptr, nullptr});
            if (info.type.is(Kind::boolean) || info.type.is(Kind::clause)) {
              error(expr->span,
                    fmt::format("metric {} must be a value, not {}", name, describe(info.type)),
                    "conditions belong in clauses: vests when …");
              info.type = Type{};
            }
          },
      },
      decl.body);
  metrics_in_progress_.erase(name);
  metrics_done_.insert(name);
  return info.type;
}

void Checker::check_aggregate(const ast::MetricDecl& decl, const ast::Aggregate& aggregate) {
  MetricInfo& info = result_.metrics.at(decl.name.text);
  const auto event = result_.events.find(aggregate.event.text);
  if (event == result_.events.end()) {
    std::vector<std::string> names;
    for (const auto& [name, _] : result_.events) names.push_back(name);
    error(aggregate.event.span,
          fmt::format("metric {} reads events of type {}, which is not declared", decl.name.text,
                      aggregate.event.text),
          with_hint("", closest_match(aggregate.event.text, names)));
    return;
  }
  const EventInfo& source = event->second;
  auto numeric_field = [&](const ast::Name& field, std::string_view role) -> std::optional<Type> {
    const int index = source.field_index(field.text);
    if (index < 0) {
      std::vector<std::string> names;
      for (const auto& f : source.fields) names.push_back(f.name);
      error(field.span, fmt::format("event {} has no field {}", source.name, field.text),
            with_hint("", closest_match(field.text, names)) +
                (names.empty() ? "" : fmt::format(" Its fields: {}.", fmt::join(names, ", "))));
      return std::nullopt;
    }
    const Type& type = source.fields[index].type;
    if (!role.empty() && !type.is_error() && !type.is_numeric()) {
      error(field.span, fmt::format("{} needs numbers, but {}.{} is {}", role, source.name,
                                    field.text, describe(type)));
      return std::nullopt;
    }
    return type;
  };

  const std::string_view fn = aggregate_text(aggregate.fn);
  std::optional<Type> type;
  switch (aggregate.fn) {
    case ast::AggregateFn::count:
      if (aggregate.field) {
        error(aggregate.field->span,
              fmt::format("count counts events, so it takes no field: count {}", source.name));
      }
      type = Type::of(Kind::number);
      break;
    case ast::AggregateFn::latest:
    case ast::AggregateFn::first:
    case ast::AggregateFn::min:
    case ast::AggregateFn::max:
    case ast::AggregateFn::sum:
    case ast::AggregateFn::average:
    case ast::AggregateFn::vwap:
      if (!aggregate.field) {
        error(aggregate.fn_span.file ? aggregate.event.span : decl.span,
              fmt::format("{} needs a field: {} {}.FIELD", fn, fn, source.name));
        break;
      }
      {
        const bool needs_numbers = aggregate.fn == ast::AggregateFn::sum ||
                                   aggregate.fn == ast::AggregateFn::average ||
                                   aggregate.fn == ast::AggregateFn::vwap;
        type = numeric_field(*aggregate.field, needs_numbers ? fmt::format("{}", fn) : "");
        const bool needs_order =
            aggregate.fn == ast::AggregateFn::min || aggregate.fn == ast::AggregateFn::max;
        if (type && needs_order && !type->is_error() && !type->is_ordered()) {
          error(aggregate.field->span,
                fmt::format("{} needs values with an order, but {}.{} is {}", fn, source.name,
                            aggregate.field->text, describe(*type)));
          type.reset();
        }
      }
      break;
  }
  if (aggregate.weight) {
    if (aggregate.fn != ast::AggregateFn::vwap) {
      error(aggregate.weight->span, "only vwap is weighted: 'weighted by' does not apply here");
    } else {
      numeric_field(*aggregate.weight, "the weight of vwap");
    }
  } else if (aggregate.fn == ast::AggregateFn::vwap) {
    error(aggregate.fn_span, "vwap needs the field that weights each price",
          fmt::format("e.g. vwap {}.px weighted by qty", source.name));
  }
  if (aggregate.filter) {
    const Scope filter{Scope::Kind::filter, &source, nullptr};
    expect_condition(*aggregate.filter, filter, "the 'where' filter");
  }
  if (aggregate.window) {
    check_count(*aggregate.window->length, Scope{}, "a window's length");
    check_period(aggregate.window->period, true);
    check_window_since(aggregate.window->since, Scope{Scope::Kind::condition, nullptr, nullptr});
    // A window keeps the numbers that pass through it; the first, smallest or largest of
    // dates, timestamps or texts over a window is not kept.
    const bool keeps_values = aggregate.fn == ast::AggregateFn::first ||
                              aggregate.fn == ast::AggregateFn::min ||
                              aggregate.fn == ast::AggregateFn::max;
    if (type && keeps_values && !type->is_error() && !type->is_numeric()) {
      error(aggregate.window->span,
            fmt::format("{} over a window needs numbers, but {}.{} is {}", fn, source.name,
                        aggregate.field->text, describe(*type)),
            "use it over the whole history, or window a number");
      type.reset();
    }
  }
  if (aggregate.period) check_calendar_period(aggregate.period->period);
  info.type = type.value_or(Type{});
}

void Checker::check_calendar_period(const ast::PeriodSpec& period) {
  std::optional<Date> effective;
  if (result_.effective) {
    if (const auto zone = TimeZone::find(result_.timezone)) {
      effective = zone->local_date(*result_.effective);
    }
  }
  const PeriodResolution resolved = resolve_period(period, effective);
  if (!resolved.rule) error(resolved.where, resolved.error, resolved.help);
}

void Checker::check_splits(const ast::SplitsDecl& decl) {
  if (result_.splits) {
    error(decl.span, "the contract already says where splits come from",
          fmt::format("first at line {}", result_.splits->decl->span.line));
    return;
  }
  const auto event = result_.events.find(decl.event.text);
  if (event == result_.events.end()) {
    std::vector<std::string> names;
    for (const auto& [name, _] : result_.events) names.push_back(name);
    error(decl.event.span,
          fmt::format("splits come from events of type {}, which is not declared", decl.event.text),
          with_hint("", closest_match(decl.event.text, names)));
    return;
  }
  const int index = event->second.field_index(decl.field.text);
  if (index < 0) {
    error(decl.field.span,
          fmt::format("event {} has no field {}", decl.event.text, decl.field.text));
    return;
  }
  const Type& ratio = event->second.fields[index].type;
  if (!ratio.is_error() && !ratio.is(Kind::number) && !ratio.is(Kind::text)) {
    error(decl.field.span,
          fmt::format("a split's ratio is a plain number (2 for a 2-for-1 split, 0.1 for "
                      "1-for-10) or a text such as \"2:1\" or \"3-for-2\", but {}.{} is {}",
                      decl.event.text, decl.field.text, describe(ratio)));
    return;
  }
  if (decl.filter) {
    expect_condition(*decl.filter, Scope{Scope::Kind::filter, &event->second, nullptr},
                     "the 'where' filter");
  }
  result_.splits = SplitsInfo{&decl, decl.event.text, decl.field.text};
}

void Checker::check_adjusted_clauses() {
  if (result_.splits) return;
  const ast::ClauseDecl* reported = nullptr;
  for (const ClauseInstance& clause : result_.clauses) {
    if (!clause.decl->adjusted || clause.decl == reported) continue;
    reported = clause.decl;
    error(*clause.decl->adjusted,
          fmt::format("{} is subject to adjustment, but the contract does not say where splits "
                      "come from",
                      clause.family.empty() ? clause.name : clause.family),
          "declare them, e.g. splits from split.ratio where symbol == \"AMD\"");
  }
}

}  // namespace proviso
