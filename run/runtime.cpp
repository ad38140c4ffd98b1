// The engine's event loop: timers, events, clause evaluation and state changes. The public
// API around it is engine.cpp.
#include <fmt/format.h>

#include "run/render.hpp"
#include "run/runtime.hpp"

namespace proviso {

namespace {

std::optional<TradingCalendar> calendar_for(const LoadedContract& loaded) {
  const std::string& name = loaded.checked.calendar;
  if (name.empty()) return std::nullopt;
  for (const auto& declaration : loaded.file->declarations) {
    if (const auto* calendar = std::get_if<ast::CalendarDecl>(&declaration)) {
      if (calendar->name.text == name) return TradingCalendar::from_decl(*calendar);
    }
  }
  return find_stdlib_calendar(name);
}

}  // namespace

std::size_t Engine::Impl::schemas_size() const {
  std::size_t size = schemas.events.size();
  for (const EventSchema& event : schemas.events) size += event.fields.size();
  return size;
}

void Engine::Impl::start_contract(std::uint32_t index) {
  ContractRuntime& contract = *contracts[index];
  contract.index = index;
  // The instances of a template share one plan: it is compiled once, and again only when a
  // contract loaded later changes the event types it indexes.
  ContractShared& shared = *contract.shared;
  if (shared.compiled_for != schemas_size()) {
    shared.plan = compile(shared.loaded.checked, schemas, shared.declarer);
    shared.calendar = calendar_for(shared.loaded);
    shared.compiled_for = schemas_size();
  }
  contract.extended.reset();  // expressions compiled for tests are compiled again when asked
  contract.extra.clear();
  contract.metrics.assign(contract.plan.metrics.size(), MetricState{});
  contract.windows.assign(contract.plan.windows.size(), WindowState{});
  contract.latches.assign(contract.plan.latch_count, std::nullopt);
  contract.clauses.assign(contract.plan.clauses.size(), ClauseState{});
  contract.period_ends.assign(contract.plan.period_rules.size(), std::nullopt);
  contract.state_indices.assign(contract.plan.clauses.size(), StateIndices{});
  contract.tested_now.assign(contract.plan.clauses.size(), 0);
  for (std::uint32_t c = 0; c < contract.plan.clauses.size(); ++c) {
    const auto& states = contract.plan.clauses[c].instance->states;
    contract.clauses[c].entered.assign(states.size(), std::nullopt);
    StateIndices& indices = contract.state_indices[c];
    for (std::uint32_t s = 0; s < states.size(); ++s) {
      if (states[s] == "holding") indices.holding = s;
      if (states[s] == "breached") indices.breached = s;
    }
    if (states.back() == "lapsed") indices.lapsed = static_cast<std::uint32_t>(states.size() - 1);
  }
  contract.metric_changed.assign(contract.plan.metrics.size(), 0);
  start_reports(contract);
  contract.changed_metrics.clear();
  contract.dirty.assign(contract.plan.clauses.size(), 1);
  contract.started = !contract.plan.effective;
  contract.expired = false;
}

void Engine::Impl::arm_timers(std::uint32_t index) {
  ContractRuntime& contract = *contracts[index];
  const ContractPlan& plan = contract.plan;
  if (plan.effective) timers.push({plan.effective->micros, index, 0, Timer::Kind::effective});
  if (plan.expires) timers.push({plan.expires->micros, index, 0, Timer::Kind::expiry});
  for (std::uint32_t r = 0; r < contract.period_ends.size(); ++r) {
    if (contract.period_ends[r]) {
      timers.push({*contract.period_ends[r], index, r, Timer::Kind::period_end});
    }
  }
  // Fixed deadlines are armed now, so they fire even when no event reaches the clause; so are
  // the instants at which its fixed time tests change. A template's deadline may read the
  // instance's parameters: it is fixed once the instance is loaded.
  for (std::uint32_t c = 0; c < plan.clauses.size(); ++c) {
    for (const std::int64_t at : plan.clauses[c].time_boundaries) {
      timers.push({at, index, c, Timer::Kind::clock});
    }
    if (!plan.clauses[c].deadline) continue;
    if (const auto at = deadline_of(contract, plan.clauses[c])) {
      contract.clauses[c].deadline_armed = true;
      timers.push({*at, index, c, Timer::Kind::deadline});
    }
  }
}

void Engine::Impl::start_added(std::size_t first, std::size_t schemas_before) {
  // A contract that adds event types or fields changes the indices every plan uses: then every
  // contract starts again, else only the ones added.
  const bool restart = schemas_size() != schemas_before;
  if (restart) timers = {};
  routes_built = false;
  for (std::size_t i = restart ? 0 : first; i < contracts.size(); ++i) {
    start_contract(static_cast<std::uint32_t>(i));
    arm_timers(static_cast<std::uint32_t>(i));
  }
}

void Engine::Impl::apply_split(ContractRuntime& contract, const Event& event) {
  const SplitPlan& splits = *contract.plan.splits;
  if (splits.filter) {
    const RuntimeValue pass = evaluate(contract, *splits.filter, &event);
    if (!(pass.known && pass.flag)) return;
  }
  // A text ratio reads "2:1", "3-for-2" or "1:10" (new shares for old).
  const FieldSlot& slot = event.fields[splits.field];
  const bool written = schemas.events[event.type].fields[splits.field].type.is(Kind::text);
  const std::optional<Decimal> ratio_read = written ? parse_split_ratio(slot.text) : slot.number;
  if (!ratio_read || !(*ratio_read > Decimal())) {
    throw RuntimeError(
        Diagnostic{
            Severity::error, contract.loaded.checked.splits->decl->span,
            fmt::format("a split's ratio must be above 0, but this event gives {}",
                        written ? fmt::format("\"{}\"", slot.text) : slot.number.to_string()),
            "2, \"2:1\" and \"2-for-1\" are a 2-for-1 split; 0.1 and \"1:10\" a 1-for-10 "
            "reverse split"},
        "");
  }
  const Decimal& ratio = *ratio_read;
  try {
    contract.split_factor = contract.split_factor * ratio;
    for (std::uint32_t m : contract.plan.per_share_prices) {
      MetricState& state = contract.metrics[m];
      state.value.number = state.value.number / ratio;
      state.sum = state.sum / ratio;
      for (WindowEntry& entry : state.window) entry.value = entry.value / ratio;
      for (WindowEntry& entry : state.extremes) entry.value = entry.value / ratio;
      note_metric_change(contract, m);
      for (std::uint32_t c : contract.plan.clauses_by_metric[m]) contract.dirty[c] = 1;
    }
  } catch (const ArithmeticError& failure) {
    throw RuntimeError(Diagnostic{Severity::error,
                                  contract.loaded.checked.splits->decl->span,
                                  arithmetic_failure(failure, ""),
                                  {}},
                       "");
  }
  for (std::uint32_t c = 0; c < contract.plan.clauses.size(); ++c) {
    if (contract.plan.clauses[c].instance->decl->adjusted) contract.dirty[c] = 1;
  }
}

void Engine::Impl::pass_time(ContractRuntime& contract, std::int64_t now) {
  if (!contract.running().windows.empty()) roll_windows(contract, now);
  pass_periods(contract, now);
  for (std::uint32_t m : contract.plan.timed_metrics) {
    bool changed = false;
    expire_window_entries(contract, m, now, changed);
    if (changed) {
      note_metric_change(contract, m);
      for (std::uint32_t c : contract.plan.clauses_by_metric[m]) contract.dirty[c] = 1;
    }
  }
  for (std::uint32_t c : contract.plan.clock_clauses) contract.dirty[c] = 1;
}

void Engine::Impl::fire_timers(std::int64_t until) {
  // Deadlines a clause arms while a timer fires are due later, so the loop ends.
  while (!timers.empty() && timers.top().at <= until) {
    const Timer timer = timers.top();
    timers.pop();
    if (!clock || clock->micros < timer.at) clock = Timestamp{timer.at};
    try {
      fire(timer);
    } catch (const RuntimeError& failure) {
      if (!failure.cause().empty()) throw;
      throw RuntimeError(failure.diagnostic(),
                         fmt::format("the clock reaching {}", format_utc(Timestamp{timer.at})));
    }
  }
}

void Engine::Impl::fire(const Timer& timer) {
  ContractRuntime& contract = *contracts[timer.contract];
  switch (timer.kind) {
    case Timer::Kind::effective: {
      contract.started = true;
      pass_periods(contract, timer.at);
      std::fill(contract.dirty.begin(), contract.dirty.end(), 1);
      evaluate_dirty(contract, Transition::Cause{CauseKind::effective, {}, 0});
      return;
    }
    case Timer::Kind::deadline: {
      const ClausePlan& plan = contract.plan.clauses[timer.clause];
      ClauseState& state = contract.clauses[timer.clause];
      if (state.lapsed || state.stage >= plan.lapse_stage || contract.expired) return;
      transition(contract, timer.clause,
                 static_cast<std::uint32_t>(plan.instance->states.size() - 1),
                 Transition::Cause{CauseKind::deadline, {}, 0}, unmet_stage(plan, state));
      evaluate_dirty(contract, Transition::Cause{CauseKind::deadline, {}, 0});
      return;
    }
    case Timer::Kind::period_end: {
      // Periods of several rules may end at one instant; the first of their timers closes all.
      if (contract.period_ends[timer.clause] == timer.at) close_periods(contract, timer.at);
      return;
    }
    case Timer::Kind::clock: {
      contract.dirty[timer.clause] = 1;
      evaluate_dirty(contract, Transition::Cause{CauseKind::clock, {}, 0});
      return;
    }
    case Timer::Kind::expiry: {
      for (std::uint32_t c = 0; c < contract.plan.clauses.size(); ++c) {
        const ClausePlan& plan = contract.plan.clauses[c];
        const ClauseState& state = contract.clauses[c];
        const bool unfinished =
            !plan.stages.empty() && !state.lapsed && state.stage < plan.stages.size();
        if (!unfinished) continue;
        const std::uint32_t lapsed = contract.state_indices[c].lapsed;
        if (lapsed == StateIndices::kNone) continue;  // no way to lapse: it stays where it is
        transition(contract, c, lapsed, Transition::Cause{CauseKind::expiry, {}, 0},
                   unmet_stage(plan, state));
      }
      contract.expired = true;
      return;
    }
  }
}

void Engine::Impl::process(const Event& event) {
  // Reused across events: assigning into its strings allocates nothing in the steady state.
  Transition::Cause& cause = event_cause;
  cause.kind = CauseKind::event;
  if (event.log < log_names.size()) {
    cause.file.assign(log_names[event.log]);
  } else {
    cause.file.clear();
  }
  cause.line = event.line;
  ++counters.events;
  try {
    // Only the contracts that declare the event's type, and of those only the ones whose
    // filters it may pass (runtime_routes.cpp): another contract's events neither move a
    // contract's clock nor its windows.
    for (const Visit& visit : contracts_for(event)) {
      ContractRuntime& contract = *contracts[visit.contract];
      if (contract.expired) continue;
      // Its line lacks a field this contract declares, or gives a bad value for it: skipped
      // for it alone.
      if (!event.withheld.empty() && std::find(event.withheld.begin(), event.withheld.end(),
                                               contract.plan.declarer) != event.withheld.end()) {
        continue;
      }
      ++counters.contract_visits;
      contract.visited_day = local_day(*contract.plan.zone, event.ts.micros);
      pass_time(contract, event.ts.micros);
      // What the index knows of the filters: a contract that keeps reports admits each one
      // before its filters are looked at, so it evaluates them.
      const Visit::Filters filters = contract.reports ? Visit::Filters::unknown : visit.filters;
      if (filters == Visit::Filters::fail) {
        evaluate_dirty(contract, cause);  // what the passing of time changed
        continue;
      }
      if (contract.reports) {
        const ReportAdmission admitted = admit_report(contract, event);
        if (admitted == ReportAdmission::correction) evaluate_dirty(contract, cause);
        if (admitted != ReportAdmission::report) continue;
      }
      if (contract.plan.splits && event.type == contract.plan.splits->event_type) {
        apply_split(contract, event);
      }
      if (event.type < contract.plan.metrics_by_event.size()) {
        for (std::uint32_t m : contract.plan.metrics_by_event[event.type]) {
          const MetricPlan& metric = contract.plan.metrics[m];
          if (metric.filter && filters == Visit::Filters::unknown) {
            const RuntimeValue pass = evaluate(contract, *metric.filter, &event);
            if (!(pass.known && pass.flag)) continue;
          }
          if (before_first_day(contract, metric, event)) continue;
          update_metric(contract, m, event);
          note_metric_change(contract, m);
          for (std::uint32_t c : contract.plan.clauses_by_metric[m]) contract.dirty[c] = 1;
          for (std::uint32_t w = 0; w < contract.running().windows.size(); ++w) {
            const auto& inputs = contract.running().windows[w].input_metrics;
            if (std::find(inputs.begin(), inputs.end(), m) != inputs.end())
              sample_window(contract, w);
          }
        }
      }
      if (contract.shared->plan.clauses.size() && has_tested_at(contract)) {
        mark_tested(contract, event, filters);
        evaluate_dirty(contract, cause);
        std::fill(contract.tested_now.begin(), contract.tested_now.end(), 0);
      } else {
        evaluate_dirty(contract, cause);
      }
    }
    if (!listeners.empty()) report_changes(event);
  } catch (const RuntimeError& failure) {
    throw RuntimeError(failure.diagnostic(), cause.file.empty()
                                                 ? fmt::format("event at {}", format_utc(event.ts))
                                                 : fmt::format("{}:{}", cause.file, cause.line));
  }
}

bool Engine::Impl::has_tested_at(const ContractRuntime& contract) {
  return std::any_of(contract.plan.clauses.begin(), contract.plan.clauses.end(),
                     [](const ClausePlan& clause) { return clause.tested_at.has_value(); });
}

void Engine::Impl::mark_tested(ContractRuntime& contract, const Event& event,
                               Visit::Filters filters) {
  for (std::uint32_t c = 0; c < contract.plan.clauses.size(); ++c) {
    const auto& tested = contract.plan.clauses[c].tested_at;
    if (!tested || tested->event_type != event.type) continue;
    if (tested->filter && filters == Visit::Filters::unknown) {
      const RuntimeValue pass = evaluate(contract, *tested->filter, &event);
      if (!(pass.known && pass.flag)) continue;
    }
    contract.tested_now[c] = 1;
    contract.dirty[c] = 1;
  }
}

bool Engine::Impl::before_first_day(const ContractRuntime& contract, const MetricPlan& metric,
                                    const Event& event) {
  if (!metric.first_day && !metric.first_day_parameter) return false;
  const std::int32_t first = metric.first_day_parameter
                                 ? first_day_of(contract, *metric.first_day_parameter)
                                 : *metric.first_day;
  return local_day(*contract.plan.zone, event.ts.micros) < first;
}

std::int32_t Engine::Impl::first_day_of(const ContractRuntime& contract, std::uint32_t parameter) {
  const RuntimeValue& value = contract.parameters.at(parameter);
  // A date parameter is a day; a timestamp parameter counts from its day in the contract's zone.
  if (contract.loaded.checked.parameters.at(parameter).type.is(Kind::date)) {
    return static_cast<std::int32_t>(value.time);
  }
  return contract.plan.zone->local_date(Timestamp{value.time}).days;
}

void Engine::Impl::evaluate_dirty(ContractRuntime& contract, const Transition::Cause& cause) {
  if (!contract.started || contract.expired) return;
  // Clauses only move forward, and a level clause changes at most once per instant, so the
  // passes end; a pass re-runs only when a transition marked an earlier clause.
  bool again = true;
  while (again) {
    again = false;
    for (std::uint32_t c = 0; c < contract.plan.clauses.size(); ++c) {
      if (!contract.dirty[c]) continue;
      contract.dirty[c] = 0;
      if (evaluate_clause(contract, c, cause)) {
        for (std::uint32_t d : contract.plan.clauses_by_clause[c]) {
          if (d <= c) again = true;
        }
      }
    }
  }
}

// Evaluates a clause, then asks to be woken when one of its time tests (`within 30 days after
// T1.vested_at`, `after X.holding_at + 30 days`) next changes its answer, even if no event
// arrives then.
bool Engine::Impl::evaluate_clause(ContractRuntime& contract, std::uint32_t index,
                                   const Transition::Cause& cause) {
  next_change.reset();
  const bool changed = evaluate_clause_now(contract, index, cause);
  ClauseState& state = contract.clauses[index];
  if (next_change && !state.lapsed && state.wake != next_change) {
    timers.push({*next_change, contract.index, index, Timer::Kind::clock});
    state.wake = next_change;
  }
  return changed;
}

bool Engine::Impl::evaluate_clause_now(ContractRuntime& contract, std::uint32_t index,
                                       const Transition::Cause& cause) {
  const ClausePlan& plan = contract.plan.clauses[index];
  ClauseState& state = contract.clauses[index];
  if (state.lapsed) return false;
  bool changed = false;
  if (plan.deadline && !state.deadline_armed && state.stage < plan.lapse_stage) {
    if (const auto at = deadline_of(contract, plan)) {
      state.deadline_armed = true;
      if (clock && *at <= clock->micros) {
        // Already due: a clause whose deadline has passed cannot be met any more.
        transition(contract, index, static_cast<std::uint32_t>(plan.instance->states.size() - 1),
                   Transition::Cause{CauseKind::deadline, {}, 0}, unmet_stage(plan, state));
        return true;
      }
      timers.push({*at, contract.index, index, Timer::Kind::deadline});
    }
  }
  // `tested at each …`: the conditions are looked at only after those events.
  if (plan.tested_at && !contract.tested_now[index]) return changed;
  for (std::uint32_t prerequisite : plan.prerequisites) {
    if (!has_been_met(contract, prerequisite)) {
      update_latches(contract, plan, state.stage);
      return changed;
    }
  }
  if (plan.holds_while) {
    const RuntimeValue holds = evaluate(contract, *plan.holds_while);
    if (!holds.known) return changed;
    const Level level = holds.flag ? Level::holding : Level::breached;
    if (level == state.level) return changed;
    if (state.last_level_change && clock && *state.last_level_change == clock->micros) {
      return changed;  // at most one change per instant: a circle of level clauses settles
    }
    const StateIndices& indices = contract.state_indices[index];
    transition(contract, index, holds.flag ? indices.holding : indices.breached, cause,
               &*plan.holds_while);
    state.level = level;
    if (clock) state.last_level_change = clock->micros;
    return true;
  }
  while (state.stage < plan.stages.size()) {
    const Program& condition = plan.stages[state.stage];
    const RuntimeValue met = evaluate(contract, condition);
    if (!(met.known && met.flag)) break;
    transition(contract, index, state.stage + 1, cause, &condition);
    changed = true;
  }
  update_latches(contract, plan, state.stage + 1);
  return changed;
}

std::optional<std::int64_t> Engine::Impl::deadline_of(ContractRuntime& contract,
                                                      const ClausePlan& plan) {
  const RuntimeValue deadline = evaluate(contract, *plan.deadline);
  if (!deadline.known) return std::nullopt;  // T1.vested_at + 2 years, before T1 vests
  if (contract.plan.types.at(plan.deadline->source->id).is(Kind::date)) {
    // A date deadline is the end of that day: "by 2030-10-06" includes 6 October.
    return contract.plan.zone->start_of_day(Date{static_cast<std::int32_t>(deadline.time) + 1})
        .micros;
  }
  return deadline.time;
}

void Engine::Impl::update_latches(ContractRuntime& contract, const ClausePlan& plan,
                                  std::uint32_t from_stage) {
  // `once C` holds from the first instant C held, also in a stage not reached yet or while a
  // prerequisite is pending: such programs run for their latches alone.
  for (std::uint32_t s = from_stage; s < plan.stages.size(); ++s) {
    if (plan.stages[s].has_latch) evaluate(contract, plan.stages[s]);
  }
  if (plan.holds_while && plan.holds_while->has_latch) evaluate(contract, *plan.holds_while);
}

const Program* Engine::Impl::unmet_stage(const ClausePlan& plan, const ClauseState& state) {
  if (plan.holds_while) return &*plan.holds_while;
  return state.stage < plan.stages.size() ? &plan.stages[state.stage] : nullptr;
}

ClauseStage Engine::Impl::stage_of(const ContractRuntime& contract, std::uint32_t clause) {
  const ClausePlan& plan = contract.plan.clauses[clause];
  const ClauseState& state = contract.clauses[clause];
  const StateIndices& indices = contract.state_indices[clause];
  const auto& states = plan.instance->states;
  std::uint32_t index = 0;
  if (state.lapsed) {
    index = static_cast<std::uint32_t>(states.size() - 1);
  } else if (plan.holds_while) {
    if (state.level == Level::holding) index = indices.holding;
    if (state.level == Level::breached) index = indices.breached;
  } else {
    index = state.stage;
  }
  return {index, states[index]};
}

void Engine::Impl::transition(ContractRuntime& contract, std::uint32_t clause,
                              std::uint32_t to_state, const Transition::Cause& cause,
                              const Program* decided_by, std::string_view period,
                              const AmountResult* period_amount, std::string_view period_words) {
  const ClausePlan& plan = contract.plan.clauses[clause];
  ClauseState& state = contract.clauses[clause];
  const Timestamp at = clock.value_or(Timestamp{});
  const bool lapses = to_state == contract.state_indices[clause].lapsed;
  // The amount is evaluated at the instant the clause is met, with the metrics as they stand.
  std::optional<AmountResult> amount;
  if (period_amount) {
    amount = *period_amount;
  } else if (plan.grant && !plan.period_test && !lapses) {
    const bool starts_granting = plan.holds_while
                                     ? to_state == contract.state_indices[clause].holding
                                     : state.stage == 0 && to_state > 0;
    if (starts_granting) {
      amount = evaluate_amount(contract, *plan.grant);
      // A share count subject to adjustment is kept in the terms before any split, so that
      // later splits multiply shares already granted too (granted_by applies them).
      const Decimal kept_factor =
          follows_splits(plan) ? contract.split_factor : Decimal::from_int(1);
      state.granted =
          amount->known ? std::optional<Decimal>(amount->value / kept_factor) : std::nullopt;
      state.granted_cash = amount->known ? amount->cash : std::nullopt;
      if (!amount->known) {
        notify_note(
            fmt::format("{}: {} is met but what it grants cannot be computed ({}), so it "
                        "is not counted",
                        contract.plan.title, plan.name, amount->unknown));
      }
    }
  }
  // Built only when someone listens. The values are taken before the change, as the condition
  // saw them ("Warrant = vested" for a stage that needs `Warrant vested`).
  std::optional<Transition> transition;
  if (observed()) {
    transition = Transition{at,
                            contract.plan.title,
                            plan.name,
                            stage_of(contract, clause),
                            {to_state, plan.instance->states[to_state]},
                            cause,
                            {},
                            contract.instance,
                            std::string(period),
                            {},
                            {},
                            {},
                            {},
                            false,
                            std::string(period_words)};
    if (decided_by) transition->values = deciding_values(contract, *decided_by, *plan.instance);
    if (amount && amount->known) {
      RuntimeValue value;
      value.number = amount->value;
      transition->amount =
          render_value(value, plan.grant->amount.type, contract, ValueForm::engine);
      transition->amount_value = typed_value(value, plan.grant->amount.type, contract);
      if (amount->cash) {
        value.number = *amount->cash;
        transition->cash_in_lieu =
            render_value(value, plan.grant->cash_type, contract, ValueForm::engine);
        transition->cash_value = typed_value(value, plan.grant->cash_type, contract);
      }
    }
  }
  if (lapses) {
    state.lapsed = true;
  } else if (!plan.holds_while) {
    state.stage = to_state;
  }
  state.entered[to_state] = at;
  mark_dependents(contract, clause);
  if (!transition) return;
  if (callback) callback(*transition);
  for (EngineListener* listener : listeners) listener->on_transition(*transition);
}

void Engine::Impl::notify_note(const std::string& note) {
  if (note_callback) note_callback(note);
  for (EngineListener* listener : listeners) listener->on_note(note);
}

void Engine::Impl::note_metric_change(ContractRuntime& contract, std::uint32_t m) {
  if (listeners.empty() || contract.metric_changed[m]) return;
  contract.metric_changed[m] = 1;
  contract.changed_metrics.push_back(m);
}

void Engine::Impl::report_changes(const Event& event) {
  changes.clear();
  for (auto& owned : contracts) {
    ContractRuntime& contract = *owned;
    if (contract.changed_metrics.empty()) continue;
    // A derived metric reads others, so it may have moved with any of them.
    for (std::uint32_t m = 0; m < contract.plan.metrics.size(); ++m) {
      if (contract.plan.metrics[m].derived) note_metric_change(contract, m);
    }
    MetricChanges& change = changes.emplace_back();
    change.contract = contract.index;
    change.metrics.swap(contract.changed_metrics);
    std::sort(change.metrics.begin(), change.metrics.end());
    for (std::uint32_t m : change.metrics) contract.metric_changed[m] = 0;
  }
  for (EngineListener* listener : listeners) listener->on_event(event, changes);
  // Hand the buffers back, so that the next event allocates nothing.
  for (MetricChanges& change : changes) {
    change.metrics.clear();
    contracts[change.contract]->changed_metrics.swap(change.metrics);
  }
}

// `after X`: X reached its first met state, or (for `holds while`) has been holding.
bool Engine::Impl::has_been_met(const ContractRuntime& contract, std::uint32_t clause) const {
  const ClauseState& state = contract.clauses[clause];
  // A clause tested per period has been met once one period met it.
  if (contract.plan.clauses[clause].period_test) return state.entered[1].has_value();
  if (state.stage > 0) return true;
  const std::uint32_t holding = contract.state_indices[clause].holding;
  return holding != StateIndices::kNone && state.entered[holding].has_value();
}

void Engine::Impl::mark_dependents(ContractRuntime& contract, std::uint32_t clause) {
  for (std::uint32_t d : contract.plan.clauses_by_clause[clause]) contract.dirty[d] = 1;
}

}  // namespace proviso
