#include "run/subjects.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "check/check.hpp"

namespace proviso {

namespace {

using Values = std::optional<std::set<std::string>>;  // nullopt: any value

// Where a filter is read: contract `index`, about events of `type`, inside a family whose
// variables (`for each k …`) are `variables`.
struct FilterScope {
  const Engine& engine;
  std::size_t index;
  const ast::File& file;
  const CheckedContract& checked;
  const EventInfo& type;
  const std::vector<ast::Binding>* variables = nullptr;

  bool is_variable(const std::string& name) const {
    if (checked.parameter_index(name) >= 0 || checked.constants.count(name) ||
        checked.instance_lets.count(name)) {
      return true;
    }
    for (const ast::Declaration& declaration : file.declarations) {
      const auto* let = std::get_if<ast::LetDecl>(&declaration);
      if (let && let->name.text == name) return true;
    }
    if (variables) {
      for (const ast::Binding& binding : *variables) {
        if (binding.variable.text == name) return true;
      }
    }
    return false;
  }

  // Whether `expr` reads field `field` of the event: `symbol` or `close.symbol`.
  bool reads_field(const ast::Expr& expr, const std::string& field) const {
    if (const auto* ref = std::get_if<ast::NameRef>(&expr.node)) {
      return ref->name == field && !is_variable(ref->name) && type.field_index(field) >= 0;
    }
    if (const auto* member = std::get_if<ast::Member>(&expr.node)) {
      const auto* object = std::get_if<ast::NameRef>(&member->object->node);
      return object && object->name == type.name && member->member.text == field &&
             type.field_index(field) >= 0;
    }
    return false;
  }

  // The text `expr` always has in this contract (or instance): a text literal, a text
  // parameter, or a `let` of a text literal.
  std::optional<std::string> constant_text(const ast::Expr& expr) const {
    if (const auto* text = std::get_if<ast::TextLiteral>(&expr.node)) return text->value;
    const auto* ref = std::get_if<ast::NameRef>(&expr.node);
    if (!ref) return std::nullopt;
    if (checked.parameter_index(ref->name) >= 0) return engine.parameter_text(index, ref->name);
    for (const ast::Declaration& declaration : file.declarations) {
      const auto* let = std::get_if<ast::LetDecl>(&declaration);
      if (let && let->name.text == ref->name && let->value) {
        if (const auto* text = std::get_if<ast::TextLiteral>(&let->value->node)) {
          return text->value;
        }
      }
    }
    return std::nullopt;
  }

  // The values of `field` an event must have to pass `filter`; nullopt when it can have any.
  Values values(const ast::Expr& filter, const std::string& field) const {
    const auto* binary = std::get_if<ast::Binary>(&filter.node);
    if (!binary) return std::nullopt;
    if (binary->op == ast::BinaryOp::equal) {
      for (const auto& [side, other] :
           {std::pair{&*binary->lhs, &*binary->rhs}, std::pair{&*binary->rhs, &*binary->lhs}}) {
        if (!reads_field(*side, field)) continue;
        if (auto value = constant_text(*other)) return std::set<std::string>{std::move(*value)};
      }
      return std::nullopt;
    }
    if (binary->op != ast::BinaryOp::logical_and && binary->op != ast::BinaryOp::logical_or) {
      return std::nullopt;
    }
    Values left = values(*binary->lhs, field);
    Values right = values(*binary->rhs, field);
    if (binary->op == ast::BinaryOp::logical_and) {
      if (!left || !right) return left ? left : right;  // either side's requirement holds
      std::set<std::string> both;
      std::set_intersection(left->begin(), left->end(), right->begin(), right->end(),
                            std::inserter(both, both.end()));
      return both;
    }
    if (!left || !right) return std::nullopt;
    left->insert(right->begin(), right->end());
    return left;
  }
};

// Every place contract `file` reads events of `type`, with its filter (null: every event) and
// the family variables in scope there.
struct Use {
  const ast::Expr* filter = nullptr;
  const std::vector<ast::Binding>* variables = nullptr;
};
std::vector<Use> uses_of(const ast::File& file, const std::string& type) {
  std::vector<Use> uses;
  const auto tested = [&](const ast::ClauseDecl& clause, const std::vector<ast::Binding>* vars) {
    if (clause.tested_at && clause.tested_at->event.text == type) {
      uses.push_back({clause.tested_at->filter.get(), vars});
    }
  };
  for (const ast::Declaration& declaration : file.declarations) {
    if (const auto* metric = std::get_if<ast::MetricDecl>(&declaration)) {
      const auto* aggregate = std::get_if<ast::Aggregate>(&metric->body);
      if (aggregate && aggregate->event.text == type) uses.push_back({aggregate->filter.get()});
    } else if (const auto* splits = std::get_if<ast::SplitsDecl>(&declaration)) {
      if (splits->event.text == type) uses.push_back({splits->filter.get()});
    } else if (const auto* clause = std::get_if<ast::ClauseDecl>(&declaration)) {
      tested(*clause, nullptr);
    } else if (const auto* family = std::get_if<ast::FamilyDecl>(&declaration)) {
      tested(family->clause, &family->bindings);
    }
  }
  return uses;
}

// Whether every event on `subject` is also on `wider` (its tokens or `*`).
bool covers(const std::vector<std::string>& wider, const std::vector<std::string>& subject) {
  if (wider.size() != subject.size()) return false;
  for (std::size_t t = 0; t < wider.size(); ++t) {
    if (wider[t] != "*" && wider[t] != subject[t]) return false;
  }
  return true;
}

}  // namespace

bool subject_token(std::string_view value) {
  return !value.empty() && value.find_first_of(".*> \t\r\n") == std::string_view::npos;
}

std::optional<SubjectTemplate> parse_subject_template(std::string_view text, std::string& error) {
  SubjectTemplate subjects;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    const std::string_view token =
        text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (token.size() > 2 && token.front() == '{' && token.back() == '}' &&
        token.find_first_of("{}", 1) == token.size() - 1) {
      subjects.tokens.push_back({std::string(token.substr(1, token.size() - 2)), true});
    } else if (subject_token(token) && token.find_first_of("{}") == std::string_view::npos) {
      subjects.tokens.push_back({std::string(token), false});
    } else {
      error = fmt::format(
          "--subject-template '{}': each '.'-separated token must be a word (no '*', '>', "
          "braces or spaces) or a placeholder, {{type}} or {{FIELD}}; '{}' is neither",
          text, token);
      return std::nullopt;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return subjects;
}

std::string SubjectTemplate::subject(
    std::string_view type,
    const std::function<std::optional<std::string>(std::string_view)>& field) const {
  std::string subject;
  for (const Token& token : tokens) {
    if (!subject.empty()) subject += '.';
    if (!token.placeholder) {
      subject += token.text;
    } else if (token.text == "type") {
      subject += type;
    } else {
      const std::optional<std::string> value = field(token.text);
      subject += value && subject_token(*value) ? *value : "_";
    }
  }
  return subject;
}

std::vector<std::string> needed_subjects(const Engine& engine, const SubjectTemplate& subjects) {
  std::set<std::vector<std::string>> needed;
  for (std::size_t index = 0; index < engine.contract_count(); ++index) {
    const LoadedContract& loaded = engine.contract(index);
    for (const auto& [name, type] : loaded.checked.events) {
      // For each token, the values it takes; a field's stays nullopt (any) unless every use of
      // the type requires some values of it.
      std::vector<std::set<std::string>> choices;
      const std::vector<Use> uses = uses_of(*loaded.file, name);
      for (const SubjectTemplate::Token& token : subjects.tokens) {
        if (!token.placeholder) {
          choices.push_back({token.text});
          continue;
        }
        if (token.text == "type") {
          choices.push_back({name});
          continue;
        }
        if (type.field_index(token.text) < 0) {
          choices.push_back({"_"});  // as SubjectTemplate::subject writes a missing field
          continue;
        }
        Values values = uses.empty() ? Values() : std::set<std::string>();
        for (const Use& use : uses) {
          const FilterScope scope{engine, index, *loaded.file, loaded.checked, type, use.variables};
          const Values required = use.filter ? scope.values(*use.filter, token.text) : Values();
          if (!required) {
            values.reset();
            break;
          }
          values->insert(required->begin(), required->end());
        }
        if (values && std::all_of(values->begin(), values->end(),
                                  [](const std::string& v) { return subject_token(v); })) {
          choices.push_back(std::move(*values));
        } else {
          choices.push_back({"*"});
        }
      }
      // Every combination of the tokens' values.
      std::vector<std::vector<std::string>> combined{{}};
      for (const std::set<std::string>& choice : choices) {
        std::vector<std::vector<std::string>> longer;
        for (const auto& prefix : combined) {
          for (const std::string& value : choice) {
            longer.push_back(prefix);
            longer.back().push_back(value);
          }
        }
        combined = std::move(longer);
      }
      needed.insert(combined.begin(), combined.end());
    }
  }
  std::vector<std::string> result;
  for (const auto& subject : needed) {
    const bool covered = std::any_of(needed.begin(), needed.end(), [&](const auto& wider) {
      return wider != subject && covers(wider, subject);
    });
    if (!covered) result.push_back(fmt::format("{}", fmt::join(subject, ".")));
  }
  return result;
}

}  // namespace proviso
