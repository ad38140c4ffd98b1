// Visiting an expression's direct children, for passes that look at every node.
#pragma once

#include "grammar/ast.hpp"

namespace proviso::ast {

/// Calls `visit(child)` for each direct child expression of `expr`, left to right.
template <typename Visit>
void for_each_child(const Expr& expr, Visit&& visit) {
  auto each = [&](const ExprPtr& child) {
    if (child) visit(*child);
  };
  std::visit(
      [&](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, Suffixed>) {
          each(node.operand);
        } else if constexpr (std::is_same_v<T, Member>) {
          each(node.object);
        } else if constexpr (std::is_same_v<T, Index>) {
          each(node.object);
          each(node.index);
        } else if constexpr (std::is_same_v<T, Unary>) {
          each(node.operand);
        } else if constexpr (std::is_same_v<T, Binary>) {
          each(node.lhs);
          each(node.rhs);
        } else if constexpr (std::is_same_v<T, Band>) {
          each(node.value);
          each(node.low);
          each(node.high);
        } else if constexpr (std::is_same_v<T, Consecutive>) {
          each(node.condition);
          each(node.count);
          if (node.since && node.since->date) each(node.since->date);
        } else if constexpr (std::is_same_v<T, AtLeastOfLast>) {
          each(node.condition);
          each(node.needed);
          each(node.window);
          if (node.since && node.since->date) each(node.since->date);
        } else if constexpr (std::is_same_v<T, Quorum>) {
          each(node.needed);
          for (const auto& item : node.items) each(item);
        } else if constexpr (std::is_same_v<T, TimeTest>) {
          each(node.instant);
        } else if constexpr (std::is_same_v<T, Within>) {
          each(node.duration);
          each(node.anchor);
        } else if constexpr (one_of<T, NumberLiteral, TextLiteral, BoolLiteral, DateLiteral,
                                    TimestampLiteral, NameRef>) {
          // Literals and names have no children.
        } else {
          static_assert(unhandled<T>, "for_each_child: an expression kind is not handled");
        }
      },
      expr.node);
}

}  // namespace proviso::ast
