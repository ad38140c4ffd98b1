// The two forms of an explanation: the text `proviso explain` prints and its JSON, both
// documented in docs/explain.md.
#include <fmt/format.h>

#include <algorithm>

#include "base/escape.hpp"
#include "base/json.hpp"
#include "explain/explain.hpp"
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
  switch (cause.kind) {
    case CauseKind::event:
      return cause.file.empty() ? ", on an event"
                                : fmt::format(", on the event at {}:{}", cause.file, cause.line);
    case CauseKind::deadline:
      return ", at its deadline";
    case CauseKind::effective:
      return ", when the contract took effect";
    case CauseKind::expiry:
      return ", when the contract expired";
    case CauseKind::clock:
      return ", as time passed";
    case CauseKind::period_end:
      return ", at the end of the period";
  }
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

void time_json(JsonWriter& json, std::string_view key, const std::optional<Timestamp>& value) {
  json.key(key);
  if (value) {
    json.string(format_utc(*value));
  } else {
    json.null();
  }
}

void condition_json(JsonWriter& json, const ExplainedCondition& node) {
  json.begin_object();
  json.key("kind").string(node.kind);
  json.key("condition").string(node.condition);
  json.key("truth").string(truth_name(node.truth));
  json.key("summary").string(node.summary);
  json.key("value").string(node.value);
  json.key("target").string(node.target);
  json.key("missing").string(node.missing);
  json.key("note").string(node.note);
  time_json(json, "since", node.since);
  json.key("parts").begin_array();
  for (const auto& part : node.parts) condition_json(json, part);
  json.end_array();
  json.end_object();
}

void transition_json(JsonWriter& json, std::string_view key, const std::optional<Transition>& t) {
  json.key(key);
  if (t) {
    write_transition_json(json, *t, TransitionJson::nested);
  } else {
    json.null();
  }
}

}  // namespace

std::string format_explanation_text(const Explanation& e) {
  const TimeZone zone = TimeZone::find(e.timezone).value_or(*TimeZone::find("UTC"));
  std::string out =
      fmt::format("{}{} — {}{}\n", e.clause, e.title.empty() ? "" : fmt::format(" \"{}\"", e.title),
                  e.contract, e.instance.empty() ? "" : fmt::format(", instance {}", e.instance));
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
    if (stage.verb == "requires") {
      // Tested per period: the running period so far, then a table of the closed ones.
      out += fmt::format("{} tested in each {}; in the running period so far, requires:\n",
                         mark(stage.condition.truth), e.per_period);
      tree_text(stage.condition, 1, out);
      if (e.periods.empty()) out += "\nNo period has ended yet.\n";
      std::size_t width = std::string_view("period").size();
      for (const auto& period : e.periods) width = std::max(width, period.period.size());
      if (!e.periods.empty()) {
        out += fmt::format("\n{:<{}}  outcome  decided at\n", "period", width);
      }
      for (const auto& period : e.periods) {
        out += fmt::format("{:<{}}  {:<7}  {}{}{}\n", period.period, width, period.outcome,
                           local_time(period.end, zone),
                           period.granted.empty() ? "" : "  grants " + period.granted,
                           period.paid.empty() ? "" : "  pays " + period.paid);
        if (period.restated_by.empty()) continue;
        // Restated after it closed: both figures, the corrected one being the outcome above.
        out += fmt::format(
            "{:<{}}  as reported: {}{}; as corrected by {}: {}{}\n", "", width, period.reported,
            period.reported_granted.empty() ? "" : ", grants " + period.reported_granted,
            period.restated_by, period.outcome,
            period.granted.empty() ? "" : ", grants " + period.granted);
      }
      continue;
    }
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

void write_explanation_json(JsonWriter& json, const Explanation& e) {
  json.begin_object();
  json.key("contract").string(e.contract);
  if (!e.instance.empty()) json.key("instance").string(e.instance);
  json.key("clause").string(e.clause);
  json.key("title").string(e.title);
  json.key("citations").begin_array();
  for (const auto& citation : e.citations) json.string(citation);
  json.end_array();
  json.key("grant").string(e.grant);
  json.key("adjustment").string(e.adjustment);
  json.key("timezone").string(e.timezone);
  time_json(json, "at", e.at);
  json.key("state").string(e.state);
  time_json(json, "since", e.since);
  json.key("prerequisites").begin_array();
  for (const auto& prerequisite : e.prerequisites) condition_json(json, prerequisite);
  json.end_array();
  json.key("stages").begin_array();
  for (const auto& stage : e.stages) {
    json.begin_object();
    json.key("state").string(stage.state);
    json.key("verb").string(stage.verb);
    json.key("reached").boolean(stage.reached);
    time_json(json, "reached_at", stage.reached_at);
    transition_json(json, "reached_by", stage.reached_by);
    json.key("condition");
    condition_json(json, stage.condition);
    json.end_object();
  }
  json.end_array();
  json.key("deadlines").begin_array();
  for (const auto& deadline : e.deadlines) {
    json.begin_object();
    json.key("kind").string(deadline.kind);
    json.key("state").string(deadline.state);
    time_json(json, "at", deadline.at);
    json.key("passed").boolean(deadline.passed);
    json.key("summary").string(deadline.summary);
    json.end_object();
  }
  json.end_array();
  transition_json(json, "lapsed_by", e.lapsed_by);
  if (!e.per_period.empty()) {
    json.key("per_period").string(e.per_period);
    json.key("periods").begin_array();
    for (const auto& period : e.periods) {
      json.begin_object();
      json.key("period").string(period.period);
      json.key("outcome").string(period.outcome);
      time_json(json, "end", period.end);
      json.key("granted").string(period.granted);
      if (!period.restated_by.empty()) {
        json.key("as_reported").begin_object();
        json.key("outcome").string(period.reported);
        json.key("granted").string(period.reported_granted);
        json.key("restated_by").string(period.restated_by);
        json.end_object();
      }
      json.key("paid").string(period.paid);
      json.end_object();
    }
    json.end_array();
  }
  json.end_object();
}

std::string format_explanation_json(const Explanation& e, int indent) {
  JsonWriter json(JsonWriter::Layout::indented, indent);
  write_explanation_json(json, e);
  return json.text();
}

std::string format_period_table_csv(std::span<const Explanation> explanations) {
  std::string out =
      "contract,instance,clause,period,end,outcome,granted,paid,reported_outcome,"
      "reported_granted,restated_by\n";
  auto row = [&out](std::initializer_list<std::string_view> cells) {
    bool first = true;
    for (std::string_view cell : cells) {
      if (!first) out += ',';
      first = false;
      out += csv_cell(cell);
    }
    out += '\n';
  };
  for (const Explanation& e : explanations) {
    if (e.per_period.empty()) {
      // Not tested per period: its state, since when.
      row({e.contract, e.instance, e.clause, "", e.since ? format_utc(*e.since) : "", e.state, "",
           "", "", "", ""});
      continue;
    }
    for (const ExplainedPeriod& p : e.periods) {
      row({e.contract, e.instance, e.clause, p.period, format_utc(p.end), p.outcome, p.granted,
           p.paid, p.restated_by.empty() ? "" : p.reported, p.reported_granted, p.restated_by});
    }
  }
  return out;
}

}  // namespace proviso
