#include "plan/print_plan.hpp"

#include <fmt/format.h>

#include "events/event.hpp"

#include "grammar/print_ast.hpp"

namespace proviso {

namespace {

std::string_view kind_text(std::uint32_t kind) {
  switch (static_cast<ValueKind>(kind)) {
    case ValueKind::number:
      return "number";
    case ValueKind::instant:
      return "instant";
    case ValueKind::date:
      return "date";
    case ValueKind::duration:
      return "duration";
    case ValueKind::text:
      return "text";
    case ValueKind::boolean:
      return "boolean";
  }
  return "?";
}

// A constant as the step that loads it reads it: the checker's type of that step's node.
std::string constant_text(const ContractPlan& plan, const Step& step) {
  const RuntimeValue& value = plan.constants.at(step.a);
  const Kind kind = step.node < plan.types.size() ? plan.types[step.node].kind : Kind::error;
  switch (kind) {
    case Kind::number:
    case Kind::quantity:
      return value.number.to_string();
    case Kind::timestamp:
      return format_utc(Timestamp{value.time});
    case Kind::date:
      return format_date(Date{static_cast<std::int32_t>(value.time)});
    case Kind::duration:
      return fmt::format("{}us {}mo {}td", value.time, value.months, value.trading_days);
    case Kind::text:
      return fmt::format("\"{}\"", value.text);
    case Kind::boolean:
      return value.flag ? "true" : "false";
    case Kind::error:
    case Kind::clause:
      break;
  }
  return "?";
}

std::string clause_state_text(const ContractPlan& plan, const Step& step) {
  const ClausePlan& clause = plan.clauses.at(step.a);
  const auto& states = clause.instance->states;
  return fmt::format("{} {}", clause.name,
                     step.b < states.size() ? states[step.b] : fmt::format("#{}", step.b));
}

std::string step_text(const ContractPlan& plan, const Step& step) {
  switch (step.op) {
    case Op::constant:
      return fmt::format("constant {}", constant_text(plan, step));
    case Op::parameter:
      return fmt::format("parameter {}", plan.checked->parameters.at(step.a).name);
    case Op::load_metric:
      return fmt::format("load_metric {}", plan.metrics.at(step.a).name);
    case Op::load_field:
      return fmt::format("load_field {}", step.a);
    case Op::clause_state:
      return fmt::format("clause_state {}", clause_state_text(plan, step));
    case Op::clause_time:
      return fmt::format("clause_time {}", clause_state_text(plan, step));
    case Op::now:
      return "now";
    case Op::add:
      return fmt::format("add {} {}", kind_text(step.b), kind_text(step.c));
    case Op::subtract:
      return fmt::format("subtract {} {}", kind_text(step.b), kind_text(step.c));
    case Op::multiply:
      return fmt::format("multiply {} {}", kind_text(step.b), kind_text(step.c));
    case Op::divide:
      return fmt::format("divide {} {}", kind_text(step.b), kind_text(step.c));
    case Op::negate:
      return fmt::format("negate {}", kind_text(step.b));
    case Op::compare:
      return fmt::format("compare {} {}", operator_text(static_cast<ast::BinaryOp>(step.a)),
                         kind_text(step.b));
    case Op::band:
      return fmt::format("band {} {}", step.a == 1 ? "..<" : "..", kind_text(step.b));
    case Op::logical_and:
      return "and";
    case Op::logical_or:
      return "or";
    case Op::logical_not:
      return "not";
    case Op::latch:
      return fmt::format("latch {}", step.a);
    case Op::adjust_price:
      return "adjust_price";
    case Op::adjust_shares:
      return "adjust_shares";
    case Op::window:
      return fmt::format("window {}", step.a);
    case Op::quorum:
      return fmt::format("quorum {} of {}", step.b, step.a);
    case Op::time_before:
      return fmt::format("before {}", kind_text(step.b));
    case Op::time_by:
      return fmt::format("by {}", kind_text(step.b));
    case Op::time_after:
      return fmt::format("after {}", kind_text(step.b));
    case Op::within:
      return fmt::format("within {}", kind_text(step.b));
    case Op::folded:
      return fmt::format("folded {}", step.a);
  }
  return "?";
}

void write_program(std::string& out, const ContractPlan& plan, const std::string& heading,
                   const Program& program) {
  out += heading;
  if (program.uses_clock) out += " [clock]";
  if (program.has_latch) out += " [latch]";
  out += ":\n" + print_program(plan, program, "    ");
}

std::string_view amount_op_text(AmountOp op) {
  switch (op) {
    case AmountOp::value:
      return "value";
    case AmountOp::arithmetic:
      return "arithmetic";
    case AmountOp::min:
      return "min";
    case AmountOp::max:
      return "max";
    case AmountOp::choose:
      return "if";
    case AmountOp::tiers_marginal:
      return "tiers (marginal)";
    case AmountOp::tiers_flat:
      return "tiers (flat)";
    case AmountOp::cap:
      return "capped at";
    case AmountOp::floor:
      return "at least";
    case AmountOp::round:
      return "rounded";
  }
  return "?";
}

// An amount's tree, one node a line, each with its programs below it.
void write_amount(std::string& out, const ContractPlan& plan, const std::string& heading,
                  const AmountPlan& amount) {
  if (amount.op == AmountOp::value) return write_program(out, plan, heading, *amount.program);
  out += fmt::format("{}: {}", heading, amount_op_text(amount.op));
  if (amount.op == AmountOp::round && !amount.program) out += " step " + amount.step.to_string();
  out += "\n";
  if (amount.program) write_program(out, plan, heading + "  ", *amount.program);
  for (const Program& limit : amount.limits) write_program(out, plan, heading + "  up to", limit);
  for (const Program& rate : amount.rates) write_program(out, plan, heading + "  rate", rate);
  for (const AmountPlan& item : amount.items) write_amount(out, plan, heading + "  ", item);
}

}  // namespace

std::string print_program(const ContractPlan& plan, const Program& program,
                          const std::string& indent) {
  std::string out;
  for (std::size_t i = 0; i < program.steps.size(); ++i) {
    out += fmt::format("{}{}: {}\n", indent, i, step_text(plan, program.steps[i]));
  }
  return out;
}

std::string print_plan(const ContractPlan& plan, const EventSchemas& schemas) {
  auto field_name = [&](std::uint32_t event, int field) -> std::string {
    const EventSchema& schema = schemas.events.at(event);
    if (field < 0) return schema.name;
    return fmt::format("{}.{}", schema.name, schema.fields.at(field).name);
  };
  std::string out;
  for (const MetricPlan& metric : plan.metrics) {
    if (metric.derived) {
      write_program(out, plan, fmt::format("metric {} = derived", metric.name), *metric.derived);
      continue;
    }
    out += fmt::format("metric {} = {} {}", metric.name, aggregate_text(metric.fn),
                       field_name(metric.event_type, metric.field));
    if (metric.weight >= 0) {
      out += fmt::format(" weighted by {}", field_name(metric.event_type, metric.weight));
    }
    if (metric.window_events > 0) out += fmt::format(" over {} events", metric.window_events);
    if (metric.window_micros > 0) out += fmt::format(" over {}us", metric.window_micros);
    if (metric.window_trading_days > 0) {
      out += fmt::format(" over {} trading days", metric.window_trading_days);
    }
    if (metric.period) {
      out += fmt::format(" in the {} {}", metric.previous_period ? "previous" : "current",
                         plan.period_rules.at(*metric.period).describe());
    }
    out += "\n";
    if (metric.filter) write_program(out, plan, "  where", *metric.filter);
  }
  for (const ClausePlan& clause : plan.clauses) {
    out += fmt::format("clause {}", clause.name);
    for (const std::uint32_t prerequisite : clause.prerequisites) {
      out += fmt::format(" after {}", plan.clauses.at(prerequisite).name);
    }
    out += "\n";
    const auto& states = clause.instance->states;
    for (std::size_t i = 0; i < clause.stages.size(); ++i) {
      const std::string to = i + 1 < states.size() ? states[i + 1] : "?";
      write_program(out, plan, fmt::format("  to {}", to), clause.stages[i]);
    }
    if (clause.holds_while) write_program(out, plan, "  holds while", *clause.holds_while);
    if (clause.period_test) {
      write_program(out, plan,
                    fmt::format("  requires, in each of the last {} {}", clause.periods_needed,
                                plan.period_rules.at(clause.period_rule).describe(true)),
                    *clause.period_test);
    }
    if (clause.deadline) {
      const std::string state = clause.lapse_stage < states.size()
                                    ? states[clause.lapse_stage]
                                    : fmt::format("stage {}", clause.lapse_stage);
      write_program(out, plan, fmt::format("  lapses unless {} by", state), *clause.deadline);
    }
    if (clause.grant) {
      write_amount(out, plan, "  grants", clause.grant->amount);
      if (clause.grant->cash_price) {
        write_program(out, plan, "  cash in lieu at", *clause.grant->cash_price);
      }
    }
  }
  for (std::size_t i = 0; i < plan.windows.size(); ++i) {
    const DayWindowPlan& window = plan.windows[i];
    write_program(out, plan,
                  fmt::format("window {}, {} of the last {} {}", i, window.needed, window.span,
                              window.trading_days ? "trading days" : "days"),
                  window.condition);
  }
  for (std::size_t i = 0; i < plan.folds.size(); ++i) {
    write_program(out, plan, fmt::format("folded {}, once per instance", i), plan.folds[i]);
  }
  if (plan.splits) {
    out +=
        fmt::format("splits from event {} field {}\n", plan.splits->event_type, plan.splits->field);
    if (plan.splits->filter) write_program(out, plan, "  where", *plan.splits->filter);
  }
  return out;
}

}  // namespace proviso
