// The AST of a parsed file: its header and declarations (expressions in build_expr.cpp).
#include "grammar/build_ast.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "grammar/ast_builder.hpp"

namespace proviso {

namespace detail {

ast::Header AstBuilder::header(const Node& node) {
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

ast::Declaration AstBuilder::declaration(const Node& node) {
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

ast::ParametersDecl AstBuilder::parameters(const Node& node) const {
  ast::ParametersDecl result{span(node), {}};
  for (const auto& child : node.children) {
    const Node& parameter = *child;
    const bool key = parameter.children.front()->is_type<g::parameter_key>();
    const std::size_t first = key ? 1 : 0;
    result.parameters.push_back(
        {name(*parameter.children[first]), name(*parameter.children[first + 1]), key});
  }
  return result;
}

ast::EventDecl AstBuilder::event(const Node& node) {
  ast::EventDecl result{span(node), name(*node.children[0]), {}};
  for (std::size_t i = 1; i < node.children.size(); ++i) {
    const Node& field = *node.children[i];
    result.fields.push_back({name(*field.children[0]), unit_word(*field.children[1])});
  }
  return result;
}

ast::AggregateFn AstBuilder::aggregate_fn(std::string_view word) {
  if (word == "sum") return ast::AggregateFn::sum;
  if (word == "count") return ast::AggregateFn::count;
  if (word == "latest") return ast::AggregateFn::latest;
  if (word == "first") return ast::AggregateFn::first;
  if (word == "min") return ast::AggregateFn::min;
  if (word == "max") return ast::AggregateFn::max;
  if (word == "average") return ast::AggregateFn::average;
  return ast::AggregateFn::vwap;
}

ast::MetricDecl AstBuilder::metric(const Node& node) {
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
          ast::Window{span(part), expr(*part.children[0]), suffix(*part.children[1]), {}};
      if (part.children.size() > 2) aggregate.window->since = window_since(*part.children[2]);
    } else if (part.is_type<g::period_window>()) {
      aggregate.period =
          ast::PeriodWindow{span(part), part.children[0]->is_type<g::period_previous>(),
                            period_spec(*part.children[1])};
    }
  }
  result.body = std::move(aggregate);
  return result;
}

ast::ClauseRef AstBuilder::clause_ref(const Node& node) {
  ast::ClauseRef result{span(node), name(*node.children[0]), nullptr};
  if (node.children.size() > 1) result.index = expr(*node.children[1]->children[0]);
  return result;
}

std::string AstBuilder::stage_state(std::string_view verb) {
  if (verb == "vests") return "vested";
  if (verb == "unlocks") return "unlocked";
  if (verb == "triggers") return "triggered";
  if (verb == "pays") return "paid";
  return "released";
}

ast::Stage AstBuilder::stage(const Node& node) {
  const Node& verb = *node.children[0];
  ast::Stage result{span(node), name(verb), {}, expr(*node.children[1])};
  if (!verb.children.empty()) {
    result.state = name(*verb.children[0]);
  } else {
    result.state = ast::Name{stage_state(verb.string_view()), span(verb)};
  }
  return result;
}

ast::PeriodSpec AstBuilder::period_spec(const Node& node) {
  ast::PeriodSpec result{span(node), name(*node.children[0]), name(*node.children[1]), {}, {}};
  // `starting July` and `ending June 30` leave their month and day as the spec's children.
  if (node.children.size() > 2) result.month = name(*node.children[2]);
  if (node.children.size() > 3) result.end_day = small_number(*node.children[3]);
  return result;
}

ast::PeriodTest AstBuilder::period_test(const Node& node) {
  ast::PeriodTest result{span(node), expr(*node.children[0]), 1,
                         period_spec(*node.children.back())};
  if (node.children.size() > 2) {
    result.last = static_cast<std::uint32_t>(small_number(*node.children[1]->children[0]));
  }
  return result;
}

ast::ClauseDecl AstBuilder::clause(const Node& node) {
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
      result.grant = amount(*item.children[0]);
      if (item.children.size() > 1) {
        const Node& lieu = *item.children[1];
        result.cash_in_lieu = ast::CashInLieu{span(lieu), amount_leaf(*lieu.children.back())};
      }
    } else if (item.is_type<g::stage>()) {
      result.stages.push_back(stage(item));
    } else if (item.is_type<g::holds_while>()) {
      if (result.holds_while) error(span(item), "this clause already has a 'holds while'");
      result.holds_while = expr(*item.children[0]);
    } else if (item.is_type<g::period_test>()) {
      if (result.period_test) error(span(item), "this clause already has a 'requires … in each'");
      result.period_test = period_test(item);
    } else if (item.is_type<g::missed_payment>()) {
      if (result.missed_payment) error(span(item), "this clause already pays for missed periods");
      result.missed_payment =
          ast::MissedPayment{span(item), amount(*item.children[0]), name(*item.children[1])};
    } else if (item.is_type<g::cap>()) {
      ast::Cap cap{span(item), expr(*item.children[0]), std::nullopt};
      const Node& scope = *item.children[1];
      if (scope.is_type<g::cap_per>()) cap.per = period_spec(*scope.children[0]);
      result.caps.push_back(std::move(cap));
    } else if (item.is_type<g::catch_up>()) {
      if (result.catch_up) error(span(item), "this clause already has a 'with catch-up'");
      result.catch_up = ast::CatchUp{span(item), nullptr};
      if (!item.children.empty()) result.catch_up->condition = expr(*item.children[0]->children[0]);
    } else if (item.is_type<g::lapse>()) {
      if (result.lapse) error(span(item), "this clause already has a 'lapses if not … by'");
      result.lapse = ast::Lapse{span(item), name(*item.children[0]), expr(*item.children[1])};
    } else if (item.is_type<g::prerequisites>()) {
      for (const auto& ref : item.children) result.prerequisites.push_back(clause_ref(*ref));
    } else if (item.is_type<g::adjustment>()) {
      result.adjusted = span(item);
    } else if (item.is_type<g::tested_at>()) {
      if (result.tested_at) error(span(item), "this clause already says when it is tested");
      result.tested_at = ast::TestedAt{span(item), name(*item.children[0]), nullptr};
      if (item.children.size() > 1) result.tested_at->filter = expr(*item.children[1]->children[0]);
    }
  }
  return result;
}

ast::FamilyDecl AstBuilder::family(const Node& node) {
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

ast::Binding AstBuilder::binding(const Node& part) {
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

ast::HolidayRule AstBuilder::holiday(const Node& node) {
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

ast::CalendarDecl AstBuilder::calendar(const Node& node) {
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

ast::GivenEvent AstBuilder::given_event(const Node& node) {
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

ast::TestItem AstBuilder::test_item(const Node& node) {
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
  if (body.is_type<g::expected_granted>() || body.is_type<g::expected_paid>()) {
    // The amount is an `additive`, under its own name for its syntax error.
    ast::ExpectedGranted granted{left_fold(*body.children[0]), nullptr,
                                 body.is_type<g::expected_paid>()};
    if (body.children.size() > 1) granted.at = expr(*body.children[1]->children[0]);
    return {span(node), std::move(granted)};
  }
  ast::Expectation expectation{expr(*body.children[0]), nullptr, std::nullopt};
  for (std::size_t i = 1; i < body.children.size(); ++i) {
    const Node& part = *body.children[i];
    if (part.is_type<g::expected_at>()) {
      expectation.at = expr(*part.children[0]);
      continue;
    }
    const Node& key = *part.children[0];  // expected_instance > instance_key
    expectation.instance = key.string_view().front() == '"'
                               ? text(key)
                               : ast::Text{std::string(key.string_view()), span(key)};
  }
  return {span(node), std::move(expectation)};
}

ast::TestDecl AstBuilder::test(const Node& node) {
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

}  // namespace detail

std::unique_ptr<ast::File> build_ast(const tao::pegtl::parse_tree::node& root,
                                     const SourceFile& source, ast::NodeId first_node_id,
                                     Diagnostics& diagnostics) {
  return detail::AstBuilder(source, first_node_id, diagnostics).file(root);
}

}  // namespace proviso
