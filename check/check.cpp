#include "check/check.hpp"

#include "check/checker.hpp"

namespace proviso {

int EventInfo::field_index(std::string_view field) const {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field) return static_cast<int>(i);
  }
  return -1;
}

Checker::Checker(const std::vector<const ast::File*>& prelude, const ast::File& contract,
                 Diagnostics& diagnostics)
    : prelude_(prelude), contract_(contract), diagnostics_(diagnostics) {
  result_.types.resize(contract.node_count);
}

// The pipeline of the checker: declarations first, so that any clause may name any other,
// then every body, then the checks that need the whole contract.
CheckedContract Checker::run() {
  // Percentages and ratios are built in: `95%` is the fraction 0.95, `3.25x` is 3.25.
  result_.units["%"] =
      UnitInfo{"%", std::string(Type::kPercentDimension), Decimal::parse("0.01").value(), false};
  result_.units["x"] =
      UnitInfo{"x", std::string(Type::kRatioDimension), Decimal::from_int(1), false};
  for (const ast::File* file : prelude_) declare_everything(*file, true);
  check_header(contract_);
  declare_everything(contract_, false);
  declare_parameters(contract_);
  for (const auto& declaration : contract_.declarations) {
    std::visit(
        [this](const auto& decl) {
          using T = std::decay_t<decltype(decl)>;
          if constexpr (std::is_same_v<T, ast::LetDecl>) {
            check_let(decl);
          } else if constexpr (std::is_same_v<T, ast::MetricDecl>) {
            check_metric(decl);
          } else if constexpr (std::is_same_v<T, ast::ClauseDecl>) {
            check_clause(decl, nullptr);
          } else if constexpr (std::is_same_v<T, ast::FamilyDecl>) {
            check_family(decl);
          } else if constexpr (std::is_same_v<T, ast::TestDecl>) {
            check_test(decl);
          } else if constexpr (std::is_same_v<T, ast::SplitsDecl>) {
            check_splits(decl);
          } else if constexpr (ast::one_of<T, ast::DimensionDecl, ast::UnitDecl, ast::CurrencyDecl,
                                           ast::EventDecl, ast::CalendarDecl>) {
            // Checked as they were declared.
          } else {
            static_assert(ast::unhandled<T>, "Checker::run: a declaration kind is not handled");
          }
        },
        declaration);
  }
  check_prerequisite_cycles();
  check_adjusted_clauses();
  return std::move(result_);
}

void Checker::error(const Span& where, std::string message, std::string hint) {
  diagnostics_.push_back({Severity::error, where, std::move(message), std::move(hint)});
}

void Checker::set_type(const ast::Expr& expr, const Type& type) {
  if (expr.id >= result_.types.size()) result_.types.resize(expr.id + 1);
  result_.types[expr.id] = type;
}

std::vector<std::string> Checker::known_names() const {
  std::vector<std::string> names;
  for (const auto& [name, span] : declared_) names.push_back(name);
  return names;
}

CheckedContract check(const std::vector<const ast::File*>& prelude, const ast::File& contract,
                      Diagnostics& diagnostics) {
  return Checker(prelude, contract, diagnostics).run();
}

}  // namespace proviso
