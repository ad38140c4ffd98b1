// Reports and their restatements (docs/reference.md §7 "Reports and corrections"). An event
// type with an `id` field is a report: a copy of a report already counted counts once, and an
// event whose `corrects` names an earlier report's id replaces that report's figure in every
// aggregate it counted in, in the period of the report it corrects. A clause tested per period
// whose outcome changes because of it is tested again, with a timeline line at the correction.
#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "run/render.hpp"
#include "run/reports.hpp"
#include "run/runtime.hpp"

namespace proviso {

namespace {

// Closed periods whose metric states are kept for corrections, per period rule.
constexpr std::int64_t kKeptPeriods = 24;

// The states of a clause tested per period (see periods.cpp).
constexpr std::uint32_t kMet = 1;
constexpr std::uint32_t kMissed = 2;
constexpr std::uint32_t kUnknown = 3;

class BadReport : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

bool same_slot(const FieldSlot& a, const FieldSlot& b) {
  return a.number == b.number && a.instant == b.instant && a.flag == b.flag && a.text == b.text;
}

}  // namespace

void Engine::Impl::start_reports(ContractRuntime& contract) {
  contract.reports.reset();
  for (const auto& [name, info] : contract.loaded.checked.events) {
    const std::uint32_t* type = schemas.find(name);
    if (!type || info.field_index("id") < 0) continue;
    const EventSchema& schema = schemas.events[*type];
    ReportType report;
    for (std::uint32_t f = 0; f < schema.fields.size(); ++f) {
      const std::string& field = schema.fields[f].name;
      if (info.field_index(field) < 0) continue;
      if (field == "id") report.id = f;
      if (field == "corrects") {
        report.corrects = f;
      } else if (field != "id") {
        report.compared.push_back(f);
      }
    }
    if (!contract.reports) contract.reports = std::make_shared<ReportBook>();
    contract.reports->types.resize(schemas.events.size());
    contract.reports->types[*type] = std::move(report);
  }
}

void Engine::Impl::note_resumed_reports(ContractRuntime& contract) {
  if (contract.reports) contract.reports->resumed = true;
}

void Engine::Impl::keep_closed_period(ContractRuntime& contract, std::uint32_t rule,
                                      std::int64_t index) {
  if (!contract.reports) return;
  auto& kept = contract.reports->closed[{rule, index}];
  for (std::uint32_t m = 0; m < contract.plan.metrics.size(); ++m) {
    if (contract.plan.metrics[m].period == rule) kept[m] = contract.metrics[m];
  }
  auto& closed = contract.reports->closed;
  closed.erase(closed.lower_bound({rule, INT64_MIN}),
               closed.lower_bound({rule, index - kKeptPeriods + 1}));
}

namespace {

// What the engine does for one correction, kept out of Engine::Impl's header.
class Restatement {
 public:
  Restatement(Engine::Impl& engine, ContractRuntime& contract, ReportBook& book, ReportType& type,
              const Event& old_figure, const Event& new_figure)
      : engine_(engine),
        contract_(contract),
        book_(book),
        type_(type),
        old_(old_figure),
        new_(new_figure) {}

  // Replaces the figure in every aggregate of the report's type, then tests again the closed
  // periods it changed.
  void apply() {
    const ContractPlan& plan = contract_.plan;
    if (old_.type >= plan.metrics_by_event.size()) return;
    check_reach();
    std::vector<std::pair<std::uint32_t, std::int64_t>> retest;
    for (std::uint32_t m : plan.metrics_by_event[old_.type]) {
      const MetricPlan& metric = plan.metrics[m];
      if (metric.windowed()) continue;  // a window takes figures as they come (§7)
      MetricState& running = contract_.metrics[m];
      if (!metric.period) {
        restate(m, running, std::nullopt);
        changed(m);
        continue;
      }
      const PeriodRule& rule = plan.period_rules[*metric.period];
      const std::int64_t period = rule.index_of(plan.zone->local_date(old_.ts));
      if (running.period == period) {
        restate(m, running, period);
        changed(m);
        continue;
      }
      const auto kept = book_.closed.find({*metric.period, period});
      if (kept == book_.closed.end()) continue;  // a period before the contract started
      if (std::find(retest.begin(), retest.end(), kept->first) == retest.end()) {
        retest.push_back(kept->first);
        before_[kept->first] = kept->second;
      }
      restate(m, kept->second[m], period);
      if (running.period && *running.period == period + 1 && running.closed) {
        auto copy = std::make_shared<MetricState>(*running.closed);
        restate(m, *copy, period);
        running.closed = std::move(copy);
        changed(m);
      }
    }
    for (const auto& [rule, period] : retest) retest_period(rule, period);
  }

 private:
  // Before anything changes: every closed period the report counted in is still kept.
  void check_reach() const {
    const ContractPlan& plan = contract_.plan;
    for (std::uint32_t m : plan.metrics_by_event[old_.type]) {
      const MetricPlan& metric = plan.metrics[m];
      if (metric.windowed() || !metric.period) continue;
      const PeriodRule& rule = plan.period_rules[*metric.period];
      const std::int64_t period = rule.index_of(plan.zone->local_date(old_.ts));
      const MetricState& running = contract_.metrics[m];
      if (running.period == period || book_.closed.count({*metric.period, period})) continue;
      throw BadReport(fmt::format(
          "it corrects a figure of {}, a period no longer kept; corrections reach the running "
          "period and the {} before it{}",
          rule.label(period), kKeptPeriods,
          book_.resumed ? " that ended since the run resumed (a saved state keeps the reports, not "
                          "the closed periods)"
                        : ""));
    }
  }

  bool passes(std::uint32_t m, const Event& event) {
    const MetricPlan& metric = contract_.plan.metrics[m];
    if (!metric.filter) return true;
    const RuntimeValue pass = engine_.evaluate(contract_, *metric.filter, &event);
    return pass.known && pass.flag;
  }

  // Takes the old figure's part out of `state` and puts the new one's in: sums, counts and
  // averages in O(1); min, max, first and latest from the kept reports of the period.
  void restate(std::uint32_t m, MetricState& state, std::optional<std::int64_t> period) {
    const MetricPlan& metric = contract_.plan.metrics[m];
    const int sign_old = passes(m, old_) ? 1 : 0;
    const int sign_new = passes(m, new_) ? 1 : 0;
    auto value = [&](const Event& e) { return e.fields[metric.field].number; };
    auto weighted = [&](const Event& e) {
      return metric.fn == ast::AggregateFn::vwap ? value(e) * e.fields[metric.weight].number
                                                 : value(e);
    };
    switch (metric.fn) {
      case ast::AggregateFn::count:
        state.count = state.count - sign_old + sign_new;
        return;
      case ast::AggregateFn::sum:
      case ast::AggregateFn::average:
      case ast::AggregateFn::vwap:
        if (sign_old) state.sum = state.sum - weighted(old_);
        if (sign_new) state.sum = state.sum + weighted(new_);
        if (metric.fn == ast::AggregateFn::average) state.count = state.count - sign_old + sign_new;
        if (metric.fn == ast::AggregateFn::vwap) {
          if (sign_old) state.weight_sum = state.weight_sum - old_.fields[metric.weight].number;
          if (sign_new) state.weight_sum = state.weight_sum + new_.fields[metric.weight].number;
        }
        state.has_value = state.has_value || sign_new;
        return;
      case ast::AggregateFn::first:
      case ast::AggregateFn::latest:
      case ast::AggregateFn::min:
      case ast::AggregateFn::max:
        rebuild(m, state, period);
        return;
    }
  }

  // Runs the metric's update over every kept report of the period (all of them without one),
  // latest figures at their first instants, in that order.
  void rebuild(std::uint32_t m, MetricState& state, std::optional<std::int64_t> period) {
    const ContractPlan& plan = contract_.plan;
    const MetricPlan& metric = plan.metrics[m];
    std::vector<const Event*> figures;
    for (const Report& report : type_.reports) {
      if (period && plan.period_rules[*metric.period].index_of(
                        plan.zone->local_date(report.figure.ts)) != *period) {
        continue;
      }
      if (passes(m, report.figure)) figures.push_back(&report.figure);
    }
    std::stable_sort(figures.begin(), figures.end(),
                     [](const Event* a, const Event* b) { return a->ts < b->ts; });
    MetricState saved = std::move(contract_.metrics[m]);
    contract_.metrics[m] = MetricState{};
    for (const Event* figure : figures) engine_.update_metric(contract_, m, *figure);
    MetricState rebuilt = std::move(contract_.metrics[m]);
    contract_.metrics[m] = std::move(saved);
    state.has_value = rebuilt.has_value;
    state.text = std::move(rebuilt.text);
    state.value = rebuilt.value;
    if (state.value.known && !state.text.empty()) state.value.text = state.text;
  }

  void changed(std::uint32_t m) {
    engine_.note_metric_change(contract_, m);
    for (std::uint32_t c : contract_.plan.clauses_by_metric[m]) contract_.dirty[c] = 1;
  }

  // The rule's period metrics read `states` while `run` runs; then their own states return.
  template <typename Run>
  void with_period_states(std::uint32_t rule, const std::map<std::uint32_t, MetricState>& states,
                          Run run) {
    std::vector<std::pair<std::uint32_t, MetricState>> saved;
    for (const auto& [m, state] : states) {
      if (contract_.plan.metrics[m].period != rule) continue;
      saved.emplace_back(m, std::move(contract_.metrics[m]));
      contract_.metrics[m] = state;
    }
    run();
    for (auto& [m, state] : saved) contract_.metrics[m] = std::move(state);
  }

  // A period's own outcome, and with `in each of the last N …` the N periods' outcome.
  std::pair<std::uint32_t, std::uint32_t> outcome_of(std::uint32_t clause, std::int64_t index) {
    const ClausePlan& plan = contract_.plan.clauses[clause];
    const RuntimeValue value = engine_.evaluate(contract_, *plan.period_test);
    const std::uint32_t own = value.known ? (value.flag ? kMet : kMissed) : kUnknown;
    if (plan.periods_needed <= 1) return {own, own};
    const auto& periods = contract_.clauses[clause].periods;
    std::uint32_t met = own == kMet ? 1 : 0;
    bool missed = own == kMissed;
    for (std::size_t back = 1; back < plan.periods_needed; ++back) {
      const auto earlier =
          std::find_if(periods.begin(), periods.end(), [&](const PeriodOutcome& p) {
            return p.index == index - static_cast<std::int64_t>(back);
          });
      if (earlier == periods.end()) break;
      met += earlier->own == kMet ? 1 : 0;
      missed |= earlier->own == kMissed;
    }
    return {missed ? kMissed : met == plan.periods_needed ? kMet : kUnknown, own};
  }

  void retest_period(std::uint32_t rule, std::int64_t index) {
    const ContractPlan& plan = contract_.plan;
    const std::string label = plan.period_rules[rule].label(index);
    const Transition::Cause& cause = engine_.event_cause;
    const std::string where = fmt::format("{}:{}", cause.file, cause.line);
    for (std::uint32_t c = 0; c < plan.clauses.size(); ++c) {
      const ClausePlan& clause = plan.clauses[c];
      if (!clause.period_test || clause.period_rule != rule) continue;
      ClauseState& state = contract_.clauses[c];
      const auto outcome = std::find_if(state.periods.begin(), state.periods.end(),
                                        [&](const PeriodOutcome& p) { return p.index == index; });
      if (outcome == state.periods.end()) continue;
      std::vector<Transition::Value> reported_values;
      std::vector<Transition::Value> values;
      std::pair<std::uint32_t, std::uint32_t> now{kUnknown, kUnknown};
      std::optional<Decimal> granted;
      if (engine_.observed()) {
        with_period_states(rule, before_.at({rule, index}), [&] {
          reported_values =
              engine_.deciding_values(contract_, *clause.period_test, *clause.instance);
        });
      }
      with_period_states(rule, book_.closed.at({rule, index}), [&] {
        now = outcome_of(c, index);
        if (now.first == kMet && clause.grant) {
          const AmountResult grant = engine_.evaluate_amount(contract_, *clause.grant);
          if (grant.known) granted = grant.value;
        }
        if (engine_.observed()) {
          values = engine_.deciding_values(contract_, *clause.period_test, *clause.instance);
        }
      });
      // "as reported → as corrected" where a value moved.
      for (std::size_t i = 0; i < values.size() && i < reported_values.size(); ++i) {
        if (values[i].value != reported_values[i].value) {
          values[i].value = fmt::format("{} → {}", reported_values[i].value, values[i].value);
        }
      }
      const std::uint32_t was = outcome->state;
      // Payments for missed periods, caps and catch-ups are settled once, at a period's end
      // (ledger.cpp): re-settling one period would move later periods' caps and catch-ups, so
      // what such a clause granted and paid stays as settled.
      const bool settled = clause.missed_payment || !clause.caps.empty() || clause.catch_up;
      if (settled) granted = outcome->granted;
      const bool grant_moved = granted != outcome->granted;
      if (now.first == was && !grant_moved) {
        engine_.notify_note(fmt::format("{}: {} for {} stays {}: its figures are corrected by {}",
                                        plan.title, clause.name, label,
                                        clause.instance->states[was], where));
        continue;
      }
      if (!outcome->reported) {
        outcome->reported = was;
        outcome->reported_granted = outcome->granted;
      }
      state.period_granted =
          state.period_granted - outcome->granted.value_or(Decimal()) + granted.value_or(Decimal());
      outcome->state = now.first;
      outcome->own = now.second;
      outcome->granted = granted;
      outcome->restated_by = where;
      if (now.first == was) {
        const auto show = [&](const std::optional<Decimal>& amount) {
          if (!amount) return std::string("nothing");
          const Type& type = clause.grant->amount.type;
          return render_amount(*amount, type.is(Kind::quantity) ? type.unit : std::string(),
                               contract_.loaded.checked.units);
        };
        engine_.notify_note(
            fmt::format("{}: {} for {} stays {}; corrected by {}, it grants {} instead of {}",
                        plan.title, clause.name, label, clause.instance->states[was], where,
                        show(granted), show(outcome->reported_granted)));
        continue;
      }
      if (settled) {
        engine_.notify_note(fmt::format(
            "{}: {} for {} is restated {} → {}; its payments for missed periods, caps and "
            "catch-ups stay as settled when the period ended",
            plan.title, clause.name, label, clause.instance->states[was],
            clause.instance->states[now.first]));
      }
      announce(c, index, was, now.first, label, std::move(values));
    }
  }

  // The timeline line for a period's outcome changed by a correction; the clause's own state
  // follows when the period is the last one tested.
  void announce(std::uint32_t c, std::int64_t index, std::uint32_t was, std::uint32_t now,
                const std::string& label, std::vector<Transition::Value> values) {
    const ClausePlan& clause = contract_.plan.clauses[c];
    ClauseState& state = contract_.clauses[c];
    const Timestamp at = engine_.clock.value_or(Timestamp{});
    if (state.periods.back().index == index) {
      state.stage = now;
      state.entered[now] = at;
      engine_.mark_dependents(contract_, c);
    }
    if (!engine_.observed()) return;
    Transition transition{at,
                          contract_.plan.title,
                          clause.name,
                          {was, clause.instance->states[was]},
                          {now, clause.instance->states[now]},
                          engine_.event_cause,
                          std::move(values),
                          contract_.instance,
                          label,
                          {},
                          {},
                          {},
                          {},
                          true,
                          {}};
    if (engine_.callback) engine_.callback(transition);
    for (EngineListener* listener : engine_.listeners) listener->on_transition(transition);
  }

  Engine::Impl& engine_;
  ContractRuntime& contract_;
  ReportBook& book_;
  ReportType& type_;
  const Event& old_;
  const Event& new_;
  // The kept states of each period tested again, as they were before this correction.
  std::map<std::pair<std::uint32_t, std::int64_t>, std::map<std::uint32_t, MetricState>> before_;
};

}  // namespace

Engine::Impl::ReportAdmission Engine::Impl::admit_report(ContractRuntime& contract,
                                                         const Event& event) {
  ReportBook& book = *contract.reports;
  if (event.type >= book.types.size() || !book.types[event.type]) return ReportAdmission::report;
  ReportType& type = *book.types[event.type];
  const std::string& name = schemas.events[event.type].name;
  const std::string where = fmt::format("{}:{}", event_cause.file, event_cause.line);
  try {
    const std::string& id = event.fields[type.id].text;
    if (id.empty()) {
      throw BadReport(
          fmt::format("field id is empty: a {} needs an id, to be counted once and "
                      "corrected later",
                      name));
    }
    const std::string* corrected = nullptr;
    if (type.corrects && !event.fields[*type.corrects].text.empty()) {
      corrected = &event.fields[*type.corrects].text;
    }
    const auto same_as = [&](const std::vector<FieldSlot>& fields) {
      return std::all_of(type.compared.begin(), type.compared.end(),
                         [&](std::uint32_t f) { return same_slot(fields[f], event.fields[f]); });
    };
    const auto same_values = [&](const Report& report) { return same_as(report.figure.fields); };
    const auto seen = type.by_id.find(id);
    // A line sent again after a correction replaced it (the original, or an earlier
    // correction, under an id already read) is a copy too: it must not undo the correction.
    if (seen != type.by_id.end()) {
      const Report& report = type.reports[seen->second];
      if (same_values(report) ||
          std::any_of(report.earlier.begin(), report.earlier.end(), same_as)) {
        return ReportAdmission::duplicate;
      }
    }
    if (!corrected) {
      if (seen == type.by_id.end()) {
        type.by_id.emplace(id, type.reports.size());
        type.reports.push_back(Report{event, where, {}});
        return ReportAdmission::report;
      }
      const Report& report = type.reports[seen->second];
      if (same_values(report)) return ReportAdmission::duplicate;
      throw BadReport(fmt::format(
          "{} \"{}\" was reported before, at {}, with other figures; a restatement says which "
          "report it corrects: give it \"corrects\": \"{}\"",
          name, id, report.where, id));
    }
    const auto target = type.by_id.find(*corrected);
    if (target == type.by_id.end()) {
      throw BadReport(
          fmt::format("field corrects: no {} with id \"{}\" was read before", name, *corrected));
    }
    if (seen != type.by_id.end() && seen->second != target->second) {
      throw BadReport(fmt::format("field id: \"{}\" is the id of another {}, read at {}", id, name,
                                  type.reports[seen->second].where));
    }
    Report& report = type.reports[target->second];
    if (same_values(report)) {
      // The figure it gives is already the latest: nothing moves, but its id names it from now.
      type.by_id.emplace(id, target->second);
      return ReportAdmission::duplicate;
    }
    Event restated = event;
    restated.ts = report.figure.ts;
    Report before = report;
    report.earlier.push_back(before.figure.fields);
    // The book holds the new figure before the aggregates are taken again from it.
    report.figure = std::move(restated);
    report.where = where;
    try {
      Restatement(*this, contract, book, type, before.figure, report.figure).apply();
    } catch (const BadReport&) {
      report = std::move(before);
      throw;
    }
    type.by_id.emplace(id, target->second);
    return ReportAdmission::correction;
  } catch (const BadReport& bad) {
    if (!skip_bad_reports) {
      throw RuntimeError(Diagnostic{Severity::error, {}, bad.what(), {}}, where);
    }
    notify_note(
        fmt::format("{}: {} skipped for {}: {}", where, name, contract.plan.title, bad.what()));
    return ReportAdmission::skipped;
  }
}

}  // namespace proviso
