// Metric updates: each aggregate keeps running state, so an event costs O(1) amortised.
// Windowed metrics keep the values inside their window (a sum or VWAP over trading days one
// subtotal per day); min and max over a window use a monotonic deque, so eviction never
// rescans.
#include <fmt/format.h>

#include "run/runtime.hpp"

namespace proviso {

namespace {

bool before(const RuntimeValue& a, const RuntimeValue& b, const Type& type) {
  return type.is_numeric() ? a.number < b.number : a.time < b.time;
}

// Windowed min/max: drop from the back every value the new one beats, so the front is always
// the window's extreme.
void push_extreme(std::deque<WindowEntry>& extremes, const WindowEntry& entry, bool minimum) {
  while (!extremes.empty() && (minimum ? !(extremes.back().value < entry.value)
                                       : !(entry.value < extremes.back().value))) {
    extremes.pop_back();
  }
  extremes.push_back(entry);
}

// A sum or VWAP over the last N trading days loses its values a whole day at a time, so one
// entry per day is enough: the day's sum, or for a VWAP the day's Σ price × weight and Σ weight
// (a VWAP's entries hold price × weight, so nothing is divided until the VWAP is read).
// The window then holds at most N + the non-trading days among them entries, however many
// events a day brings. False when `entry` needs an entry of its own.
bool merge_into_day(const MetricPlan& plan, std::deque<WindowEntry>& window,
                    const WindowEntry& entry) {
  if (plan.window_trading_days == 0 || window.empty() || window.back().day != entry.day ||
      (plan.fn != ast::AggregateFn::sum && plan.fn != ast::AggregateFn::vwap)) {
    return false;
  }
  WindowEntry& day = window.back();
  day.value = day.value + entry.value;
  day.weight = day.weight + entry.weight;
  return true;
}

}  // namespace

RuntimeValue slot_value(const FieldSlot& slot, const Type& type) {
  RuntimeValue value;
  switch (type.kind) {
    case Kind::number:
    case Kind::quantity:
      value.number = slot.number;
      break;
    case Kind::timestamp:
    case Kind::date:
      value.time = slot.instant;
      break;
    case Kind::boolean:
      value.flag = slot.flag;
      break;
    case Kind::text:
      value.text = slot.text;
      break;
    case Kind::duration:
    case Kind::error:
    case Kind::clause:
      break;
  }
  return value;
}

void Engine::Impl::update_metric(ContractRuntime& contract, std::uint32_t index,
                                 const Event& event) {
  const MetricPlan& plan = contract.plan.metrics[index];
  MetricState& state = contract.metrics[index];
  const EventSchema& schema = schemas.events[plan.event_type];
  const FieldSlot* field = plan.field >= 0 ? &event.fields[plan.field] : nullptr;
  const Type field_type = plan.field >= 0 ? schema.fields[plan.field].type : Type{};
  const bool windowed = plan.windowed();
  try {
    if (windowed) {
      // Numbered on from the newest entry, so that a state restored from a file (which holds
      // the entries, not a counter) numbers the next entry as the replay that never stopped.
      WindowEntry entry{state.window.empty() ? 0 : state.window.back().seq + 1, event.ts.micros,
                        local_day(*contract.plan.zone, event.ts.micros),
                        field ? field->number : Decimal(),
                        plan.weight >= 0 ? event.fields[plan.weight].number : Decimal()};
      if (plan.fn == ast::AggregateFn::min || plan.fn == ast::AggregateFn::max) {
        push_extreme(state.extremes, entry, plan.fn == ast::AggregateFn::min);
      }
      if (plan.fn == ast::AggregateFn::vwap) entry.value = entry.value * entry.weight;
      state.sum = state.sum + entry.value;
      if (plan.weight >= 0) state.weight_sum = state.weight_sum + entry.weight;
      if (!merge_into_day(plan, state.window, entry)) state.window.push_back(entry);
      if (plan.window_events > 0 && state.window.size() > plan.window_events) {
        const WindowEntry old = state.window.front();
        state.window.pop_front();
        state.sum = state.sum - old.value;
        state.weight_sum = state.weight_sum - old.weight;
        if (!state.extremes.empty() && state.extremes.front().seq == old.seq) {
          state.extremes.pop_front();
        }
      }
    }
    switch (plan.fn) {
      case ast::AggregateFn::count:
        ++state.count;
        break;
      case ast::AggregateFn::sum:
        if (!windowed) state.sum = state.sum + field->number;
        break;
      case ast::AggregateFn::average:
        if (!windowed) state.sum = state.sum + field->number;
        ++state.count;
        break;
      case ast::AggregateFn::vwap:
        if (!windowed) {
          const Decimal weight = event.fields[plan.weight].number;
          state.sum = state.sum + field->number * weight;
          state.weight_sum = state.weight_sum + weight;
        }
        break;
      case ast::AggregateFn::latest:
        state.value = slot_value(*field, field_type);
        if (field_type.is(Kind::text)) {
          state.text = field->text;
          state.value.text = state.text;
        }
        break;
      case ast::AggregateFn::first:
        if (!state.has_value) {
          state.value = slot_value(*field, field_type);
          state.text = field->text;
          state.value.text = state.text;
        }
        break;
      case ast::AggregateFn::min:
      case ast::AggregateFn::max: {
        const RuntimeValue value = slot_value(*field, field_type);
        const bool better = plan.fn == ast::AggregateFn::min
                                ? before(value, state.value, field_type)
                                : before(state.value, value, field_type);
        if (!state.has_value || better) state.value = value;
        break;
      }
    }
  } catch (const ArithmeticError& failure) {
    throw RuntimeError(Diagnostic{Severity::error,
                                  plan.span,
                                  fmt::format("metric {}: {}", plan.name,
                                              arithmetic_failure(failure, "the weight")),
                                  {}},
                       "");
  }
  state.has_value = true;
}

void Engine::Impl::expire_window_entries(ContractRuntime& contract, std::uint32_t index,
                                         std::int64_t now, bool& changed) {
  const MetricPlan& plan = contract.plan.metrics[index];
  if (!plan.expires_with_time()) return;
  MetricState& state = contract.metrics[index];
  // A trading-day window holds the last N sessions up to today: an entry leaves once more
  // than N sessions lie between its day and the end of today.
  // The window's first day is found once per calendar, length and day, not per contract.
  const std::int32_t first_inside =
      plan.window_micros > 0
          ? 0
          : first_day_inside(contract.calendar ? *contract.calendar : contract.every_day,
                             plan.window_trading_days, local_day(*contract.plan.zone, now));
  auto outside = [&](const WindowEntry& entry) {
    if (plan.window_micros > 0) return entry.ts <= now - plan.window_micros;
    return entry.day < first_inside;
  };
  while (!state.window.empty() && outside(state.window.front())) {
    const WindowEntry old = state.window.front();
    state.window.pop_front();
    state.sum = state.sum - old.value;
    state.weight_sum = state.weight_sum - old.weight;
    if (!state.extremes.empty() && state.extremes.front().seq == old.seq)
      state.extremes.pop_front();
    if (plan.fn == ast::AggregateFn::count || plan.fn == ast::AggregateFn::average) --state.count;
    changed = true;
  }
}

RuntimeValue Engine::Impl::metric_value(const ContractRuntime& contract,
                                        std::uint32_t index) const {
  if (contract.plan.metrics[index].period) return period_metric_value(contract, index);
  return aggregate_value(contract.plan.metrics[index], contract.metrics[index]);
}

RuntimeValue aggregate_value(const MetricPlan& plan, const MetricState& state) {
  const bool windowed = plan.windowed();
  RuntimeValue value;
  auto unknown = [] {
    RuntimeValue v;
    v.known = false;
    return v;
  };
  switch (plan.fn) {
    case ast::AggregateFn::count:
      value.number = Decimal::from_int(
          static_cast<std::int64_t>(windowed ? state.window.size() : state.count));
      return value;
    case ast::AggregateFn::sum:
      value.number = state.sum;
      return value;
    case ast::AggregateFn::average: {
      const std::size_t count = windowed ? state.window.size() : state.count;
      if (count == 0) return unknown();
      value.number = state.sum / Decimal::from_int(static_cast<std::int64_t>(count));
      return value;
    }
    case ast::AggregateFn::vwap:
      if (state.weight_sum.is_zero()) return unknown();
      value.number = state.sum / state.weight_sum;
      return value;
    case ast::AggregateFn::first:
      if (windowed) {
        if (state.window.empty()) return unknown();
        value.number = state.window.front().value;
        return value;
      }
      return state.has_value ? state.value : unknown();
    case ast::AggregateFn::min:
    case ast::AggregateFn::max:
      if (windowed) {
        if (state.extremes.empty()) return unknown();
        value.number = state.extremes.front().value;
        return value;
      }
      return state.has_value ? state.value : unknown();
    case ast::AggregateFn::latest:
      if (windowed && state.window.empty()) return unknown();
      return state.has_value ? state.value : unknown();
  }
  return unknown();
}

}  // namespace proviso
