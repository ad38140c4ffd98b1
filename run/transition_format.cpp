#include "run/transition_format.hpp"

#include <fmt/format.h>

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

}  // namespace

std::string format_transition_text(const Transition& transition) {
  std::string values;
  for (const auto& value : transition.values) {
    values += fmt::format("{}{}", values.empty() ? "" : "; ", render_deciding(value));
  }
  // A clause tested per period shows each period's outcome: "2026-03: missed".
  const std::string change = transition.period.empty()
                                 ? fmt::format("{} → {}", transition.from.name, transition.to.name)
                                 : fmt::format("{}: {}", transition.period, transition.to.name);
  // What the change grants, as evaluated then: "grants 151 shares and 6.25 USD cash in lieu".
  std::string grants;
  if (!transition.amount.empty()) {
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
  if (!transition.amount.empty()) json.key("amount").string(transition.amount);
  if (!transition.cash_in_lieu.empty()) json.key("cash_in_lieu").string(transition.cash_in_lieu);
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

}  // namespace proviso
