#include "grammar/build_ast.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "grammar/selector.hpp"

namespace proviso {

namespace g = grammar;
using Node = tao::pegtl::parse_tree::node;

namespace {

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
      } else {
        file->declarations.push_back(declaration(*child));
      }
    }
    file->node_count = next_id_;
    return file;
  }

 private:
  const SourceFile& source_;
  ast::NodeId next_id_;
  Diagnostics& diagnostics_;

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
    return expr;
  }

  int small_number(const Node& node) {
    const std::string digits = node.string();
    if (digits.size() > 6) {
      error(span(node), fmt::format("{} is too large here", digits));
      return 0;
    }
    return std::stoi(digits);
  }

  // ---- Expressions ------------------------------------------------------------------------

  static std::optional<ast::BinaryOp> binary_op(const Node& node) {
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
  ast::ExprPtr left_fold(const Node& node) {
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

  ast::ExprPtr expr(const Node& node) {
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

  static ast::UnaryOp unary_op(const Node& node) {
    if (node.is_type<g::not_op>()) return ast::UnaryOp::logical_not;
    if (node.is_type<g::once_op>()) return ast::UnaryOp::once;
    if (node.is_type<g::ever_op>()) return ast::UnaryOp::ever;
    return ast::UnaryOp::negate;
  }

  // `trading   days` may be written with any blanks or comments between its words; the
  // tree keeps one spelling.
  ast::Name suffix(const Node& node) const {
    ast::Name word = name(node);
    const std::string_view written = node.string_view();
    const bool two_words = written.rfind("trading", 0) == 0 && written.size() > 7 &&
                           !std::isalnum(static_cast<unsigned char>(written[7])) &&
                           written[7] != '_';
    if (two_words) {
      word.text = "trading " + std::string(written.substr(written.find_last_of(" \t\r\n") + 1));
    }
    return word;
  }

  ast::ExprPtr comparison(const Node& node) {
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
    return make(span(node), ast::Binary{*binary_op(*children[1]), span(*children[1]),
                                        std::move(lhs), std::move(rhs)});
  }

  ast::ExprPtr temporal(const Node& node) {
    const auto& children = node.children;
    ast::ExprPtr condition = expr(*children[0]);
    if (children.size() == 1) return condition;
    const Node& phrase = *children[1];
    if (phrase.is_type<g::for_consecutive>()) {
      return make(span(node), ast::Consecutive{std::move(condition), expr(*phrase.children[0]),
                                               suffix(*phrase.children[1])});
    }
    return make(span(node),
                ast::AtLeastOfLast{std::move(condition), expr(*phrase.children[0]),
                                   expr(*phrase.children[1]), suffix(*phrase.children[2])});
  }

  ast::ExprPtr postfix(const Node& node) {
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

  std::vector<ast::ExprPtr> items(const Node& list) {
    std::vector<ast::ExprPtr> result;
    for (const auto& item : list.children) result.push_back(expr(*item));
    return result;
  }

  ast::ExprPtr primary(const Node& node) {
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

  ast::ExprPtr number(const Node& node) {
    std::string digits;
    bool percent = false;
    for (char c : node.string_view()) {
      if (c == '%') {
        percent = true;
      } else if (c != '_') {
        digits.push_back(c);
      }
    }
    ast::NumberLiteral literal{{}, percent};
    try {
      literal.value = Decimal::parse(digits).value_or(Decimal());
      if (percent) literal.value = literal.value / Decimal::from_int(100);
    } catch (const ArithmeticError&) {
      error(span(node), fmt::format("the number {} is too large: Proviso's numbers hold about 38 "
                                    "significant digits",
                                    node.string_view()));
    }
    return make(span(node), std::move(literal));
  }

  Date date(const Node& node) {
    auto parsed = parse_date(node.string_view());
    if (auto* failure = std::get_if<TimeParseError>(&parsed)) {
      error(span(node), failure->reason);
      return Date{};
    }
    return std::get<Date>(parsed);
  }

  // The grammar has checked the shape; the values (month 13, 25:00) are checked here.
  ast::TimestampLiteral timestamp(const Node& node) {
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

  // ---- Declarations -----------------------------------------------------------------------

  ast::Header header(const Node& node) {
    ast::Header result;
    result.span = span(node);
    std::vector<std::string_view> given;
    for (const auto& child : node.children) {
      const Node& item = *child;
      // Each header item says one thing about the contract; a second one is a contradiction.
      if (!item.is_type<g::contract_title>()) {
        const std::string_view word =
            item.string_view().substr(0, item.string_view().find_first_of(" \t\r\n"));
        if (std::find(given.begin(), given.end(), word) != given.end()) {
          Span where = span(item);
          where.end = where.begin + static_cast<std::uint32_t>(word.size());
          error(where, fmt::format("the contract header gives '{}' twice", word),
                "keep the one the agreement states");
        }
        given.push_back(word);
      }
      if (item.is_type<g::contract_title>()) {
        result.title = text(item);
      } else if (item.is_type<g::header_source>()) {
        result.source = text(*item.children[0]);
      } else if (item.is_type<g::header_timezone>()) {
        result.timezone = text(*item.children[0]);
      } else if (item.is_type<g::header_calendar>()) {
        result.calendar = name(*item.children[0]);
      } else if (item.is_type<g::header_effective>()) {
        result.effective = expr(*item.children[0]);
      } else if (item.is_type<g::header_expires>()) {
        result.expires = expr(*item.children[0]);
      }
    }
    return result;
  }

  ast::Declaration declaration(const Node& node) {
    const auto& children = node.children;
    if (node.is_type<g::dimension_decl>()) {
      return ast::DimensionDecl{span(node), name(*children[0]), name(*children[1])};
    }
    if (node.is_type<g::unit_decl>()) {
      return ast::UnitDecl{span(node), name(*children[0]), expr(*children[1])};
    }
    if (node.is_type<g::currency_decl>()) {
      ast::CurrencyDecl result{span(node), {}};
      for (const auto& code : children) result.codes.push_back(name(*code));
      return result;
    }
    if (node.is_type<g::event_decl>()) return event(node);
    if (node.is_type<g::metric_decl>()) return metric(node);
    if (node.is_type<g::let_decl>()) {
      return ast::LetDecl{span(node), name(*children[0]), expr(*children[1])};
    }
    if (node.is_type<g::clause_decl>()) return clause(node);
    if (node.is_type<g::family_decl>()) return family(node);
    if (node.is_type<g::calendar_decl>()) return calendar(node);
    if (node.is_type<g::splits_decl>()) {
      const Node& source = *children[0];
      ast::SplitsDecl splits{span(node), name(*source.children[0]), name(*source.children[1]),
                             nullptr};
      if (children.size() > 1) splits.filter = expr(*children[1]->children[0]);
      return splits;
    }
    return test(node);
  }

  ast::EventDecl event(const Node& node) {
    ast::EventDecl result{span(node), name(*node.children[0]), {}};
    for (std::size_t i = 1; i < node.children.size(); ++i) {
      const Node& field = *node.children[i];
      result.fields.push_back({name(*field.children[0]), name(*field.children[1])});
    }
    return result;
  }

  static ast::AggregateFn aggregate_fn(std::string_view word) {
    if (word == "sum") return ast::AggregateFn::sum;
    if (word == "count") return ast::AggregateFn::count;
    if (word == "latest") return ast::AggregateFn::latest;
    if (word == "first") return ast::AggregateFn::first;
    if (word == "min") return ast::AggregateFn::min;
    if (word == "max") return ast::AggregateFn::max;
    if (word == "average") return ast::AggregateFn::average;
    return ast::AggregateFn::vwap;
  }

  ast::MetricDecl metric(const Node& node) {
    ast::MetricDecl result{span(node), name(*node.children[0]), {}};
    const Node& body = *node.children[1];
    if (!body.is_type<g::aggregate>()) {
      result.body = expr(body);
      return result;
    }
    ast::Aggregate aggregate;
    aggregate.fn = aggregate_fn(body.children[0]->string_view());
    aggregate.fn_span = span(*body.children[0]);
    for (std::size_t i = 1; i < body.children.size(); ++i) {
      const Node& part = *body.children[i];
      if (part.is_type<g::event_field>()) {
        aggregate.event = name(*part.children[0]);
        aggregate.field = name(*part.children[1]);
      } else if (part.is_type<g::identifier>()) {
        aggregate.event = name(part);
      } else if (part.is_type<g::weight>()) {
        aggregate.weight = name(*part.children[0]);
      } else if (part.is_type<g::filter>()) {
        aggregate.filter = expr(*part.children[0]);
      } else if (part.is_type<g::window>()) {
        aggregate.window =
            ast::Window{span(part), expr(*part.children[0]), suffix(*part.children[1])};
      }
    }
    result.body = std::move(aggregate);
    return result;
  }

  ast::ClauseRef clause_ref(const Node& node) {
    ast::ClauseRef result{span(node), name(*node.children[0]), nullptr};
    if (node.children.size() > 1) result.index = expr(*node.children[1]->children[0]);
    return result;
  }

  static std::string stage_state(std::string_view verb) {
    if (verb == "vests") return "vested";
    if (verb == "unlocks") return "unlocked";
    if (verb == "triggers") return "triggered";
    if (verb == "pays") return "paid";
    return "released";
  }

  ast::Stage stage(const Node& node) {
    const Node& verb = *node.children[0];
    ast::Stage result{span(node), name(verb), {}, expr(*node.children[1])};
    if (!verb.children.empty()) {
      result.state = name(*verb.children[0]);
    } else {
      result.state = ast::Name{stage_state(verb.string_view()), span(verb)};
    }
    return result;
  }

  ast::ClauseDecl clause(const Node& node) {
    ast::ClauseDecl result;
    result.span = span(node);
    for (const auto& child : node.children) {
      const Node& item = *child;
      if (item.is_type<g::clause_kind>()) {
        result.kind = name(item);
      } else if (item.is_type<g::clause_name>()) {
        result.name = name(*item.children[0]);
        if (item.children.size() > 1) result.family_variable = name(*item.children[1]);
      } else if (item.is_type<g::clause_title>()) {
        result.title = text(item);
      } else if (item.is_type<g::citation>()) {
        result.citations.push_back(text(*item.children[0]));
      } else if (item.is_type<g::grant>()) {
        if (result.grant) error(span(item), "this clause already states what it grants");
        result.grant = expr(*item.children[0]);
      } else if (item.is_type<g::stage>()) {
        result.stages.push_back(stage(item));
      } else if (item.is_type<g::holds_while>()) {
        if (result.holds_while) error(span(item), "this clause already has a 'holds while'");
        result.holds_while = expr(*item.children[0]);
      } else if (item.is_type<g::lapse>()) {
        if (result.lapse) error(span(item), "this clause already has a 'lapses if not … by'");
        result.lapse = ast::Lapse{span(item), name(*item.children[0]), expr(*item.children[1])};
      } else if (item.is_type<g::prerequisites>()) {
        for (const auto& ref : item.children) result.prerequisites.push_back(clause_ref(*ref));
      } else if (item.is_type<g::adjustment>()) {
        result.adjusted = span(item);
      }
    }
    return result;
  }

  ast::FamilyDecl family(const Node& node) {
    ast::FamilyDecl result;
    result.span = span(node);
    for (const auto& child : node.children) {
      const Node& part = *child;
      if (part.is_type<g::family_clause>()) {
        result.clause = clause(part);
        continue;
      }
      result.bindings.push_back(binding(part));
    }
    return result;
  }

  ast::Binding binding(const Node& part) {
    ast::Binding binding;
    binding.span = span(part);
    binding.variable = name(*part.children[0]);
    const Node& values = *part.children[1];
    if (values.is_type<g::range>()) {
      binding.low = expr(*values.children[0]);
      binding.high = expr(*values.children[2]);
    } else {
      binding.values = items(*values.children[0]);
    }
    return binding;
  }

  ast::HolidayRule holiday(const Node& node) {
    ast::HolidayRule rule;
    rule.span = span(node);
    for (const auto& child : node.children) {
      const Node& part = *child;
      if (part.is_type<g::holiday_name>()) {
        rule.name = text(part);
      } else if (part.is_type<g::fixed_day>()) {
        rule.date = ast::FixedDay{name(*part.children[0]), small_number(*part.children[1]),
                                  span(*part.children[1])};
      } else if (part.is_type<g::nth_weekday>()) {
        rule.date = ast::NthWeekday{name(*part.children[0]), name(*part.children[1]),
                                    name(*part.children[2])};
      } else if (part.is_type<g::easter>()) {
        ast::EasterOffset offset;
        if (!part.children.empty()) {
          const Node& shift = *part.children[0];
          const int days = small_number(*shift.children[1]);
          offset.days = shift.children[0]->string_view() == "-" ? -days : days;
          offset.unit = name(*shift.children[2]);
        }
        rule.date = offset;
      } else if (part.is_type<g::holiday_observed>()) {
        rule.observed = true;
      } else if (part.is_type<g::year_from>()) {
        rule.from_year = small_number(*part.children[0]);
        rule.years_span = span(part);
      } else if (part.is_type<g::year_until>()) {
        rule.until_year = small_number(*part.children[0]);
        rule.years_span = span(part);
      }
    }
    return rule;
  }

  ast::CalendarDecl calendar(const Node& node) {
    ast::CalendarDecl result;
    result.span = span(node);
    result.name = name(*node.children[0]);
    for (std::size_t i = 1; i < node.children.size(); ++i) {
      const Node& item = *node.children[i];
      if (item.is_type<g::holiday_rule>()) {
        result.holidays.push_back(holiday(item));
      } else if (item.is_type<g::closed_day>()) {
        result.closed_days.push_back(
            ast::ClosedDay{span(item), date(*item.children[0]), text(*item.children[1])});
      } else {
        for (const auto& day : item.children) result.weekend.push_back(name(*day));
      }
    }
    return result;
  }

  ast::GivenEvent given_event(const Node& node) {
    ast::GivenEvent event;
    event.span = span(node);
    event.ts = timestamp(*node.children[0]);
    event.ts_span = span(*node.children[0]);
    event.type = name(*node.children[1]);
    for (std::size_t i = 2; i < node.children.size(); ++i) {
      const Node& field = *node.children[i];
      event.fields.push_back({name(*field.children[0]), expr(*field.children[1])});
    }
    return event;
  }

  ast::TestItem test_item(const Node& node) {
    const Node& body = *node.children[0];
    if (node.is_type<g::given>()) {
      if (body.is_type<g::given_log>()) {
        return {span(node), ast::GivenLog{text(*body.children[0])}};
      }
      ast::GivenEvents events;
      for (const auto& child : node.children) events.events.push_back(given_event(*child));
      return {span(node), std::move(events)};
    }
    if (node.is_type<g::clock_advance>()) return {span(node), ast::ClockAdvance{expr(body)}};
    if (body.is_type<g::expected_error>()) {
      return {span(node), ast::ExpectedError{text(*body.children[0])}};
    }
    if (body.is_type<g::expected_timeline>()) {
      return {span(node), ast::ExpectedTimeline{text(*body.children[0])}};
    }
    if (body.is_type<g::expected_granted>()) {
      // The amount is an `additive`, under its own name for its syntax error.
      ast::ExpectedGranted granted{left_fold(*body.children[0]), nullptr};
      if (body.children.size() > 1) granted.at = expr(*body.children[1]->children[0]);
      return {span(node), std::move(granted)};
    }
    ast::Expectation expectation{expr(*body.children[0]), nullptr};
    if (body.children.size() > 1) expectation.at = expr(*body.children[1]->children[0]);
    return {span(node), std::move(expectation)};
  }

  ast::TestDecl test(const Node& node) {
    ast::TestDecl result{span(node), text(*node.children[0]), {}, {}};
    for (std::size_t i = 1; i < node.children.size(); ++i) {
      const Node& child = *node.children[i];
      if (child.is_type<g::test_cases>()) {
        for (const auto& part : child.children) result.bindings.push_back(binding(*part));
      } else {
        result.items.push_back(test_item(child));
      }
    }
    return result;
  }
};

}  // namespace

std::unique_ptr<ast::File> build_ast(const Node& root, const SourceFile& source,
                                     ast::NodeId first_node_id, Diagnostics& diagnostics) {
  return AstBuilder(source, first_node_id, diagnostics).file(root);
}

}  // namespace proviso
