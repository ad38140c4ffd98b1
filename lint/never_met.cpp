// Conditions that can never hold, and stages that can never follow the stage before them.
#include <fmt/format.h>

#include "lint/warnings.hpp"

namespace proviso::lint {

void find_never_met(z3::context& z3, const CheckedContract& contract, Warnings& out) {
  for (const ClauseInstance& clause : contract.clauses) {
    const ast::ClauseDecl& decl = *clause.decl;
    if (decl.holds_while) {
      const Question holds = [&](Formulas& f) {
        return f.condition(*decl.holds_while, f.moment(&clause, kClauseDepth)).holds;
      };
      if (impossible(z3, contract, holds)) {
        out.push_back({{Severity::warning, decl.holds_while->span,
                        fmt::format("{}: {}", never_phrase(clause, "holding"),
                                    reason(z3, contract, holds, clause)),
                        allow_hint("never-met")},
                       &clause,
                       "never-met"});
      }
    }
    for (std::size_t i = 0; i < decl.stages.size(); ++i) {
      const ast::Stage& stage = decl.stages[i];
      const Question alone = [&](Formulas& f) {
        return f.condition(*stage.condition, f.moment(&clause, kClauseDepth)).holds;
      };
      if (impossible(z3, contract, alone)) {
        out.push_back({{Severity::warning, stage.condition->span,
                        fmt::format("{}: {}", never_phrase(clause, stage.state.text),
                                    reason(z3, contract, alone, clause)),
                        allow_hint("never-met")},
                       &clause,
                       "never-met"});
        break;  // the later stages cannot follow it either
      }
      if (i == 0) continue;
      // Stage i is looked at only once stage i - 1 is met, and latched stages never go back.
      const Question in_order = [&](Formulas& f) {
        const Moment at = f.moment(&clause, kClauseDepth);
        return f.reached(clause, i, at.now, kClauseDepth, false, false);
      };
      if (impossible(z3, contract, in_order)) {
        out.push_back(
            {{Severity::warning, stage.span,
              fmt::format("{}: this stage is looked at only once {} is {}, and then {}",
                          never_phrase(clause, stage.state.text), clause.name,
                          decl.stages[i - 1].state.text, reason(z3, contract, in_order, clause)),
              allow_hint("never-met")},
             &clause,
             "never-met"});
        break;
      }
    }
  }
}

}  // namespace proviso::lint
