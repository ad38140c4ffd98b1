// The checker's steps for clauses, families of clauses and their prerequisites.
#include <algorithm>
#include <functional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/suggest.hpp"
#include "check/checker.hpp"
#include "grammar/ast_walk.hpp"

namespace proviso {

namespace {

// A family may not grow without bound: the contract is checked and run as a whole.
constexpr std::int64_t kMaxFamilySize = 10'000;

// The family variables an expression uses, with their values: " (when k = 1)", or "".
std::string depends_on(const ast::Expr& expr, const Bindings& bindings) {
  std::set<std::string> used;
  std::function<void(const ast::Expr&)> collect = [&](const ast::Expr& e) {
    if (const auto* ref = std::get_if<ast::NameRef>(&e.node); ref && bindings.count(ref->name)) {
      used.insert(ref->name);
    }
    ast::for_each_child(e, collect);
  };
  collect(expr);
  std::string when;
  for (const std::string& variable : used) {
    when += fmt::format("{}{} = {}", when.empty() ? " (when " : ", ", variable,
                        format_value(bindings.at(variable)));
  }
  return when.empty() ? when : when + ")";
}

// Why the family member `name` (number `index`) does not exist; nullopt when it does.
std::optional<std::string> missing_member(const std::string& name, std::int64_t index,
                                          const std::pair<std::int64_t, std::int64_t>& range,
                                          const std::vector<ClauseInstance>& clauses,
                                          const std::string& when) {
  const bool exists = (index >= range.first && index <= range.second) ||
                      std::any_of(clauses.begin(), clauses.end(),
                                  [&](const ClauseInstance& c) { return c.name == name; });
  if (exists) return std::nullopt;
  const std::string family = name.substr(0, name.find('['));
  return fmt::format("{} does not exist: the family runs from {}[{}] to {}[{}]{}", name, family,
                     range.first, family, range.second, when);
}

// An instant as the contract's author reads it: "2030-10-06" when it starts a day in the
// contract's time zone, else "2030-10-05 17:00:00 -04:00".
std::string local_text(Timestamp instant, const TimeZone& zone) {
  const Date day = zone.local_date(instant);
  return zone.start_of_day(day) == instant ? format_date(day) : format_local(instant, zone);
}

// Every member of a family shares its clause's text: a mistake that does not depend on the
// member is reported once, not once per member.
void report_once(Diagnostics& diagnostics, const Span& where, std::string message) {
  const bool said = std::any_of(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) {
    return d.span.file == where.file && d.span.begin == where.begin && d.message == message;
  });
  if (!said) diagnostics.push_back({Severity::error, where, std::move(message), {}});
}

}  // namespace

void Checker::check_clause(const ast::ClauseDecl& decl,
                           const std::map<std::string, Type>* variables) {
  const Scope scope{Scope::Kind::condition, nullptr, variables};
  const std::string& name = decl.name.text;
  if (decl.period_test) {
    const ast::PeriodTest& test = *decl.period_test;
    if (!decl.stages.empty() || decl.holds_while || decl.lapse) {
      error(test.span,
            fmt::format("{} {} is tested once per period, so it has no stages, 'holds while' or "
                        "deadline",
                        decl.kind.text, name),
            "split it into two clauses");
    }
    if (test.last < 1) error(test.span, "the number of periods must be at least 1");
    expect_condition(*test.condition, scope, "the 'requires' condition");
    check_calendar_period(test.period);
  } else if (decl.stages.empty() && !decl.holds_while) {
    error(decl.name.span,
          fmt::format("{} {} has no condition, so it never changes state", decl.kind.text, name),
          "give it a condition, e.g. 'vests when …' or 'holds while …'");
  }
  if (!decl.stages.empty() && decl.holds_while) {
    error(decl.name.span,
          fmt::format("{} {} both reaches a state ('{} when') and holds while a condition does; "
                      "choose one",
                      decl.kind.text, name, decl.stages.front().verb.text),
          "split it into two clauses");
  }
  std::vector<std::string> seen{"pending", "lapsed", "holding", "breached"};
  for (const ast::Stage& stage : decl.stages) {
    if (std::find(seen.begin(), seen.end(), stage.state.text) != seen.end()) {
      error(stage.state.span,
            fmt::format("{} {} already has a state '{}'", decl.kind.text, name, stage.state.text));
    }
    seen.push_back(stage.state.text);
    expect_condition(*stage.condition, scope,
                     fmt::format("the condition for '{}'", stage.state.text));
  }
  if (decl.holds_while) expect_condition(*decl.holds_while, scope, "the 'holds while' condition");
  if (decl.tested_at) check_tested_at(*decl.tested_at);
  const Type grant = decl.grant ? check_grant(decl, scope) : Type{};
  check_period_amounts(decl, scope, grant);
  if (decl.lapse) {
    const ast::Lapse& lapse = *decl.lapse;
    const bool known = std::any_of(decl.stages.begin(), decl.stages.end(),
                                   [&](const auto& s) { return s.state.text == lapse.state.text; });
    if (!known) {
      std::vector<std::string> states;
      for (const auto& stage : decl.stages) states.push_back(stage.state.text);
      const auto guess = closest_match(lapse.state.text, states);
      error(lapse.state.span,
            states.empty() ? fmt::format("{} has no state to reach before a deadline", name)
                           : fmt::format("{} never becomes '{}'; it can become {}", name,
                                         lapse.state.text, fmt::join(states, ", ")),
            guess ? fmt::format("did you mean {}?", *guess) : std::string());
    }
    const Type deadline = check_expr(*lapse.deadline, scope);
    if (!deadline.is_error() && !deadline.is(Kind::date) && !deadline.is(Kind::timestamp)) {
      error(lapse.deadline->span,
            fmt::format("a deadline must be a date or a timestamp, not {}", describe(deadline)));
    }
  }
  for (const ast::ClauseRef& ref : decl.prerequisites) {
    if (!clause_decls_.count(ref.name.text)) {
      std::vector<std::string> names;
      for (const auto& [clause, _] : clause_decls_) names.push_back(clause);
      const auto guess = closest_match(ref.name.text, names);
      error(ref.name.span,
            fmt::format("{} {} comes after {}, which is not declared", decl.kind.text, name,
                        ref.name.text),
            guess ? fmt::format("did you mean {}?", *guess) : std::string());
    } else if (ref.index) {
      const Type index = check_expr(*ref.index, scope);
      if (!families_.count(ref.name.text)) {
        error(ref.span,
              fmt::format("{} is not a family of clauses, so it takes no [ ]", ref.name.text));
      } else if (!index.is_error() && !index.is(Kind::number)) {
        error(ref.index->span,
              fmt::format("a family member is chosen by a number, not {}", describe(index)));
      }
    } else if (families_.count(ref.name.text)) {
      error(ref.span, fmt::format("{} is a family of clauses: say which one, e.g. {}[1]",
                                  ref.name.text, ref.name.text));
    }
  }
  if (!variables) instantiate(decl, "", {});
}

std::vector<Bindings> Checker::expand_family(const std::vector<ast::Binding>& bindings,
                                             std::map<std::string, Type>& variables) {
  std::vector<std::vector<Value>> columns;
  const ast::Binding* longest = nullptr;
  for (const ast::Binding& binding : bindings) {
    std::vector<Value> values;
    // Known from here on, so that a mistake in its values is not also reported as a use of
    // an unknown variable.
    variables[binding.variable.text] = Type{};
    if (binding.low) {
      for (const ast::Expr* end : {binding.low.get(), binding.high.get()}) {
        const Type type = check_expr(*end, Scope{});
        if (type.is_error()) return {};
        if (!type.is(Kind::number)) {
          error(end->span,
                fmt::format("a range counts in plain numbers, but this is {}",
                            type.is(Kind::quantity) ? "an amount in " + type.unit : describe(type)),
                "e.g. for each k in 1..10; for other values, give a list: [250 USD, 300 USD]");
          return {};
        }
      }
      const auto low = evaluate_integer(*binding.low, {}, "the start of a range");
      const auto high = evaluate_integer(*binding.high, {}, "the end of a range");
      if (!low || !high) return {};
      if (*high < *low) {
        error(binding.span, fmt::format("the range {}..{} is empty", *low, *high),
              "write the smaller number first");
        return {};
      }
      if (*high - *low >= kMaxFamilySize) {
        error(binding.span, fmt::format("a family may have at most {} members", kMaxFamilySize));
        return {};
      }
      for (std::int64_t k = *low; k <= *high; ++k) values.push_back(Decimal::from_int(k));
      variables[binding.variable.text] = Type::of(Kind::number);
    } else {
      std::optional<Type> common;
      for (const auto& item : binding.values) {
        const Type type = check_expr(*item, Scope{});
        if (type.is_error()) return {};
        if (common && !common->compatible(type)) {
          error(item->span, fmt::format("the values of {} must be alike: {} after {}",
                                        binding.variable.text, describe(type), describe(*common)));
          return {};
        }
        common = type;
        auto value = evaluate(*item, {});
        if (!value) return {};
        values.push_back(*value);
      }
      variables[binding.variable.text] = common.value_or(Type{});
    }
    if (declared_.count(binding.variable.text)) {
      error(binding.variable.span,
            fmt::format("the variable {} hides the {} of the same name", binding.variable.text,
                        let_decls_.count(binding.variable.text) ? "constant" : "declaration"));
    }
    if (!columns.empty() && values.size() != columns.front().size()) {
      error(binding.span,
            fmt::format("{} has {} values but {} has {}: 'for each' pairs them one to one",
                        binding.variable.text, values.size(), longest->variable.text,
                        columns.front().size()));
      return {};
    }
    longest = &binding;
    columns.push_back(std::move(values));
  }
  std::vector<Bindings> rows(columns.empty() ? 0 : columns.front().size());
  for (std::size_t c = 0; c < columns.size(); ++c) {
    for (std::size_t r = 0; r < rows.size(); ++r) {
      rows[r][bindings[c].variable.text] = columns[c][r];
    }
  }
  return rows;
}

void Checker::check_family(const ast::FamilyDecl& decl) {
  const ast::ClauseDecl& clause = decl.clause;
  std::map<std::string, Type> variables;
  const std::vector<Bindings> rows = expand_family(decl.bindings, variables);
  if (!clause.family_variable) {
    error(clause.name.span, fmt::format("each member of a family needs its own name: write {}[{}]",
                                        clause.name.text, decl.bindings.front().variable.text));
    return;
  }
  const std::string& index = clause.family_variable->text;
  if (!variables.count(index)) {
    error(clause.family_variable->span,
          fmt::format("{} is not a variable of this 'for each'", index));
    return;
  }
  if (rows.empty()) return;
  std::vector<std::int64_t> indices;
  for (const Bindings& row : rows) {
    const auto* number = std::get_if<Decimal>(&row.at(index));
    const auto integer = number ? number->to_int64() : std::nullopt;
    if (!integer) {
      error(clause.family_variable->span,
            fmt::format("family members are numbered by whole numbers, but {} takes {}", index,
                        format_value(row.at(index))));
      return;
    }
    indices.push_back(*integer);
  }
  family_ranges_[clause.name.text] = {*std::min_element(indices.begin(), indices.end()),
                                      *std::max_element(indices.begin(), indices.end())};
  check_clause(clause, &variables);
  for (const Bindings& row : rows) instantiate(clause, clause.name.text, row);
}

std::optional<std::string> Checker::resolve_clause_ref(const ast::ClauseRef& ref,
                                                       const Bindings& bindings) {
  if (!ref.index) return ref.name.text;
  const auto family = family_ranges_.find(ref.name.text);
  if (family == family_ranges_.end()) return std::nullopt;
  const auto index = evaluate_integer(*ref.index, bindings, "a family member's number");
  if (!index) return std::nullopt;
  const std::string name = fmt::format("{}[{}]", ref.name.text, *index);
  if (auto why = missing_member(name, *index, family->second, result_.clauses,
                                depends_on(*ref.index, bindings))) {
    report_once(diagnostics_, ref.span, std::move(*why));
    return std::nullopt;
  }
  return name;
}

void Checker::instantiate(const ast::ClauseDecl& decl, const std::string& family,
                          const Bindings& bindings) {
  ClauseInstance instance;
  instance.decl = &decl;
  instance.family = family;
  instance.bindings = bindings;
  instance.states = states_of(decl);
  instance.name = family.empty()
                      ? decl.name.text
                      : fmt::format("{}[{}]", decl.name.text,
                                    format_value(bindings.at(decl.family_variable->text)));
  if (decl.lapse) check_deadline(*decl.lapse->deadline, bindings);
  result_.clauses.push_back(std::move(instance));
}

void Checker::check_deadline(const ast::Expr& deadline, const Bindings& bindings) {
  if (result_.types.at(deadline.id).is_error()) return;
  // A date deadline is the end of that day: "vested by 2030-10-06" includes 6 October.
  const auto value = evaluate(deadline, bindings);
  const TimeZone contract_zone = zone_ ? *zone_ : *TimeZone::find("UTC");
  std::optional<Timestamp> instant;
  if (const auto* date = value ? std::get_if<Date>(&*value) : nullptr) {
    instant = contract_zone.start_of_day(Date{date->days + 1});
  } else if (const auto* ts = value ? std::get_if<Timestamp>(&*value) : nullptr) {
    instant = *ts;
  }
  if (!instant) return;  // not a constant (T1.vested_at + 2 years): checked when it runs
  if (result_.effective && *instant <= *result_.effective) {
    const auto* date = std::get_if<Date>(&*value);
    error(deadline.span,
          fmt::format("the deadline {} is not after the contract's effective date {}",
                      date ? format_date(*date) : local_text(*instant, contract_zone),
                      local_text(*result_.effective, contract_zone)),
          "a clause cannot lapse before the contract takes effect");
  }
}

// Runs once every clause is known, since a clause may name a family declared after it: first
// resolves each instance's references to family members, then looks for circles.
void Checker::check_prerequisite_cycles() {
  for (const ClauseInstance& instance : result_.clauses) {
    const ast::ClauseDecl& decl = *instance.decl;
    const Bindings& bindings = instance.bindings;
    for (const ast::ClauseRef& ref : decl.prerequisites) {
      if (!clause_decls_.count(ref.name.text)) continue;  // reported by check_clause
      if (auto target = resolve_clause_ref(ref, bindings)) {
        prerequisite_edges_[instance.name].emplace_back(*target, ref.span);
      }
    }
    // Family members named inside conditions must exist too: F[k - 1] with k = 1 does not.
    std::function<void(const ast::Expr&)> check_members = [&](const ast::Expr& expr) {
      if (const auto* index = std::get_if<ast::Index>(&expr.node)) {
        const auto* ref = std::get_if<ast::NameRef>(&index->object->node);
        const auto family = ref ? family_ranges_.find(ref->name) : family_ranges_.end();
        const auto number =
            family == family_ranges_.end()
                ? std::nullopt
                : evaluate_integer(*index->index, bindings, "a family member's number");
        if (number) {
          const std::string name = fmt::format("{}[{}]", ref->name, *number);
          if (auto why = missing_member(name, *number, family->second, result_.clauses,
                                        depends_on(*index->index, bindings))) {
            report_once(diagnostics_, expr.span, std::move(*why));
          }
        }
      }
      ast::for_each_child(expr, check_members);
    };
    for (const ast::Stage& stage : decl.stages) check_members(*stage.condition);
    if (decl.holds_while) check_members(*decl.holds_while);
    if (decl.period_test) check_members(*decl.period_test->condition);
  }
  enum class Mark { unvisited, active, done };
  std::map<std::string, Mark> marks;
  std::vector<std::string> path;
  std::function<void(const std::string&)> visit = [&](const std::string& clause) {
    marks[clause] = Mark::active;
    path.push_back(clause);
    for (const auto& [target, span] : prerequisite_edges_[clause]) {
      if (marks[target] == Mark::active) {
        const auto start = std::find(path.begin(), path.end(), target);
        std::string cycle;
        for (auto it = start; it != path.end(); ++it) cycle += *it + " after ";
        error(span, fmt::format("these prerequisites go round in a circle: {}{}", cycle, target),
              "no clause of the circle could ever be met; remove one 'after'");
      } else if (marks[target] == Mark::unvisited) {
        visit(target);
      }
    }
    path.pop_back();
    marks[clause] = Mark::done;
  };
  for (const ClauseInstance& clause : result_.clauses) {
    if (marks[clause.name] == Mark::unvisited) visit(clause.name);
  }
}

}  // namespace proviso
