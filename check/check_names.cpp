// The checker's typing of names: constants, metrics, fields, clause states and times.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/overloaded.hpp"
#include "base/suggest.hpp"
#include "base/zones.hpp"
#include "check/checker.hpp"

namespace proviso {

Type Checker::check_name(const ast::Expr& expr, const ast::NameRef& ref, const Scope& scope) {
  const std::string& name = ref.name;
  if (scope.variables) {
    if (const auto it = scope.variables->find(name); it != scope.variables->end()) {
      return it->second;
    }
  }
  // A template's parameter is its own word, also in a filter: the event's field of the same
  // name is written `close.symbol`.
  if (const auto parameter = parameter_type(expr, name, scope)) return *parameter;
  if (scope.kind == Scope::Kind::filter && scope.event) {
    const int index = scope.event->field_index(name);
    if (index >= 0) return scope.event->fields[index].type;
  }
  if (const auto let = let_decls_.find(name); let != let_decls_.end()) {
    if (evaluating_lets_.count(name)) {
      error(expr.span, fmt::format("constant {} is defined in terms of itself", name));
      return Type{};
    }
    check_let(*let->second);
    if (!per_instance_let(expr, name, scope)) return Type{};
    return result_.types.at(let->second->value->id);
  }
  if (const auto metric = result_.metrics.find(name); metric != result_.metrics.end()) {
    switch (scope.kind) {
      case Scope::Kind::metric:
      case Scope::Kind::condition:
      case Scope::Kind::test:
        return metric_type(name, expr.span);
      case Scope::Kind::filter:
        error(expr.span,
              fmt::format("a filter tests the event's own fields; {} is a metric", name));
        return Type{};
      case Scope::Kind::constant:
        error(expr.span, fmt::format("{} is a metric, which changes with events; a constant "
                                     "value is needed here",
                                     name));
        return Type{};
    }
  }
  if (const auto clause = clause_decls_.find(name); clause != clause_decls_.end()) {
    if (scope.kind != Scope::Kind::condition && scope.kind != Scope::Kind::test) {
      error(expr.span, fmt::format("clause {} cannot be used here", name),
            "clause states are used in clause conditions and test expectations");
      return Type{};
    }
    if (families_.count(name)) {
      const auto& range = family_ranges_[name];
      error(expr.span, fmt::format("{} is a family of clauses: say which one, e.g. {}[{}]", name,
                                   name, range.first));
      return Type{};
    }
    return Type::of(Kind::clause);
  }
  // Not declared. Say what it is when it is something else.
  if (result_.events.count(name)) {
    error(expr.span,
          fmt::format("{} is an event type; conditions use metrics computed from events", name),
          fmt::format("declare one, e.g. metric {}_count = count {}", name, name));
    return Type{};
  }
  for (const auto& [event_name, event] : result_.events) {
    if (event.field_index(name) >= 0 && scope.kind != Scope::Kind::filter) {
      error(expr.span, fmt::format("{} is a field of event {}, not a metric", name, event_name),
            fmt::format("declare a metric, e.g. metric latest_{} = latest {}.{}", name, event_name,
                        name));
      return Type{};
    }
  }
  std::vector<std::string> candidates = known_names();
  if (scope.variables) {
    for (const auto& [variable, _] : *scope.variables) candidates.push_back(variable);
  }
  if (scope.kind == Scope::Kind::filter && scope.event) {
    for (const auto& field : scope.event->fields) candidates.push_back(field.name);
  }
  const auto guess = closest_match(name, candidates);
  std::string message = scope.kind == Scope::Kind::filter && scope.event
                            ? fmt::format("event {} has no field {}", scope.event->name, name)
                            : fmt::format("{} is not declared", name);
  error(expr.span, std::move(message),
        guess ? fmt::format("did you mean {}?", *guess) : std::string());
  return Type{};
}

std::vector<std::string> Checker::states_of(const ast::ClauseDecl& decl) const {
  std::vector<std::string> states{"pending"};
  for (const auto& stage : decl.stages) states.push_back(stage.state.text);
  if (decl.holds_while) {
    states.push_back("holding");
    states.push_back("breached");
  }
  // A clause tested once per period: each period's outcome, the last one its state.
  if (decl.period_test) {
    states.push_back("met");
    states.push_back("missed");
    states.push_back("unknown");
  }
  // Only a clause with a deadline can lapse: at its deadline, or at the contract's expiry if it
  // has not reached its last stage by then. One without a deadline stays as it is at expiry.
  if (decl.lapse) states.push_back("lapsed");
  return states;
}

const ast::ClauseDecl* Checker::clause_named(const ast::Expr& expr) const {
  if (const auto* ref = std::get_if<ast::NameRef>(&expr.node)) {
    const auto it = clause_decls_.find(ref->name);
    return it == clause_decls_.end() ? nullptr : it->second;
  }
  if (const auto* index = std::get_if<ast::Index>(&expr.node)) {
    if (const auto* ref = std::get_if<ast::NameRef>(&index->object->node)) {
      const auto it = families_.find(ref->name);
      return it == families_.end() ? nullptr : &it->second->clause;
    }
  }
  return nullptr;
}

Type Checker::check_member(const ast::Expr& expr, const ast::Member& member, const Scope& scope) {
  (void)expr;
  const std::string& name = member.member.text;
  // `deployment.vendor` in a filter names the event's own field.
  if (const auto* ref = std::get_if<ast::NameRef>(&member.object->node);
      ref && scope.kind == Scope::Kind::filter && scope.event && ref->name == scope.event->name) {
    set_type(*member.object, Type{});
    const int index = scope.event->field_index(name);
    if (index >= 0) return scope.event->fields[index].type;
    error(member.member.span, fmt::format("event {} has no field {}", ref->name, name));
    return Type{};
  }
  const Type object = check_expr(*member.object, scope);
  if (object.is_error()) return Type{};
  if (object.is(Kind::clause)) {
    const auto states = states_of(*clause_named(*member.object));
    std::vector<std::string> times;
    for (std::size_t i = 1; i < states.size(); ++i) times.push_back(states[i] + "_at");
    if (std::find(times.begin(), times.end(), name) != times.end()) {
      return Type::of(Kind::timestamp);
    }
    const auto guess = closest_match(name, times);
    error(member.member.span,
          fmt::format("{} has no time '{}'; it has {}", member.object->span.text(), name,
                      fmt::join(times, ", ")),
          guess ? fmt::format("did you mean {}?", *guess) : std::string());
    return Type{};
  }
  error(member.member.span, fmt::format("{} is {}, which has no '.{}'", member.object->span.text(),
                                        describe(object), name));
  return Type{};
}

Type Checker::check_index(const ast::Expr& expr, const ast::Index& index, const Scope& scope) {
  const auto* ref = std::get_if<ast::NameRef>(&index.object->node);
  const auto family = ref ? families_.find(ref->name) : families_.end();
  if (family == families_.end()) {
    check_expr(*index.object, scope);
    error(index.object->span, fmt::format("{} is not a family of clauses, so it takes no [ ]",
                                          index.object->span.text()));
    return Type{};
  }
  set_type(*index.object, Type::of(Kind::clause));
  const Type position = check_expr(*index.index, scope);
  if (!position.is_error() && !position.is(Kind::number)) {
    error(index.index->span,
          fmt::format("a family member is chosen by a number, but this is {}", describe(position)));
    return Type{};
  }
  if (scope.kind != Scope::Kind::condition && scope.kind != Scope::Kind::test) {
    error(index.object->span, fmt::format("clause {} cannot be used here", ref->name));
    return Type{};
  }
  // Clause conditions are resolved member by member once every family is known; a test names
  // one member with a constant, checked here.
  const auto range = family_ranges_.find(ref->name);
  if (scope.kind == Scope::Kind::test && range != family_ranges_.end() && !position.is_error()) {
    const auto member = evaluate_integer(*index.index, {}, "a family member's number");
    if (member && (*member < range->second.first || *member > range->second.second)) {
      error(expr.span,
            fmt::format("{}[{}] does not exist: the family runs from {}[{}] to {}[{}]", ref->name,
                        *member, ref->name, range->second.first, ref->name, range->second.second));
      return Type{};
    }
  }
  return Type::of(Kind::clause);
}

}  // namespace proviso
