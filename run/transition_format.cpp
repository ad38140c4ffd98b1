#include "run/transition_format.hpp"

#include <fmt/format.h>

#include <array>

#include "base/escape.hpp"
#include "base/json.hpp"
#include "run/render.hpp"

namespace proviso {

namespace {

std::string cause_text(const Transition::Cause& cause, Timestamp at) {
  if (cause.kind == CauseKind::event) {
    return cause.file.empty() ? "event" : fmt::format("{}:{}", cause.file, cause.line);
  }
  return fmt::format("{} {}", name(cause.kind), format_utc(at));
}

// The deciding values as the timeline shows them: "deployed = 1 GW (>= 1 GW); …".
std::string values_text(const Transition& transition) {
  std::string values;
  for (const auto& value : transition.values) {
    values += fmt::format("{}{}", values.empty() ? "" : "; ", render_deciding(value));
  }
  return values;
}

const std::array<TransitionColumn, 15> kColumns{{
    {"ts", [](const Transition& t) { return format_utc(t.ts); }},
    {"contract", [](const Transition& t) { return t.contract; }},
    {"instance", [](const Transition& t) { return t.instance; }},
    {"clause", [](const Transition& t) { return t.clause; }},
    {"from", [](const Transition& t) { return t.from.name; }},
    {"to", [](const Transition& t) { return t.to.name; }},
    {"period", [](const Transition& t) { return t.period; }},
    {"cause", [](const Transition& t) { return std::string(name(t.cause.kind)); }},
    {"file", [](const Transition& t) { return t.cause.file; }},
    {"line",
     [](const Transition& t) {
       return t.cause.kind == CauseKind::event ? std::to_string(t.cause.line) : std::string();
     }},
    {"values", values_text},
    {"amount", [](const Transition& t) { return t.amount; }},
    {"cash_in_lieu", [](const Transition& t) { return t.cash_in_lieu; }},
    {"period_amount", [](const Transition& t) { return t.period_amount; }},
    {"restated", [](const Transition& t) { return std::string(t.restated ? "true" : ""); }},
}};

}  // namespace

std::string format_transition_text(const Transition& transition) {
  const std::string values = values_text(transition);
  // A clause tested per period shows each period's outcome: "2026-03: missed".
  // A period's outcome, with what it grants or pays and the running total (ledger.cpp):
  // "2026-03: missed, pays 10,000 USD, total 20,000 USD".
  const std::string period_amount =
      transition.period_amount.empty() ? "" : ", " + transition.period_amount;
  const std::string change =
      transition.period.empty() ? fmt::format("{} → {}", transition.from.name, transition.to.name)
      : transition.restated
          ? fmt::format("{}: {} → {} (restated){}", transition.period, transition.from.name,
                        transition.to.name, period_amount)
          : fmt::format("{}: {}{}", transition.period, transition.to.name, period_amount);
  // What the change grants, as evaluated then: "grants 151 shares and 6.25 USD cash in lieu";
  // a period's line says it in its own words above.
  std::string grants;
  if (!transition.amount.empty() && transition.period_amount.empty()) {
    grants = "  grants " + transition.amount;
    if (!transition.cash_in_lieu.empty()) {
      grants += fmt::format(" and {} cash in lieu", transition.cash_in_lieu);
    }
  }
  return fmt::format(
      "{}  {}  {}{}{}  {}{}{}{}  [{}]", format_utc(transition.ts), transition.contract,
      transition.instance, transition.instance.empty() ? "" : "  ", transition.clause, change,
      grants, values.empty() ? "" : "  ", values, cause_text(transition.cause, transition.ts));
}

void write_transition_json(JsonWriter& json, const Transition& transition, TransitionJson form) {
  json.begin_object();
  json.key("ts").string(format_utc(transition.ts));
  if (form == TransitionJson::run) {
    json.key("contract").string(transition.contract);
    if (!transition.instance.empty()) json.key("instance").string(transition.instance);
    json.key("clause").string(transition.clause);
  }
  json.key("from").string(transition.from.name);
  json.key("to").string(transition.to.name);
  if (!transition.period.empty()) json.key("period").string(transition.period);
  if (transition.restated) json.key("restated").boolean(true);
  if (!transition.amount.empty()) json.key("amount").string(transition.amount);
  if (!transition.cash_in_lieu.empty()) json.key("cash_in_lieu").string(transition.cash_in_lieu);
  if (!transition.period_amount.empty()) {
    json.key("period_amount").string(transition.period_amount);
  }
  json.key("cause").begin_object();
  const bool event = transition.cause.kind == CauseKind::event;
  switch (form) {
    case TransitionJson::run:
      if (!event) json.key(name(transition.cause.kind)).string(format_utc(transition.ts));
      break;
    case TransitionJson::nested:
      json.key("kind").string(name(transition.cause.kind));
      break;
  }
  if (event) {
    json.key("file").string(transition.cause.file);
    json.key("line").number(transition.cause.line);
  }
  json.end_object();
  json.key("values").begin_array();
  for (const auto& value : transition.values) {
    json.begin_object();
    json.key("name").string(value.name);
    json.key("value").string(value.value);
    json.key("test").string(value.test);
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

std::string format_transition_json(const Transition& transition) {
  JsonWriter json;
  write_transition_json(json, transition, TransitionJson::run);
  return json.text();
}

std::span<const TransitionColumn> transition_columns() {
  return kColumns;
}

std::string format_transition_csv_header() {
  std::string row;
  for (const TransitionColumn& column : transition_columns()) {
    if (!row.empty()) row += ',';
    row += csv_cell(column.name);
  }
  return row;
}

std::string format_transition_csv(const Transition& transition) {
  std::string row;
  bool first = true;
  for (const TransitionColumn& column : transition_columns()) {
    if (!first) row += ',';
    first = false;
    row += csv_cell(column.cell(transition));
  }
  return row;
}

}  // namespace proviso
