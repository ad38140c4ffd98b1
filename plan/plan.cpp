// The plan builder: names to indices, then each metric and clause compiled into programs
// (their steps emitted by emit.cpp).
#include "plan/plan.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "base/overloaded.hpp"
#include "plan/compiler.hpp"

namespace proviso {

namespace detail {

// Names to indices, as run() and every later program use them.
void Compiler::prepare() {
  for (const auto& [name, info] : contract_.metrics) metric_index_[name] = 0;
  std::uint32_t next = 0;
  for (auto& [name, index] : metric_index_) index = next++;
  for (std::uint32_t i = 0; i < contract_.clauses.size(); ++i) {
    clause_index_[contract_.clauses[i].name] = i;
  }
}

/// An expression outside the clauses (a test's expectation), or a part of a clause's
/// condition for one family member (`bindings`), in the same terms.
Program Compiler::expression(const ast::Expr& expr, const Bindings* bindings) {
  prepare();
  bindings_ = bindings;
  Program out = program(expr);
  bindings_ = nullptr;
  return out;
}

void Compiler::run() {
  prepare();
  plan_.metrics.resize(metric_index_.size());
  for (const auto& [name, info] : contract_.metrics) compile_metric(info);
  plan_.metrics_by_event.resize(schemas_.events.size());
  plan_.declared_events.assign(schemas_.events.size(), 0);
  for (const auto& [name, info] : contract_.events) {
    if (const std::uint32_t* type = schemas_.find(name)) plan_.declared_events[*type] = 1;
  }
  for (std::uint32_t m = 0; m < plan_.metrics.size(); ++m) {
    if (!plan_.metrics[m].derived) {
      plan_.metrics_by_event[plan_.metrics[m].event_type].push_back(m);
    }
  }
  if (contract_.splits) {
    SplitPlan splits;
    splits.event_type = *schemas_.find(contract_.splits->event);
    const EventSchema& schema = schemas_.events[splits.event_type];
    splits.field = static_cast<std::uint32_t>(own_field(schema, contract_.splits->field));
    if (contract_.splits->decl->filter) {
      filtered_event_ = &schema;
      splits.filter = program(*contract_.splits->decl->filter);
      filtered_event_ = nullptr;
    }
    plan_.splits = std::move(splits);
  }
  plan_.clauses_by_metric.resize(plan_.metrics.size());
  plan_.clauses_by_clause.resize(contract_.clauses.size());
  for (std::uint32_t c = 0; c < contract_.clauses.size(); ++c) compile_clause(c);
  for (std::uint32_t m = 0; m < plan_.metrics.size(); ++m) {
    if (plan_.metrics[m].expires_with_time()) plan_.timed_metrics.push_back(m);
  }
  for (std::uint32_t c = 0; c < plan_.clauses.size(); ++c) {
    if (plan_.clauses[c].uses_clock) plan_.clock_clauses.push_back(c);
  }
  // The prices per share that adjusted clauses compare with targets: a split restates what
  // they hold in post-split terms, like a split-adjusted price series.
  for (const ClausePlan& clause : plan_.clauses) {
    if (!clause.instance->decl->adjusted) continue;
    for (std::uint32_t m : clause.input_metrics) {
      const Type& type = plan_.metrics[m].type;
      auto& prices = plan_.per_share_prices;
      if (type.is(Kind::quantity) && type.per_share &&
          std::find(prices.begin(), prices.end(), m) == prices.end()) {
        prices.push_back(m);
      }
    }
  }
}

Program Compiler::program(const ast::Expr& expr) {
  Program out;
  out.source = &expr;
  emit(expr, out);
  fold_instance_constants(out, plan_);
  return out;
}

void Compiler::compile_metric(const MetricInfo& info) {
  MetricPlan& metric = plan_.metrics[metric_index_.at(info.name)];
  if (!metric.name.empty()) return;  // compiled already, as another's input
  metric.name = info.name;
  metric.span = info.decl->span;
  metric.type = info.type;
  std::visit(overloaded{
                 // Inputs of derived metrics are compiled first so that inlining finds them.
                 [&](const ast::ExprPtr& derived) { metric.derived = program(*derived); },
                 [&](const ast::Aggregate& aggregate) { compile_aggregate(metric, aggregate); },
             },
             info.decl->body);
}

void Compiler::compile_aggregate(MetricPlan& metric, const ast::Aggregate& aggregate) {
  metric.fn = aggregate.fn;
  metric.event_type = *schemas_.find(aggregate.event.text);
  const EventSchema& schema = schemas_.events[metric.event_type];
  auto field_position = [&](const std::optional<ast::Name>& name) {
    return name ? own_field(schema, name->text) : -1;
  };
  metric.field = field_position(aggregate.field);
  metric.weight = field_position(aggregate.weight);
  if (aggregate.filter) {
    filtered_event_ = &schema;
    metric.filter = program(*aggregate.filter);
    filtered_event_ = nullptr;
  }
  if (aggregate.period) {
    metric.period = period_rule(aggregate.period->period);
    metric.previous_period = aggregate.period->previous;
  }
  if (aggregate.window) {
    const std::uint32_t length = constant_count(*aggregate.window->length);
    const std::string& period = aggregate.window->period.text;
    if (period == "events" || period == "event") {
      metric.window_events = length;
    } else if (period.rfind("trading", 0) == 0) {
      metric.window_trading_days = length;
    } else {
      metric.window_micros = duration_value(Decimal::from_int(length), period).time;
    }
    if (const auto& since = aggregate.window->since) {
      if (!since->date && plan_.effective) {
        metric.first_day = plan_.zone->local_date(*plan_.effective).days;
      } else if (since->date) {
        const auto day = contract_.window_first_days.find(since->date->id);
        if (day != contract_.window_first_days.end()) metric.first_day = day->second;
        const auto parameter = contract_.window_first_day_parameters.find(since->date->id);
        if (parameter != contract_.window_first_day_parameters.end()) {
          metric.first_day_parameter = parameter->second;
        }
      }
    }
  }
}

std::uint32_t Compiler::period_rule(const ast::PeriodSpec& spec) {
  std::optional<Date> effective;
  if (contract_.effective && plan_.zone) effective = plan_.zone->local_date(*contract_.effective);
  const PeriodRule rule = *resolve_period(spec, effective).rule;  // the checker accepted it
  const auto found = std::find(plan_.period_rules.begin(), plan_.period_rules.end(), rule);
  if (found != plan_.period_rules.end()) {
    return static_cast<std::uint32_t>(found - plan_.period_rules.begin());
  }
  plan_.period_rules.push_back(rule);
  return static_cast<std::uint32_t>(plan_.period_rules.size() - 1);
}

void Compiler::compile_clause(std::uint32_t index) {
  const ClauseInstance& instance = contract_.clauses[index];
  const ast::ClauseDecl& decl = *instance.decl;
  ClausePlan clause;
  clause.name = instance.name;
  clause.instance = &instance;
  Reads reads;
  reads_ = &reads;
  bindings_ = &instance.bindings;
  adjust_prices_ = decl.adjusted.has_value();
  for (const ast::Stage& stage : decl.stages) clause.stages.push_back(program(*stage.condition));
  if (decl.holds_while) clause.holds_while = program(*decl.holds_while);
  if (decl.period_test) {
    clause.period_test = program(*decl.period_test->condition);
    clause.period_rule = period_rule(decl.period_test->period);
    clause.periods_needed = decl.period_test->last;
  }
  if (decl.missed_payment) clause.missed_payment = amount(*decl.missed_payment->amount, false);
  for (const ast::Cap& cap : decl.caps) {
    clause.caps.push_back(
        {program(*cap.amount), cap.per ? std::optional(period_rule(*cap.per)) : std::nullopt});
  }
  if (decl.catch_up) {
    clause.catch_up = true;
    if (decl.catch_up->condition) clause.catch_up_when = program(*decl.catch_up->condition);
  }
  adjust_prices_ = false;
  if (decl.grant) clause.grant = grant(decl);
  if (decl.lapse) {
    clause.deadline = program(*decl.lapse->deadline);
    clause.lapse_stage = state_index(index, decl.lapse->state.text);
  }
  if (decl.tested_at) {
    TestedAtPlan tested;
    tested.event_type = *schemas_.find(decl.tested_at->event.text);
    if (decl.tested_at->filter) {
      filtered_event_ = &schemas_.events[tested.event_type];
      tested.filter = program(*decl.tested_at->filter);
      filtered_event_ = nullptr;
    }
    clause.tested_at = std::move(tested);
  }
  for (const ast::ClauseRef& ref : decl.prerequisites) {
    std::string name = ref.name.text;
    if (ref.index) {
      Program position;
      emit(*ref.index, position);
      name = fmt::format("{}[{}]", name, fold_constant(position).number.to_string());
    }
    const std::uint32_t target = clause_index_.at(name);
    clause.prerequisites.push_back(target);
    note_clause(target);
  }
  bindings_ = nullptr;
  reads_ = nullptr;
  for (const Program* p : {clause.holds_while   ? &*clause.holds_while
                           : clause.period_test ? &*clause.period_test
                                                : nullptr,
                           clause.deadline ? &*clause.deadline : nullptr}) {
    if (p && p->uses_clock) clause.uses_clock = true;
  }
  for (const Program& stage : clause.stages) clause.uses_clock |= stage.uses_clock;
  clause.input_metrics = reads.metrics;
  clause.input_clauses = reads.clauses;
  clause.time_boundaries = reads.boundaries;
  for (std::uint32_t m : reads.metrics) plan_.clauses_by_metric[m].push_back(index);
  for (std::uint32_t c : reads.clauses) plan_.clauses_by_clause[c].push_back(index);
  plan_.clauses.push_back(std::move(clause));
}

}  // namespace detail

std::uint32_t merge_schemas(const CheckedContract& contract, EventSchemas& schemas) {
  const std::uint32_t declarer = schemas.contracts++;
  for (const auto& [name, event] : contract.events) {
    auto [it, inserted] =
        schemas.index.emplace(name, static_cast<std::uint32_t>(schemas.events.size()));
    if (inserted) schemas.events.push_back(EventSchema{name, {}, {}});
    EventSchema& schema = schemas.events[it->second];
    EventDeclarer declared{declarer, contract.title, {}};
    for (const FieldInfo& field : event.fields) {
      Decimal scale = Decimal::from_int(1);
      // A number in a percentage field is the fraction itself (0.97); "97%" is read as written.
      if (field.type.is(Kind::quantity) && !field.type.is_percentage()) {
        scale = contract.units.at(field.type.unit).scale;
      }
      // A declaration read the same way shares the field; any other gets one of its own, so
      // each contract reads the value by its own declaration.
      const auto same =
          std::find_if(schema.fields.begin(), schema.fields.end(), [&](const auto& f) {
            return f.name == field.name && f.type.compatible(field.type) &&
                   f.type.unit == field.type.unit && f.scale == scale;
          });
      if (same == schema.fields.end()) {
        declared.fields.push_back(static_cast<std::uint32_t>(schema.fields.size()));
        schema.fields.push_back(FieldSchema{field.name, field.type, scale});
      } else {
        declared.fields.push_back(static_cast<std::uint32_t>(same - schema.fields.begin()));
      }
    }
    std::sort(declared.fields.begin(), declared.fields.end());
    schema.declared_by.push_back(std::move(declared));
  }
  return declarer;
}

Program compile_expression(ContractPlan& plan, const EventSchemas& schemas, const ast::Expr& expr,
                           const Bindings* bindings) {
  return detail::Compiler(*plan.checked, schemas, plan).expression(expr, bindings);
}

ContractPlan compile(const CheckedContract& contract, const EventSchemas& schemas,
                     std::uint32_t declarer) {
  ContractPlan plan;
  plan.checked = &contract;
  plan.declarer = declarer;
  plan.title = contract.title;
  plan.timezone = contract.timezone;
  plan.zone = TimeZone::find(contract.timezone);
  plan.calendar = contract.calendar;
  plan.effective = contract.effective;
  plan.expires = contract.expires;
  plan.types = contract.types;
  detail::Compiler(contract, schemas, plan).run();
  return plan;
}

}  // namespace proviso
