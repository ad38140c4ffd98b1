// The embedding API: load contracts, feed events, advance the clock, receive transitions,
// query states, save and restore. The `proviso` command is a client of exactly this header.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/time.hpp"
#include "base/value.hpp"
#include "check/load.hpp"
#include "events/event.hpp"
#include "run/share.hpp"

namespace proviso {

struct Explanation;   // explain.hpp
struct ContractPlan;  // plan/plan.hpp
struct Program;       // plan/plan.hpp

/// What caused a transition.
enum class CauseKind : std::uint8_t { event, deadline, effective, expiry, clock, period_end };
/// "event", "deadline", "effective", "expiry", "clock": as the timeline and JSON write it.
std::string_view name(CauseKind kind);

/// Where a `holds while` clause stands: not evaluated yet, holding, or breached.
enum class Level : std::uint8_t { pending, holding, breached };
/// "pending", "holding", "breached".
std::string_view name(Level level);

/// One of a clause's states: its index among the clause's states (the order of
/// ClauseStatus::entered; 0 is "pending") and its name ("vested").
struct ClauseStage {
  std::uint32_t index = 0;
  std::string name;
  bool operator==(const ClauseStage&) const = default;
};

/// One change of one clause's state.
struct Transition {
  Timestamp ts;
  std::string contract;  // the contract's title
  std::string clause;    // "T1", "F[3]"
  ClauseStage from;      // {0, "pending"}
  ClauseStage to;        // {1, "vested"}
  /// What caused it: an event (log file and line), or a deadline, effective date, expiry or
  /// the clock reaching a time test's instant.
  struct Cause {
    CauseKind kind = CauseKind::event;
    std::string file;  // events only
    std::uint64_t line = 0;
  } cause;
  /// The values that decided it, e.g. {"amd_deployed", "1.02 GW", ">= 1 GW"}, with the value
  /// itself as a number, quantity, time or truth (nullopt: it had no value yet).
  struct Value {
    std::string name;
    std::string value;
    std::string test;
    std::optional<proviso::Value> typed;
  };
  std::vector<Value> values;
  std::string instance;  // a template's instance ("N0042"); empty for a plain contract
  /// For a clause tested per period (`requires C in each calendar month`): the period this
  /// outcome is for, e.g. "2026-03"; empty otherwise.
  std::string period;
  /// What the clause grants by this change, evaluated now (reference § 10, "Amounts"): e.g.
  /// "26,666,667 shares"; empty when it grants nothing by it or the amount is unknown.
  std::string amount;
  std::optional<proviso::Value> amount_value;
  std::string cash_in_lieu;  // "6.25 USD" paid for a dropped fraction of a share; or empty
  std::optional<proviso::Value> cash_value;
  /// A period's outcome changed after it closed because a report was corrected: `from` is the
  /// outcome as reported, `to` as corrected, and the cause the correcting line.
  bool restated = false;
  /// For a period with an amount (reference § "Amounts per period"): what it grants or pays and
  /// the running total, e.g. "pays 10,000 USD, total 30,000 USD"; empty otherwise.
  std::string period_amount;
};

/// A clause's state at the engine's current time.
struct ClauseStatus {
  std::string contract;
  std::string clause;
  std::string state;
  std::uint32_t state_index = 0;   // the state's index in `entered`
  std::optional<Timestamp> since;  // when it entered that state; none while pending
  std::string grant;               // what it grants, e.g. "26,666,667 shares"; empty if nothing
  std::optional<proviso::Value> grant_value;  // the grant as a quantity or number
  /// Until it is met (or, for `holds while`, always): the values its next condition reads now,
  /// e.g. {"amd_deployed", "0.6 GW", ">= 1 GW"}.
  std::vector<Transition::Value> values;
  /// Every state the clause can be in, with the time it entered it (none if it has not).
  std::vector<std::pair<std::string, std::optional<Timestamp>>> entered;
  std::string instance;  // a template's instance; empty for a plain contract
};

/// A condition or value of a contract, evaluated at the engine's current time.
struct Evaluation {
  bool known = false;  // false while an input has no value yet (no close price seen)
  bool truth = false;  // for conditions
  std::string text;    // the value as the contract would write it: "1.02 GW", "true"
  std::optional<proviso::Value> value;  // the value itself; nullopt when not known
};

/// Whether the replays so far drove a condition of a clause true, false, or both.
struct ConditionCoverage {
  std::string clause;                    // a family's name once for all its members
  const ast::Expr* condition = nullptr;  // the condition or sub-condition, with its span
  bool seen_true = false;
  bool seen_false = false;
};

/// A metric's value at the engine's current time.
struct MetricStatus {
  std::string contract;
  std::string metric;
  std::string value;  // "1.02 GW", or "no value" before the first event that sets it
  std::optional<proviso::Value> typed;  // the value itself; nullopt when it has none
  std::string instance;                 // a template's instance; empty for a plain contract
};

/// The metrics of one contract that one event changed (or may have changed: a derived metric
/// that reads one of them), by index in the contract's metrics (as metric_values() lists them).
struct MetricChanges {
  std::size_t contract = 0;
  std::vector<std::uint32_t> metrics;
};

/// Observes evaluation, as cel-cpp's evaluation listener does: the command's timeline, the
/// HTML report and a host's own code watch the engine through this, never through its
/// internals. Every method has an empty default; a listener is called on the thread that feeds
/// the engine, in order, and must outlive its registration.
class EngineListener {
 public:
  virtual ~EngineListener() = default;
  /// A clause changed state.
  virtual void on_transition(const Transition& /*transition*/) {}
  /// A note that is not a transition (a trading day without data inside a day window).
  virtual void on_note(const std::string& /*note*/) {}
  /// An event was processed: its transitions have been reported, and `changed` lists, for
  /// each contract whose metrics it moved, which ones.
  virtual void on_event(const Event& /*event*/, const std::vector<MetricChanges>& /*changed*/) {}
};

/// How much work the events so far caused: what benchmarks and the filter index's tests read.
struct EngineCounters {
  std::uint64_t events = 0;  // events processed
  /// Contracts (instances) the events visited. An event visits the contracts whose `where`
  /// filters it may pass and those whose filters are not one equality on a field (the filter
  /// index, docs/run.md); the first event of each local day visits every contract that
  /// declares its type.
  std::uint64_t contract_visits = 0;
};

/// A failure while running: arithmetic that overflowed or divided by zero, pointing at the
/// contract's source and at the event that caused it.
class RuntimeError : public std::runtime_error {
 public:
  RuntimeError(Diagnostic diagnostic, std::string cause);
  const Diagnostic& diagnostic() const { return diagnostic_; }
  /// "logs/a.jsonl:17" or "deadline 2030-10-06T04:00:00Z".
  const std::string& cause() const { return cause_; }

 private:
  Diagnostic diagnostic_;
  std::string cause_;
};

/// Replays events through contracts. Events must be fed in timestamp order; deadlines fire at
/// their own instant, before any event at or after it.
class Engine {
 public:
  Engine();
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  /// Loads a contract file; on errors returns false and adds them to `diagnostics`, whose
  /// spans point into text the engine keeps for as long as it lives. Every contract is loaded
  /// before the first event: once the engine has processed an event or moved its clock,
  /// loading is refused (false, with a diagnostic), since it would restart the others.
  bool load_file(const std::string& path, Diagnostics& diagnostics);
  /// Loads contract text; `name` names it in diagnostics.
  bool load_text(std::string name, std::string text, Diagnostics& diagnostics);

  /// Forgets every event: each contract back to its state just after loading, the clock unset,
  /// test expressions and the coverage seen so far dropped. Loaded contracts, listeners,
  /// callbacks, log names and enable_coverage() stay. Diagnostics that feed_json and
  /// restore_state gave before must not be used after it (the text they show is freed). Cheaper
  /// than loading the contracts into a new engine, and answers the same.
  void reset();
  /// Loads a template (a contract with `parameters { … }`) once, and one instance of it per
  /// row of an instances file: CSV with a header row, or JSON Lines (`instances_name` ending in
  /// .jsonl). Each instance is a contract of its own, named by its key column, that shares the
  /// template's compiled plan: only its parameters and its state are its own. A bad row (a
  /// missing column, a value of the wrong type, a duplicate key) loads nothing: false, with a
  /// diagnostic at its line and column.
  bool load_template(std::string name, std::string text, std::string instances_name,
                     std::string instances_text, Diagnostics& diagnostics);
  /// load_template from files.
  bool load_template_file(const std::string& path, const std::string& instances_path,
                          Diagnostics& diagnostics);
  /// From now on, load only the contracts and template instances that `share` runs (a plain
  /// contract is named by its title, an instance by its key; run/share.hpp). The others are
  /// still read and checked, and declare their event types, so that every worker reads the logs
  /// as one engine with all of them would; they are then passed over. Call before loading.
  void set_share(const WorkerShare& share);
  /// How many contracts and instances loading passed over because another share runs them.
  std::size_t outside_share() const;
  /// The contract index of the instance named `instance` (its key), if one is loaded.
  std::optional<std::size_t> instance_index(std::string_view instance) const;
  /// Contract `index`'s instance name; empty for a plain contract.
  const std::string& instance_name(std::size_t index) const;
  /// The text instance `index` gives its template's text parameter `parameter`, as its row
  /// wrote it; nullopt for a plain contract, another name, or a parameter of another type.
  std::optional<std::string> parameter_text(std::size_t index, std::string_view parameter) const;

  /// The first loaded contract's time zone ("UTC" when none is loaded): how a host should read
  /// a date or a time without an offset that the user gives.
  std::string timezone() const;

  /// The event types the loaded contracts declare, for readers.
  const EventSchemas& schemas() const;
  /// With it, a report that cannot be counted (a correction naming an id never seen, or an id
  /// seen before with other values) is skipped with a note instead of stopping the run.
  void set_skip_bad_reports(bool skip);
  /// Names of the log files, by Event::log, for causes ("logs/a.jsonl:17").
  void set_log_names(std::vector<std::string> names);

  /// Adds a listener (not owned; it must outlive the engine or be removed first).
  void add_listener(EngineListener& listener);
  /// Removes a listener added before; nothing if it was not added.
  void remove_listener(const EngineListener& listener);
  /// Called for every transition, in order: a listener that only has on_transition. Setting
  /// it again replaces it; an empty function removes it.
  void on_transition(std::function<void(const Transition&)> callback);
  /// Called with notes that are not transitions, such as a trading day without data inside a
  /// day window ("… counts as not met"), once per day and contract.
  void on_note(std::function<void(const std::string&)> callback);

  /// Processes one event (its type indexes schemas()), except for the contracts it lists in
  /// Event::withheld. Throws RuntimeError, also when the event is not one a log reader could
  /// give (check_event): its time or a timestamp or date field outside the range logs may give,
  /// an unknown type, or not one value per field.
  void feed(const Event& event);
  /// Processes events given as JSON Lines text (one object per line, as in a log), checked
  /// against the schemas like a log; `name` names them in causes and messages. Returns false
  /// and adds a diagnostic pointing at the bad line ("NAME:LINE:1: error: …") at the first bad
  /// line, after feeding the good ones before it. Events of types no contract declares are
  /// passed over. Throws RuntimeError.
  bool feed_json(std::string_view lines, Diagnostics& diagnostics,
                 const std::string& name = "json");
  /// Fires every deadline up to and including `until` and moves the clock there.
  void advance_to(Timestamp until);
  /// The instant of the earliest timer not fired yet (a deadline, the effective date, the
  /// expiry or a fixed time test), if any: when a live host should call fire_timers_until.
  std::optional<Timestamp> next_timer() const;
  /// Fires every timer due up to and including `until`, as an event at a later instant would
  /// before it, and nothing else: unlike advance_to, the clock stops at the last timer fired,
  /// so the transitions are the same whether a timer fires here or at the next event.
  void fire_timers_until(Timestamp until);
  /// The engine's clock: the last event's or advance_to's instant.
  std::optional<Timestamp> now() const;
  /// The work the events so far caused.
  EngineCounters counters() const;

  std::vector<ClauseStatus> clause_states() const;
  std::vector<MetricStatus> metric_values() const;
  /// Totals of what met clauses grant, by unit ("53,333,334 shares", "20,000,000,000 USD").
  std::vector<std::string> granted_totals() const;
  /// The total met clauses grant in `dimension`, in its base unit (an empty dimension: the
  /// total of grants that are plain numbers); zero when none is met.
  Decimal granted_total(const std::string& dimension) const;
  /// What clauses paid for missed periods (`pays 10000 USD for each missed month`), one total
  /// per dimension as granted_totals shows them; empty when nothing was paid.
  std::vector<std::string> paid_totals() const;
  /// Whether any loaded clause pays for missed periods.
  bool pays_for_missed_periods() const;
  /// The sum of what clauses paid for missed periods in `dimension`, in its base unit.
  Decimal paid_total(const std::string& dimension) const;
  /// What contract `index`'s clauses paid for missed periods, as paid_totals shows them.
  std::vector<std::string> paid_totals(std::size_t index) const;

  /// How many contracts are loaded, and each one's text, tree and checker result.
  std::size_t contract_count() const;
  const LoadedContract& contract(std::size_t index) const;

  /// Evaluates an expression the checker typed in contract `index` (a test's expectation, in
  /// the contract's terms) at the current time; `bindings` gives the values of the variables
  /// it uses (a parameterised test's). An expression is compiled once, with the bindings of its
  /// first evaluation. Its windows and latches are kept apart from the contract's: plan(index)
  /// stays as loaded, and they see every event from now on. Throws RuntimeError.
  Evaluation evaluate(const ast::Expr& expr, std::size_t index = 0,
                      const Bindings* bindings = nullptr);

  /// From now on, record which conditions were seen true and false.
  void enable_coverage();
  /// Every condition inside contract `index`'s clauses, in source order, with what was seen.
  std::vector<ConditionCoverage> coverage(std::size_t index = 0) const;

  /// Why clause `clause` of contract `index` is or is not met now: its conditions as trees
  /// with their values and what is missing (explain.hpp). `history` holds transitions this
  /// engine reported, to name the events that met its stages. Throws std::out_of_range when
  /// the contract has no such clause.
  Explanation explain(std::string_view clause, std::size_t index = 0,
                      const std::vector<Transition>& history = {}) const;

  // ---- Read-only views for tools built on the engine (the HTML report) ----------------
  // None of these changes the engine.

  /// Contract `index`'s compiled plan: its metrics, clauses and their programs, by index.
  const ContractPlan& plan(std::size_t index) const;
  /// Metric `metric` (an index into plan(index).metrics) of contract `index` now; nullopt
  /// while it has no value. Throws RuntimeError when it cannot be computed (a derived metric
  /// that divides by zero).
  std::optional<Value> metric_value(std::size_t index, std::uint32_t metric) const;
  /// The value `expr` has when `program` (one of plan(index)'s programs) runs now, e.g. a
  /// target that splits adjust; nullopt when it has none or cannot be computed.
  std::optional<Value> value_in(std::size_t index, const Program& program,
                                const ast::Expr& expr) const;
  /// The product of every split's ratio so far in contract `index` (1 before any split).
  Decimal split_factor(std::size_t index) const;
  /// The total contract `index`'s met clauses grant in `dimension`, in its base unit.
  Decimal granted_total(std::size_t index, const std::string& dimension) const;

  /// The whole state as text (clock, metrics, windows, clauses), for save/resume.
  std::string save_state() const;
  /// Restores a saved state into an engine that has loaded the same contracts. When the text is
  /// not such a state: false, the engine unchanged, and a diagnostic in `diagnostics` at the
  /// line of the state (named `name`) where reading it failed.
  bool restore_state(std::string_view saved, Diagnostics& diagnostics,
                     const std::string& name = "state");

  /// The engine's state: opaque here, defined in the engine's internal header
  /// (run/runtime.hpp). Only Engine's own members reach it; tools use the views above.
  struct Impl;

 private:
  /// False, with a diagnostic, once the engine has processed events.
  bool loading_allowed(const std::string& name, Diagnostics& diagnostics) const;

  std::unique_ptr<Impl> impl_;
};

}  // namespace proviso
