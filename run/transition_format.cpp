#include "run/transition_format.hpp"

#include <fmt/format.h>

#include "run/render.hpp"

namespace proviso {

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  return out + "\"";
}

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
  std::string cause;
  if (transition.cause.kind == "event") {
    cause = fmt::format("{{\"file\":{},\"line\":{}}}", json_string(transition.cause.file),
                        transition.cause.line);
  } else {
    cause =
        fmt::format("{{\"{}\":{}}}", transition.cause.kind, json_string(format_utc(transition.ts)));
  }
  std::string values;
  for (const auto& value : transition.values) {
    values +=
        fmt::format("{}{{\"name\":{},\"value\":{},\"test\":{}}}", values.empty() ? "" : ",",
                    json_string(value.name), json_string(value.value), json_string(value.test));
  }
  return fmt::format(
      "{{\"ts\":{},\"contract\":{},\"clause\":{},\"from\":{},\"to\":{},\"cause\":{},\"values\":[{}]"
      "}}",
      json_string(format_utc(transition.ts)), json_string(transition.contract),
      json_string(transition.clause), json_string(transition.from), json_string(transition.to),
      cause, values);
}

}  // namespace proviso
