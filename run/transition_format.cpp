#include "run/transition_format.hpp"

#include <fmt/format.h>

#include "base/json.hpp"
#include "run/render.hpp"

namespace proviso {

namespace {

std::string cause_text(const Transition::Cause& cause, Timestamp at) {
  if (cause.kind == "event") {
    return cause.file.empty() ? "event" : fmt::format("{}:{}", cause.file, cause.line);
  }
  if (cause.kind == "deadline") return fmt::format("deadline {}", format_utc(at));
  return fmt::format("{} {}", cause.kind, format_utc(at));
}

}  // namespace

std::string format_transition_text(const Transition& transition) {
  std::string values;
  for (const auto& value : transition.values) {
    values += fmt::format("{}{}", values.empty() ? "" : "; ", render_deciding(value));
  }
  return fmt::format("{}  {}  {}  {} → {}{}{}  [{}]", format_utc(transition.ts),
                     transition.contract, transition.clause, transition.from, transition.to,
                     values.empty() ? "" : "  ", values,
                     cause_text(transition.cause, transition.ts));
}

std::string format_transition_json(const Transition& transition) {
  JsonWriter json;
  json.begin_object();
  json.key("ts").string(format_utc(transition.ts));
  json.key("contract").string(transition.contract);
  json.key("clause").string(transition.clause);
  json.key("from").string(transition.from);
  json.key("to").string(transition.to);
  json.key("cause").begin_object();
  if (transition.cause.kind == "event") {
    json.key("file").string(transition.cause.file);
    json.key("line").number(transition.cause.line);
  } else {
    json.key(transition.cause.kind).string(format_utc(transition.ts));
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
  return json.text();
}

}  // namespace proviso
