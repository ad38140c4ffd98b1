// Calendar periods at run time: metrics that aggregate one period (`in the current calendar
// month`, `in the previous calendar quarter`) and clauses tested once per period (`requires C
// in each calendar month`). Periods close at midnight in the contract's zone, so a timer waits
// for each period's end and fires then even when no event comes; DST only moves the instant.
#include <fmt/format.h>

#include <algorithm>

#include "run/runtime.hpp"

namespace proviso {

namespace {

// The states of a clause tested per period: pending, met, missed, unknown (see states_of).
constexpr std::uint32_t kMet = 1;
constexpr std::uint32_t kMissed = 2;
constexpr std::uint32_t kUnknown = 3;

std::int64_t period_end(const TimeZone& zone, const PeriodRule& rule, std::int64_t index) {
  return zone.start_of_day(rule.start(index + 1)).micros;
}

// Moves a period metric's state into period `target`, keeping the period just closed for
// `in the previous …`. True when its value may have changed.
bool roll_metric(MetricState& state, std::int64_t target) {
  if (!state.period) {
    state.period = target;
    return false;
  }
  if (*state.period >= target) return false;
  std::shared_ptr<const MetricState> closed;
  if (*state.period == target - 1 && state.has_value) {
    auto kept = std::make_shared<MetricState>(std::move(state));
    kept->closed.reset();
    kept->value.text = kept->text;  // the view, after the move
    closed = std::move(kept);
  }
  state = MetricState{};
  state.period = target;
  state.closed = std::move(closed);
  return true;
}

}  // namespace

void Engine::Impl::pass_periods(ContractRuntime& contract, std::int64_t now) {
  const ContractPlan& plan = contract.plan;
  if (plan.period_rules.empty()) return;
  contract.period_ends.resize(plan.period_rules.size());
  const Date today = plan.zone->local_date(Timestamp{now});
  for (std::uint32_t r = 0; r < plan.period_rules.size(); ++r) {
    if (contract.period_ends[r]) continue;
    const PeriodRule& rule = plan.period_rules[r];
    const std::int64_t at = period_end(*plan.zone, rule, rule.index_of(today));
    contract.period_ends[r] = at;
    timers.push({at, contract.index, r, Timer::Kind::period_end});
  }
  for (std::uint32_t m = 0; m < plan.metrics.size(); ++m) {
    const MetricPlan& metric = plan.metrics[m];
    if (!metric.period) continue;
    if (!roll_metric(contract.metrics[m], plan.period_rules[*metric.period].index_of(today))) {
      continue;
    }
    note_metric_change(contract, m);
    for (std::uint32_t c : plan.clauses_by_metric[m]) contract.dirty[c] = 1;
  }
}

void Engine::Impl::close_periods(ContractRuntime& contract, std::int64_t at) {
  const ContractPlan& plan = contract.plan;
  // The outcomes read the periods that end now: every period metric is brought up to the
  // last instant before `at` (one that saw no event since an earlier period is emptied).
  pass_periods(contract, at - 1);
  const Date last_day = plan.zone->local_date(Timestamp{at - 1});
  const Date next_day = plan.zone->local_date(Timestamp{at});
  for (std::uint32_t r = 0; r < plan.period_rules.size(); ++r) {
    if (contract.period_ends[r] != at) continue;
    const PeriodRule& rule = plan.period_rules[r];
    keep_closed_period(contract, r, rule.index_of(last_day));
    if (contract.started && !contract.expired) {
      for (std::uint32_t c = 0; c < plan.clauses.size(); ++c) {
        if (plan.clauses[c].period_test && plan.clauses[c].period_rule == r) {
          record_period_outcome(contract, c, rule.index_of(last_day), Timestamp{at});
        }
      }
    }
    const std::int64_t next = period_end(*plan.zone, rule, rule.index_of(next_day));
    contract.period_ends[r] = next;
    timers.push({next, contract.index, r, Timer::Kind::period_end});
  }
  pass_periods(contract, at);
  evaluate_dirty(contract, Transition::Cause{CauseKind::period_end, {}, 0});
}

void Engine::Impl::record_period_outcome(ContractRuntime& contract, std::uint32_t clause,
                                         std::int64_t index, Timestamp end) {
  const ClausePlan& plan = contract.plan.clauses[clause];
  ClauseState& state = contract.clauses[clause];
  const RuntimeValue value = evaluate(contract, *plan.period_test);
  const std::uint32_t own = value.known ? (value.flag ? kMet : kMissed) : kUnknown;
  PeriodOutcome outcome;
  outcome.index = index;
  outcome.state = own;
  outcome.own = own;
  outcome.end = end;
  // `in each of the last N …`: a missed period among the last N misses; all N met meets; else
  // (an unknown period, or fewer than N periods tested so far) the outcome is unknown.
  if (plan.periods_needed > 1) {
    std::uint32_t met = own == kMet ? 1 : 0;
    bool missed = own == kMissed;
    for (std::size_t back = 1; back < plan.periods_needed && back <= state.periods.size(); ++back) {
      const PeriodOutcome& earlier = state.periods[state.periods.size() - back];
      if (earlier.index != index - static_cast<std::int64_t>(back)) break;
      met += earlier.own == kMet ? 1 : 0;
      missed |= earlier.own == kMissed;
    }
    outcome.state = missed ? kMissed : met == plan.periods_needed ? kMet : kUnknown;
  }
  const std::string label = contract.plan.period_rules[plan.period_rule].label(index);
  if (own == kUnknown) {
    notify_note(
        fmt::format("{}: {} could not be tested for {}: {} is unknown (no data in the "
                    "period), so the period is neither met nor missed",
                    contract.plan.title, plan.name, label, plan.period_test->source->span.text()));
  }
  const std::string words = settle_period_amounts(contract, clause, outcome);
  // What the period grants after caps and catch-up, for the transition's typed amount.
  std::optional<AmountResult> granted;
  if (outcome.granted) granted = AmountResult{true, *outcome.granted, outcome.cash, {}};
  transition(contract, clause, outcome.state, Transition::Cause{CauseKind::period_end, {}, 0},
             &*plan.period_test, label, granted ? &*granted : nullptr, words);
  state.periods.push_back(outcome);
}

RuntimeValue Engine::Impl::period_metric_value(const ContractRuntime& contract,
                                               std::uint32_t index) const {
  const MetricPlan& plan = contract.plan.metrics[index];
  const MetricState& running = contract.metrics[index];
  const MetricState* state = plan.previous_period ? running.closed.get() : &running;
  // A period without events has no value, not zero: a month with no availability reading is
  // not a month at 0%. A count is still a count.
  if (!state || !state->has_value) {
    RuntimeValue value;
    if (plan.fn == ast::AggregateFn::count && running.period) return value;
    value.known = false;
    return value;
  }
  return aggregate_value(plan, *state);
}

std::optional<Decimal> Engine::Impl::granted_by(ContractRuntime& contract, std::uint32_t clause) {
  const ClausePlan& plan = contract.plan.clauses[clause];
  const ClauseState& state = contract.clauses[clause];
  if (!plan.grant) return std::nullopt;
  if (plan.period_test) {
    const bool any_met = std::any_of(state.periods.begin(), state.periods.end(),
                                     [](const PeriodOutcome& p) { return p.granted.has_value(); });
    return any_met ? std::optional<Decimal>(state.period_granted) : std::nullopt;
  }
  if (state.lapsed || (state.stage == 0 && state.level != Level::holding)) return std::nullopt;
  if (state.granted) {
    return follows_splits(plan) ? *state.granted * contract.split_factor : *state.granted;
  }
  // Met before the amount was kept (a state saved by an older version): as it stands now.
  const AmountResult amount = evaluate_amount(contract, *plan.grant);
  return amount.known ? std::optional<Decimal>(amount.value) : std::nullopt;
}

std::optional<Decimal> Engine::Impl::cash_granted_by(ContractRuntime& contract,
                                                     std::uint32_t clause) {
  const ClausePlan& plan = contract.plan.clauses[clause];
  const ClauseState& state = contract.clauses[clause];
  if (!plan.grant || !plan.grant->cash_price) return std::nullopt;
  if (plan.period_test) {
    const bool any = std::any_of(state.periods.begin(), state.periods.end(),
                                 [](const PeriodOutcome& p) { return p.cash.has_value(); });
    return any ? std::optional<Decimal>(state.period_cash) : std::nullopt;
  }
  if (state.lapsed || (state.stage == 0 && state.level != Level::holding)) return std::nullopt;
  return state.granted_cash;
}

}  // namespace proviso
