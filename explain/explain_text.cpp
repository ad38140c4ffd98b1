#include "explain/explain_text.hpp"

#include <fmt/format.h>

#include "grammar/print_ast.hpp"

namespace proviso {

namespace {

std::string_view op_text(ast::BinaryOp op, bool reader) {
  return reader && ast::is_comparison(op) ? comparison_symbol(op) : operator_text(op);
}

// Binding strength, loosest first, as the grammar's precedence table orders them.
int strength(const ast::Expr& expr) {
  if (const auto* binary = std::get_if<ast::Binary>(&expr.node)) {
    switch (binary->op) {
      case ast::BinaryOp::logical_or:
        return 1;
      case ast::BinaryOp::logical_and:
        return 2;
      case ast::BinaryOp::add:
      case ast::BinaryOp::subtract:
        return 5;
      case ast::BinaryOp::multiply:
      case ast::BinaryOp::divide:
        return 6;
      default:
        return 4;  // comparisons
    }
  }
  if (const auto* unary = std::get_if<ast::Unary>(&expr.node)) {
    return unary->op == ast::UnaryOp::negate ? 7 : 3;
  }
  if (std::holds_alternative<ast::Band>(expr.node) ||
      std::holds_alternative<ast::Consecutive>(expr.node) ||
      std::holds_alternative<ast::AtLeastOfLast>(expr.node)) {
    return 4;
  }
  return 8;
}

}  // namespace

std::string_view comparison_symbol(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::equal:
      return "=";
    case ast::BinaryOp::not_equal:
      return "≠";
    case ast::BinaryOp::less:
      return "<";
    case ast::BinaryOp::less_equal:
      return "≤";
    case ast::BinaryOp::greater:
      return ">";
    case ast::BinaryOp::greater_equal:
      return "≥";
    default:
      return "";
  }
}

ast::BinaryOp flipped(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::less:
      return ast::BinaryOp::greater;
    case ast::BinaryOp::less_equal:
      return ast::BinaryOp::greater_equal;
    case ast::BinaryOp::greater:
      return ast::BinaryOp::less;
    case ast::BinaryOp::greater_equal:
      return ast::BinaryOp::less_equal;
    default:
      return op;
  }
}

std::string ConditionText::written(const ast::Expr& expr) const {
  return text(expr, nullptr);
}

std::string ConditionText::reader(const ast::Expr& expr, const Trace& trace) const {
  return text(expr, &trace);
}

std::string ConditionText::child(const ast::Expr& expr, const ast::Expr& parent,
                                 const Trace* trace) const {
  const std::string inner = text(expr, trace);
  // Comparisons do not chain; a window's phrase applies to the one comparison before it.
  const bool chained = strength(expr) == 4 && strength(parent) == 4 &&
                       std::holds_alternative<ast::Binary>(parent.node);
  return strength(expr) < strength(parent) || chained ? fmt::format("({})", inner) : inner;
}

std::string ConditionText::text(const ast::Expr& expr, const Trace* trace) const {
  const CheckedContract& checked = contract_.loaded.checked;
  const Type& type = contract_.plan.types.at(expr.id);
  // Amounts that do not move are shown as they stand now (targets after splits).
  const auto* number = std::get_if<ast::NumberLiteral>(&expr.node);
  if (trace && is_fixed(expr, checked) && !type.is(Kind::boolean) && !(number && number->percent)) {
    if (const RuntimeValue* value = trace->find(expr.id)) {
      return value_text(*value, type, contract_);
    }
  }
  return std::visit(
      [&](const auto& node) -> std::string {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, ast::NumberLiteral>) {
          return node.percent ? std::string(expr.span.text()) : node.value.to_grouped_string();
        } else if constexpr (std::is_same_v<T, ast::NameRef>) {
          if (const auto it = clause_.bindings.find(node.name); it != clause_.bindings.end()) {
            return format_value(it->second);
          }
          if (const auto it = checked.constants.find(node.name); it != checked.constants.end()) {
            return format_value(it->second);
          }
          return node.name;
        } else if constexpr (std::is_same_v<T, ast::Suffixed>) {
          return fmt::format("{} {}", text(*node.operand, trace), node.word.text);
        } else if constexpr (std::is_same_v<T, ast::Member>) {
          return fmt::format("{}.{}", text(*node.object, trace), node.member.text);
        } else if constexpr (std::is_same_v<T, ast::Index>) {
          return fmt::format("{}[{}]", text(*node.object, trace), text(*node.index, nullptr));
        } else if constexpr (std::is_same_v<T, ast::Unary>) {
          switch (node.op) {
            case ast::UnaryOp::negate:
              return fmt::format("-{}", child(*node.operand, expr, trace));
            case ast::UnaryOp::logical_not:
              return fmt::format("not {}", child(*node.operand, expr, trace));
            case ast::UnaryOp::once:
              return fmt::format("once {}", child(*node.operand, expr, trace));
            case ast::UnaryOp::ever:
              return fmt::format("ever {}", child(*node.operand, expr, trace));
          }
          return std::string(expr.span.text());
        } else if constexpr (std::is_same_v<T, ast::Binary>) {
          return fmt::format("{} {} {}", child(*node.lhs, expr, trace),
                             op_text(node.op, trace != nullptr), child(*node.rhs, expr, trace));
        } else if constexpr (std::is_same_v<T, ast::Band>) {
          return fmt::format("{} in {} {} {}", child(*node.value, expr, trace),
                             text(*node.low, trace), node.high_excluded ? "..<" : "..",
                             text(*node.high, trace));
        } else if constexpr (std::is_same_v<T, ast::Consecutive>) {
          return fmt::format("{} for {} consecutive {}", child(*node.condition, expr, trace),
                             text(*node.count, nullptr), node.period.text);
        } else if constexpr (std::is_same_v<T, ast::AtLeastOfLast>) {
          return fmt::format("{} on at least {} of the last {} {}",
                             child(*node.condition, expr, trace), text(*node.needed, nullptr),
                             text(*node.window, nullptr), node.period.text);
        } else if constexpr (std::is_same_v<T, ast::Quorum>) {
          std::string items;
          for (const auto& item : node.items) {
            items += fmt::format("{}{}", items.empty() ? "" : ", ", text(*item, trace));
          }
          switch (node.kind) {
            case ast::QuorumKind::all:
              return fmt::format("all of ({})", items);
            case ast::QuorumKind::any:
              return fmt::format("any of ({})", items);
            case ast::QuorumKind::at_least:
              return fmt::format("at least {} of ({})", text(*node.needed, nullptr), items);
          }
          return std::string(expr.span.text());
        } else if constexpr (std::is_same_v<T, ast::TimeTest>) {
          const std::string_view word = node.relation == ast::TimeRelation::before ? "before"
                                        : node.relation == ast::TimeRelation::by   ? "by"
                                                                                   : "after";
          return fmt::format("{} {}", word, text(*node.instant, trace));
        } else if constexpr (std::is_same_v<T, ast::Within>) {
          return fmt::format("within {} after {}", text(*node.duration, trace),
                             text(*node.anchor, trace));
        } else {
          return std::string(expr.span.text());  // text, booleans, dates, timestamps as written
        }
      },
      expr.node);
}

}  // namespace proviso
