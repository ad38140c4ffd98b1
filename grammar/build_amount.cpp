// The AST of amounts (what a clause grants): arithmetic folded left, then the words after an
// amount (`capped at`, `at least`, `rounded …`) wrapped around it in the order written.
#include <fmt/format.h>

#include "grammar/ast_builder.hpp"

namespace proviso::detail {

namespace {

std::uint32_t height_of(const ast::Amount& amount);

std::uint32_t height_of(const ast::ExprPtr& expr) {
  return expr ? expr->height : 0;
}
std::uint32_t height_of(const ast::AmountPtr& amount) {
  return amount ? amount->height : 0;
}

// Levels below an amount node: the tallest of its amounts and expressions.
std::uint32_t children_height(const ast::Amount& amount) {
  return std::visit(
      [](const auto& node) -> std::uint32_t {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, ast::ExprPtr>) {
          return height_of(node);
        } else if constexpr (std::is_same_v<T, ast::AmountArithmetic>) {
          return std::max(height_of(node.lhs), height_of(node.rhs));
        } else if constexpr (std::is_same_v<T, ast::AmountExtreme>) {
          std::uint32_t h = 0;
          for (const auto& item : node.items) h = std::max(h, height_of(item));
          return h;
        } else if constexpr (std::is_same_v<T, ast::AmountChoice>) {
          return std::max({height_of(node.condition), height_of(node.then_amount),
                           height_of(node.else_amount)});
        } else if constexpr (std::is_same_v<T, ast::AmountTiers>) {
          std::uint32_t h = height_of(node.base);
          for (const auto& band : node.bands) {
            h = std::max({h, height_of(band.up_to), height_of(band.rate)});
          }
          return h;
        } else if constexpr (std::is_same_v<T, ast::AmountLimit>) {
          return std::max(height_of(node.amount), height_of(node.limit));
        } else if constexpr (std::is_same_v<T, ast::AmountRounding>) {
          return std::max(height_of(node.amount), height_of(node.nearest));
        } else {
          static_assert(ast::unhandled<T>, "children_height: an amount kind is not handled");
        }
      },
      amount.node);
}

std::uint32_t height_of(const ast::Amount& amount) {
  return children_height(amount) + 1;
}

}  // namespace

template <typename Payload>
ast::AmountPtr AstBuilder::make_amount(const Span& where, Payload&& payload) {
  auto amount = std::make_unique<ast::Amount>();
  amount->id = next_id_++;
  amount->span = where;
  amount->node = std::forward<Payload>(payload);
  amount->height = height_of(*amount);
  if (amount->height > static_cast<std::uint32_t>(g::kMaxExpressionDepth)) {
    // Past the limit the file is dropped (too_deep_); a leaf stands in until then.
    amount->node = too_deep(where);
    amount->height = 1;
  }
  return amount;
}

// The rules that are an operand or an additive under another name.
ast::ExprPtr AstBuilder::amount_leaf(const Node& node) {
  const auto& children = node.children;
  if (node.is_type<g::amount_value>() || node.is_type<g::tier_base>()) {
    if (children.size() == 1) return expr(*children.front());
    return make(span(node),
                ast::Unary{unary_op(*children[0]), span(*children[0]), expr(*children[1])});
  }
  return left_fold(node);  // tier_rate, cash_price: an additive
}

ast::AmountPtr AstBuilder::amount(const Node& node) {
  const auto& children = node.children;
  if (node.is_type<g::amount>()) {
    ast::AmountPtr result = amount(*children.front());
    for (std::size_t i = 1; i < children.size(); ++i) {
      result = amount_modifier(std::move(result), *children[i]);
    }
    return result;
  }
  if (node.is_type<g::amount_sum>() || node.is_type<g::amount_product>()) return amount_fold(node);
  if (node.is_type<g::amount_paren>() || node.is_type<g::amount_then>() ||
      node.is_type<g::amount_else>()) {
    ast::AmountPtr inner = amount(*children.front());
    if (node.is_type<g::amount_paren>()) inner->span = span(node);
    return inner;
  }
  if (node.is_type<g::amount_min>() || node.is_type<g::amount_max>()) {
    ast::AmountExtreme extreme;
    extreme.largest = node.is_type<g::amount_max>();
    const auto begin = node.begin();
    extreme.word_span =
        Span{&source_, static_cast<std::uint32_t>(begin.byte),
             static_cast<std::uint32_t>(begin.byte + 3), static_cast<std::uint32_t>(begin.line),
             static_cast<std::uint32_t>(begin.column)};
    for (const auto& item : children) extreme.items.push_back(amount(*item));
    return make_amount(span(node), std::move(extreme));
  }
  if (node.is_type<g::amount_negate>()) {
    // -A is -1 × A, so that the checker, the planner and the evaluator need no form of their own.
    const Span sign = span(*children[0]);
    ast::AmountPtr minus_one =
        make_amount(sign, make(sign, ast::NumberLiteral{Decimal::from_int(-1), false, false}));
    return make_amount(span(node),
                       ast::AmountArithmetic{ArithmeticOp::multiply, sign, std::move(minus_one),
                                             amount(*children[1])});
  }
  if (node.is_type<g::amount_if>()) {
    return make_amount(span(node), ast::AmountChoice{expr(*children[0]), amount(*children[1]),
                                                     amount(*children[2])});
  }
  if (node.is_type<g::amount_tiered>()) return make_amount(span(node), tiers(node));
  return make_amount(span(node), amount_leaf(node));  // amount_value
}

// Children alternate amount, operator, amount…; folds them to the left.
ast::AmountPtr AstBuilder::amount_fold(const Node& node) {
  const auto& children = node.children;
  ast::AmountPtr result = amount(*children.front());
  for (std::size_t i = 1; i + 1 < children.size(); i += 2) {
    ast::AmountPtr rhs = amount(*children[i + 1]);
    const Span whole = join(result->span, rhs->span);
    const ast::BinaryOp op = *binary_op(*children[i]);
    result = make_amount(
        whole, ast::AmountArithmetic{ast::operator_info(op).arithmetic, span(*children[i]),
                                     std::move(result), std::move(rhs)});
  }
  return result;
}

ast::AmountPtr AstBuilder::amount_modifier(ast::AmountPtr inner, const Node& modifier) {
  const auto& children = modifier.children;
  const Span whole = join(inner->span, span(modifier));
  if (modifier.is_type<g::amount_cap>() || modifier.is_type<g::amount_floor>()) {
    return make_amount(whole, ast::AmountLimit{modifier.is_type<g::amount_cap>(), span(modifier),
                                               std::move(inner), expr(*children.back())});
  }
  ast::AmountRounding rounding;
  rounding.word_span = span(modifier);
  rounding.amount = std::move(inner);
  for (const auto& child : children) {
    if (child->is_type<g::round_down>()) rounding.rule = ast::Rounding::down;
    if (child->is_type<g::round_up>()) rounding.rule = ast::Rounding::up;
    if (child->is_type<g::round_half_up>()) rounding.rule = ast::Rounding::half_up;
    if (child->is_type<g::round_half_even>()) rounding.rule = ast::Rounding::half_even;
    if (child->is_type<g::round_whole>()) rounding.whole = unit_word(*child->children.front());
    if (child->is_type<g::round_cent>()) rounding.cent = true;
    if (child->is_type<g::round_nearest>()) rounding.nearest = expr(*child->children.front());
  }
  return make_amount(whole, std::move(rounding));
}

ast::AmountTiers AstBuilder::tiers(const Node& node) {
  ast::AmountTiers result;
  for (const auto& child : node.children) {
    if (child->is_type<g::tier_flat>()) {
      result.flat = true;
    } else if (child->is_type<g::tier_base>()) {
      result.base = amount_leaf(*child);
    } else if (child->is_type<g::tier_band>()) {
      ast::TierBand band;
      band.span = span(*child);
      const Node& bound = *child->children.front();
      if (bound.is_type<g::tier_up_to>()) band.up_to = expr(*bound.children.front());
      band.rate = amount_leaf(*child->children.back());
      result.bands.push_back(std::move(band));
    }
  }
  return result;
}

}  // namespace proviso::detail
