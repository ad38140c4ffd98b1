// Vacuous clauses: a first stage (or a level condition) that holds at the effective date
// whatever the events, so the clause is met the moment the contract takes effect.
#include <fmt/format.h>

#include "base/value.hpp"
#include "lint/warnings.hpp"

namespace proviso::lint {

void find_always_met(z3::context& z3, const CheckedContract& contract, Warnings& out) {
  if (!contract.effective) return;
  const TimeZone zone = TimeZone::find(contract.timezone).value_or(*TimeZone::find("UTC"));
  const std::string date = format_value(zone.local_date(*contract.effective));
  for (const ClauseInstance& clause : contract.clauses) {
    const ast::ClauseDecl& decl = *clause.decl;
    if (!decl.prerequisites.empty()) continue;  // met only once another clause is
    const ast::Expr* condition =
        decl.holds_while ? decl.holds_while.get()
                         : (decl.stages.empty() ? nullptr : decl.stages.front().condition.get());
    if (!condition) continue;
    const std::string state = decl.holds_while ? "holding" : decl.stages.front().state.text;
    // Valid: no events, no values of the metrics, make it anything but true at that instant.
    const Question fails_somehow = [&](Formulas& f) {
      const Moment at = f.moment(&clause, kClauseDepth);
      return at.now == f.real(contract.effective->micros) && !f.condition(*condition, at).holds;
    };
    if (!impossible(z3, contract, fails_somehow)) continue;
    out.push_back({{Severity::warning, condition->span,
                    fmt::format("{} is always met: it is {} at the effective date {} whatever "
                                "the events",
                                clause.name, state, date),
                    allow_hint("always-met")},
                   &clause,
                   "always-met"});
  }
}

}  // namespace proviso::lint
