// A clause's conditions as Z3 formulas. Quantities are Real variables in the base unit of their
// dimension, instants and durations are Reals counting microseconds, and every value carries a
// `known` flag, so that a condition becomes two formulas: when it surely holds, and when it
// surely fails (the engine's three-valued logic). Whatever cannot be said exactly — a metric, a
// day window, a calendar month — becomes a fresh variable, bounded where its bounds are sure, so
// a formula allows at least what the engine can do: an unsatisfiable one is truly never met.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <z3++.h>

#include "base/time.hpp"
#include "check/check.hpp"
#include "grammar/ast.hpp"

namespace proviso::lint {

/// A condition in three-valued logic: when it surely holds, and when it surely fails.
struct Truth {
  z3::expr holds;
  z3::expr fails;
};

/// A value and when it is known (a metric before its first event, a clause time not reached).
struct Term {
  z3::expr value;
  z3::expr known;
};

/// One instant at which conditions are evaluated: metrics read there are variables of their
/// own, since a metric can take any value at another instant.
struct Moment {
  const ClauseInstance* clause = nullptr;  // whose family variables apply
  z3::expr now;
  std::string tag;  // names this instant's variables
  int depth = 0;    // how many more references to other clauses to follow
};

/// The translator: one per question asked of the solver.
class Formulas {
 public:
  Formulas(z3::context& z3, const CheckedContract& contract);

  /// A condition at a moment. Side constraints on the fresh variables go to side().
  Truth condition(const ast::Expr& expr, const Moment& moment);
  /// A value at a moment (a number, an amount in base units, an instant in microseconds).
  Term value(const ast::Expr& expr, const Moment& moment);

  /// That `clause` can reach its stage `stage` at instant `at`: the stages before it met in
  /// order, its prerequisites met first and, with `deadline`, before its lapse deadline.
  z3::expr reached(const ClauseInstance& clause, std::size_t stage, const z3::expr& at, int depth,
                   bool deadline, bool prerequisites);
  /// The instant the clause lapses (known once its deadline is), when it has a deadline.
  std::optional<Term> deadline(const ClauseInstance& clause, const Moment& moment);

  /// A fresh moment: a new instant variable no earlier than the effective instant.
  Moment moment(const ClauseInstance* clause, int depth);
  /// The constraints on the fresh variables made so far; assert them with any question.
  const z3::expr_vector& side() const { return side_; }

  /// Atoms (comparisons, bands, time tests) become free here: used to find which of them make a
  /// condition impossible.
  std::set<ast::NodeId> relaxed;
  /// The atoms translated so far, by node id, in order of first translation.
  std::vector<const ast::Expr*> atoms;

  /// The clause named by `T1` or `F[k - 1]` at a moment; null when it cannot be told.
  const ClauseInstance* clause_named(const ast::Expr& expr, const Moment& moment);
  /// The instant the contract takes effect, in microseconds, when it has one.
  std::optional<std::int64_t> effective() const;
  /// That a clause can change state at `instant`: from the effective instant to the expiry.
  z3::expr in_force(const z3::expr& instant);
  /// The instant a constant date starts in the contract's zone.
  std::int64_t start_of_day(Date date) const;
  /// The exact value of a constant term (a numeral), when it is one.
  std::optional<Decimal> constant(const z3::expr& term) const;
  /// A Real numeral.
  z3::expr real(const Decimal& value);
  z3::expr real(std::int64_t value);

  z3::context& z3;
  const CheckedContract& contract;

 private:
  struct ClauseStates {
    std::vector<z3::expr> stages;  // reached by then, in order
    std::optional<z3::expr> lapsed, holding, breached;
  };
  z3::expr fresh_real(const std::string& what);
  z3::expr fresh_bool(const std::string& what);
  Truth opaque();
  Term unknown_value();
  void note_atom(const ast::Expr& expr);
  Term from_value(const Value& value);
  Term quantity_or_duration(const ast::Suffixed& suffixed, const ast::Expr& expr,
                            const Moment& moment);
  Truth comparison(const ast::Binary& binary, const Moment& moment);
  Truth window(const ast::Expr& inner, const ast::Expr* needed, const ast::Expr* days,
               const std::optional<ast::WindowSince>& since, const Moment& moment);
  Truth latched(const ast::Expr& inner, const Moment& moment);
  Truth quorum(const ast::Quorum& quorum, const Moment& moment);
  Truth time_test(const ast::Expr& expr, const Moment& moment);
  Truth clause_state(const ast::Suffixed& suffixed, const Moment& moment);
  Term clause_time(const ast::Member& member, const Moment& moment);
  z3::expr day_end(const z3::expr& start);
  ClauseStates& states_of(const ClauseInstance& clause, const Moment& moment);

  TimeZone zone_;
  z3::expr_vector side_;
  std::map<std::string, int> texts_;                                    // interned text values
  std::map<std::pair<std::string, std::string>, Term> metrics_;         // by (tag, metric)
  std::map<std::pair<std::string, std::string>, ClauseStates> states_;  // by (tag, clause)
  int fresh_count_ = 0;
};

/// The span's text, for quoting in a message: `amd_deployed >= 5 GW`.
std::string quoted(const ast::Expr& expr);

}  // namespace proviso::lint
