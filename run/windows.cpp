// Day windows: `C on at least M of the last N trading days`, `C for N consecutive days`.
// Each day gets one sample: C's value after the last change of its inputs that day. A day
// whose inputs never changed (no close that day) has no sample and counts as not meeting C
// (the conservative rule); so does a day before the window's `since` date. A day joins the
// window once it has a sample or once it is over, so before today's close the window is the
// last N finished days. Days the window has not seen (before the contract's first event)
// count as not meeting C too: M qualifying days among the last N meet the window however
// short the history, and N consecutive ones need N real sessions. Memory: N bytes per window.
#include <fmt/format.h>

#include "run/runtime.hpp"

namespace proviso {

namespace {

const TradingCalendar& days_of(const ContractRuntime& contract, const DayWindowPlan& window) {
  return window.trading_days && contract.calendar ? *contract.calendar : contract.every_day;
}

void push_sample(WindowState& state, std::uint32_t span, bool met) {
  if (state.ring.size() != span) state.ring.assign(span, 0);
  if (state.size == span) {
    state.trues -= state.ring[state.head];
    state.ring[state.head] = met ? 1 : 0;
    state.head = (state.head + 1) % span;
  } else {
    state.ring[(state.head + state.size) % span] = met ? 1 : 0;
    ++state.size;
  }
  state.trues += met ? 1 : 0;
}

}  // namespace

void Engine::Impl::roll_windows(ContractRuntime& contract, std::int64_t now) {
  const std::int32_t today = local_day(*contract.plan.zone, now);
  for (std::uint32_t w = 0; w < contract.running().windows.size(); ++w) {
    const DayWindowPlan& plan = contract.running().windows[w];
    WindowState& state = contract.windows[w];
    if (!state.current_day) {
      state.current_day = today;
      continue;
    }
    if (*state.current_day >= today) continue;
    const TradingCalendar& days = days_of(contract, plan);
    const Date finished{*state.current_day};
    if (days.is_trading_day(finished)) {
      push_sample(state, plan.span, state.today.value_or(false));
      if (!state.today) note_missing_day(contract, plan, finished);
    }
    // Trading days with no event at all count as not met; more than a window's worth of them
    // empties the window, so the loop is bounded by the span.
    const std::int64_t skipped = days.trading_days_between(Date{finished.days + 1}, Date{today});
    Date missing = finished;
    for (std::int64_t i = 0; i < std::min<std::int64_t>(skipped, plan.span); ++i) {
      push_sample(state, plan.span, false);
      missing = days.next_trading_day(Date{missing.days + 1});
      note_missing_day(contract, plan, missing);
    }
    state.current_day = today;
    state.today.reset();
  }
}

std::optional<std::int32_t> Engine::Impl::window_first_day(const ContractRuntime& contract,
                                                           const DayWindowPlan& window) {
  if (window.first_day_parameter) return first_day_of(contract, *window.first_day_parameter);
  return window.first_day;
}

void Engine::Impl::note_missing_day(ContractRuntime& contract, const DayWindowPlan& window,
                                    Date day) {
  if (!(note_callback || !listeners.empty()) || day.days <= contract.last_missing_day) return;
  // Days before the contract takes effect, or before the window's first day, are not expected
  // to have data.
  const auto first_day = window_first_day(contract, window);
  if (first_day && day.days < *first_day) return;
  if (contract.plan.effective &&
      day.days < contract.plan.zone->local_date(*contract.plan.effective).days) {
    return;
  }
  contract.last_missing_day = day.days;
  const TradingCalendar& days = days_of(contract, window);
  notify_note(fmt::format(
      "{}{}{}: {} is a {} day without data for {}; it counts as not met", contract.plan.title,
      contract.instance.empty() ? "" : " ", contract.instance, format_date(day),
      window.trading_days ? days.name() + " trading" : std::string("calendar"),
      window.condition.source ? window.condition.source->span.text() : "a day window"));
}

void Engine::Impl::sample_window(ContractRuntime& contract, std::uint32_t index) {
  const DayWindowPlan& plan = contract.running().windows[index];
  WindowState& state = contract.windows[index];
  if (!state.current_day) return;
  if (!days_of(contract, plan).is_trading_day(Date{*state.current_day})) return;
  const auto first_day = window_first_day(contract, plan);
  if (first_day && *state.current_day < *first_day) return;  // counts as not met
  const RuntimeValue value = evaluate(contract, plan.condition);
  state.today = value.known && value.flag;
}

RuntimeValue Engine::Impl::window_value(const ContractRuntime& contract,
                                        std::uint32_t index) const {
  const DayWindowPlan& plan = contract.running().windows[index];
  RuntimeValue result;
  result.flag = window_count(contract, index) >= plan.needed;
  return result;
}

std::uint32_t Engine::Impl::window_count(const ContractRuntime& contract,
                                         std::uint32_t index) const {
  const DayWindowPlan& plan = contract.running().windows[index];
  const WindowState& state = contract.windows[index];
  std::uint32_t trues = state.trues;
  if (state.today && state.size == plan.span) trues -= state.ring[state.head];
  return trues + (state.today.value_or(false) ? 1 : 0);
}

}  // namespace proviso
