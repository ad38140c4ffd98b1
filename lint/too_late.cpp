// Deadlines that fall before the clause could first be met: its own condition, a prerequisite
// or a time it waits for cannot come before the lapse.
#include <fmt/format.h>

#include "lint/warnings.hpp"

namespace proviso::lint {

void find_too_late(z3::context& z3, const CheckedContract& contract, Warnings& out) {
  for (const ClauseInstance& clause : contract.clauses) {
    const ast::ClauseDecl& decl = *clause.decl;
    if (!decl.lapse || !decl.lapse->deadline || decl.stages.empty()) continue;
    std::size_t stage = decl.stages.size();
    for (std::size_t i = 0; i < decl.stages.size(); ++i) {
      if (decl.stages[i].state.text == decl.lapse->state.text) stage = i;
    }
    if (stage == decl.stages.size()) continue;
    const auto reach = [&](bool deadline) {
      return Question([&clause, stage, deadline](Formulas& f) {
        const Moment at = f.moment(&clause, kClauseDepth);
        return f.reached(clause, stage, at.now, kClauseDepth, deadline, true);
      });
    };
    // Never met at all is find_never_met's warning (or the prerequisite's own).
    if (impossible(z3, contract, reach(false))) continue;
    const Question by_deadline = reach(true);
    if (!impossible(z3, contract, by_deadline)) continue;
    out.push_back(
        {{Severity::warning, decl.lapse->deadline->span,
          fmt::format("{} by its deadline {}: {}", never_phrase(clause, decl.lapse->state.text),
                      decl.lapse->deadline->span.text(),
                      reason(z3, contract, by_deadline, clause, "before then")),
          allow_hint("never-met")},
         &clause,
         "never-met"});
  }
}

}  // namespace proviso::lint
