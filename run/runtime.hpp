// Internal to the engine: the runtime state of each contract and the steps that change it.
// runtime.cpp drives events and timers, evaluate.cpp runs programs, metrics.cpp updates
// aggregates, windows.cpp keeps day windows, state_io.cpp saves and restores.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "check/load.hpp"
#include "plan/plan.hpp"
#include "run/engine.hpp"
#include "run/value_table.hpp"
#include "stdlib/calendar.hpp"

namespace proviso {

/// Moves an instant by a duration in the contract's terms: whole days, weeks, months and
/// trading days move the local date and keep the wall-clock time; hours and less are exact.
std::int64_t shift_instant(std::int64_t micros, const RuntimeValue& duration, int sign,
                           const TimeZone& zone, const TradingCalendar& sessions);

/// One value of a windowed metric, kept until it leaves the window.
struct WindowEntry {
  std::uint64_t seq = 0;  // the entry's number in its metric, so equal values stay distinct
  std::int64_t ts = 0;
  std::int32_t day = 0;  // the local date, for windows counted in trading days
  Decimal value;         // a VWAP's: value × weight (one day's Σ in a trading-day window)
  Decimal weight;
};

struct MetricState {
  bool has_value = false;  // latest/first/min/max/average/vwap: set by the first event
  Decimal sum;             // sum, average: Σ value; vwap: Σ value × weight
  Decimal weight_sum;      // vwap: Σ weight
  std::uint64_t count = 0;
  RuntimeValue value;                // latest, first, min, max
  std::string text;                  // storage for a text value
  std::deque<WindowEntry> window;    // windowed metrics only: the values inside the window
  std::deque<WindowEntry> extremes;  // windowed min/max: a monotonic deque over `window`
  // Period metrics (`in the current calendar month`): the period this state aggregates, and
  // the state of the one before it once it closed (null when it saw no event).
  std::optional<std::int64_t> period;
  std::shared_ptr<const MetricState> closed;
};

/// The samples of a day window: one per day, oldest first, in a ring of `span` days.
struct WindowState {
  std::vector<std::uint8_t> ring;
  std::uint32_t head = 0;  // index of the oldest sample
  std::uint32_t size = 0;
  std::uint32_t trues = 0;
  std::optional<std::int32_t> current_day;
  std::optional<bool> today;  // the current day's sample, once its inputs changed that day
};

/// One period's result for a clause tested per period.
struct PeriodOutcome {
  std::int64_t index = 0;   // in the clause's PeriodRule
  std::uint32_t state = 0;  // met, missed or unknown, as an index into the clause's states
  std::uint32_t own = 0;    // the period's own outcome (state also looks at earlier periods)
  Timestamp end;
  // Restated after it closed (run/corrections.cpp): the outcome and grant as first reported,
  // and the line of the latest correction.
  std::optional<std::uint32_t> reported;
  std::optional<Decimal> reported_granted;
  std::string restated_by;
  std::optional<Decimal> granted;  // a met period's grant (with any catch-up), after caps
  std::optional<Decimal> paid;     // a missed period's payment (`pays … for each missed`)
  std::optional<Decimal> forgone;  // a missed period's grant, which a catch-up may pay later
  bool caught_up = false;          // a later period paid its forgone grant
  std::optional<Decimal> caught;   // the forgone grants of earlier periods this one paid
  std::optional<Decimal> cash;     // and its cash in lieu of a fraction of a share
};

/// What a clause grants when it is met: the amount (base units) and any cash in lieu of a
/// fraction of a share; unknown, with the reason, when it cannot be computed.
struct AmountResult {
  bool known = true;
  Decimal value;
  std::optional<Decimal> cash;
  std::string unknown;
};

struct ClauseState {
  std::uint32_t stage = 0;  // 0 pending, i after reaching states[i]
  bool lapsed = false;
  Level level = Level::pending;  // holds-while clauses
  std::optional<std::int64_t> last_level_change;
  bool deadline_armed = false;
  std::optional<std::int64_t> wake;  // the clock timer already asked for its time tests
  std::vector<std::optional<Timestamp>> entered;  // by state index
  // `requires C in each …`: every period's outcome so far, oldest first, and the amounts its
  // met periods granted.
  std::vector<PeriodOutcome> periods;
  Decimal period_granted;
  Decimal period_paid;
  Decimal period_cash;
  // Other clauses: the amount as it stood when the clause was met (none before, or when it
  // could not be computed then; a share count that follows splits, divided by the splits
  // so far), and its cash in lieu.
  std::optional<Decimal> granted;
  std::optional<Decimal> granted_cash;
};

/// Where a clause's named states sit among its states, found once at load so that the event
/// loop compares indices, never names. kNone when the clause has no such state.
struct StateIndices {
  static constexpr std::uint32_t kNone = UINT32_MAX;
  std::uint32_t holding = kNone;
  std::uint32_t breached = kNone;
  std::uint32_t lapsed = kNone;
};

/// What every instance of one contract shares: its text, tree and checker result, its plan and
/// its calendar. A plain contract is its own single instance; a template's instances differ
/// only in their parameters and their state, so N instances compile the contract once.
struct ContractShared {
  LoadedContract loaded;
  ContractPlan plan;
  std::optional<TradingCalendar> calendar;
  TradingCalendar every_day = TradingCalendar::every_day();
  std::size_t compiled_for = 0;  // the schemas' size the plan was compiled for; 0: not yet
  std::uint32_t declarer = 0;    // what merge_schemas returned for it (EventDeclarer::contract)
};

/// A contract's reports that may be restated, by id (run/corrections.cpp).
struct ReportBook;

struct ContractRuntime {
  explicit ContractRuntime(std::shared_ptr<ContractShared> shared_with)
      : shared(std::move(shared_with)),
        loaded(shared->loaded),
        plan(shared->plan),
        calendar(shared->calendar),
        every_day(shared->every_day) {}
  /// A contract of its own, sharing nothing (tests build one by hand).
  ContractRuntime() : ContractRuntime(std::make_shared<ContractShared>()) {}
  ContractRuntime(const ContractRuntime&) = delete;
  ContractRuntime& operator=(const ContractRuntime&) = delete;

  std::shared_ptr<ContractShared> shared;
  std::uint32_t index = 0;  // in Engine::Impl::contracts
  LoadedContract& loaded;
  ContractPlan& plan;
  std::optional<TradingCalendar>& calendar;
  const TradingCalendar& every_day;
  /// A template's instance: its name (the key column's value) and its parameters' values, in
  /// the checker's order (Op::parameter reads them); `parameter_texts` holds what text values
  /// view. Empty for a plain contract.
  std::string instance;
  std::vector<RuntimeValue> parameters;
  std::vector<std::string> parameter_texts;
  /// Set while an event a `tested at each` clause is tested at is being processed, by clause.
  std::vector<std::uint8_t> tested_now;
  std::vector<MetricState> metrics;
  std::vector<WindowState> windows;
  std::vector<std::optional<std::int64_t>> latches;  // `once C`: when C first held
  /// By ContractPlan::folds: each part's value for this instance, once worked out, with the
  /// failure (a division by zero) that working it out met, which every use reports again.
  struct Folded {
    bool known = false;
    RuntimeValue value;
    std::shared_ptr<const Diagnostic> failure;
  };
  std::vector<Folded> folded;
  std::vector<ClauseState> clauses;
  std::vector<StateIndices> state_indices;  // by clause
  bool started = false;
  bool expired = false;
  std::vector<std::uint8_t> dirty;              // clauses to re-evaluate
  std::vector<std::uint8_t> coverage;           // by node id: bit 0 seen true, bit 1 seen false
  std::int32_t last_missing_day = INT32_MIN;    // missing trading days are noted once
  std::int32_t visited_day = INT32_MIN;         // the local day of the last event that visited it
  Decimal split_factor = Decimal::from_int(1);  // the product of every split's ratio so far
  // Expressions compiled after loading (a test's expectations, a family member's part of a
  // condition): `plan` never changes for them. `extended` is the same contract compiled again,
  // so every index of `plan` means the same in it, and the constants, windows and latches such
  // expressions bring are added there; null until the first.
  std::unique_ptr<ContractPlan> extended;
  std::map<const ast::Expr*, Program> extra;  // compiled into `extended`
  /// The plan programs run against: `extended` once there is one, else `plan`.
  const ContractPlan& running() const { return extended ? *extended : plan; }
  /// By period rule: the end of the running period, once a timer waits for it.
  std::vector<std::optional<std::int64_t>> period_ends;
  std::vector<std::uint32_t> noted_failures;  // failed calculations noted, by source offset
  // The metrics the event being processed changed, for listeners; `metric_changed` by metric.
  std::vector<std::uint32_t> changed_metrics;
  std::vector<std::uint8_t> metric_changed;
  /// Null unless an event type the contract declares has an `id` (reports that may be restated).
  std::shared_ptr<ReportBook> reports;
};

/// A deadline, the effective date or the expiry, due at an instant.
struct Timer {
  std::int64_t at = 0;
  std::uint32_t contract = 0;
  std::uint32_t clause = 0;  // for deadlines
  // clock: a fixed `before`/`by`/`after` test of `clause` changes its answer.
  // period_end: the period of rule `clause` (an index into period_rules) ends. Saved states
  // hold the kind's number, so a new kind goes last.
  enum class Kind : std::uint8_t {
    effective,
    deadline,
    expiry,
    clock,
    period_end
  } kind = Kind::deadline;

  /// At one instant, a period that ends is closed before the contract expires, so that the
  /// last period of a contract still gets its outcome.
  int rank() const {
    if (kind == Kind::period_end) return static_cast<int>(Kind::expiry);
    return static_cast<int>(kind) + (kind >= Kind::expiry ? 1 : 0);
  }
  bool operator>(const Timer& other) const {
    const int mine = rank();
    const int theirs = other.rank();
    return std::tie(at, contract, mine, clause) >
           std::tie(other.at, other.contract, theirs, other.clause);
  }
};

/// A field's (or an instances cell's) value as the plan's programs hold it; a text value views
/// the slot's own text.
RuntimeValue slot_value(const FieldSlot& slot, const Type& type);

/// An aggregate's value from its running state (no value yet: unknown).
RuntimeValue aggregate_value(const MetricPlan& plan, const MetricState& state);

/// A diagnostic at line `line` (1-based; 0 for the text as a whole) of `source`.
Diagnostic line_diagnostic(const SourceFile& source, std::uint64_t line, std::string message);

/// Which contracts an event of one type reaches (runtime_routes.cpp).
struct FieldRoute {
  std::uint32_t field = 0;  // into the type's schema fields
  ValueKind kind = ValueKind::text;
  /// The field's value (as route_key writes it) -> the contracts whose filters it passes.
  ValueTable by_value;
};
/// A contract an event visits, and what the filter index knows of its filters on the event's
/// type: nothing (they are evaluated), that they pass (the event's value is the one they are
/// indexed under), or that they fail (a local day's first event visits it only to roll its
/// windows and clocks).
struct Visit {
  enum class Filters : std::uint8_t { unknown, pass, fail };
  std::uint32_t contract = 0;
  Filters filters = Filters::unknown;
};
struct EventRoutes {
  std::vector<Visit> everyone;   // every contract that declares the type, in order; filters unknown
  std::vector<Visit> broadcast;  // those that every event of the type visits
  /// The others are visited through `fields`, and by the first event of each local day (their
  /// windows roll).
  std::vector<FieldRoute> fields;
  /// The local day of the last event of the type, by zone of the contracts visited through
  /// `fields`.
  std::vector<std::pair<TimeZone, std::int32_t>> days;
};

struct Engine::Impl {
  std::vector<std::unique_ptr<ContractRuntime>> contracts;
  std::map<std::string, std::size_t> instance_index;  // a template instance's name -> contract
  std::vector<LoadedContract> rejected;  // kept so that their diagnostics' spans stay valid
  std::optional<WorkerShare> share;      // set_share: load only the contracts this worker runs
  std::size_t outside_share = 0;         // contracts and instances passed over for another share
  std::string first_timezone;            // the first contract checked's, loaded or passed over
  EventSchemas schemas;
  std::vector<std::string> log_names;
  std::function<void(const Transition&)> callback;
  std::function<void(const std::string&)> note_callback;
  std::vector<EngineListener*> listeners;
  std::vector<MetricChanges> changes;  // reused by every event: what it changed, for listeners
  /// True when anything watches transitions: only then are their deciding values written.
  bool observed() const { return callback || !listeners.empty(); }
  void notify_note(const std::string& note);
  /// Records that metric `m` of `contract` changed with the event being processed.
  void note_metric_change(ContractRuntime& contract, std::uint32_t m);
  /// Tells listeners which metrics the event just processed changed.
  void report_changes(const Event& event);
  // JSON or state text with a bad line, kept for the diagnostic's span.
  std::vector<std::unique_ptr<SourceFile>> fed_texts;
  void note_missing_day(ContractRuntime& contract, const DayWindowPlan& window, Date day);
  std::optional<Timestamp> clock;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;
  std::vector<RuntimeValue> stack;  // reused by every evaluation: no allocation per event
  Transition::Cause event_cause;    // reused by every event
  bool coverage_on = false;
  /// The first calculation that failed in the running evaluation; its value is unknown.
  std::optional<Diagnostic> failed_calculation;
  /// While set, evaluating changes nothing: latches are not set and coverage is not recorded.
  /// The const queries (statuses, metrics, explain) and traces look at the engine this way.
  bool looking = false;
  /// Sets `looking` for its lifetime.
  class Looking {
   public:
    explicit Looking(Impl& impl) : impl_(impl), was_(impl.looking) { impl.looking = true; }
    ~Looking() { impl_.looking = was_; }
    Looking(const Looking&) = delete;
    Looking& operator=(const Looking&) = delete;

   private:
    Impl& impl_;
    bool was_;
  };

  EngineCounters counters;
  // runtime_routes.cpp
  std::vector<EventRoutes> routes;  // by event type; built at the first event
  bool routes_built = false;
  std::vector<Visit> visiting;      // reused by every event
  std::vector<Visit> day_visiting;  // reused by the first event of each day
  std::string route_key_buffer;     // reused by every event
  void build_routes();
  /// The contracts `event` visits, in load order: the type's broadcast list and those its
  /// field values are indexed under; every declaring contract at a local day's first event.
  const std::vector<Visit>& contracts_for(const Event& event);
  /// The local day of an instant in `zone`, computed once per zone and instant.
  struct LocalDay {
    TimeZone zone;
    std::int64_t micros = 0;
    std::int32_t day = 0;
  };
  std::vector<LocalDay> local_days;
  std::int32_t local_day(const TimeZone& zone, std::int64_t micros);
  /// The first day inside a window of the last `days` trading days ending today: computed once
  /// per calendar, window length and day.
  struct WindowStart {
    const TradingCalendar* sessions = nullptr;
    std::uint32_t days = 0;
    std::int32_t today = 0;
    std::int32_t first = 0;
  };
  std::vector<WindowStart> window_starts;
  std::int32_t first_day_inside(const TradingCalendar& sessions, std::uint32_t days,
                                std::int32_t today);
  static std::int32_t window_start(const TradingCalendar& sessions, std::uint32_t days,
                                   std::int32_t today);

  // runtime.cpp
  void start_contract(std::uint32_t index);
  /// Pushes contract `index`'s timers: effective, expiry, fixed deadlines and time tests.
  void arm_timers(std::uint32_t index);
  /// Starts the contracts from `first` on (all of them when the schemas grew since
  /// `schemas_before`) and arms their timers.
  void start_added(std::size_t first, std::size_t schemas_before);
  /// A measure of the schemas that grows with every event type or field added.
  std::size_t schemas_size() const;
  static bool has_tested_at(const ContractRuntime& contract);
  /// Marks the `tested at each` clauses that `event` tests.
  void mark_tested(ContractRuntime& contract, const Event& event, Visit::Filters filters);
  /// `over the last … since D`: the event's day is before D.
  bool before_first_day(const ContractRuntime& contract, const MetricPlan& metric,
                        const Event& event);
  /// The local day of a date or timestamp parameter of the instance.
  static std::int32_t first_day_of(const ContractRuntime& contract, std::uint32_t parameter);
  /// A day window's first day (`since …`) for this contract or instance; none without `since`.
  static std::optional<std::int32_t> window_first_day(const ContractRuntime& contract,
                                                      const DayWindowPlan& window);
  void fire_timers(std::int64_t until);
  void fire(const Timer& timer);
  void process(const Event& event);
  /// Moves windows and expiring metric entries to `now` and marks clock-driven clauses dirty.
  void pass_time(ContractRuntime& contract, std::int64_t now);
  /// A split event: scales adjusted clauses' share counts and per-share prices.
  void apply_split(ContractRuntime& contract, const Event& event);
  void evaluate_dirty(ContractRuntime& contract, const Transition::Cause& cause);
  bool evaluate_clause(ContractRuntime& contract, std::uint32_t index,
                       const Transition::Cause& cause);
  bool evaluate_clause_now(ContractRuntime& contract, std::uint32_t index,
                           const Transition::Cause& cause);
  /// The next instant, after the clock, at which a time test just evaluated changes its answer.
  std::optional<std::int64_t> next_change;
  void note_change(std::int64_t at) {
    if (clock && at > clock->micros && (!next_change || at < *next_change)) next_change = at;
  }
  void transition(ContractRuntime& contract, std::uint32_t clause, std::uint32_t to_state,
                  const Transition::Cause& cause, const Program* decided_by,
                  std::string_view period = {}, const AmountResult* period_amount = nullptr,
                  std::string_view period_words = {});
  void mark_dependents(ContractRuntime& contract, std::uint32_t clause);
  /// The state a clause is in now, as an index into its states and a name.
  static ClauseStage stage_of(const ContractRuntime& contract, std::uint32_t clause);
  bool has_been_met(const ContractRuntime& contract, std::uint32_t clause) const;
  /// The instant a clause's deadline falls at, once its value is known.
  std::optional<std::int64_t> deadline_of(ContractRuntime& contract, const ClausePlan& plan);
  void update_latches(ContractRuntime& contract, const ClausePlan& plan, std::uint32_t from_stage);
  /// The values a lapse is shown with: those of the stage the clause did not reach.
  static const Program* unmet_stage(const ClausePlan& plan, const ClauseState& state);

  // evaluate.cpp
  RuntimeValue evaluate(ContractRuntime& contract, const Program& program,
                        const Event* event = nullptr);
  /// The value of `plan.folds[index]` for the contract, worked out on its first use.
  RuntimeValue folded_value(ContractRuntime& contract, const ContractPlan& plan,
                            std::uint32_t index, const Event* event);
  void execute(ContractRuntime& contract, const ContractPlan& plan, const Step& step,
               const Event* event);
  /// The contract's trading calendar, or every day when it names none.
  static const TradingCalendar& sessions(const ContractRuntime& contract);
  void record_coverage(ContractRuntime& contract, ast::NodeId node, const RuntimeValue& value);
  /// After an evaluation in which a calculation failed: a note if the result is known anyway,
  /// else the failure as a RuntimeError.
  void settle_failure(ContractRuntime& contract, const RuntimeValue& result);
  [[noreturn]] void fail(const ContractRuntime& contract, ast::NodeId node,
                         const std::string& message);

  // metrics.cpp
  void update_metric(ContractRuntime& contract, std::uint32_t index, const Event& event);
  RuntimeValue metric_value(const ContractRuntime& contract, std::uint32_t index) const;
  void expire_window_entries(ContractRuntime& contract, std::uint32_t index, std::int64_t now,
                             bool& changed);

  // windows.cpp
  void roll_windows(ContractRuntime& contract, std::int64_t now);
  void sample_window(ContractRuntime& contract, std::uint32_t index);
  RuntimeValue window_value(const ContractRuntime& contract, std::uint32_t index) const;
  /// Days in the window that met the condition, today's sample included.
  std::uint32_t window_count(const ContractRuntime& contract, std::uint32_t index) const;

  // periods.cpp
  /// Starts the period timers not yet waiting and moves period metrics into the periods of
  /// `now`, marking their readers.
  void pass_periods(ContractRuntime& contract, std::int64_t now);
  /// A period ends at `at`: records the outcome of every clause tested per that period, then
  /// moves the period metrics on.
  void close_periods(ContractRuntime& contract, std::int64_t at);
  void record_period_outcome(ContractRuntime& contract, std::uint32_t clause, std::int64_t index,
                             Timestamp end);
  /// The value of a period metric: its running period, or the one before it.
  RuntimeValue period_metric_value(const ContractRuntime& contract, std::uint32_t index) const;
  /// What a clause grants now in total: its grant once met, or the sum over the periods it met.
  std::optional<Decimal> granted_by(ContractRuntime& contract, std::uint32_t clause);

  // corrections.cpp
  /// Whether --skip-bad-lines holds for reports: a bad one is skipped with a note, not an error.
  bool skip_bad_reports = false;
  /// What an event with an id is for a contract: a new report, a copy of one already counted,
  /// a correction (already applied to the aggregates), or a bad report skipped with a note.
  enum class ReportAdmission { report, duplicate, correction, skipped };
  /// Sets up the contract's report book (null when it declares no event type with an id).
  void start_reports(ContractRuntime& contract);
  ReportAdmission admit_report(ContractRuntime& contract, const Event& event);
  /// Keeps the states of rule `rule`'s period metrics for period `index`, which ends now, so
  /// that a later correction can test the period again.
  void keep_closed_period(ContractRuntime& contract, std::uint32_t rule, std::int64_t index);
  /// The state was resumed from a file, which carries no reports.
  static void note_resumed_reports(ContractRuntime& contract);
  // ledger.cpp
  /// Settles a period's amounts at its end (grant, payment for a miss, catch-up, caps) and
  /// adds them to the running totals; returns the words the timeline shows, or "".
  std::string settle_period_amounts(ContractRuntime& contract, std::uint32_t clause,
                                    PeriodOutcome& outcome);
  /// What a clause has paid for missed periods in total, once it paid for one.
  std::optional<Decimal> paid_by(const ContractRuntime& contract, std::uint32_t clause) const;
  // amounts.cpp
  /// Whether what a clause grants is a share count that splits multiply (`subject to
  /// adjustment`), including shares granted before the split.
  static bool follows_splits(const ClausePlan& plan);
  /// What a clause grants, with the metrics as they stand now.
  AmountResult evaluate_amount(ContractRuntime& contract, const GrantPlan& grant);
  std::optional<Decimal> amount_value(ContractRuntime& contract, const AmountPlan& amount,
                                      std::string& why);
  std::optional<Decimal> tiered_value(ContractRuntime& contract, const AmountPlan& amount,
                                      std::string& why);
  /// The cash in lieu a clause pays now in total (see granted_by).
  std::optional<Decimal> cash_granted_by(ContractRuntime& contract, std::uint32_t clause);

  // describe.cpp
  std::vector<Transition::Value> deciding_values(ContractRuntime& contract, const Program& program,
                                                 const ClauseInstance& clause);
};

}  // namespace proviso
