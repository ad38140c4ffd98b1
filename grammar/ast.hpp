// The contract file as parsed: every node carries its source span and a numeric id that
// the checker uses to key its side tables (types, resolved names). Nothing here is
// resolved or checked; the checker leaves the tree as it found it.
#pragma once

#include <compare>
#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/decimal.hpp"
#include "base/source.hpp"
#include "base/time.hpp"

namespace proviso::ast {

using NodeId = std::uint32_t;

// Visits over the tree's variants name every alternative, so that a new node kind nobody
// handles is a compile error rather than a silent fallthrough.

/// For one lambda that handles several kinds alike, listed by name:
/// `[](const ast::one_of<ast::Member, ast::Index> auto&) {…}`.
template <typename T, typename... Kinds>
concept one_of = (std::same_as<T, Kinds> || ...);

/// The last `else` of an `if constexpr` chain over a variant: `static_assert(unhandled<T>)`.
template <typename>
inline constexpr bool unhandled = false;

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

/// A name as written, with where it was written.
struct Name {
  std::string text;
  Span span;
};

struct NumberLiteral {
  Decimal value;
  bool percent = false;  // `25%`: value already holds 0.25
  bool ratio = false;    // `3.25x` or `3.25 to 1.00`: a ratio such as leverage
};
struct TextLiteral {
  std::string value;
};
struct BoolLiteral {
  bool value = false;
};
struct DateLiteral {
  Date date;
};
/// `2026-09-01T00:00Z`, `2026-09-01T09:30-05:00`, `2030-10-05 17:00 America/New_York`,
/// or `2027-01-01 12:00` (in the contract's zone).
struct TimestampLiteral {
  Date date;
  std::int64_t micros_of_day = 0;
  std::optional<int> offset_minutes;  // set for `Z` (0) and `±HH:MM`
  std::optional<Name> zone;           // set for a zone name
};
struct NameRef {
  std::string name;
};
/// A value followed by a word: a unit (`250 USD`, `k GW`, `90 days`, `30 trading days`) or
/// a clause state (`T1 vested`). Which one is the checker's call.
struct Suffixed {
  ExprPtr operand;
  Name word;
};
struct Member {
  ExprPtr object;
  Name member;
};
struct Index {
  ExprPtr object;
  ExprPtr index;
};

enum class UnaryOp { negate, logical_not, once, ever };
struct Unary {
  UnaryOp op;
  Span op_span;
  ExprPtr operand;
};

enum class BinaryOp {
  add,
  subtract,
  multiply,
  divide,
  equal,
  not_equal,
  less,
  less_equal,
  greater,
  greater_equal,
  logical_and,
  logical_or,
};

/// What a binary operator makes: a value from two values, a condition from two values, or a
/// condition from two conditions. The checker, the constant folder and the plan switch on this
/// first, and then only over the members of one family.
enum class OperatorFamily : std::uint8_t { arithmetic, comparison, logical };

/// Everything the stages need to know of a binary operator.
struct OperatorInfo {
  std::string_view text;  // as written: "+", ">=", "and"
  OperatorFamily family;
  ArithmeticOp arithmetic = ArithmeticOp::add;  // which one, for the arithmetic family only
  std::string_view symbol;  // as a reader sees it in explanations: "≥", "≠"; else as written
  int binding = 0;          // how tightly it binds, loosest first, as the grammar's precedence
  BinaryOp mirrored{};      // the comparison with its sides swapped (a < b is b > a); else itself
  // Which orderings of its sides make a comparison true; all false for other families.
  bool when_less = false;
  bool when_equal = false;
  bool when_greater = false;

  /// Whether a comparison holds for sides that compare as `order`.
  constexpr bool holds(std::strong_ordering order) const {
    return order < 0 ? when_less : order > 0 ? when_greater : when_equal;
  }
};

/// How tightly comparisons and the forms that read as one (bands, day windows) bind.
inline constexpr int kComparisonBinding = 4;

/// The one table of binary operators: a new operator is a row here (a missing row does not
/// compile), then a case where its family is handled.
constexpr OperatorInfo operator_info(BinaryOp op) {
  using F = OperatorFamily;
  using B = BinaryOp;
  using A = ArithmeticOp;
  constexpr int kCmp = kComparisonBinding;
  switch (op) {
    case B::add:
      return {"+", F::arithmetic, A::add, "+", 5, B::add};
    case B::subtract:
      return {"-", F::arithmetic, A::subtract, "-", 5, B::subtract};
    case B::multiply:
      return {"*", F::arithmetic, A::multiply, "*", 6, B::multiply};
    case B::divide:
      return {"/", F::arithmetic, A::divide, "/", 6, B::divide};
    case B::equal:
      return {"==", F::comparison, A::add, "=", kCmp, B::equal, false, true, false};
    case B::not_equal:
      return {"!=", F::comparison, A::add, "≠", kCmp, B::not_equal, true, false, true};
    case B::less:
      return {"<", F::comparison, A::add, "<", kCmp, B::greater, true, false, false};
    case B::less_equal:
      return {"<=", F::comparison, A::add, "≤", kCmp, B::greater_equal, true, true, false};
    case B::greater:
      return {">", F::comparison, A::add, ">", kCmp, B::less, false, false, true};
    case B::greater_equal:
      return {">=", F::comparison, A::add, "≥", kCmp, B::less_equal, false, true, true};
    case B::logical_and:
      return {"and", F::logical, A::add, "and", 2, B::logical_and};
    case B::logical_or:
      return {"or", F::logical, A::add, "or", 1, B::logical_or};
  }
  return {"?", F::logical, A::add, "?", 0, op};  // not reached: every operator has its row above
}

/// `==`, `!=`, `<`, `<=`, `>`, `>=`: the operators whose result is a condition.
constexpr bool is_comparison(BinaryOp op) {
  return operator_info(op).family == OperatorFamily::comparison;
}

struct Binary {
  BinaryOp op;
  Span op_span;
  ExprPtr lhs;
  ExprPtr rhs;
};

/// `x in low .. high` (both ends included) or `x in low ..< high` (high excluded).
struct Band {
  ExprPtr value;
  ExprPtr low;
  ExprPtr high;
  bool high_excluded = false;
  Span op_span;
};

/// `… since effective` or `… since D` after a day window: days before it count as not met.
struct WindowSince {
  ExprPtr date;  // null: the contract's effective date
  Span span;     // the whole `since …`
};
/// `C for N consecutive trading days`.
struct Consecutive {
  ExprPtr condition;
  ExprPtr count;
  Name period;
  std::optional<WindowSince> since;
};
/// `C on at least M of the last N trading days`.
struct AtLeastOfLast {
  ExprPtr condition;
  ExprPtr needed;
  ExprPtr window;
  Name period;
  std::optional<WindowSince> since;
};

enum class QuorumKind { all, any, at_least };
/// `all of (…)`, `any of (…)`, `at least N of (…)`.
struct Quorum {
  QuorumKind kind;
  ExprPtr needed;  // only for at_least
  std::vector<ExprPtr> items;
};

enum class TimeRelation { before, by, after };
/// `before X`, `by X`, `after X`: the clock against an instant or date.
struct TimeTest {
  TimeRelation relation;
  ExprPtr instant;
};
/// `within D after X`.
struct Within {
  ExprPtr duration;
  ExprPtr anchor;
};

struct Expr {
  NodeId id = 0;
  Span span;
  // Levels of the tree from here down, this node included; the builder keeps it within
  // grammar::kMaxExpressionDepth, so passes may recurse over expressions.
  std::uint32_t height = 1;
  std::variant<NumberLiteral, TextLiteral, BoolLiteral, DateLiteral, TimestampLiteral, NameRef,
               Suffixed, Member, Index, Unary, Binary, Band, Consecutive, AtLeastOfLast, Quorum,
               TimeTest, Within>
      node;
};

// ---- Amounts --------------------------------------------------------------------------------
// What a clause grants or pays (reference § 10, "Amounts"): a tree whose leaves are expressions. It
// is kept apart from Expr because its forms (tiers, caps, rounding) only make sense as amounts.

struct Amount;
using AmountPtr = std::unique_ptr<Amount>;

/// `a * b`, `a + b`… between amounts.
struct AmountArithmetic {
  ArithmeticOp op = ArithmeticOp::add;
  Span op_span;
  AmountPtr lhs;
  AmountPtr rhs;
};
/// `min(a, b, …)` or `max(a, b, …)`.
struct AmountExtreme {
  bool largest = false;
  Span word_span;
  std::vector<AmountPtr> items;
};
/// `if C then A else B`.
struct AmountChoice {
  ExprPtr condition;
  AmountPtr then_amount;
  AmountPtr else_amount;
};
/// `up to LIMIT: RATE` (limit included) or `above: RATE` (limit null).
struct TierBand {
  Span span;
  ExprPtr up_to;
  ExprPtr rate;
};
/// `tiered BASE { … }`: each rate on the part of BASE in its band (marginal); `tiered all of
/// BASE { … }`: the rate of the band BASE falls in, on all of it (flat).
struct AmountTiers {
  bool flat = false;
  ExprPtr base;
  std::vector<TierBand> bands;
};
/// `A capped at X` (cap) or `A at least X` (floor).
struct AmountLimit {
  bool cap = true;
  Span word_span;
  AmountPtr amount;
  ExprPtr limit;
};
using Rounding = RoundingRule;
/// `A rounded [down|up|half up|half even] to whole shares | the cent | the nearest X`.
struct AmountRounding {
  Rounding rule = Rounding::half_even;
  Span word_span;  // `rounded …` up to the target
  AmountPtr amount;
  std::optional<Name> whole;  // `whole shares`: steps of one of that unit
  bool cent = false;          // `the cent`: steps of 0.01 of the currency's unit
  ExprPtr nearest;            // `the nearest 1_000 USD`
};

struct Amount {
  NodeId id = 0;
  Span span;
  std::uint32_t height = 1;  // as Expr::height, amounts and their leaves counted
  std::variant<ExprPtr, AmountArithmetic, AmountExtreme, AmountChoice, AmountTiers, AmountLimit,
               AmountRounding>
      node;
};

/// `, with cash in lieu at P`: the fraction of a share the rounding dropped, paid at P.
struct CashInLieu {
  Span span;
  ExprPtr price;
};

// ---- Declarations -------------------------------------------------------------------------

/// A quoted text with its span (titles, citations, paths).
struct Text {
  std::string value;
  Span span;
};

struct Header {
  Span span;
  Text title;
  std::optional<Text> source;
  std::optional<Text> timezone;
  std::optional<Name> calendar;
  ExprPtr effective;
  ExprPtr expires;
};

struct DimensionDecl {
  Span span;
  Name name;
  Name base_unit;
};
struct UnitDecl {
  Span span;
  Name name;
  ExprPtr definition;  // a quantity in an already declared unit: `1000 MW`
};
struct CurrencyDecl {
  Span span;
  std::vector<Name> codes;
};

struct FieldDecl {
  Name name;
  Name type;
};
struct EventDecl {
  Span span;
  Name name;
  std::vector<FieldDecl> fields;
};

enum class AggregateFn { sum, count, latest, first, min, max, average, vwap };
/// `calendar month`, `fiscal year starting July`, `fiscal year ending June 30`, `contract year`.
struct PeriodSpec {
  Span span;
  Name family;                 // calendar, fiscal, contract
  Name unit;                   // week, month, quarter, year (or their plurals)
  std::optional<Name> month;   // fiscal: `starting July`, `ending June 30`
  std::optional<int> end_day;  // `ending June 30`: 30
};
/// `in the current calendar quarter`, `in the previous fiscal year starting July`.
struct PeriodWindow {
  Span span;
  bool previous = false;
  PeriodSpec period;
};
struct Window {
  Span span;
  ExprPtr length;
  Name period;
  std::optional<WindowSince> since;  // `over the last 5 trading days since issue_date`
};
/// `sum deployment.mw where vendor == "AMD" over the last 90 days`.
struct Aggregate {
  AggregateFn fn;
  Span fn_span;
  Name event;
  std::optional<Name> field;   // absent for `count EVENT`
  std::optional<Name> weight;  // `vwap trade.px weighted by qty`
  ExprPtr filter;
  std::optional<Window> window;
  std::optional<PeriodWindow> period;  // `in the current calendar month`
};
struct MetricDecl {
  Span span;
  Name name;
  std::variant<Aggregate, ExprPtr> body;
};
struct LetDecl {
  Span span;
  Name name;
  ExprPtr value;
};

/// `tested at each close where symbol == issuer`: the clause's conditions are looked at only
/// after those events.
struct TestedAt {
  Span span;
  Name event;
  ExprPtr filter;  // null without `where`
};

/// `vests when C`: the clause reaches `state` (vested) when `condition` holds.
struct Stage {
  Span span;
  Name verb;   // the words as written: `vests`, `becomes exercisable`
  Name state;  // vested, unlocked, triggered, paid, released, or the word after `becomes`
  ExprPtr condition;
};
/// `lapses if not vested by DEADLINE`.
struct Lapse {
  Span span;
  Name state;
  ExprPtr deadline;
};
/// `requires C in each calendar month` (last = 1) or `requires C in each of the last 3
/// calendar months`: C is tested once per period, at the period's end.
struct PeriodTest {
  Span span;
  ExprPtr condition;
  std::uint32_t last = 1;
  PeriodSpec period;
};
/// `pays 10000 USD for each missed month`: owed for each period a clause tested per period
/// misses (liquidated damages).
struct MissedPayment {
  Span span;
  AmountPtr amount;  // an amount as a grant's: `min(…)`, `rounded to the cent`…
  Name period;       // the word after `missed`: `period` or the unit of the clause's period
};
/// `capped at 120000 USD per contract year` (per set) or `capped at 1 USDm in total`.
struct Cap {
  Span span;
  ExprPtr amount;
  std::optional<PeriodSpec> per;
};
/// `with catch-up` or `with catch-up when C`.
struct CatchUp {
  Span span;
  ExprPtr condition;  // null: a met period catches up
};
/// `T1` or `F[k - 1]`.
struct ClauseRef {
  Span span;
  Name name;
  ExprPtr index;
};
struct ClauseDecl {
  Span span;
  Name kind;  // tranche, clause, covenant
  Name name;
  std::optional<Name> family_variable;  // `F[k]` inside `for each k …`
  std::optional<Text> title;
  std::vector<Text> citations;
  AmountPtr grant;
  std::optional<CashInLieu> cash_in_lieu;
  std::vector<Stage> stages;
  ExprPtr holds_while;
  std::optional<PeriodTest> period_test;
  std::optional<MissedPayment> missed_payment;
  std::vector<Cap> caps;
  std::optional<CatchUp> catch_up;
  std::optional<Lapse> lapse;
  std::vector<ClauseRef> prerequisites;
  std::optional<Span> adjusted;  // `subject to adjustment`
  std::optional<TestedAt> tested_at;
};
/// `k in 1..10` or `price in [250 USD, 300 USD]`.
struct Binding {
  Span span;
  Name variable;
  ExprPtr low;
  ExprPtr high;
  std::vector<ExprPtr> values;  // used when low/high are null
};
struct FamilyDecl {
  Span span;
  std::vector<Binding> bindings;
  ClauseDecl clause;
};

struct FixedDay {
  Name month;
  int day = 0;
  Span day_span;
};
struct NthWeekday {
  Name ordinal;  // first … fifth, last
  Name weekday;
  Name month;
};
struct EasterOffset {
  int days = 0;
  std::optional<Name> unit;
};
struct HolidayRule {
  Span span;
  Text name;
  std::variant<FixedDay, NthWeekday, EasterOffset> date;
  bool observed = false;
  std::optional<int> from_year;
  std::optional<int> until_year;
  Span years_span;
};
struct ClosedDay {
  Span span;
  Date date;
  Text name;
};
struct CalendarDecl {
  Span span;
  Name name;
  std::vector<Name> weekend;
  std::vector<HolidayRule> holidays;
  std::vector<ClosedDay> closed_days;
};

struct FieldValue {
  Name field;
  ExprPtr value;
};
struct GivenEvent {
  Span span;
  TimestampLiteral ts;
  Span ts_span;
  Name type;
  std::vector<FieldValue> fields;
};
struct GivenEvents {
  std::vector<GivenEvent> events;
};
struct GivenLog {
  Text path;
};
struct ClockAdvance {
  ExprPtr to;
};
/// `expect CONDITION [for INSTANCE] [at INSTANT]`.
struct Expectation {
  ExprPtr condition;
  ExprPtr at;
  std::optional<Text> instance;  // a template's instance, by its key ("N0042")
};
/// `expect error "text"`.
struct ExpectedError {
  Text text;
};
/// `expect granted 53_333_334 shares [at INSTANT]`: the total the met clauses grant in the
/// amount's dimension (a plain number: the total of grants without a unit); `expect paid
/// 25_000 USD` the total paid for missed periods (`pays … for each missed`).
struct ExpectedGranted {
  ExprPtr amount;
  ExprPtr at;
  bool paid = false;  // `expect paid`
};
/// `expect timeline "golden/t1.jsonl"`: the test's transitions so far, as `proviso run --format
/// jsonl` writes them, equal that file (relative to the file holding the test).
struct ExpectedTimeline {
  Text path;
};
struct TestItem {
  Span span;
  std::variant<GivenEvents, GivenLog, ClockAdvance, Expectation, ExpectedError, ExpectedGranted,
               ExpectedTimeline>
      item;
};
/// `test "name" [for each x in …, y in …] { … }`: with bindings, one test per case, the
/// bindings zipped as a family's are.
struct TestDecl {
  Span span;
  Text name;
  std::vector<TestItem> items;
  std::vector<Binding> bindings;
};

/// `splits from split.ratio where symbol == "AMD"`: each such event multiplies share counts
/// by its ratio (2 for a 2-for-1 split) and divides per-share prices, in clauses that are
/// `subject to adjustment`.
struct SplitsDecl {
  Span span;
  Name event;
  Name field;
  ExprPtr filter;
};

using Declaration =
    std::variant<DimensionDecl, UnitDecl, CurrencyDecl, EventDecl, MetricDecl, LetDecl, ClauseDecl,
                 FamilyDecl, CalendarDecl, TestDecl, SplitsDecl>;

/// One parameter of a template: `key note: text`, `conversion_price: USD`.
struct Parameter {
  Name name;
  Name type;
  bool key = false;  // its column names each instance
};
/// `parameters { … }`: the contract is a template, instantiated per row of an instances file.
struct ParametersDecl {
  Span span;
  std::vector<Parameter> parameters;
};

/// One parsed file. `node_count` bounds every `Expr::id`.
struct File {
  const SourceFile* source = nullptr;
  std::optional<Header> header;
  std::optional<ParametersDecl> parameters;  // a template's; kept apart from `declarations`
  std::vector<Declaration> declarations;
  NodeId node_count = 0;
};

}  // namespace proviso::ast
