// The AST of expressions: operators folded left, literals read and checked, every node with
// its span and id.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "grammar/ast_builder.hpp"

namespace proviso::detail {

std::optional<ast::BinaryOp> AstBuilder::binary_op(const Node& node) {
  if (node.is_type<g::or_op>()) return ast::BinaryOp::logical_or;
  if (node.is_type<g::and_op>()) return ast::BinaryOp::logical_and;
  if (node.is_type<g::add_op>()) return ast::BinaryOp::add;
  if (node.is_type<g::subtract_op>()) return ast::BinaryOp::subtract;
  if (node.is_type<g::multiply_op>()) return ast::BinaryOp::multiply;
  if (node.is_type<g::divide_op>()) return ast::BinaryOp::divide;
  if (node.is_type<g::compare_op>()) {
    const std::string_view op = node.string_view();
    if (op == "==") return ast::BinaryOp::equal;
    if (op == "!=") return ast::BinaryOp::not_equal;
    if (op == "<=") return ast::BinaryOp::less_equal;
    if (op == ">=") return ast::BinaryOp::greater_equal;
    if (op == "<") return ast::BinaryOp::less;
    return ast::BinaryOp::greater;
  }
  return std::nullopt;
}

// Children alternate operand, operator, operand…; folds them to the left.
ast::ExprPtr AstBuilder::left_fold(const Node& node) {
  const auto& children = node.children;
  ast::ExprPtr result = expr(*children.front());
  for (std::size_t i = 1; i + 1 < children.size(); i += 2) {
    ast::ExprPtr rhs = expr(*children[i + 1]);
    const Span whole = join(result->span, rhs->span);
    result = make(whole, ast::Binary{*binary_op(*children[i]), span(*children[i]),
                                     std::move(result), std::move(rhs)});
  }
  return result;
}

ast::ExprPtr AstBuilder::expr(const Node& node) {
  const auto& children = node.children;
  if (node.is_type<g::expression>() || node.is_type<g::conjunction>() ||
      node.is_type<g::additive>() || node.is_type<g::multiplicative>()) {
    return left_fold(node);
  }
  if (node.is_type<g::comparison>()) return comparison(node);
  if (node.is_type<g::temporal>()) return temporal(node);
  if (node.is_type<g::prefix_condition>() || node.is_type<g::operand>()) {
    if (children.size() == 1) return expr(*children.front());
    return make(span(node),
                ast::Unary{unary_op(*children[0]), span(*children[0]), expr(*children[1])});
  }
  if (node.is_type<g::suffixed>()) {
    if (children.size() == 1) return expr(*children.front());
    return make(span(node), ast::Suffixed{expr(*children[0]), suffix(*children[1])});
  }
  if (node.is_type<g::postfix>() || node.is_type<g::count>()) return postfix(node);
  if (node.is_type<g::item_list>()) return expr(*children.front());
  if (node.is_type<g::paren_expression>()) {
    // `(a + b)` is the expression inside, spanning its parentheses too.
    ast::ExprPtr inner = expr(*children.front());
    inner->span = span(node);
    return inner;
  }
  return primary(node);
}

ast::UnaryOp AstBuilder::unary_op(const Node& node) {
  if (node.is_type<g::not_op>()) return ast::UnaryOp::logical_not;
  if (node.is_type<g::once_op>()) return ast::UnaryOp::once;
  if (node.is_type<g::ever_op>()) return ast::UnaryOp::ever;
  return ast::UnaryOp::negate;
}

// `trading   days` may be written with any blanks or comments between its words; the
// tree keeps one spelling.
ast::WindowSince AstBuilder::window_since(const Node& node) {
  const Node& start = *node.children.front();
  return ast::WindowSince{start.is_type<g::since_effective>() ? nullptr : expr(start), span(node)};
}

ast::Name AstBuilder::suffix(const Node& node) const {
  ast::Name word = name(node);
  const std::string_view written = node.string_view();
  const bool two_words = written.rfind("trading", 0) == 0 && written.size() > 7 &&
                         !std::isalnum(static_cast<unsigned char>(written[7])) && written[7] != '_';
  if (two_words) {
    word.text = "trading " + std::string(written.substr(written.find_last_of(" \t\r\n") + 1));
  }
  if (node.children.size() == 1 && node.children[0]->is_type<g::unit_word>()) {
    return unit_word(*node.children[0]);
  }
  return word;
}

// `USD  per share` is kept as "USD per share", however it is spaced.
ast::Name AstBuilder::unit_word(const Node& node) const {
  ast::Name word = name(node);
  if (node.children.size() == 2) word.text = node.children[0]->string() + " per share";
  return word;
}

ast::ExprPtr AstBuilder::comparison(const Node& node) {
  const auto& children = node.children;
  ast::ExprPtr lhs = expr(*children[0]);
  if (children.size() == 1) return lhs;
  if (children[1]->is_type<g::band>()) {
    const Node& band = *children[1];
    ast::Band result{std::move(lhs), expr(*band.children[0]), expr(*band.children[2]),
                     band.children[1]->is_type<g::band_exclusive>(), span(*band.children[1])};
    return make(span(node), std::move(result));
  }
  ast::ExprPtr rhs = expr(*children[2]);
  return make(span(node), ast::Binary{*binary_op(*children[1]), span(*children[1]), std::move(lhs),
                                      std::move(rhs)});
}

ast::ExprPtr AstBuilder::temporal(const Node& node) {
  const auto& children = node.children;
  ast::ExprPtr condition = expr(*children[0]);
  if (children.size() == 1) return condition;
  const Node& phrase = *children[1];
  // `since effective` or `since D` closes either phrase.
  std::optional<ast::WindowSince> since;
  if (phrase.children.back()->is_type<g::window_since>()) {
    since = window_since(*phrase.children.back());
  }
  if (phrase.is_type<g::for_consecutive>()) {
    return make(span(node), ast::Consecutive{std::move(condition), expr(*phrase.children[0]),
                                             suffix(*phrase.children[1]), std::move(since)});
  }
  return make(span(node), ast::AtLeastOfLast{std::move(condition), expr(*phrase.children[0]),
                                             expr(*phrase.children[1]), suffix(*phrase.children[2]),
                                             std::move(since)});
}

ast::ExprPtr AstBuilder::postfix(const Node& node) {
  const auto& children = node.children;
  ast::ExprPtr result = expr(*children.front());
  for (std::size_t i = 1; i < children.size(); ++i) {
    const Node& step = *children[i];
    const Span whole = join(result->span, span(step));
    if (step.is_type<g::member>()) {
      result = make(whole, ast::Member{std::move(result), name(*step.children.front())});
    } else {
      result = make(whole, ast::Index{std::move(result), expr(*step.children.front())});
    }
  }
  return result;
}

std::vector<ast::ExprPtr> AstBuilder::items(const Node& list) {
  std::vector<ast::ExprPtr> result;
  for (const auto& item : list.children) result.push_back(expr(*item));
  return result;
}

ast::ExprPtr AstBuilder::primary(const Node& node) {
  const auto& children = node.children;
  const Span where = span(node);
  if (node.is_type<g::number>()) return number(node);
  if (node.is_type<g::text>()) {
    return make(where, ast::TextLiteral{text(node).value});
  }
  if (node.is_type<g::boolean>()) {
    return make(where, ast::BoolLiteral{node.string_view() == "true"});
  }
  if (node.is_type<g::date>()) return make(where, ast::DateLiteral{date(node)});
  if (node.is_type<g::timestamp>()) return make(where, timestamp(node));
  if (node.is_type<g::name_ref>()) return make(where, ast::NameRef{node.string()});
  if (node.is_type<g::quorum_all>()) {
    return make(where, ast::Quorum{ast::QuorumKind::all, nullptr, items(*children[0])});
  }
  if (node.is_type<g::quorum_any>()) {
    return make(where, ast::Quorum{ast::QuorumKind::any, nullptr, items(*children[0])});
  }
  if (node.is_type<g::quorum_at_least>()) {
    return make(where,
                ast::Quorum{ast::QuorumKind::at_least, expr(*children[0]), items(*children[1])});
  }
  if (node.is_type<g::time_before>()) {
    return make(where, ast::TimeTest{ast::TimeRelation::before, expr(*children[0])});
  }
  if (node.is_type<g::time_by>()) {
    return make(where, ast::TimeTest{ast::TimeRelation::by, expr(*children[0])});
  }
  if (node.is_type<g::time_after>()) {
    return make(where, ast::TimeTest{ast::TimeRelation::after, expr(*children[0])});
  }
  if (node.is_type<g::within>()) {
    return make(where, ast::Within{expr(*children[0]), expr(*children[1])});
  }
  throw std::logic_error(fmt::format("build_ast: unexpected node {}", node.type));
}

ast::ExprPtr AstBuilder::number(const Node& node) {
  std::string digits, per;  // `per`: the second number of `3.25 to 1.00`
  bool percent = false;
  bool ratio = false;
  std::string* into = &digits;
  for (char c : node.string_view()) {
    if (c == '%') {
      percent = true;
    } else if (c == 'x') {
      ratio = true;
    } else if (c == 't') {  // ` to `: the grammar allows no other letter here
      ratio = true;
      into = &per;
    } else if (c != '_' && c != ' ' && c != 'o') {
      into->push_back(c);
    }
  }
  ast::NumberLiteral literal{{}, percent, ratio};
  try {
    literal.value = Decimal::parse(digits).value_or(Decimal());
    if (percent) literal.value = literal.value / Decimal::from_int(100);
    if (!per.empty()) {
      const Decimal divisor = Decimal::parse(per).value_or(Decimal());
      if (divisor.is_zero()) {
        error(span(node), fmt::format("the ratio {} divides by zero: write its second number as "
                                      "1, as in 3.25 to 1.00",
                                      node.string_view()));
      } else {
        literal.value = literal.value / divisor;
      }
    }
  } catch (const ArithmeticError&) {
    error(span(node), fmt::format("the number {} is too large: Proviso's numbers hold about 38 "
                                  "significant digits",
                                  node.string_view()));
  }
  return make(span(node), std::move(literal));
}

Date AstBuilder::date(const Node& node) {
  auto parsed = parse_date(node.string_view());
  if (auto* failure = std::get_if<TimeParseError>(&parsed)) {
    error(span(node), failure->reason);
    return Date{};
  }
  return std::get<Date>(parsed);
}

// The grammar has checked the shape; the values (month 13, 25:00) are checked here.
ast::TimestampLiteral AstBuilder::timestamp(const Node& node) {
  std::string_view whole = node.string_view();
  ast::TimestampLiteral literal;
  std::string_view clock = whole;
  const std::size_t zone_start = whole.find_first_of(" ", 11);
  if (zone_start != std::string_view::npos) {
    const std::size_t name_start = whole.find_first_not_of(' ', zone_start);
    clock = whole.substr(0, zone_start);
    Span zone_span = span(node);
    zone_span.begin += static_cast<std::uint32_t>(name_start);
    zone_span.column += static_cast<std::uint32_t>(name_start);
    literal.zone = ast::Name{std::string(whole.substr(name_start)), zone_span};
  }
  auto parsed = parse_timestamp(clock);
  if (auto* failure = std::get_if<TimeParseError>(&parsed)) {
    error(span(node), failure->reason);
    return literal;
  }
  const auto& value = std::get<ParsedTimestamp>(parsed);
  literal.date = value.date;
  literal.micros_of_day = value.micros_of_day;
  literal.offset_minutes = value.offset_minutes;
  return literal;
}

}  // namespace proviso::detail
