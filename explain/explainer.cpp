// The explanation walker: one node of a clause's condition at a time, with its value, target
// and what is missing, all read from a trace of the program the clause runs.
#include "explain/explainer.hpp"

#include <fmt/format.h>

namespace proviso {

Truth truth_of(const RuntimeValue* value) {
  if (!value || !value->known) return Truth::unknown;
  return value->flag ? Truth::met : Truth::not_met;
}

const Step* step_of(const Program& program, Op op, ast::NodeId node) {
  for (const Step& step : program.steps) {
    if (step.op == op && step.node == node) return &step;
  }
  return nullptr;
}

ExplainedCondition Explainer::node(const ast::Expr& expr, const Program& program,
                                   const Trace& trace) {
  ExplainedCondition out;
  out.condition = text_.written(expr);
  out.truth = truth_of(trace.value_of(expr, contract_.plan));
  std::visit(
      [&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, ast::Binary>) {
          if (n.op == ast::BinaryOp::logical_and || n.op == ast::BinaryOp::logical_or) {
            group(out, expr, n.op, program, trace);
          } else if (ast::is_comparison(n.op)) {
            comparison(out, n, trace);
          } else {
            value(out, expr, trace);
          }
        } else if constexpr (std::is_same_v<T, ast::Quorum>) {
          quorum(out, n, program, trace);
        } else if constexpr (std::is_same_v<T, ast::Unary>) {
          unary(out, expr, n, program, trace);
        } else if constexpr (std::is_same_v<T, ast::AtLeastOfLast> ||
                             std::is_same_v<T, ast::Consecutive>) {
          window(out, expr, *n.condition, n.period.text, program);
        } else if constexpr (std::is_same_v<T, ast::Band>) {
          band(out, n, trace);
        } else if constexpr (std::is_same_v<T, ast::TimeTest>) {
          time_test(out, n, trace);
        } else if constexpr (std::is_same_v<T, ast::Within>) {
          within(out, n, trace);
        } else if constexpr (std::is_same_v<T, ast::Suffixed>) {
          if (const Step* step = step_of(program, Op::clause_state, expr.id)) {
            clause_state(out, step->a, step->b);
          } else {
            value(out, expr, trace);
          }
        } else if constexpr (ast::one_of<T, ast::NumberLiteral, ast::TextLiteral, ast::BoolLiteral,
                                         ast::DateLiteral, ast::TimestampLiteral, ast::NameRef,
                                         ast::Member, ast::Index>) {
          value(out, expr, trace);
        } else {
          static_assert(ast::unhandled<T>);
        }
      },
      expr.node);
  return out;
}

std::string Explainer::count_met(const std::vector<ExplainedCondition>& parts) {
  std::size_t met = 0;
  for (const auto& part : parts) met += part.truth == Truth::met ? 1 : 0;
  return fmt::format("{} of {} met", met, parts.size());
}

void Explainer::group(ExplainedCondition& out, const ast::Expr& expr, ast::BinaryOp op,
                      const Program& program, const Trace& trace) {
  std::vector<const ast::Expr*> items;
  std::function<void(const ast::Expr&)> flatten = [&](const ast::Expr& e) {
    const auto* binary = std::get_if<ast::Binary>(&e.node);
    if (binary && binary->op == op) {
      flatten(*binary->lhs);
      flatten(*binary->rhs);
    } else {
      items.push_back(&e);
    }
  };
  flatten(expr);
  for (const ast::Expr* item : items) out.parts.push_back(node(*item, program, trace));
  const bool all = op == ast::BinaryOp::logical_and;
  out.kind = all ? "all" : "any";
  out.value = count_met(out.parts);
  out.target = all ? "all" : "at least 1";
  out.summary = fmt::format("{} of these ({})", all ? "all" : "any", out.value);
}

void Explainer::quorum(ExplainedCondition& out, const ast::Quorum& quorum, const Program& program,
                       const Trace& trace) {
  for (const auto& item : quorum.items) out.parts.push_back(node(*item, program, trace));
  out.value = count_met(out.parts);
  switch (quorum.kind) {
    case ast::QuorumKind::all:
      out.kind = "all";
      out.target = "all";
      out.summary = fmt::format("all of these ({})", out.value);
      break;
    case ast::QuorumKind::any:
      out.kind = "any";
      out.target = "at least 1";
      out.summary = fmt::format("any of these ({})", out.value);
      break;
    case ast::QuorumKind::at_least: {
      out.kind = "at_least";
      out.target = fmt::format("at least {}", text_.reader(*quorum.needed, trace));
      out.summary = fmt::format("{} of these ({})", out.target, out.value);
      break;
    }
  }
}

void Explainer::unary(ExplainedCondition& out, const ast::Expr& expr, const ast::Unary& unary,
                      const Program& program, const Trace& trace) {
  if (unary.op == ast::UnaryOp::logical_not) {
    out.kind = "not";
    out.parts.push_back(node(*unary.operand, program, trace));
    out.summary = out.truth == Truth::met ? "not the following, which does not hold"
                                          : "not the following, which must stop holding";
    return;
  }
  if (unary.op == ast::UnaryOp::once || unary.op == ast::UnaryOp::ever) {
    const bool once = unary.op == ast::UnaryOp::once;
    out.kind = once ? "once" : "ever";
    out.parts.push_back(node(*unary.operand, program, trace));
    if (const Step* latch = step_of(program, Op::latch, expr.id)) {
      out.since = contract_.latches[latch->a]
                      ? std::optional<Timestamp>(Timestamp{*contract_.latches[latch->a]})
                      : std::nullopt;
    }
    const std::string word = once ? "once" : "ever";
    if (out.since) {
      out.summary = fmt::format("{}: held since {}", word, local_time(*out.since, zone_));
    } else if (out.truth == Truth::met) {
      out.summary = fmt::format("{}: holds now", word);
    } else {
      out.summary = fmt::format("{}: has not held yet", word);
    }
    return;
  }
  value(out, expr, trace);
}

void Explainer::window(ExplainedCondition& out, const ast::Expr& expr, const ast::Expr& inner,
                       const std::string& period, const Program& program) {
  const bool consecutive = std::holds_alternative<ast::Consecutive>(expr.node);
  out.kind = consecutive ? "consecutive" : "days";
  const Step* step = step_of(program, Op::window, expr.id);
  if (!step) return;
  const DayWindowPlan& window = contract_.plan.windows[step->a];
  const WindowState& state = contract_.windows[step->a];
  const Trace inner_trace(impl_, contract_, window.condition);
  ExplainedCondition latest = node(inner, window.condition, inner_trace);
  const std::string what = text_.reader(inner, inner_trace);
  const std::uint32_t seen = state.size + (state.today ? 1 : 0);
  const std::uint32_t days = std::min(seen, window.span);
  // `… since D`: days before D count as not met, which the reader must be told.
  const auto first_day = Engine::Impl::window_first_day(contract_, window);
  const std::string since =
      first_day ? fmt::format(" since {}", format_date(Date{*first_day})) : "";
  if (consecutive) {
    // The run of met days that ends with the newest sample.
    std::uint32_t run = 0;
    bool broken = false;
    if (state.today) {
      if (*state.today) {
        ++run;
      } else {
        broken = true;
      }
    }
    for (std::uint32_t i = 0; i < state.size && !broken; ++i) {
      const std::uint32_t newest = (state.head + state.size - 1 - i) % window.span;
      if (state.ring[newest]) {
        ++run;
      } else {
        broken = true;
      }
    }
    run = std::min(run, window.span);
    out.value = fmt::format("{} consecutive {}", run, period);
    out.target = fmt::format("{} consecutive {}{}", window.span, period, since);
    out.summary = fmt::format("{} for {} consecutive {} so far, needs {}{}", what, run, period,
                              window.span, since);
    if (out.truth != Truth::met && run < window.span) {
      out.missing = fmt::format("{} more {}", window.span - run, period);
    }
  } else {
    const std::uint32_t count = impl_.window_count(contract_, step->a);
    out.value = fmt::format("{}", count);
    out.target = fmt::format("{} of the last {} {}{}", window.needed, window.span, period, since);
    if (days < window.span) {
      out.summary = fmt::format("{} on {} of the {} {} so far, needs {} of {}{}", what, count, days,
                                period, window.needed, window.span, since);
    } else {
      out.summary = fmt::format("{} on {} of the last {} {}, needs {}{}", what, count, window.span,
                                period, window.needed, since);
    }
    if (out.truth != Truth::met && count < window.needed) {
      out.missing = fmt::format("at least {} more {}", window.needed - count, period);
    }
  }
  out.note = latest.note;  // an adjusted target: said once, where the window shows it
  latest.note = "the latest value";
  out.parts.push_back(std::move(latest));
}

std::string Explainer::unit_for(const ast::Expr& target, const ast::Expr& subject) const {
  const Type& type = type_of(target).is(Kind::quantity) ? type_of(target) : type_of(subject);
  return type.per_share ? type.unit + " per share" : type.unit;
}

std::string Explainer::split_note(const ast::Expr& target) const {
  if (!plan_.instance->decl->adjusted || contract_.split_factor == Decimal::from_int(1)) {
    return {};
  }
  const Type& type = type_of(target);
  if (!type.is(Kind::quantity) || !type.per_share) return {};
  return fmt::format("the contract's {} ÷ {} for splits", text_.written(target),
                     contract_.split_factor.to_grouped_string());
}

std::string Explainer::needs_phrase(ast::BinaryOp op, const std::string& target, bool instant) {
  switch (op) {
    case ast::BinaryOp::equal:
      return instant ? fmt::format("at {}", target) : fmt::format("exactly {}", target);
    case ast::BinaryOp::not_equal:
      return fmt::format("anything but {}", target);
    case ast::BinaryOp::less:
      return instant ? fmt::format("before {}", target) : fmt::format("less than {}", target);
    case ast::BinaryOp::less_equal:
      return instant ? fmt::format("at or before {}", target) : fmt::format("at most {}", target);
    case ast::BinaryOp::greater:
      return instant ? fmt::format("after {}", target) : fmt::format("more than {}", target);
    case ast::BinaryOp::greater_equal:
      return instant ? fmt::format("at or after {}", target) : target;
    case ast::BinaryOp::add:
    case ast::BinaryOp::subtract:
    case ast::BinaryOp::multiply:
    case ast::BinaryOp::divide:
    case ast::BinaryOp::logical_and:
    case ast::BinaryOp::logical_or:
      return target;
  }
  return target;
}

std::string Explainer::shortfall(ast::BinaryOp op, const RuntimeValue& value,
                                 const RuntimeValue& target, const std::string& unit) const {
  const auto& checked = contract_.loaded.checked;
  // The side the value must move to: up for >, >= (and == from below), down for <, <=.
  const ast::OperatorInfo info = ast::operator_info(op);
  const bool exact = info.when_equal && !info.when_less && !info.when_greater;
  const bool up = (info.when_greater && !info.when_less) || (exact && value.number < target.number);
  const bool down =
      (info.when_less && !info.when_greater) || (exact && target.number < value.number);
  if (!up && !down) return {};
  const Decimal gap = up ? target.number - value.number : value.number - target.number;
  const std::string word = up ? "more" : "less";
  const bool strict = !info.when_equal;
  if (gap.is_negative()) return {};
  if (gap.is_zero()) return strict ? fmt::format("any amount {}", word) : std::string();
  return fmt::format("{}{} {}", strict ? "more than " : "", render_amount(gap, unit, checked.units),
                     word);
}

void Explainer::comparison(ExplainedCondition& out, const ast::Binary& binary, const Trace& trace) {
  out.kind = "comparison";
  const auto& checked = contract_.loaded.checked;
  const bool lhs_fixed = is_fixed(*binary.lhs, checked);
  const bool rhs_fixed = is_fixed(*binary.rhs, checked);
  if (lhs_fixed == rhs_fixed) {
    // Two values that both move (or a fixed test): show both sides.
    const std::string unit = unit_for(*binary.rhs, *binary.lhs);
    const RuntimeValue* lhs = trace.value_of(*binary.lhs, contract_.plan);
    const RuntimeValue* rhs = trace.value_of(*binary.rhs, contract_.plan);
    const std::string left = text_.reader(*binary.lhs, trace);
    const std::string right = text_.reader(*binary.rhs, trace);
    out.value = lhs ? render_value(*lhs, type_of(*binary.lhs), contract_, ValueForm::reader, unit)
                    : "no value yet";
    const std::string right_value =
        rhs ? render_value(*rhs, type_of(*binary.rhs), contract_, ValueForm::reader, unit)
            : "no value yet";
    out.target = fmt::format("{} {} ({})", comparison_symbol(binary.op), right, right_value);
    out.summary = fmt::format("{} = {}, {} = {}; needs {} {} {}", left, out.value, right,
                              right_value, left, comparison_symbol(binary.op), right);
    return;
  }
  const ast::Expr& subject = lhs_fixed ? *binary.rhs : *binary.lhs;
  const ast::Expr& target = lhs_fixed ? *binary.lhs : *binary.rhs;
  const ast::BinaryOp op = lhs_fixed ? flipped(binary.op) : binary.op;
  const std::string unit = unit_for(target, subject);
  const RuntimeValue* value = trace.value_of(subject, contract_.plan);
  const RuntimeValue* goal = trace.value_of(target, contract_.plan);
  const std::string name = text_.reader(subject, trace);
  const bool instant = type_of(subject).is(Kind::timestamp) || type_of(subject).is(Kind::date);
  const std::string goal_text =
      goal ? render_value(*goal, type_of(target), contract_, ValueForm::reader, unit)
           : text_.reader(target, trace);
  out.target = fmt::format("{} {}", comparison_symbol(op), goal_text);
  out.note = split_note(target);
  const std::string needs = needs_phrase(op, goal_text, instant);
  if (!value || !value->known) {
    out.value = "no value yet";
    out.summary = fmt::format("{} has no value yet, needs {}", name, needs);
    return;
  }
  out.value = render_value(*value, type_of(subject), contract_, ValueForm::reader, unit);
  if (out.truth != Truth::met && goal && goal->known && type_of(subject).is_numeric()) {
    out.missing = shortfall(op, *value, *goal, unit);
  }
  out.summary = fmt::format("{} = {}, needs {}{}", name, out.value, needs,
                            out.missing.empty() ? "" : fmt::format(" ({})", out.missing));
}

void Explainer::band(ExplainedCondition& out, const ast::Band& band, const Trace& trace) {
  out.kind = "band";
  const std::string unit = unit_for(*band.low, *band.value);
  const RuntimeValue* value = trace.value_of(*band.value, contract_.plan);
  const RuntimeValue* low = trace.value_of(*band.low, contract_.plan);
  const RuntimeValue* high = trace.value_of(*band.high, contract_.plan);
  const std::string name = text_.reader(*band.value, trace);
  auto shown = [&](const RuntimeValue* v, const ast::Expr& e) {
    return v ? render_value(*v, type_of(e), contract_, ValueForm::reader, unit)
             : text_.reader(e, trace);
  };
  const std::string range =
      fmt::format("{} to {}{}", shown(low, *band.low), shown(high, *band.high),
                  band.high_excluded ? " (not including it)" : "");
  out.target = fmt::format("{} {} {}", shown(low, *band.low), band.high_excluded ? "..<" : "..",
                           shown(high, *band.high));
  out.note = split_note(*band.low);
  if (!value || !value->known) {
    out.value = "no value yet";
    out.summary = fmt::format("{} has no value yet, needs {}", name, range);
    return;
  }
  out.value = render_value(*value, type_of(*band.value), contract_, ValueForm::reader, unit);
  if (out.truth != Truth::met && low && high && type_of(*band.value).is_numeric()) {
    if (value->number < low->number) {
      out.missing = shortfall(ast::BinaryOp::greater_equal, *value, *low, unit);
    } else {
      out.missing = shortfall(band.high_excluded ? ast::BinaryOp::less : ast::BinaryOp::less_equal,
                              *value, *high, unit);
    }
  }
  out.summary = fmt::format("{} = {}, needs {}{}", name, out.value, range,
                            out.missing.empty() ? "" : fmt::format(" ({})", out.missing));
}

void Explainer::clause_state(ExplainedCondition& out, std::uint32_t clause, std::uint32_t wanted) {
  out.kind = "state";
  const ClausePlan& other = contract_.plan.clauses[clause];
  const ClauseState& state = contract_.clauses[clause];
  const std::string& want = other.instance->states[wanted];
  const std::string current = clause_state_name(other, state);
  out.value = current;
  out.target = want;
  out.since = state.entered[wanted];
  if (out.truth == Truth::met) {
    out.summary = fmt::format("{} is {}", other.name, want);
    if (out.since) out.summary += fmt::format(" since {}", local_time(*out.since, zone_));
    if (current != want) out.summary += fmt::format(" (now {})", current);
  } else {
    out.summary = fmt::format("{} is {}, needs {}", other.name, current, want);
  }
}

std::int64_t Explainer::boundary(const ast::TimeTest& test, const RuntimeValue& instant) const {
  if (!type_of(*test.instant).is(Kind::date)) return instant.time;
  const Date day{static_cast<std::int32_t>(instant.time)};
  return test.relation == ast::TimeRelation::before ? zone_.start_of_day(day).micros
                                                    : zone_.start_of_day(Date{day.days + 1}).micros;
}

void Explainer::time_test(ExplainedCondition& out, const ast::TimeTest& test, const Trace& trace) {
  out.kind = "time";
  const RuntimeValue* instant = trace.value_of(*test.instant, contract_.plan);
  const std::string word = test.relation == ast::TimeRelation::before ? "before"
                           : test.relation == ast::TimeRelation::by   ? "by"
                                                                      : "after";
  if (now()) out.value = local_time(*now(), zone_);
  if (!instant || !instant->known) {
    out.target = fmt::format("{} {}", word, text_.reader(*test.instant, trace));
    out.summary = fmt::format("{} has no value yet", text_.reader(*test.instant, trace));
    return;
  }
  const Timestamp edge{boundary(test, *instant)};
  const std::string edge_text = local_time(edge, zone_);
  const std::string distance = now() ? fmt::format(", {}", distance_text(*now(), edge)) : "";
  const std::string written = text_.reader(*test.instant, trace);
  // "by 2026-06-30: holds until 2026-07-01 00:00 New York"; a timestamp needs no repeating.
  const std::string until = edge_text == written ? "then" : edge_text;
  if (test.relation == ast::TimeRelation::after) {
    out.target = fmt::format("after {}", edge_text);
    out.summary = fmt::format("after {}: holds {} {}{}", written,
                              out.truth == Truth::met ? "since" : "from", until, distance);
  } else {
    out.target = fmt::format("before {}", edge_text);
    out.summary = fmt::format("{} {}: {} until {}{}", word, written,
                              out.truth == Truth::met ? "holds" : "held", until, distance);
  }
}

void Explainer::within(ExplainedCondition& out, const ast::Within& within, const Trace& trace) {
  out.kind = "within";
  const RuntimeValue* anchor = trace.value_of(*within.anchor, contract_.plan);
  const RuntimeValue* duration = trace.value_of(*within.duration, contract_.plan);
  if (now()) out.value = local_time(*now(), zone_);
  const std::string from_text = text_.reader(*within.anchor, trace);
  if (!anchor || !anchor->known || !duration || !duration->known) {
    out.summary = fmt::format("within {} after {}: {} has no value yet",
                              text_.reader(*within.duration, trace), from_text, from_text);
    return;
  }
  std::int64_t from = anchor->time;
  if (type_of(*within.anchor).is(Kind::date)) {
    from = zone_.start_of_day(Date{static_cast<std::int32_t>(from)}).micros;
  }
  const std::int64_t until =
      shift_instant(from, *duration, 1, zone_, EngineImpl::sessions(contract_));
  out.target = fmt::format("from {} until {}", local_time(Timestamp{from}, zone_),
                           local_time(Timestamp{until}, zone_));
  std::string distance;
  if (now()) {
    const Timestamp edge{now()->micros < from ? from : until};
    distance = fmt::format(", {}", distance_text(*now(), edge));
  }
  out.summary = fmt::format("{}: holds {}{}", out.condition, out.target, distance);
}

void Explainer::value(ExplainedCondition& out, const ast::Expr& expr, const Trace& trace) {
  out.kind = "value";
  const RuntimeValue* value = trace.value_of(expr, contract_.plan);
  out.value =
      value ? render_value(*value, type_of(expr), contract_, ValueForm::reader) : "no value yet";
  out.summary = fmt::format("{} is {}", text_.reader(expr, trace), out.value);
}

}  // namespace proviso
