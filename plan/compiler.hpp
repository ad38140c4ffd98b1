// Internal to plan/: the compiler of one contract's plan, shared by plan.cpp (the builder:
// names to indices, metrics, clauses) and emit.cpp (expressions to flat steps).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "plan/plan.hpp"

namespace proviso::detail {

/// A duration literal's value: exact units in microseconds, calendar units in months,
/// trading days counted apart.
RuntimeValue duration_value(const Decimal& amount, std::string_view word);

/// Replaces each largest part of `program` that is arithmetic on constants and parameters alone
/// with one Op::folded step, its steps moving to `plan.folds` (fold.cpp).
void fold_instance_constants(Program& program, ContractPlan& plan);

class Compiler {
 public:
  Compiler(const CheckedContract& contract, const EventSchemas& schemas, ContractPlan& plan)
      : contract_(contract), schemas_(schemas), plan_(plan) {}

  // Names to indices, as run() and every later program use them.
  void prepare();

  /// An expression outside the clauses (a test's expectation), or a part of a clause's
  /// condition for one family member (`bindings`), in the same terms.
  Program expression(const ast::Expr& expr, const Bindings* bindings);

  void run();

 private:
  const CheckedContract& contract_;
  const EventSchemas& schemas_;
  ContractPlan& plan_;
  std::map<std::string, std::uint32_t> metric_index_;
  std::map<std::string, std::uint32_t> clause_index_;

  // While compiling one program: what it reads.
  struct Reads {
    std::vector<std::uint32_t> metrics;
    std::vector<std::uint32_t> clauses;
    bool clock = false;
    std::vector<std::int64_t> boundaries;  // instants at which a fixed time test changes
  };
  Reads* reads_ = nullptr;
  bool adjust_prices_ = false;  // compiling the conditions of a clause subject to adjustment
  const Bindings* bindings_ = nullptr;
  const EventSchema* filtered_event_ = nullptr;

  const Type& type_of(const ast::Expr& expr) const { return contract_.types.at(expr.id); }

  // The field `name` of `event` as this contract declares it, or -1.
  int own_field(const EventSchema& event, std::string_view name) const {
    const auto field = event.field_of(plan_.declarer, name);
    return field ? static_cast<int>(*field) : -1;
  }

  // ---- Emitters (emit.cpp) ----------------------------------------------------------------

  std::uint32_t add_constant(RuntimeValue value);

  std::uint32_t constant_of(const Value& value);

  Step step(Op op, const ast::Expr& expr, std::uint32_t a = 0, std::uint32_t b = 0,
            std::uint32_t c = 0);

  void note_metric(std::uint32_t m);

  std::optional<std::uint32_t> clause_of(const ast::Expr& expr);

  // A program made only of constants (family variables, literals) has one value.
  RuntimeValue fold_constant(const Program& program);

  std::uint32_t state_index(std::uint32_t clause, std::string_view state);

  // The instant a fixed `before`, `by` or `after` test changes its answer, as evaluate.cpp
  // decides it: a date's day starts or ends, `after T` holds just after T.
  void note_boundary(Op op, const RuntimeValue& instant, const Type& type);

  void note_clause(std::uint32_t clause);

  void emit(const ast::Expr& expr, Program& out);

  std::uint32_t constant_count(const ast::Expr& expr);

  void emit_name(const ast::Expr& expr, const ast::NameRef& ref, Program& out);

  // In a clause subject to adjustment, money amounts in conditions are per-share prices: a
  // 2-for-1 split halves them from its time on. Metrics are prices as traded, so only the
  // contract's own amounts move.
  void adjust_if_price(const ast::Expr& expr, Program& out);

  void emit_suffixed(const ast::Expr& expr, const ast::Suffixed& suffixed, Program& out);

  void emit_member(const ast::Expr& expr, const ast::Member& member, Program& out);

  void emit_binary(const ast::Expr& expr, const ast::Binary& binary, Program& out);

  void emit_window(const ast::Expr& expr, const ast::Expr& condition, const ast::Expr& needed,
                   const ast::Expr& span, const ast::Name& period,
                   const std::optional<ast::WindowSince>& since, Program& out);

  // ---- The builder (plan.cpp) -------------------------------------------------------------

  Program program(const ast::Expr& expr);

  void compile_metric(const MetricInfo& info);
  void compile_aggregate(MetricPlan& metric, const ast::Aggregate& aggregate);

  void compile_clause(std::uint32_t index);

  // ---- Amounts (compile_amount.cpp) ------------------------------------------------------

  GrantPlan grant(const ast::ClauseDecl& decl);
  AmountPlan amount(const ast::Amount& amount, bool adjust_shares);
  /// A leaf of an amount; a share count in a clause subject to adjustment follows the splits.
  Program amount_leaf(const ast::Expr& expr, bool adjust_shares);
  /// The index in plan_.period_rules of the period a phrase names, added on first use.
  std::uint32_t period_rule(const ast::PeriodSpec& spec);
};

}  // namespace proviso::detail
