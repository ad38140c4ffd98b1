// Why a clause is or is not met: its conditions as trees, each part with its value now, what it
// must be and what is missing, in the reader's terms ("amd_deployed = 4.2 GW, needs 6 GW
// (1.8 GW more)"). Engine::explain builds it; the formats are documented in docs/explain.md.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/json.hpp"
#include "run/engine.hpp"

namespace proviso {

/// Whether a condition holds now. Unknown while an input has no value yet.
enum class Truth { met, not_met, unknown };

/// "met", "not met", "unknown".
std::string_view truth_name(Truth truth);

/// One part of a condition, with its parts.
struct ExplainedCondition {
  /// all, any, at_least, not, once, ever, days (M of the last N), consecutive, comparison,
  /// band, state (a clause's state), time (before/by/after), within, value (anything else).
  std::string kind;
  std::string condition;  // as written, family values substituted: "amd_close >= 300 USD"
  Truth truth = Truth::unknown;
  std::string summary;  // the reader's sentence: "amd_deployed = 4.2 GW, needs 6 GW (1.8 GW more)"
  std::string value;    // leaves: the value now, in the target's unit ("4.2 GW", "12")
  std::string target;   // leaves: what it must be ("≥ 6 GW", "20 of the last 30 trading days")
  std::string missing;  // what is missing while not met ("1.8 GW more"); else empty
  std::string note;     // e.g. "the contract's 600 USD ÷ 2 for splits"
  std::optional<Timestamp> since;  // once/ever: when it first held; state: when entered
  std::vector<ExplainedCondition> parts;
};

/// One stage of a clause (`vests when …`), or the level condition of a `holds while` clause.
struct ExplainedStage {
  std::string state;  // the state the stage reaches: "vested", "exercisable", "holding"
  std::string verb;   // as written: "vests", "becomes exercisable", "holds while"
  bool reached = false;
  std::optional<Timestamp> reached_at;
  /// The transition that reached it, with the values then, when the history holds it.
  std::optional<Transition> reached_by;
  ExplainedCondition condition;  // evaluated now
};

/// A time after which the clause cannot change: its own deadline or the contract's expiry.
struct ExplainedDeadline {
  std::string kind;   // "deadline" (`lapses if not S by …`) or "expiry"
  std::string state;  // the state the clause must reach by then ("vested"); empty for expiry
  Timestamp at;
  bool passed = false;
  std::string summary;  // "deadline 2030-10-05 17:00 New York, 1,402 days away"
};

/// One period's outcome of a clause tested per period (`requires C in each calendar month`).
struct ExplainedPeriod {
  std::string period;   // "2026-03"
  std::string outcome;  // met, missed or unknown
  Timestamp end;        // the period's end, when its outcome was decided
  std::string granted;  // what a met period granted, or empty
  // A period restated by a correction after it closed: its outcome and grant as first
  // reported (`outcome` and `granted` are as corrected), and the correcting line.
  std::string reported;
  std::string reported_granted;
  std::string restated_by;  // "log.jsonl:7"; empty when never restated
  std::string paid;         // what a missed period paid (`pays … for each missed`), or empty
};

/// Why one clause is where it is.
struct Explanation {
  std::string contract;  // the contract's title
  std::string clause;    // "A[3]"
  std::string title;     // the clause's title, or empty
  std::vector<std::string> citations;
  std::string grant;            // "26,666,667 shares" (split-adjusted), or empty
  std::string adjustment;       // "× 2 for splits" when splits moved its amounts; else empty
  std::string timezone;         // the contract's zone, as times are shown in
  std::optional<Timestamp> at;  // the engine's clock
  std::string state;
  std::optional<Timestamp> since;
  std::vector<ExplainedCondition> prerequisites;  // `after T1`: each as a state condition
  std::vector<ExplainedStage> stages;
  std::vector<ExplainedDeadline> deadlines;
  /// A clause tested per period: the period ("calendar month", or "3 calendar months" for
  /// `in each of the last 3 …`), and every period's outcome so far, oldest first.
  std::string per_period;
  std::vector<ExplainedPeriod> periods;
  /// The transition that lapsed it, when it lapsed and the history holds it.
  std::optional<Transition> lapsed_by;
  std::string instance;  // a template's instance ("N0042"); empty for a plain contract
};

/// The text `proviso explain` prints: the clause, its state, then each stage as a tree with
/// ✓ (met), ✗ (not met) or ? (unknown) per part, and its deadlines.
std::string format_explanation_text(const Explanation& explanation);

/// The same as one JSON object, indented by `indent` levels of two spaces (docs/explain.md).
std::string format_explanation_json(const Explanation& explanation, int indent = 0);

/// The table by period of the explained clauses, as CSV for a spreadsheet (`proviso explain
/// --format csv`): a header, then one row per closed period of each clause tested per period,
/// oldest first, and one row with its state for any other clause.
std::string format_period_table_csv(std::span<const Explanation> explanations);

/// Writes the same JSON object as the next value of `json` (an array of explanations).
void write_explanation_json(JsonWriter& json, const Explanation& explanation);

}  // namespace proviso
