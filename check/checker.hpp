// Internal to the checker: its state and the steps check.cpp chains together. Declarations
// are checked in check_decls.cpp, clauses and families in check_clauses.cpp, calendars and
// tests in check_tests.cpp, expressions in check_expr.cpp, constants in const_eval.cpp.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "check/check.hpp"
#include "stdlib/calendar.hpp"

namespace proviso {

/// Where an expression stands decides which names it may use.
struct Scope {
  enum class Kind {
    constant,   // let, unit definitions, header dates: constants only
    metric,     // a derived metric: metrics and constants
    filter,     // `where` of an aggregate: the event's fields and constants
    condition,  // clause conditions, grants, deadlines: metrics, clauses, constants
    test,       // expectations: as conditions
  };
  Kind kind = Kind::constant;
  const EventInfo* event = nullptr;                        // for filters
  const std::map<std::string, Type>* variables = nullptr;  // family variables
};

class Checker {
 public:
  Checker(const std::vector<const ast::File*>& prelude, const ast::File& contract,
          Diagnostics& diagnostics);
  CheckedContract run();

 private:
  // check_decls.cpp
  void declare_everything(const ast::File& file, bool is_prelude);
  void check_header(const ast::File& file);
  void check_dimension(const ast::DimensionDecl& decl);
  void check_unit(const ast::UnitDecl& decl);
  void check_currency(const ast::CurrencyDecl& decl);
  /// `X per share`: any unit but shares; false after reporting `shares per share`.
  bool per_share_allowed(const UnitInfo& unit, const ast::Name& written);
  void check_event(const ast::EventDecl& decl);
  void check_report_fields(const ast::EventDecl& decl, const EventInfo& info);
  void check_let(const ast::LetDecl& decl);
  void check_metric(const ast::MetricDecl& decl);
  void check_splits(const ast::SplitsDecl& decl);
  void check_adjusted_clauses();
  void check_aggregate(const ast::MetricDecl& decl, const ast::Aggregate& aggregate);
  Type metric_type(const std::string& name, const Span& used_at);
  std::optional<Type> field_type(const ast::Name& type_name);
  bool claim_name(const ast::Name& name, std::string_view what);

  // check_clauses.cpp
  void check_clause(const ast::ClauseDecl& decl, const std::map<std::string, Type>* variables);
  void check_family(const ast::FamilyDecl& decl);
  /// The rows of a `for each`'s bindings (a family's or a parameterised test's), zipped.
  std::vector<Bindings> expand_family(const std::vector<ast::Binding>& bindings,
                                      std::map<std::string, Type>& variables);
  void instantiate(const ast::ClauseDecl& decl, const std::string& family,
                   const Bindings& bindings);
  std::optional<std::string> resolve_clause_ref(const ast::ClauseRef& ref,
                                                const Bindings& bindings);
  void check_prerequisite_cycles();
  void check_deadline(const ast::Expr& deadline, const Bindings& bindings);

  // check_amount.cpp
  /// What a clause grants: an amount of shares, money or a plain number.
  /// The grant's type (an error type when it is wrong).
  Type check_grant(const ast::ClauseDecl& decl, const Scope& scope);
  Type check_amount(const ast::Amount& amount, const Scope& scope);
  // An amount a clause pays (`pays … for each missed month`), `role` naming it in errors
  // ("what a missed period pays is").
  Type check_amount(const ast::Amount& amount, const Scope& scope, std::string_view role);
  Type check_amount_node(const ast::Amount& amount, const Scope& scope);
  Type check_tiers(const ast::Amount& amount, const ast::AmountTiers& tiers, const Scope& scope);
  Type check_rounding(const ast::AmountRounding& rounding, const Type& type, const Scope& scope);
  /// The value of a band limit or rounding step when it is a constant, without reporting.
  std::optional<Value> constant_amount(const ast::Expr& expr, const Scope& scope);

  // check_parameters.cpp
  void declare_parameters(const ast::File& file);
  /// A parameter's type when `name` is one (an error type where constants only are allowed).
  std::optional<Type> parameter_type(const ast::Expr& expr, const std::string& name,
                                     const Scope& scope);
  void check_tested_at(const ast::TestedAt& tested);

  // check_ledger.cpp
  /// `pays X for each missed month`, `capped at … per …` / `in total`, `with catch-up`.
  void check_period_amounts(const ast::ClauseDecl& decl, const Scope& scope, const Type& grant);
  Type check_amount(const ast::Expr& amount, const Scope& scope, std::string_view role);
  /// Whether the let `name` may be used here: one made of parameters is not a constant.
  bool per_instance_let(const ast::Expr& expr, const std::string& name, const Scope& scope);
  /// The first parameter (or let made of parameters) `expr` reads, if any.
  std::optional<std::string> parameter_read(const ast::Expr& expr) const;
  bool reads_parameter_ = false;  // set while checking a let that reads a parameter

  // check_tests.cpp
  void check_calendar(const ast::CalendarDecl& decl);
  void check_test(const ast::TestDecl& decl);
  void check_given_event(const ast::GivenEvent& event, const Scope& scope,
                         const std::vector<Bindings>& cases);

  // check_expr.cpp
  Type check_expr(const ast::Expr& expr, const Scope& scope);
  Type expect_condition(const ast::Expr& expr, const Scope& scope, std::string_view role);
  Type check_name(const ast::Expr& expr, const ast::NameRef& ref, const Scope& scope);
  Type check_suffixed(const ast::Expr& expr, const ast::Suffixed& suffixed, const Scope& scope);
  Type check_member(const ast::Expr& expr, const ast::Member& member, const Scope& scope);
  Type check_index(const ast::Expr& expr, const ast::Index& index, const Scope& scope);
  Type check_unary(const ast::Expr& expr, const ast::Unary& unary, const Scope& scope);
  Type check_binary(const ast::Expr& expr, const ast::Binary& binary, const Scope& scope);
  Type check_arithmetic(const ast::Binary& binary, ArithmeticOp op, const Type& lhs,
                        const Type& rhs);
  /// The arithmetic of values or amounts: `number_side` (may be null) is the side a unit hint
  /// quotes when a plain number meets a quantity.
  Type check_arithmetic(const Span& op_span, const ast::Expr* number_side, ArithmeticOp op,
                        const Type& lhs, const Type& rhs);
  Type check_comparison(const ast::Binary& binary, const Type& lhs, const Type& rhs);
  Type check_band(const ast::Band& band, const Scope& scope);
  // True when the expression reads what only the replay knows: a metric, a field, a clause.
  bool reads_replay_values(const ast::Expr& expr, const Scope& scope) const;
  Type check_count(const ast::Expr& count, const Scope& scope, std::string_view what);
  Type check_period(const ast::Name& period, bool allow_events);
  /// Reports a calendar period the contract cannot use (`fiscal month`, a contract year
  /// without an effective date).
  void check_calendar_period(const ast::PeriodSpec& period);
  /// `since effective` needs an effective date; `since D` a constant date or timestamp.
  void check_window_since(const std::optional<ast::WindowSince>& since, const Scope& scope);
  Type check_timestamp(const ast::TimestampLiteral& literal);
  const ast::ClauseDecl* clause_named(const ast::Expr& expr) const;
  std::vector<std::string> states_of(const ast::ClauseDecl& decl) const;

  // const_eval.cpp
  /// The value of a constant expression; nullopt (with a diagnostic) when it is not one.
  std::optional<Value> evaluate(const ast::Expr& expr, const Bindings& bindings);
  std::optional<Value> evaluate_binary(const ast::Binary& binary, const Bindings& bindings);
  std::optional<Timestamp> evaluate_instant(const ast::Expr& expr, const Bindings& bindings);
  Timestamp instant_of(const ast::TimestampLiteral& literal) const;
  std::optional<std::int64_t> evaluate_integer(const ast::Expr& expr, const Bindings& bindings,
                                               std::string_view what);

  void error(const Span& where, std::string message, std::string hint = {});
  void set_type(const ast::Expr& expr, const Type& type);
  std::vector<std::string> known_names() const;

  const std::vector<const ast::File*>& prelude_;
  const ast::File& contract_;
  Diagnostics& diagnostics_;
  CheckedContract result_;
  // Who wants the amount being checked, for its errors: "a clause grants", "what a missed
  // period pays is".
  std::string_view amount_role_ = "a clause grants";

  // Every name a contract declares (metrics, lets, clauses, families) lives in one
  // namespace; this remembers where each was declared for "first declared at".
  std::map<std::string, Span> declared_;
  std::map<std::string, const ast::ClauseDecl*> clause_decls_;  // by plain or family name
  std::map<std::string, const ast::FamilyDecl*> families_;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> family_ranges_;
  std::map<std::string, const ast::LetDecl*> let_decls_;
  std::map<std::string, std::pair<std::string, Span>> dimensions_;  // name -> base unit
  std::set<std::string> evaluating_lets_;
  std::set<std::string> lets_done_;
  bool used_let_without_value_ = false;  // set by evaluate(): a let it read has no value
  std::set<std::string> metrics_in_progress_;
  std::set<std::string> metrics_done_;
  std::map<std::string, std::vector<std::pair<std::string, Span>>> prerequisite_edges_;
  std::optional<TimeZone> zone_;
  // The sessions `trading days` count in constants: the header's calendar (declared in the
  // contract or the stdlib), or every day without one, as the engine counts them.
  const TradingCalendar* sessions();
  std::optional<TradingCalendar> sessions_;
};

}  // namespace proviso
