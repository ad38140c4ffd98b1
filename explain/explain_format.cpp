// The two forms of an explanation: the text `proviso explain` prints and its JSON, both
// documented in docs/explain.md.
#include <fmt/format.h>

#include "explain/explain.hpp"
#include "run/inspect.hpp"
#include "run/render.hpp"
#include "run/transition_format.hpp"

namespace proviso {

namespace {

std::string_view mark(Truth truth) {
  switch (truth) {
    case Truth::met:
      return "✓";
    case Truth::not_met:
      return "✗";
    case Truth::unknown:
      return "?";
  }
  return "?";
}

std::string cause_text(const Transition::Cause& cause) {
  if (cause.kind == "event") {
    return cause.file.empty() ? ", on an event"
                              : fmt::format(", on the event at {}:{}", cause.file, cause.line);
  }
  if (cause.kind == "deadline") return ", at its deadline";
  if (cause.kind == "effective") return ", when the contract took effect";
  if (cause.kind == "expiry") return ", when the contract expired";
  if (cause.kind == "clock") return ", as time passed";
  return {};
}

void tree_text(const ExplainedCondition& node, int depth, std::string& out) {
  out += fmt::format("{:{}}{} {}{}\n", "", depth * 2, mark(node.truth), node.summary,
                     node.note.empty() ? "" : fmt::format(" — {}", node.note));
  for (const auto& part : node.parts) tree_text(part, depth + 1, out);
}

void values_then(const std::optional<Transition>& transition, std::string& out) {
  if (!transition) return;
  for (const auto& value : transition->values) {
    out += fmt::format("    then {}\n", render_deciding(value));
  }
}

// A small writer of indented JSON: one member or element per line.
class Json {
 public:
  explicit Json(int indent) : depth_(indent) {}

  void open(std::string_view key, char bracket) {
    start(key);
    out_ += bracket;
    ++depth_;
    first_ = true;
  }
  void close(char bracket) {
    --depth_;
    if (!first_) out_ += fmt::format("\n{:{}}", "", depth_ * 2);
    out_ += bracket;
    first_ = false;
  }
  void text(std::string_view key, std::string_view value) {
    start(key);
    out_ += json_string(value);
  }
  void flag(std::string_view key, bool value) {
    start(key);
    out_ += value ? "true" : "false";
  }
  void time(std::string_view key, const std::optional<Timestamp>& value) {
    start(key);
    out_ += value ? json_string(format_utc(*value)) : "null";
  }
  void number(std::string_view key, std::uint64_t value) {
    start(key);
    out_ += fmt::format("{}", value);
  }
  void null(std::string_view key) {
    start(key);
    out_ += "null";
  }
  std::string str() const { return out_; }

 private:
  std::string out_;
  int depth_;
  bool first_ = true;
  bool top_ = true;

  void start(std::string_view key) {
    if (!top_) out_ += first_ ? "\n" : ",\n";
    if (!top_) out_ += fmt::format("{:{}}", "", depth_ * 2);
    top_ = false;
    first_ = false;
    if (!key.empty()) out_ += fmt::format("{}: ", json_string(key));
  }
};

void condition_json(Json& json, std::string_view key, const ExplainedCondition& node) {
  json.open(key, '{');
  json.text("kind", node.kind);
  json.text("condition", node.condition);
  json.text("truth", truth_name(node.truth));
  json.text("summary", node.summary);
  json.text("value", node.value);
  json.text("target", node.target);
  json.text("missing", node.missing);
  json.text("note", node.note);
  json.time("since", node.since);
  json.open("parts", '[');
  for (const auto& part : node.parts) condition_json(json, "", part);
  json.close(']');
  json.close('}');
}

void transition_json(Json& json, std::string_view key, const std::optional<Transition>& t) {
  if (!t) {
    json.null(key);
    return;
  }
  json.open(key, '{');
  json.time("ts", t->ts);
  json.text("from", t->from);
  json.text("to", t->to);
  json.open("cause", '{');
  json.text("kind", t->cause.kind);
  if (t->cause.kind == "event") {
    json.text("file", t->cause.file);
    json.number("line", t->cause.line);
  }
  json.close('}');
  json.open("values", '[');
  for (const auto& value : t->values) {
    json.open("", '{');
    json.text("name", value.name);
    json.text("value", value.value);
    json.text("test", value.test);
    json.close('}');
  }
  json.close(']');
  json.close('}');
}

}  // namespace

std::string format_explanation_text(const Explanation& e) {
  const TimeZone zone = TimeZone::find(e.timezone).value_or(*TimeZone::find("UTC"));
  std::string out = fmt::format("{}{} — {}\n", e.clause,
                                e.title.empty() ? "" : fmt::format(" \"{}\"", e.title), e.contract);
  for (const auto& citation : e.citations) out += fmt::format("  cites {}\n", citation);
  if (!e.grant.empty()) out += fmt::format("  grants {}\n", e.grant);
  if (!e.adjustment.empty()) out += fmt::format("  {}\n", e.adjustment);
  out += e.at ? fmt::format("State at {}: {}", local_time(*e.at, zone), e.state)
              : fmt::format("State before any event: {}", e.state);
  if (e.since) out += fmt::format(" since {}", local_time(*e.since, zone));
  out += "\n";
  if (e.state == "lapsed" && e.since) {
    out += fmt::format("✗ lapsed at {}{}\n", local_time(*e.since, zone),
                       e.lapsed_by ? cause_text(e.lapsed_by->cause) : "");
    values_then(e.lapsed_by, out);
  }
  if (!e.prerequisites.empty()) {
    out += "\n";
    for (const auto& prerequisite : e.prerequisites) tree_text(prerequisite, 0, out);
  }
  out += "\n";
  const std::string* unreached = nullptr;
  for (const auto& stage : e.stages) {
    if (stage.verb == "holds while") {
      out += fmt::format("{} {}{}; holds while:\n", mark(stage.condition.truth), e.state,
                         e.since ? fmt::format(" since {}", local_time(*e.since, zone)) : "");
      if (stage.reached_by) {
        out += fmt::format("  last change at {}{}\n", local_time(stage.reached_by->ts, zone),
                           cause_text(stage.reached_by->cause));
      }
      tree_text(stage.condition, 1, out);
      continue;
    }
    if (stage.reached) {
      out += fmt::format("✓ {}", stage.state);
      if (stage.reached_at) out += fmt::format(" at {}", local_time(*stage.reached_at, zone));
      if (stage.reached_by) out += cause_text(stage.reached_by->cause);
      out += "\n";
      values_then(stage.reached_by, out);
      continue;
    }
    const std::string why = e.state == "lapsed" ? "not reached before it lapsed"
                            : unreached         ? "not yet, comes after " + *unreached
                                                : "not yet";
    out += fmt::format("✗ {}: {}; {} when:\n", stage.state, why, stage.verb);
    tree_text(stage.condition, 1, out);
    if (!unreached) unreached = &stage.state;
  }
  if (!e.deadlines.empty()) out += "\n";
  for (const auto& deadline : e.deadlines) {
    std::string summary = deadline.summary;
    summary[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(summary[0])));
    out += fmt::format("{}\n", summary);
  }
  return out;
}

std::string format_explanation_json(const Explanation& e, int indent) {
  Json json(indent);
  json.open("", '{');
  json.text("contract", e.contract);
  json.text("clause", e.clause);
  json.text("title", e.title);
  json.open("citations", '[');
  for (const auto& citation : e.citations) json.text("", citation);
  json.close(']');
  json.text("grant", e.grant);
  json.text("adjustment", e.adjustment);
  json.text("timezone", e.timezone);
  json.time("at", e.at);
  json.text("state", e.state);
  json.time("since", e.since);
  json.open("prerequisites", '[');
  for (const auto& prerequisite : e.prerequisites) condition_json(json, "", prerequisite);
  json.close(']');
  json.open("stages", '[');
  for (const auto& stage : e.stages) {
    json.open("", '{');
    json.text("state", stage.state);
    json.text("verb", stage.verb);
    json.flag("reached", stage.reached);
    json.time("reached_at", stage.reached_at);
    transition_json(json, "reached_by", stage.reached_by);
    condition_json(json, "condition", stage.condition);
    json.close('}');
  }
  json.close(']');
  json.open("deadlines", '[');
  for (const auto& deadline : e.deadlines) {
    json.open("", '{');
    json.text("kind", deadline.kind);
    json.text("state", deadline.state);
    json.time("at", deadline.at);
    json.flag("passed", deadline.passed);
    json.text("summary", deadline.summary);
    json.close('}');
  }
  json.close(']');
  transition_json(json, "lapsed_by", e.lapsed_by);
  json.close('}');
  return json.str();
}

}  // namespace proviso
