// A family's tiers out of order: where a family compares one value with a threshold that
// changes from member to member (`amd_close >= target`), a later member needing less than the
// one before it is met no later than it, which a term sheet's rising tiers never intend.
#include <fmt/format.h>

#include "base/value.hpp"
#include "lint/warnings.hpp"

namespace proviso::lint {

namespace {

bool uses_any(const ast::Expr& expr, const std::set<std::string>& names);

bool uses_any_child(const ast::Expr& expr, const std::set<std::string>& names) {
  const auto used = [&](const ast::ExprPtr& child) { return child && uses_any(*child, names); };
  if (const auto* ref = std::get_if<ast::NameRef>(&expr.node)) return names.count(ref->name) != 0;
  if (const auto* s = std::get_if<ast::Suffixed>(&expr.node)) return used(s->operand);
  if (const auto* u = std::get_if<ast::Unary>(&expr.node)) return used(u->operand);
  if (const auto* b = std::get_if<ast::Binary>(&expr.node)) return used(b->lhs) || used(b->rhs);
  if (const auto* m = std::get_if<ast::Member>(&expr.node)) return used(m->object);
  if (const auto* i = std::get_if<ast::Index>(&expr.node)) return used(i->object) || used(i->index);
  return false;
}

bool uses_any(const ast::Expr& expr, const std::set<std::string>& names) {
  return uses_any_child(expr, names);
}

// A comparison of a value the family shares with a threshold of each member's own, written
// either way round: `x >= t`, `t <= x`, `x > t`, `x in t .. high`.
struct Threshold {
  const ast::Expr* where;
  const ast::Expr* value;
  const ast::Expr* threshold;
};

void thresholds(const ast::Expr& expr, const std::set<std::string>& variables,
                std::vector<Threshold>& out) {
  if (const auto* binary = std::get_if<ast::Binary>(&expr.node)) {
    if (binary->op == ast::BinaryOp::logical_and || binary->op == ast::BinaryOp::logical_or) {
      thresholds(*binary->lhs, variables, out);
      thresholds(*binary->rhs, variables, out);
      return;
    }
    const bool lower =
        binary->op == ast::BinaryOp::greater_equal || binary->op == ast::BinaryOp::greater;
    const bool upper = binary->op == ast::BinaryOp::less_equal || binary->op == ast::BinaryOp::less;
    const ast::Expr* value = lower ? binary->lhs.get() : upper ? binary->rhs.get() : nullptr;
    const ast::Expr* threshold = lower ? binary->rhs.get() : upper ? binary->lhs.get() : nullptr;
    if (value && !uses_any(*value, variables) && uses_any(*threshold, variables)) {
      out.push_back({&expr, value, threshold});
    }
  } else if (const auto* band = std::get_if<ast::Band>(&expr.node)) {
    if (!uses_any(*band->value, variables) && uses_any(*band->low, variables)) {
      out.push_back({&expr, band->value.get(), band->low.get()});
    }
  } else if (const auto* run = std::get_if<ast::Consecutive>(&expr.node)) {
    thresholds(*run->condition, variables, out);
  } else if (const auto* count = std::get_if<ast::AtLeastOfLast>(&expr.node)) {
    thresholds(*count->condition, variables, out);
  } else if (const auto* quorum = std::get_if<ast::Quorum>(&expr.node)) {
    for (const auto& item : quorum->items) thresholds(*item, variables, out);
  }
}

std::string shown(const CheckedContract& contract, const ast::Expr& threshold,
                  const Decimal& base_amount) {
  const Type& type = contract.types.at(threshold.id);
  const auto unit = contract.units.find(type.unit);
  if (!type.is(Kind::quantity) || unit == contract.units.end()) return format_value(base_amount);
  return format_value(Quantity{base_amount, type.dimension, type.unit, unit->second.scale});
}

}  // namespace

void find_tiers_out_of_order(z3::context& z3, const ast::File& file,
                             const CheckedContract& contract, Warnings& out) {
  for (const auto& declaration : file.declarations) {
    const auto* family = std::get_if<ast::FamilyDecl>(&declaration);
    if (!family) continue;
    std::set<std::string> variables;
    for (const ast::Binding& binding : family->bindings) variables.insert(binding.variable.text);
    std::vector<const ClauseInstance*> members;
    for (const ClauseInstance& clause : contract.clauses) {
      if (clause.decl == &family->clause) members.push_back(&clause);
    }
    std::vector<Threshold> found;
    for (const ast::Stage& stage : family->clause.stages) {
      thresholds(*stage.condition, variables, found);
    }
    for (const Threshold& threshold : found) {
      const Type& type = contract.types.at(threshold.threshold->id);
      if (!type.is(Kind::quantity) && !type.is(Kind::number)) continue;
      Formulas formulas(z3, contract);
      std::optional<Decimal> previous;
      for (std::size_t i = 0; i < members.size(); ++i) {
        const Moment at = formulas.moment(members[i], 0);
        const auto amount = formulas.constant(formulas.value(*threshold.threshold, at).value);
        if (!amount) break;
        if (previous && *amount < *previous) {
          out.push_back(
              {{Severity::warning, threshold.where->span,
                fmt::format("the tiers of {} are not increasing: {} needs {} to reach {}, less "
                            "than the {} that {} before it needs",
                            family->clause.name.text, members[i]->name,
                            threshold.value->span.text(),
                            shown(contract, *threshold.threshold, *amount),
                            shown(contract, *threshold.threshold, *previous), members[i - 1]->name),
                allow_hint("tiers")},
               members[i],
               "tiers"});
          break;
        }
        previous = amount;
      }
    }
  }
}

}  // namespace proviso::lint
