// Runs a compiled program on the reused value stack. Unknown values (a metric with no event
// yet, a clause time not reached) propagate: a comparison with one is unknown, `and`/`or`
// follow three-valued logic, and unknown never meets a clause.
#include <fmt/format.h>

#include "run/runtime.hpp"

namespace proviso {

namespace {

RuntimeValue unknown() {
  RuntimeValue value;
  value.known = false;
  return value;
}

RuntimeValue boolean(bool flag) {
  RuntimeValue value;
  value.flag = flag;
  return value;
}

template <typename T>
bool compare(ast::BinaryOp op, const T& a, const T& b) {
  return ast::operator_info(op).holds(a <=> b);
}

bool compare_values(ast::BinaryOp op, ValueKind kind, const RuntimeValue& a,
                    const RuntimeValue& b) {
  switch (kind) {
    case ValueKind::number:
      return compare(op, a.number, b.number);
    case ValueKind::instant:
    case ValueKind::date:
      return compare(op, a.time, b.time);
    case ValueKind::duration:
      return compare(op, std::pair(a.months, a.time), std::pair(b.months, b.time));
    case ValueKind::text:
      return compare(op, a.text, b.text);
    case ValueKind::boolean:
      return compare(op, a.flag, b.flag);
  }
  return false;
}

// Calendar months move the local date and keep the wall-clock time.
std::int64_t add_months(std::int64_t micros, std::int32_t months, const TimeZone& zone) {
  if (months == 0) return micros;
  const Date day = zone.local_date(Timestamp{micros});
  const std::int64_t time_of_day = micros - zone.start_of_day(day).micros;
  const CivilDate date = civil(day);
  const int total = date.year * 12 + (date.month - 1) + months;
  for (int d = date.day; d >= 1; --d) {
    if (auto moved = make_date(total / 12, total % 12 + 1, d)) {
      return zone.to_instant(*moved, time_of_day).micros;
    }
  }
  return micros;
}

// Steps whose result is a condition: what coverage counts.
bool is_condition(Op op) {
  switch (op) {
    case Op::compare:
    case Op::band:
    case Op::logical_and:
    case Op::logical_or:
    case Op::logical_not:
    case Op::latch:
    case Op::window:
    case Op::quorum:
    case Op::clause_state:
    case Op::time_before:
    case Op::time_by:
    case Op::time_after:
    case Op::within:
      return true;
    case Op::constant:
    case Op::parameter:
    case Op::load_metric:
    case Op::load_field:
    case Op::clause_time:
    case Op::now:
    case Op::add:
    case Op::subtract:
    case Op::multiply:
    case Op::divide:
    case Op::negate:
    case Op::adjust_price:
    case Op::adjust_shares:
    case Op::folded:
      return false;
  }
  return false;
}

}  // namespace

const TradingCalendar& Engine::Impl::sessions(const ContractRuntime& contract) {
  return contract.calendar ? *contract.calendar : contract.every_day;
}

// Moves an instant by a duration in the contract's terms: whole days, weeks, months and trading
// days move the local date and keep the wall-clock time (so "+ 1 day" across a DST change is
// still tomorrow at the same hour); hours, minutes and seconds are exact.
std::int64_t shift_instant(std::int64_t micros, const RuntimeValue& duration, int sign,
                           const TimeZone& zone, const TradingCalendar& sessions) {
  std::int64_t exact = sign * duration.time;
  std::int32_t days = 0;
  if (duration.time % kMicrosPerDay == 0) {
    days = static_cast<std::int32_t>(sign * duration.time / kMicrosPerDay);
    exact = 0;
  }
  micros = add_months(micros + exact, sign * duration.months, zone);
  if (days == 0 && duration.trading_days == 0) return micros;
  const Date from = zone.local_date(Timestamp{micros});
  const std::int64_t time_of_day = micros - zone.start_of_day(from).micros;
  Date to{from.days + days};
  for (std::int32_t n = sign * duration.trading_days; n > 0; --n) {
    to = sessions.next_trading_day(Date{to.days + 1});
  }
  for (std::int32_t n = sign * duration.trading_days; n < 0; ++n) {
    to = sessions.previous_trading_day(Date{to.days - 1});
  }
  return zone.to_instant(to, time_of_day).micros;
}

void Engine::Impl::fail(const ContractRuntime& contract, ast::NodeId node,
                        const std::string& message) {
  const auto& nodes = contract.running().nodes;
  const ast::Expr* expr = node < nodes.size() ? nodes[node] : nullptr;
  throw RuntimeError(Diagnostic{Severity::error, expr ? expr->span : Span{}, message, {}}, "");
}

RuntimeValue Engine::Impl::evaluate(ContractRuntime& contract, const Program& program,
                                    const Event* event) {
  const ContractPlan& plan = contract.running();
  stack.clear();
  failed_calculation.reset();
  for (const Step& step : program.steps) {
    execute(contract, plan, step, event);
    if (coverage_on && !looking && is_condition(step.op)) {
      record_coverage(contract, step.node, stack.back());
    }
  }
  if (failed_calculation) settle_failure(contract, stack.back());
  return stack.back();
}

// A calculation that failed (a division by zero) is unknown. When the rest of the condition
// decides it anyway (`x > 0 and y / x > 2` with x at 0), the replay goes on with a note; when
// the answer hangs on the failed calculation, nothing sensible can be said, and it stops.
void Engine::Impl::settle_failure(ContractRuntime& contract, const RuntimeValue& result) {
  Diagnostic failure = std::move(*failed_calculation);
  failed_calculation.reset();
  if (!result.known) throw RuntimeError(std::move(failure), "");
  const std::uint32_t where = failure.span.begin;
  auto& noted = contract.noted_failures;
  // A query only looks: it notes nothing.
  if (looking || (!note_callback && listeners.empty()) ||
      std::find(noted.begin(), noted.end(), where) != noted.end()) {
    return;
  }
  noted.push_back(where);
  notify_note(fmt::format(
      "{}: {} in {} (line {}); that comparison is unknown, and the condition is decided "
      "without it",
      contract.plan.title, failure.message, failure.span.text(), failure.span.line));
}

void Engine::Impl::record_coverage(ContractRuntime& contract, ast::NodeId node,
                                   const RuntimeValue& value) {
  if (!value.known) return;
  if (node >= contract.coverage.size()) contract.coverage.resize(node + 1, 0);
  contract.coverage[node] |= value.flag ? 1 : 2;
}

RuntimeValue Engine::Impl::folded_value(ContractRuntime& contract, const ContractPlan& plan,
                                        std::uint32_t index, const Event* event) {
  if (contract.folded.size() < plan.folds.size()) contract.folded.resize(plan.folds.size());
  if (!contract.folded[index].known) {
    // Worked out on the stack in use, as its steps were before they folded; a failure keeps its
    // place among the program's (the first one met is the one reported).
    std::optional<Diagnostic> earlier = std::move(failed_calculation);
    failed_calculation.reset();
    for (const Step& step : plan.folds[index].steps) execute(contract, plan, step, event);
    ContractRuntime::Folded folded{true, stack.back(), nullptr};
    stack.pop_back();
    if (failed_calculation) {
      folded.failure = std::make_shared<const Diagnostic>(*failed_calculation);
    }
    if (earlier) failed_calculation = std::move(earlier);
    contract.folded[index] = std::move(folded);
  } else if (const auto& failure = contract.folded[index].failure; failure && !failed_calculation) {
    failed_calculation = *failure;
  }
  return contract.folded[index].value;
}

void Engine::Impl::execute(ContractRuntime& contract, const ContractPlan& plan, const Step& step,
                           const Event* event) {
  auto& s = stack;
  auto pop = [&s] {
    RuntimeValue value = s.back();
    s.pop_back();
    return value;
  };
  {
    switch (step.op) {
      case Op::constant:
        s.push_back(plan.constants[step.a]);
        break;
      case Op::parameter:
        s.push_back(contract.parameters[step.a]);
        break;
      case Op::load_metric:
        s.push_back(metric_value(contract, step.a));
        break;
      case Op::load_field: {
        const FieldSlot& slot = event->fields[step.a];
        RuntimeValue value;
        value.number = slot.number;
        value.time = slot.instant;
        value.flag = slot.flag;
        value.text = slot.text;
        s.push_back(value);
        break;
      }
      case Op::clause_state: {
        const ClauseState& state = contract.clauses[step.a];
        const StateIndices& indices = contract.state_indices[step.a];
        bool in_state = false;
        if (step.b == indices.lapsed) {
          in_state = state.lapsed;
        } else if (step.b == indices.holding) {
          in_state = state.level == Level::holding;
        } else if (step.b == indices.breached) {
          in_state = state.level == Level::breached;
        } else if (step.b == 0) {  // pending
          in_state = !state.lapsed && state.stage == 0 && state.level == Level::pending;
        } else if (contract.plan.clauses[step.a].period_test) {
          // A clause tested per period is in its last period's outcome only.
          in_state = state.stage == step.b;
        } else {
          // A staged clause is "vested" from vesting on, also once exercisable.
          in_state = state.stage >= step.b;
        }
        s.push_back(boolean(in_state));
        break;
      }
      case Op::clause_time: {
        const auto& entered = contract.clauses[step.a].entered[step.b];
        if (!entered) {
          s.push_back(unknown());
        } else {
          RuntimeValue value;
          value.time = entered->micros;
          s.push_back(value);
        }
        break;
      }
      case Op::now: {
        RuntimeValue value;
        value.time = clock ? clock->micros : 0;
        s.push_back(value);
        break;
      }
      case Op::add:
      case Op::subtract:
      case Op::multiply:
      case Op::divide: {
        const RuntimeValue b = pop();
        RuntimeValue a = pop();
        if (!a.known || !b.known) {
          s.push_back(unknown());
          break;
        }
        const auto lhs = static_cast<ValueKind>(step.b);
        const auto rhs = static_cast<ValueKind>(step.c);
        try {
          if (lhs == ValueKind::number && rhs == ValueKind::number) {
            a.number = apply(arithmetic_of(step.op), a.number, b.number);
          } else if (lhs == ValueKind::instant && rhs == ValueKind::duration) {
            const int sign = step.op == Op::subtract ? -1 : 1;
            a.time = shift_instant(a.time, b, sign, *plan.zone, sessions(contract));
          } else if (lhs == ValueKind::duration && rhs == ValueKind::instant) {
            const RuntimeValue duration = a;
            a = b;
            a.time = shift_instant(b.time, duration, 1, *plan.zone, sessions(contract));
          } else if (lhs == ValueKind::date && rhs == ValueKind::duration) {
            const int sign = step.op == Op::subtract ? -1 : 1;
            const Date day{static_cast<std::int32_t>(a.time)};
            const std::int64_t moved = shift_instant(plan.zone->start_of_day(day).micros, b, sign,
                                                     *plan.zone, sessions(contract));
            a.time = plan.zone->local_date(Timestamp{moved}).days;
          } else if (lhs == rhs && (lhs == ValueKind::instant || lhs == ValueKind::date)) {
            a.time = lhs == ValueKind::date ? (a.time - b.time) * kMicrosPerDay : a.time - b.time;
            a.months = 0;
          } else if (lhs == ValueKind::duration && rhs == ValueKind::duration) {
            if (step.op == Op::divide) {
              a.number = Decimal::from_int(a.time) / Decimal::from_int(b.time);
            } else {
              const int sign = step.op == Op::subtract ? -1 : 1;
              a.time += sign * b.time;
              a.months += sign * b.months;
              a.trading_days += sign * b.trading_days;
            }
          } else if (lhs == ValueKind::duration || rhs == ValueKind::duration) {
            // duration × number, number × duration, duration ÷ number
            const RuntimeValue& duration = lhs == ValueKind::duration ? a : b;
            const Decimal factor = lhs == ValueKind::duration ? b.number : a.number;
            const Decimal micros = step.op == Op::divide
                                       ? Decimal::from_int(duration.time) / factor
                                       : Decimal::from_int(duration.time) * factor;
            RuntimeValue result = duration;
            result.time = micros.to_int64().value_or(0);
            a = result;
          }
        } catch (const ArithmeticError& failure) {
          const ast::Expr* expr = step.node < plan.nodes.size() ? plan.nodes[step.node] : nullptr;
          const auto* binary = expr ? std::get_if<ast::Binary>(&expr->node) : nullptr;
          if (!failed_calculation) {
            failed_calculation = Diagnostic{
                Severity::error,
                expr ? expr->span : Span{},
                binary ? arithmetic_failure(failure, binary->rhs->span.text()) : failure.what(),
                {}};
          }
          s.push_back(unknown());
          break;
        }
        s.push_back(a);
        break;
      }
      case Op::negate: {
        RuntimeValue a = pop();
        a.number = -a.number;
        a.time = -a.time;
        a.months = -a.months;
        a.trading_days = -a.trading_days;
        s.push_back(a);
        break;
      }
      case Op::compare: {
        const RuntimeValue b = pop();
        const RuntimeValue a = pop();
        if (!a.known || !b.known) {
          s.push_back(unknown());
        } else {
          s.push_back(boolean(compare_values(static_cast<ast::BinaryOp>(step.a),
                                             static_cast<ValueKind>(step.b), a, b)));
        }
        break;
      }
      case Op::band: {
        const RuntimeValue high = pop();
        const RuntimeValue low = pop();
        const RuntimeValue value = pop();
        if (!value.known || !low.known || !high.known) {
          s.push_back(unknown());
          break;
        }
        const auto kind = static_cast<ValueKind>(step.b);
        const bool above = compare_values(ast::BinaryOp::greater_equal, kind, value, low);
        const bool below = compare_values(step.a ? ast::BinaryOp::less : ast::BinaryOp::less_equal,
                                          kind, value, high);
        s.push_back(boolean(above && below));
        break;
      }
      case Op::logical_and:
      case Op::logical_or: {
        const RuntimeValue b = pop();
        const RuntimeValue a = pop();
        const bool is_and = step.op == Op::logical_and;
        // The deciding value wins even when the other side is unknown.
        if ((a.known && a.flag != is_and) || (b.known && b.flag != is_and)) {
          s.push_back(boolean(!is_and));
        } else if (a.known && b.known) {
          s.push_back(boolean(is_and));
        } else {
          s.push_back(unknown());
        }
        break;
      }
      case Op::logical_not: {
        RuntimeValue a = pop();
        a.flag = !a.flag;
        s.push_back(a);
        break;
      }
      case Op::latch: {
        const RuntimeValue a = pop();
        std::optional<std::int64_t>& latched = contract.latches[step.a];
        if (a.known && a.flag && !latched && !looking) latched = clock ? clock->micros : 0;
        s.push_back(latched ? boolean(true) : a);
        break;
      }
      case Op::window:
        s.push_back(window_value(contract, step.a));
        break;
      case Op::folded: {
        const RuntimeValue value = folded_value(contract, plan, step.a, event);
        s.push_back(value);
        break;
      }
      case Op::adjust_price:
        s.back().number = s.back().number / contract.split_factor;
        break;
      case Op::adjust_shares:
        s.back().number = s.back().number * contract.split_factor;
        break;
      case Op::quorum: {
        std::uint32_t trues = 0;
        std::uint32_t unknowns = 0;
        for (std::uint32_t i = 0; i < step.a; ++i) {
          const RuntimeValue item = pop();
          trues += item.known && item.flag ? 1 : 0;
          unknowns += item.known ? 0 : 1;
        }
        if (trues >= step.b) {
          s.push_back(boolean(true));
        } else if (trues + unknowns < step.b) {
          s.push_back(boolean(false));
        } else {
          s.push_back(unknown());
        }
        break;
      }
      case Op::time_before:
      case Op::time_by:
      case Op::time_after: {
        const RuntimeValue instant = pop();
        if (!instant.known || !clock) {
          s.push_back(unknown());
          break;
        }
        // A date is a whole day: `before D` ends when D starts, `by D` when D ends, and
        // `after D` starts when D ends. A timestamp is one instant, and `by T` ends at T as a
        // deadline at T does.
        std::int64_t start = instant.time;
        std::int64_t end = instant.time;
        if (static_cast<ValueKind>(step.b) == ValueKind::date) {
          const Date day{static_cast<std::int32_t>(instant.time)};
          start = plan.zone->start_of_day(day).micros;
          end = plan.zone->start_of_day(Date{day.days + 1}).micros;
        }
        const std::int64_t now = clock->micros;
        const bool is_date = static_cast<ValueKind>(step.b) == ValueKind::date;
        note_change(step.op == Op::time_before ? start
                    : step.op == Op::time_by   ? end
                                               : (is_date ? end : end + 1));
        s.push_back(boolean(step.op == Op::time_before ? now < start
                            : step.op == Op::time_by   ? now < end
                                                       : (is_date ? now >= end : now > end)));
        break;
      }
      case Op::within: {
        const RuntimeValue anchor = pop();
        const RuntimeValue duration = pop();
        if (!anchor.known || !duration.known || !clock) {
          s.push_back(unknown());
          break;
        }
        std::int64_t from = anchor.time;
        if (static_cast<ValueKind>(step.b) == ValueKind::date) {
          from = plan.zone->start_of_day(Date{static_cast<std::int32_t>(from)}).micros;
        }
        const std::int64_t until = shift_instant(from, duration, 1, *plan.zone, sessions(contract));
        const std::int64_t now = clock->micros;
        note_change(now < from ? from : until + 1);
        s.push_back(boolean(now >= from && now <= until));
        break;
      }
    }
  }
}

}  // namespace proviso
