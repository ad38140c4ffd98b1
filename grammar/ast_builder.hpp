// Internal to grammar/: the builder that turns PEGTL's parse tree into the AST, shared by
// build_ast.cpp (the file and its declarations) and build_expr.cpp (expressions).
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grammar/ast_walk.hpp"
#include "grammar/build_ast.hpp"
#include "grammar/selector.hpp"

namespace proviso::detail {

namespace g = grammar;
using Node = tao::pegtl::parse_tree::node;

class AstBuilder {
 public:
  AstBuilder(const SourceFile& source, ast::NodeId first_id, Diagnostics& diagnostics)
      : source_(source), next_id_(first_id), diagnostics_(diagnostics) {}

  std::unique_ptr<ast::File> file(const Node& root) {
    auto file = std::make_unique<ast::File>();
    file->source = &source_;
    for (const auto& child : root.children) {
      if (child->is_type<g::contract_header>()) {
        file->header = header(*child);
      } else if (child->is_type<g::parameters_decl>()) {
        if (file->parameters) {
          error(span(*child), "this contract already declares its parameters",
                "declare every parameter in one 'parameters { … }' block");
        } else {
          file->parameters = parameters(*child);
        }
      } else {
        file->declarations.push_back(declaration(*child));
      }
    }
    file->node_count = next_id_;
    if (too_deep_) return nullptr;
    return file;
  }

 private:
  const SourceFile& source_;
  ast::NodeId next_id_;
  Diagnostics& diagnostics_;
  bool too_deep_ = false;  // an expression went past grammar::kMaxExpressionDepth

  Span span(const Node& node) const {
    const auto begin = node.begin();
    return Span{&source_, static_cast<std::uint32_t>(begin.byte),
                static_cast<std::uint32_t>(node.end().byte), static_cast<std::uint32_t>(begin.line),
                static_cast<std::uint32_t>(begin.column)};
  }

  void error(const Span& where, std::string message, std::string hint = {}) {
    diagnostics_.push_back({Severity::error, where, std::move(message), std::move(hint)});
  }

  ast::Name name(const Node& node) const { return {node.string(), span(node)}; }

  ast::Text text(const Node& node) const {
    const std::string_view quoted = node.string_view();
    std::string value;
    for (std::size_t i = 1; i + 1 < quoted.size(); ++i) {
      char c = quoted[i];
      if (c == '\\') {
        c = quoted[++i];
        c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
      }
      value.push_back(c);
    }
    return {std::move(value), span(node)};
  }

  template <typename Payload>
  ast::ExprPtr make(const Span& where, Payload&& payload) {
    auto expr = std::make_unique<ast::Expr>();
    expr->id = next_id_++;
    expr->span = where;
    expr->node = std::forward<Payload>(payload);
    ast::for_each_child(*expr, [&](const ast::Expr& child) {
      expr->height = std::max(expr->height, child.height + 1);
    });
    if (expr->height > static_cast<std::uint32_t>(g::kMaxExpressionDepth)) return too_deep(where);
    return expr;
  }

  // An expression past the depth limit: reported once, and replaced by a leaf so the tree
  // stays shallow; the file is then dropped (too_deep_) so nothing later sees the stand-in.
  ast::ExprPtr too_deep(const Span& where) {
    if (!too_deep_) {
      const std::string_view message = g::kTooDeepMessage;
      const std::size_t newline = message.find('\n');
      error(where, std::string(message.substr(0, newline)),
            std::string(message.substr(newline + 1)));
    }
    too_deep_ = true;
    auto leaf = std::make_unique<ast::Expr>();
    leaf->id = next_id_++;
    leaf->span = where;
    leaf->node = ast::BoolLiteral{false};
    return leaf;
  }

  int small_number(const Node& node) {
    const std::string digits = node.string();
    if (digits.size() > 6) {
      error(span(node), fmt::format("{} is too large here", digits));
      return 0;
    }
    return std::stoi(digits);
  }

  // ---- Expressions (build_expr.cpp) ------------------------------------------------

  static std::optional<ast::BinaryOp> binary_op(const Node& node);
  // Children alternate operand, operator, operand…; folds them to the left.
  ast::ExprPtr left_fold(const Node& node);
  ast::ExprPtr expr(const Node& node);
  static ast::UnaryOp unary_op(const Node& node);
  // `trading   days` may be written with any blanks or comments between its words; the
  // tree keeps one spelling.
  ast::Name suffix(const Node& node) const;
  ast::ParametersDecl parameters(const Node& node) const;
  ast::WindowSince window_since(const Node& node);
  /// A unit, maybe per share, in one spelling: "USD per share".
  ast::Name unit_word(const Node& node) const;
  ast::ExprPtr comparison(const Node& node);
  ast::ExprPtr temporal(const Node& node);
  ast::ExprPtr postfix(const Node& node);
  std::vector<ast::ExprPtr> items(const Node& list);
  ast::ExprPtr primary(const Node& node);
  ast::ExprPtr number(const Node& node);
  Date date(const Node& node);
  // The grammar has checked the shape; the values (month 13, 25:00) are checked here.
  ast::TimestampLiteral timestamp(const Node& node);

  // ---- Amounts (build_amount.cpp) --------------------------------------------------

  template <typename Payload>
  ast::AmountPtr make_amount(const Span& where, Payload&& payload);
  ast::AmountPtr amount(const Node& node);
  ast::AmountPtr amount_fold(const Node& node);
  ast::AmountPtr amount_modifier(ast::AmountPtr amount, const Node& modifier);
  ast::AmountTiers tiers(const Node& node);
  ast::ExprPtr amount_leaf(const Node& node);

  // ---- Declarations (build_ast.cpp) ------------------------------------------------

  ast::Header header(const Node& node);
  ast::Declaration declaration(const Node& node);
  ast::EventDecl event(const Node& node);
  static ast::AggregateFn aggregate_fn(std::string_view word);
  ast::MetricDecl metric(const Node& node);
  ast::ClauseRef clause_ref(const Node& node);
  static std::string stage_state(std::string_view verb);
  ast::Stage stage(const Node& node);
  ast::PeriodSpec period_spec(const Node& node);
  ast::PeriodTest period_test(const Node& node);
  ast::ClauseDecl clause(const Node& node);
  ast::FamilyDecl family(const Node& node);
  ast::Binding binding(const Node& part);
  ast::HolidayRule holiday(const Node& node);
  ast::CalendarDecl calendar(const Node& node);
  ast::GivenEvent given_event(const Node& node);
  ast::TestItem test_item(const Node& node);
  ast::TestDecl test(const Node& node);
};

}  // namespace proviso::detail
