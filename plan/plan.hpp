// Stage 3: a checked contract compiled into an evaluation plan — flat programs over integer
// slots, so the runtime never walks the AST or looks a name up while it replays events.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "check/check.hpp"
#include "events/event.hpp"
#include "grammar/ast.hpp"
#include "stdlib/period.hpp"

namespace proviso {

/// How a runtime value is held; fixed per program position by the checker's types.
enum class ValueKind : std::uint8_t { number, instant, date, duration, text, boolean };

/// A value on the evaluation stack. `known` is false while an input has no value yet (no close
/// price seen): comparisons with an unknown value are unknown, and unknown never meets a clause.
struct RuntimeValue {
  Decimal number;                 // numbers and quantities (in base units)
  std::int64_t time = 0;          // instants (micros), dates (days), exact durations (micros)
  std::int32_t months = 0;        // calendar part of a duration
  std::int32_t trading_days = 0;  // trading-day part of a duration
  bool flag = false;              // booleans
  bool known = true;
  std::string_view text;
};

enum class Op : std::uint8_t {
  constant,      // a = constant index
  parameter,     // a = parameter index: the instance's value (a template's parameters)
  load_metric,   // a = metric index
  load_field,    // a = field index of the event being filtered
  clause_state,  // a = clause index, b = state index: is the clause in that state now?
  clause_time,   // a = clause index, b = state index: when it entered that state
  now,           // the clock
  add,           // b = ValueKind of the left operand, c = of the right
  subtract,
  multiply,
  divide,
  negate,
  compare,  // a = ast::BinaryOp, b = ValueKind of both sides
  band,     // a = 1 when the high end is excluded, b = ValueKind
  logical_and,
  logical_or,
  logical_not,
  latch,          // a = latch index: true from the first time the operand was true
  adjust_price,   // a per-share price constant of an adjusted clause: ÷ the splits so far
  adjust_shares,  // a share count an adjusted clause grants: × the splits so far
  window,         // a = day-window index: its result (the window evaluates its own program)
  quorum,         // a = number of items, b = needed (a for all, 1 for any)
  time_before,    // b = ValueKind of the instant (date or instant)
  time_by,
  time_after,
  within,  // b = ValueKind of the anchor
  folded,  // a = index into ContractPlan::folds: a part with one value per instance (fold.cpp)
};

/// The step that computes an arithmetic operator: Op::add … Op::divide.
constexpr Op arithmetic_step(ArithmeticOp op) {
  switch (op) {
    case ArithmeticOp::add:
      return Op::add;
    case ArithmeticOp::subtract:
      return Op::subtract;
    case ArithmeticOp::multiply:
      return Op::multiply;
    case ArithmeticOp::divide:
      return Op::divide;
  }
  return Op::add;  // not reached: every operator has its case above
}

/// The arithmetic operator an Op::add … Op::divide step computes: the inverse of
/// arithmetic_step, without a branch (the four steps are consecutive, in ArithmeticOp's order).
constexpr ArithmeticOp arithmetic_of(Op step) {
  return static_cast<ArithmeticOp>(static_cast<std::uint8_t>(step) -
                                   static_cast<std::uint8_t>(Op::add));
}
static_assert(arithmetic_of(arithmetic_step(ArithmeticOp::add)) == ArithmeticOp::add &&
              arithmetic_of(arithmetic_step(ArithmeticOp::subtract)) == ArithmeticOp::subtract &&
              arithmetic_of(arithmetic_step(ArithmeticOp::multiply)) == ArithmeticOp::multiply &&
              arithmetic_of(arithmetic_step(ArithmeticOp::divide)) == ArithmeticOp::divide);

struct Step {
  Op op;
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  std::uint32_t c = 0;
  ast::NodeId node = 0;  // for runtime errors that point at the source
};

/// A compiled expression. Evaluating it leaves exactly one value.
struct Program {
  std::vector<Step> steps;
  /// The steps as compiled, before parts with one value per instance were folded: a trace that
  /// shows the value of every written part runs these. Empty when nothing was folded.
  std::vector<Step> written;
  const ast::Expr* source = nullptr;
  bool uses_clock = false;  // re-evaluate at every event, not only when inputs change
  bool has_latch = false;   // holds `once` or `ever`: must run whenever its inputs change
};

/// `C on at least M of the last N (trading) days` and `C for N consecutive (trading) days`:
/// C is sampled once per day (its last value that day, when its inputs changed that day).
struct DayWindowPlan {
  Program condition;
  std::uint32_t needed = 0;
  std::uint32_t span = 0;
  bool trading_days = false;
  std::vector<std::uint32_t> input_metrics;
  /// `… since D`, `… since effective`: the first local day that may count; earlier days count
  /// as not met.
  std::optional<std::int32_t> first_day;
  /// `… since P` with P a parameter: its index; the day is the instance's.
  std::optional<std::uint32_t> first_day_parameter;
};

struct MetricPlan {
  std::string name;
  Span span;  // the declaration, for arithmetic failures while aggregating
  Type type;
  ast::AggregateFn fn = ast::AggregateFn::latest;
  std::uint32_t event_type = 0;  // into EventSchemas
  int field = -1;                // into that schema's fields
  int weight = -1;
  std::optional<Program> filter;
  std::optional<Program> derived;         // derived metrics: computed from others
  std::uint32_t window_events = 0;        // `over the last N events`, 0 for the whole history
  std::int64_t window_micros = 0;         // `over the last N days` (exact time)
  std::uint32_t window_trading_days = 0;  // `over the last N trading days`
  /// `over the last … since D`: events of local days before D are not aggregated; D is a
  /// fixed day or (first_day_parameter) the instance's value of a parameter.
  std::optional<std::int32_t> first_day;
  std::optional<std::uint32_t> first_day_parameter;
  /// `in the current calendar month` (`previous_period` false) or `in the previous …`: an index
  /// into ContractPlan::period_rules. The metric aggregates the events of one period only.
  std::optional<std::uint32_t> period;
  bool previous_period = false;

  bool windowed() const {
    return window_events > 0 || window_micros > 0 || window_trading_days > 0;
  }
  /// Windows whose entries leave with time, not with newer events.
  bool expires_with_time() const { return window_micros > 0 || window_trading_days > 0; }
};

/// How an amount node computes (reference § 10, "Amounts"); see AmountPlan for what each reads.
enum class AmountOp : std::uint8_t {
  value,       // program: the leaf
  arithmetic,  // items: lhs, rhs; `arithmetic` says which
  min,         // items: the amounts compared
  max,
  choose,          // program: the condition; items: then, else
  tiers_marginal,  // program: the base; limits, rates: each rate on the part in its band
  tiers_flat,      // program: the base; limits, rates: the band's rate on all of it
  cap,             // items: the amount; program: the cap
  floor,           // items: the amount; program: the floor
  round,           // items: the amount; program: the step, or `step` when it is a unit
};

/// A compiled amount: a small tree whose leaves are programs. Values are in base units.
struct AmountPlan {
  AmountOp op = AmountOp::value;
  ArithmeticOp arithmetic = ArithmeticOp::add;
  RoundingRule rounding = RoundingRule::half_even;
  ast::NodeId node = 0;
  Span span;
  Type type;
  std::optional<Program> program;
  std::vector<AmountPlan> items;
  std::vector<Program> limits;  // tiers: the bands' upper limits, lowest first
  std::vector<Program> rates;   // tiers: one per band, `above` last
  Decimal step;                 // round without a program: whole units or the cent
};

/// What a clause grants: its amount, and the price of cash in lieu of a dropped fraction.
struct GrantPlan {
  AmountPlan amount;
  const ast::Amount* source = nullptr;
  std::optional<Program> cash_price;
  Type cash_type;  // the money cash in lieu is paid in
};

/// `tested at each close where symbol == issuer`.
struct TestedAtPlan {
  std::uint32_t event_type = 0;  // into EventSchemas
  std::optional<Program> filter;
};

/// `capped at 120000 USD per contract year` (period_rule set) or `capped at … in total`.
struct CapPlan {
  Program amount;
  std::optional<std::uint32_t> period_rule;  // into ContractPlan::period_rules
};

struct ClausePlan {
  std::string name;
  const ClauseInstance* instance = nullptr;
  std::vector<Program> stages;               // stage i moves the clause to states[i + 1]
  std::optional<Program> holds_while;        // level clauses
  std::optional<Program> period_test;        // `requires C in each …`: tested at period ends
  std::uint32_t period_rule = 0;             // into ContractPlan::period_rules
  std::uint32_t periods_needed = 1;          // `in each of the last N …`
  std::optional<AmountPlan> missed_payment;  // `pays X for each missed month`
  std::vector<CapPlan> caps;                 // on what it pays per missed period, else grants
  bool catch_up = false;                     // `with catch-up`: a later period pays forgone grants
  std::optional<Program> catch_up_when;      // `with catch-up when C`
  std::optional<Program> deadline;           // `lapses if not S by …`
  std::uint32_t lapse_stage = 0;             // the stage (1-based) the deadline asks for
  std::vector<std::uint32_t> prerequisites;  // clause indices that must have met first
  std::optional<TestedAtPlan> tested_at;     // its stages are evaluated only at those events
  std::optional<GrantPlan> grant;
  std::vector<std::uint32_t> input_metrics;  // metrics its programs read
  std::vector<std::uint32_t> input_clauses;  // clauses whose state its programs read
  bool uses_clock = false;
  /// When a fixed `before`, `by` or `after` test in its conditions changes its answer: the
  /// clause is evaluated then, even when no event comes.
  std::vector<std::int64_t> time_boundaries;
};

/// Where split ratios come from (`splits from split.ratio where …`).
struct SplitPlan {
  std::uint32_t event_type = 0;
  std::uint32_t field = 0;
  std::optional<Program> filter;
};

/// Everything the runtime needs for one contract.
struct ContractPlan {
  const CheckedContract* checked = nullptr;
  std::string title;
  std::string timezone;
  std::optional<TimeZone> zone;
  std::string calendar;  // the header's trading calendar, empty when none
  std::optional<Timestamp> effective;
  std::optional<Timestamp> expires;
  std::vector<RuntimeValue> constants;
  std::vector<std::unique_ptr<std::string>> text_constants;  // what text constants view
  /// What Op::folded steps compute: arithmetic on constants and parameters only, so each
  /// instance works its value out once (`80% * conversion_price`, `issue_date + 1 trading day`).
  std::vector<Program> folds;
  std::vector<MetricPlan> metrics;
  std::vector<ClausePlan> clauses;
  std::vector<DayWindowPlan> windows;
  std::vector<PeriodRule> period_rules;  // the distinct periods metrics and clauses use
  std::optional<SplitPlan> splits;
  std::vector<std::uint32_t> per_share_prices;  // money metrics adjusted clauses read
  std::uint32_t latch_count = 0;
  std::vector<std::vector<std::uint32_t>> metrics_by_event;  // event type -> metric indices
  /// By event type: 1 when this contract declares it. Only those events reach the contract,
  /// so its answers never depend on another contract's logs.
  std::vector<std::uint8_t> declared_events;
  /// The contract's EventDeclarer::contract: which declaration of a shared field it reads, and
  /// how Event::withheld names it.
  std::uint32_t declarer = 0;
  std::vector<std::uint32_t> timed_metrics;  // windows whose entries leave as time passes
  std::vector<std::uint32_t> clock_clauses;  // clauses that time alone can change
  std::vector<std::vector<std::uint32_t>> clauses_by_metric;
  std::vector<std::vector<std::uint32_t>> clauses_by_clause;
  std::vector<Type> types;              // by node id, from the checker
  std::vector<const ast::Expr*> nodes;  // by node id, for runtime errors
};

/// Adds the contract's event types to `schemas` (merging with types other contracts declared),
/// recording which fields it declares as the next contract; returns its EventDeclarer::contract.
/// A field another contract declares differently (another unit, type or scale) gets a field of
/// its own, so each contract reads a line by its own declaration.
std::uint32_t merge_schemas(const CheckedContract& contract, EventSchemas& schemas);

/// Compiles a checked contract. `schemas` must already hold its event types, merged as
/// `declarer` (what merge_schemas returned): its fields are read as that contract declares them.
ContractPlan compile(const CheckedContract& contract, const EventSchemas& schemas,
                     std::uint32_t declarer);

/// Compiles one more expression of the contract that the checker typed (a test's
/// expectation, or part of a clause's condition with a family member's `bindings`, for
/// explanations); it may add constants, windows and latches to the plan.
Program compile_expression(ContractPlan& plan, const EventSchemas& schemas, const ast::Expr& expr,
                           const Bindings* bindings = nullptr);

}  // namespace proviso
