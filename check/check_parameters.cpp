// The checker's steps for templates: the parameters a contract takes from each row of an
// instances file, and the events a clause is tested at.
#include <fmt/format.h>

#include "base/suggest.hpp"
#include "check/checker.hpp"
#include "grammar/ast_walk.hpp"

namespace proviso {

int CheckedContract::parameter_index(std::string_view name) const {
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    if (parameters[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

void Checker::declare_parameters(const ast::File& file) {
  if (!file.parameters) return;
  const ast::Parameter* key = nullptr;
  for (const ast::Parameter& parameter : file.parameters->parameters) {
    if (!claim_name(parameter.name, "parameter")) continue;
    const auto type = field_type(parameter.type);
    if (parameter.key) {
      if (key) {
        error(parameter.name.span,
              fmt::format("{} is marked 'key', but {} already is", parameter.name.text,
                          key->name.text),
              "one column names the instances: mark one parameter 'key'");
      }
      key = &parameter;
      if (type && !type->is(Kind::text)) {
        error(parameter.type.span,
              fmt::format("the key {} names each instance, so it is text, not {}",
                          parameter.name.text, describe(*type)));
      }
    }
    result_.parameters.push_back(ParameterInfo{parameter.name.text, type.value_or(Type{}),
                                               parameter.name.span, parameter.key});
  }
}

std::optional<Type> Checker::parameter_type(const ast::Expr& expr, const std::string& name,
                                            const Scope& scope) {
  const int index = result_.parameter_index(name);
  if (index < 0) return std::nullopt;
  // A `let` may be made of parameters: it then has a value per instance.
  if (scope.kind == Scope::Kind::constant && !evaluating_lets_.empty()) {
    reads_parameter_ = true;
    return result_.parameters[index].type;
  }
  if (scope.kind == Scope::Kind::constant) {
    error(expr.span,
          fmt::format("{} is a parameter, different for each instance; a constant must be known "
                      "when the contract is checked",
                      name),
          "use the parameter itself where the constant is used");
    return Type{};
  }
  return result_.parameters[index].type;
}

bool Checker::per_instance_let(const ast::Expr& expr, const std::string& name, const Scope& scope) {
  if (!result_.instance_lets.count(name)) return true;
  if (!evaluating_lets_.empty()) {
    reads_parameter_ = true;
    return true;
  }
  if (scope.kind != Scope::Kind::constant) return true;
  error(expr.span,
        fmt::format("{} is made of parameters, so it differs for each instance; a constant must "
                    "be known when the contract is checked",
                    name));
  return false;
}

std::optional<std::string> Checker::parameter_read(const ast::Expr& expr) const {
  if (const auto* ref = std::get_if<ast::NameRef>(&expr.node)) {
    if (result_.parameter_index(ref->name) >= 0 || result_.instance_lets.count(ref->name)) {
      return ref->name;
    }
    return std::nullopt;
  }
  std::optional<std::string> found;
  ast::for_each_child(expr, [&](const ast::Expr& child) {
    if (!found) found = parameter_read(child);
  });
  return found;
}

void Checker::check_tested_at(const ast::TestedAt& tested) {
  const auto event = result_.events.find(tested.event.text);
  if (event == result_.events.end()) {
    std::vector<std::string> names;
    for (const auto& [name, info] : result_.events) names.push_back(name);
    const auto guess = closest_match(tested.event.text, names);
    error(tested.event.span, fmt::format("{} is not a declared event", tested.event.text),
          guess ? fmt::format("did you mean {}?", *guess) : std::string());
    return;
  }
  if (tested.filter) {
    expect_condition(*tested.filter, Scope{Scope::Kind::filter, &event->second, nullptr},
                     "the filter of 'tested at each'");
  }
}

}  // namespace proviso
