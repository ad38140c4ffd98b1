// Expressions to flat steps: each node emits its operands, then one step over them.
#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "plan/compiler.hpp"

namespace proviso::detail {

namespace {

ValueKind kind_of(const Type& type) {
  switch (type.kind) {
    case Kind::number:
    case Kind::quantity:
      return ValueKind::number;
    case Kind::timestamp:
      return ValueKind::instant;
    case Kind::date:
      return ValueKind::date;
    case Kind::duration:
      return ValueKind::duration;
    case Kind::text:
      return ValueKind::text;
    case Kind::boolean:
      return ValueKind::boolean;
    case Kind::error:
    case Kind::clause:
      break;
  }
  throw std::logic_error("plan: an expression without a value type reached the compiler");
}

// The step of `and` or `or`. Every operator is listed, so that a new logical operator does not
// compile until it has its step here.
Op logical_step(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::logical_and:
      return Op::logical_and;
    case ast::BinaryOp::logical_or:
      return Op::logical_or;
    case ast::BinaryOp::add:
    case ast::BinaryOp::subtract:
    case ast::BinaryOp::multiply:
    case ast::BinaryOp::divide:
    case ast::BinaryOp::equal:
    case ast::BinaryOp::not_equal:
    case ast::BinaryOp::less:
    case ast::BinaryOp::less_equal:
    case ast::BinaryOp::greater:
    case ast::BinaryOp::greater_equal:
      break;
  }
  throw std::logic_error("plan: a logical step for an operator that is not logical");
}

}  // namespace

// Exact durations in microseconds, calendar durations in months.
RuntimeValue duration_value(const Decimal& amount, std::string_view word) {
  RuntimeValue value;
  auto micros = [&](std::int64_t per_unit) {
    value.time = (amount * Decimal::from_int(per_unit)).to_int64().value_or(0);
  };
  if (word == "second" || word == "seconds") micros(kMicrosPerSecond);
  if (word == "minute" || word == "minutes") micros(60 * kMicrosPerSecond);
  if (word == "hour" || word == "hours") micros(3600 * kMicrosPerSecond);
  if (word == "day" || word == "days") micros(kMicrosPerDay);
  if (word == "week" || word == "weeks") micros(7 * kMicrosPerDay);
  if (word == "month" || word == "months") value.months = *amount.to_int64();
  if (word == "year" || word == "years") value.months = 12 * static_cast<int>(*amount.to_int64());
  if (word == "trading day" || word == "trading days") {
    value.trading_days = static_cast<std::int32_t>(*amount.to_int64());
  }
  return value;
}

std::uint32_t Compiler::add_constant(RuntimeValue value) {
  plan_.constants.push_back(value);
  return static_cast<std::uint32_t>(plan_.constants.size() - 1);
}

std::uint32_t Compiler::constant_of(const Value& value) {
  RuntimeValue runtime;
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          runtime.flag = v;
        } else if constexpr (std::is_same_v<T, Decimal>) {
          runtime.number = v;
        } else if constexpr (std::is_same_v<T, std::string>) {
          plan_.text_constants.push_back(std::make_unique<std::string>(v));
          runtime.text = *plan_.text_constants.back();
        } else if constexpr (std::is_same_v<T, Quantity>) {
          runtime.number = v.base_amount;
        } else if constexpr (std::is_same_v<T, Date>) {
          runtime.time = v.days;
        } else if constexpr (std::is_same_v<T, Timestamp>) {
          runtime.time = v.micros;
        } else if constexpr (std::is_same_v<T, Duration>) {
          runtime.time = v.micros;
          runtime.months = v.months;
          runtime.trading_days = v.trading_days;
        } else {
          static_assert(ast::unhandled<T>, "plan: a constant kind is not handled");
        }
      },
      value);
  return add_constant(runtime);
}

Step Compiler::step(Op op, const ast::Expr& expr, std::uint32_t a, std::uint32_t b,
                    std::uint32_t c) {
  if (expr.id >= plan_.nodes.size()) plan_.nodes.resize(expr.id + 1, nullptr);
  plan_.nodes[expr.id] = &expr;
  return Step{op, a, b, c, expr.id};
}

void Compiler::note_metric(std::uint32_t m) {
  if (reads_ &&
      std::find(reads_->metrics.begin(), reads_->metrics.end(), m) == reads_->metrics.end()) {
    reads_->metrics.push_back(m);
  }
}

std::optional<std::uint32_t> Compiler::clause_of(const ast::Expr& expr) {
  if (const auto* ref = std::get_if<ast::NameRef>(&expr.node)) {
    const auto it = clause_index_.find(ref->name);
    if (it != clause_index_.end()) return it->second;
    return std::nullopt;
  }
  if (const auto* index = std::get_if<ast::Index>(&expr.node)) {
    const auto* ref = std::get_if<ast::NameRef>(&index->object->node);
    Program position;
    emit(*index->index, position);
    const RuntimeValue value = fold_constant(position);
    const auto k = value.number.to_int64();
    if (!ref || !k) return std::nullopt;
    const auto it = clause_index_.find(fmt::format("{}[{}]", ref->name, *k));
    if (it != clause_index_.end()) return it->second;
  }
  return std::nullopt;
}

// A program made only of constants and arithmetic on numbers (family variables, literals,
// `k - 1`) has one value, which the checker has already worked out once without failing.
RuntimeValue Compiler::fold_constant(const Program& program) {
  constexpr auto kNumber = static_cast<std::uint32_t>(ValueKind::number);
  std::vector<RuntimeValue> stack;
  for (const Step& s : program.steps) {
    if (s.op == Op::constant) {
      stack.push_back(plan_.constants[s.a]);
      continue;
    }
    if (s.op == Op::negate && s.b == kNumber && !stack.empty()) {
      stack.back().number = -stack.back().number;
      continue;
    }
    const auto* binary = std::get_if<ast::Binary>(&plan_.nodes.at(s.node)->node);
    const ast::OperatorInfo info = ast::operator_info(binary ? binary->op : ast::BinaryOp::equal);
    if (info.family == ast::OperatorFamily::arithmetic && s.b == kNumber && s.c == kNumber &&
        stack.size() >= 2) {
      const Decimal rhs = stack.back().number;
      stack.pop_back();
      stack.back().number = apply(info.arithmetic, stack.back().number, rhs);
      continue;
    }
    break;
  }
  if (stack.size() != 1) throw std::logic_error("plan: a checked constant does not fold");
  return stack.front();
}

std::uint32_t Compiler::state_index(std::uint32_t clause, std::string_view state) {
  const auto& states = contract_.clauses[clause].states;
  const auto it = std::find(states.begin(), states.end(), state);
  return static_cast<std::uint32_t>(it - states.begin());
}

// The instant a fixed `before`, `by` or `after` test changes its answer, as evaluate.cpp
// decides it: a date's day starts or ends, `after T` holds just after T.
void Compiler::note_boundary(Op op, const RuntimeValue& instant, const Type& type) {
  if (!reads_) return;
  std::int64_t at = instant.time;
  if (type.is(Kind::date)) {
    const Date day{static_cast<std::int32_t>(instant.time)};
    at = plan_.zone->start_of_day(op == Op::time_before ? day : Date{day.days + 1}).micros;
  } else if (op == Op::time_after) {
    at += 1;
  }
  reads_->boundaries.push_back(at);
}

void Compiler::note_clause(std::uint32_t clause) {
  if (reads_ &&
      std::find(reads_->clauses.begin(), reads_->clauses.end(), clause) == reads_->clauses.end()) {
    reads_->clauses.push_back(clause);
  }
}

void Compiler::emit(const ast::Expr& expr, Program& out) {
  auto& steps = out.steps;
  std::visit(
      [&](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, ast::NumberLiteral>) {
          steps.push_back(step(Op::constant, expr, constant_of(node.value)));
        } else if constexpr (std::is_same_v<T, ast::TextLiteral>) {
          steps.push_back(step(Op::constant, expr, constant_of(node.value)));
        } else if constexpr (std::is_same_v<T, ast::BoolLiteral>) {
          steps.push_back(step(Op::constant, expr, constant_of(node.value)));
        } else if constexpr (std::is_same_v<T, ast::DateLiteral>) {
          steps.push_back(step(Op::constant, expr, constant_of(node.date)));
        } else if constexpr (std::is_same_v<T, ast::TimestampLiteral>) {
          ParsedTimestamp parsed{node.date, node.micros_of_day, node.offset_minutes,
                                 node.offset_minutes == 0};
          const TimeZone zone = node.zone ? *TimeZone::find(node.zone->text) : *plan_.zone;
          steps.push_back(step(Op::constant, expr, constant_of(to_instant(parsed, zone))));
        } else if constexpr (std::is_same_v<T, ast::NameRef>) {
          emit_name(expr, node, out);
        } else if constexpr (std::is_same_v<T, ast::Suffixed>) {
          emit_suffixed(expr, node, out);
        } else if constexpr (std::is_same_v<T, ast::Member>) {
          emit_member(expr, node, out);
        } else if constexpr (std::is_same_v<T, ast::Index>) {
          throw std::logic_error("plan: a clause reference without a state");
        } else if constexpr (std::is_same_v<T, ast::Unary>) {
          emit(*node.operand, out);
          switch (node.op) {
            case ast::UnaryOp::negate:
              if (steps.back().op == Op::constant) {
                RuntimeValue value = plan_.constants[steps.back().a];
                value.number = -value.number;
                value.time = -value.time;
                value.months = -value.months;
                steps.back().a = add_constant(value);
              } else {
                steps.push_back(
                    step(Op::negate, expr, 0, static_cast<std::uint32_t>(kind_of(type_of(expr)))));
              }
              break;
            case ast::UnaryOp::logical_not:
              steps.push_back(step(Op::logical_not, expr));
              break;
            case ast::UnaryOp::once:
            case ast::UnaryOp::ever:
              steps.push_back(step(Op::latch, expr, plan_.latch_count++));
              out.has_latch = true;
              break;
          }
        } else if constexpr (std::is_same_v<T, ast::Binary>) {
          emit_binary(expr, node, out);
        } else if constexpr (std::is_same_v<T, ast::Band>) {
          emit(*node.value, out);
          emit(*node.low, out);
          emit(*node.high, out);
          steps.push_back(step(Op::band, expr, node.high_excluded ? 1 : 0,
                               static_cast<std::uint32_t>(kind_of(type_of(*node.value)))));
        } else if constexpr (std::is_same_v<T, ast::Consecutive>) {
          emit_window(expr, *node.condition, *node.count, *node.count, node.period, node.since,
                      out);
        } else if constexpr (std::is_same_v<T, ast::AtLeastOfLast>) {
          emit_window(expr, *node.condition, *node.needed, *node.window, node.period, node.since,
                      out);
        } else if constexpr (std::is_same_v<T, ast::Quorum>) {
          for (const auto& item : node.items) emit(*item, out);
          const auto count = static_cast<std::uint32_t>(node.items.size());
          std::uint32_t needed = count;
          if (node.kind == ast::QuorumKind::any) needed = 1;
          if (node.kind == ast::QuorumKind::at_least) needed = constant_count(*node.needed);
          steps.push_back(step(Op::quorum, expr, count, needed));
        } else if constexpr (std::is_same_v<T, ast::TimeTest>) {
          const std::size_t first = steps.size();
          emit(*node.instant, out);
          const Op op = node.relation == ast::TimeRelation::before ? Op::time_before
                        : node.relation == ast::TimeRelation::by   ? Op::time_by
                                                                   : Op::time_after;
          if (steps.size() == first + 1 && steps[first].op == Op::constant) {
            note_boundary(op, plan_.constants[steps[first].a], type_of(*node.instant));
          }
          steps.push_back(
              step(op, expr, 0, static_cast<std::uint32_t>(kind_of(type_of(*node.instant)))));
          out.uses_clock = true;
        } else if constexpr (std::is_same_v<T, ast::Within>) {
          emit(*node.duration, out);
          emit(*node.anchor, out);
          steps.push_back(step(Op::within, expr, 0,
                               static_cast<std::uint32_t>(kind_of(type_of(*node.anchor)))));
          out.uses_clock = true;
        } else {
          static_assert(ast::unhandled<T>, "plan: an expression kind is not emitted");
        }
      },
      expr.node);
}

std::uint32_t Compiler::constant_count(const ast::Expr& expr) {
  Program program;
  emit(expr, program);
  const auto value = fold_constant(program).number.to_int64();
  return static_cast<std::uint32_t>(value.value_or(0));
}

void Compiler::emit_name(const ast::Expr& expr, const ast::NameRef& ref, Program& out) {
  if (bindings_) {
    if (const auto it = bindings_->find(ref.name); it != bindings_->end()) {
      out.steps.push_back(step(Op::constant, expr, constant_of(it->second)));
      adjust_if_price(expr, out);
      return;
    }
  }
  if (const int parameter = contract_.parameter_index(ref.name); parameter >= 0) {
    out.steps.push_back(step(Op::parameter, expr, static_cast<std::uint32_t>(parameter)));
    return;
  }
  if (filtered_event_) {
    if (const int f = own_field(*filtered_event_, ref.name); f >= 0) {
      out.steps.push_back(step(Op::load_field, expr, static_cast<std::uint32_t>(f)));
      return;
    }
  }
  if (const auto it = contract_.instance_lets.find(ref.name); it != contract_.instance_lets.end()) {
    emit(*it->second, out);
    return;
  }
  if (const auto it = contract_.constants.find(ref.name); it != contract_.constants.end()) {
    out.steps.push_back(step(Op::constant, expr, constant_of(it->second)));
    adjust_if_price(expr, out);
    return;
  }
  if (const auto it = metric_index_.find(ref.name); it != metric_index_.end()) {
    const MetricPlan& metric = plan_.metrics[it->second];
    if (metric.name.empty()) compile_metric(contract_.metrics.at(ref.name));
    if (metric.derived) {
      // Derived metrics are inlined: they are small, and it keeps the runtime flat. Their steps
      // go in as written, so the program they join folds them with its own.
      const Program& derived = *metric.derived;
      const auto& inlined = derived.written.empty() ? derived.steps : derived.written;
      for (const Step& s : inlined) out.steps.push_back(s);
      out.uses_clock = out.uses_clock || metric.derived->uses_clock;
      for (const Step& s : inlined) {
        if (s.op == Op::load_metric) note_metric(s.a);
      }
      return;
    }
    note_metric(it->second);
    out.steps.push_back(step(Op::load_metric, expr, it->second));
    return;
  }
  throw std::logic_error("plan: unresolved name " + ref.name);
}

// In a clause subject to adjustment, prices per share in conditions (`250 USD per share`) are
// halved by a 2-for-1 split from its time on; plain amounts (`25 USDm`) never move. Metrics are
// restated apart (plan.cpp), so only the contract's own amounts move here.
void Compiler::adjust_if_price(const ast::Expr& expr, Program& out) {
  if (!adjust_prices_) return;
  const Type& type = type_of(expr);
  if (type.is(Kind::quantity) && type.per_share) out.steps.push_back(step(Op::adjust_price, expr));
}

void Compiler::emit_suffixed(const ast::Expr& expr, const ast::Suffixed& suffixed, Program& out) {
  const Type& type = type_of(expr);
  if (type.is(Kind::boolean)) {  // `T1 vested`
    const auto clause = clause_of(*suffixed.operand);
    if (!clause) throw std::logic_error("plan: unresolved clause");
    note_clause(*clause);
    out.steps.push_back(
        step(Op::clause_state, expr, *clause, state_index(*clause, suffixed.word.text)));
    return;
  }
  Program operand;
  emit(*suffixed.operand, operand);
  const bool constant = operand.steps.size() == 1 && operand.steps[0].op == Op::constant;
  if (type.is(Kind::quantity)) {
    const Decimal scale = contract_.units.at(type.unit).scale;
    if (constant) {
      RuntimeValue value = plan_.constants[operand.steps[0].a];
      value.number = value.number * scale;
      out.steps.push_back(step(Op::constant, expr, add_constant(value)));
      adjust_if_price(expr, out);
      return;
    }
    for (const Step& s : operand.steps) out.steps.push_back(s);
    RuntimeValue factor;
    factor.number = scale;
    out.steps.push_back(step(Op::constant, expr, add_constant(factor)));
    out.steps.push_back(step(Op::multiply, expr, 0, 0, 0));
    return;
  }
  // The checker lets only constants count a duration (`90 days`, `(k + 1) trading days`).
  const RuntimeValue amount = fold_constant(operand);
  out.steps.push_back(
      step(Op::constant, expr, add_constant(duration_value(amount.number, suffixed.word.text))));
}

void Compiler::emit_member(const ast::Expr& expr, const ast::Member& member, Program& out) {
  if (filtered_event_) {  // `deployment.vendor` inside a filter
    if (const int f = own_field(*filtered_event_, member.member.text); f >= 0) {
      out.steps.push_back(step(Op::load_field, expr, static_cast<std::uint32_t>(f)));
      return;
    }
  }
  const auto clause = clause_of(*member.object);
  if (!clause) throw std::logic_error("plan: unresolved clause time");
  note_clause(*clause);
  const std::string& name = member.member.text;
  const std::string state = name.substr(0, name.size() - 3);  // drop "_at"
  out.steps.push_back(step(Op::clause_time, expr, *clause, state_index(*clause, state)));
}

void Compiler::emit_binary(const ast::Expr& expr, const ast::Binary& binary, Program& out) {
  emit(*binary.lhs, out);
  emit(*binary.rhs, out);
  const auto lhs_kind = static_cast<std::uint32_t>(kind_of(type_of(*binary.lhs)));
  const auto rhs_kind = static_cast<std::uint32_t>(kind_of(type_of(*binary.rhs)));
  const ast::OperatorInfo info = ast::operator_info(binary.op);
  switch (info.family) {
    case ast::OperatorFamily::logical:
      out.steps.push_back(step(logical_step(binary.op), expr));
      return;
    case ast::OperatorFamily::arithmetic:
      out.steps.push_back(step(arithmetic_step(info.arithmetic), expr, 0, lhs_kind, rhs_kind));
      return;
    case ast::OperatorFamily::comparison:
      out.steps.push_back(step(Op::compare, expr, static_cast<std::uint32_t>(binary.op), lhs_kind));
      return;
  }
}

void Compiler::emit_window(const ast::Expr& expr, const ast::Expr& condition,
                           const ast::Expr& needed, const ast::Expr& span, const ast::Name& period,
                           const std::optional<ast::WindowSince>& since, Program& out) {
  DayWindowPlan window;
  Reads inner;
  Reads* outer = reads_;
  reads_ = &inner;
  window.condition = program(condition);
  reads_ = outer;
  window.needed = constant_count(needed);
  window.span = constant_count(span);
  window.trading_days = period.text.rfind("trading", 0) == 0;
  if (since && !since->date && plan_.effective) {
    window.first_day = plan_.zone->local_date(*plan_.effective).days;
  } else if (since && since->date) {
    const auto day = contract_.window_first_days.find(since->date->id);
    if (day != contract_.window_first_days.end()) window.first_day = day->second;
    const auto parameter = contract_.window_first_day_parameters.find(since->date->id);
    if (parameter != contract_.window_first_day_parameters.end()) {
      window.first_day_parameter = parameter->second;
    }
  }
  window.input_metrics = inner.metrics;
  for (std::uint32_t m : inner.metrics) note_metric(m);
  for (std::uint32_t c : inner.clauses) note_clause(c);
  plan_.windows.push_back(std::move(window));
  out.steps.push_back(step(Op::window, expr, static_cast<std::uint32_t>(plan_.windows.size() - 1)));
  out.uses_clock = true;  // a new day can change the window's answer
}

}  // namespace proviso::detail
