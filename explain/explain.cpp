// Engine::explain: a clause's conditions as trees. Every value is read from a trace of the
// program the clause runs, so a family member shows its own targets, an adjusted clause its
// split-adjusted ones, and windows and latches their own history.
#include "explain/explain.hpp"

#include <fmt/format.h>

#include "explain/explainer.hpp"

namespace proviso {

std::string_view truth_name(Truth truth) {
  switch (truth) {
    case Truth::met:
      return "met";
    case Truth::not_met:
      return "not met";
    case Truth::unknown:
      return "unknown";
  }
  return "unknown";
}

namespace {

// The last transition of a clause into one of `states`, from the host's history.
std::optional<Transition> last_transition(const std::vector<Transition>& history,
                                          const std::string& contract, const std::string& instance,
                                          const std::string& clause,
                                          const std::vector<std::string>& states) {
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->contract != contract || it->instance != instance || it->clause != clause) continue;
    if (std::find(states.begin(), states.end(), it->to.name) != states.end()) return *it;
  }
  return std::nullopt;
}

}  // namespace

Explanation Engine::explain(std::string_view clause, std::size_t index,
                            const std::vector<Transition>& history) const {
  Impl& impl = *impl_;
  const Impl::Looking looking(impl);  // explaining changes nothing
  ContractRuntime& contract = *impl.contracts.at(index);
  const ContractPlan& plan = contract.plan;
  std::uint32_t c = 0;
  while (c < plan.clauses.size() && plan.clauses[c].name != clause) ++c;
  if (c == plan.clauses.size()) {
    throw std::out_of_range(fmt::format("contract \"{}\" has no clause {}", plan.title, clause));
  }
  const ClausePlan& clause_plan = plan.clauses[c];
  const ClauseState& state = contract.clauses[c];
  const ast::ClauseDecl& decl = *clause_plan.instance->decl;
  const auto& states = clause_plan.instance->states;
  const TimeZone& zone = *plan.zone;

  Explanation out;
  out.contract = plan.title;
  out.instance = contract.instance;
  out.clause = clause_plan.name;
  if (decl.title) out.title = decl.title->value;
  for (const auto& citation : decl.citations) out.citations.push_back(citation.value);
  if (clause_plan.grant) {
    // Once met, the amount as evaluated then (and its cash in lieu); before, as it stands now.
    RuntimeValue grant;
    std::optional<Decimal> cash;
    if (const auto granted = impl.granted_by(contract, c)) {
      grant.number = *granted;
      cash = impl.cash_granted_by(contract, c);
    } else {
      const AmountResult amount = impl.evaluate_amount(contract, *clause_plan.grant);
      grant.number = amount.value;
      grant.known = amount.known;
      cash = amount.cash;
    }
    out.grant = render_value(grant, clause_plan.grant->amount.type, contract, ValueForm::reader);
    if (cash) {
      RuntimeValue paid;
      paid.number = *cash;
      out.grant += fmt::format(
          " and {} cash in lieu",
          render_value(paid, clause_plan.grant->cash_type, contract, ValueForm::reader));
    }
  }
  if (decl.adjusted && !(contract.split_factor == Decimal::from_int(1))) {
    const std::string factor = contract.split_factor.to_grouped_string();
    out.adjustment =
        fmt::format("share counts × {} and per-share prices ÷ {} for splits", factor, factor);
  }
  out.timezone = plan.timezone;
  out.at = impl.clock;
  out.state = clause_state_name(clause_plan, state);
  const auto position = std::find(states.begin(), states.end(), out.state) - states.begin();
  out.since = state.entered[position];

  Explainer explainer(impl, contract, c);
  for (std::size_t p = 0; p < clause_plan.prerequisites.size(); ++p) {
    const std::uint32_t other = clause_plan.prerequisites[p];
    const ClausePlan& prerequisite = plan.clauses[other];
    const ClauseState& other_state = contract.clauses[other];
    ExplainedCondition after;
    after.kind = "state";
    after.condition = fmt::format("after {}", prerequisite.name);
    // Met once it reached its first stage, or, for a `holds while` clause, once it held.
    const auto& other_states = prerequisite.instance->states;
    const auto first = prerequisite.holds_while
                           ? std::find(other_states.begin(), other_states.end(), "holding")
                           : other_states.begin() + (other_states.size() > 1 ? 1 : 0);
    after.truth = impl.has_been_met(contract, other) ? Truth::met : Truth::not_met;
    after.value = clause_state_name(prerequisite, other_state);
    after.target = first == other_states.end() ? std::string() : *first;
    if (after.truth == Truth::met && first != other_states.end()) {
      after.since = other_state.entered[first - other_states.begin()];
    }
    after.summary =
        after.truth == Truth::met
            ? fmt::format("after {}: {} first {}{}{}", prerequisite.name, prerequisite.name,
                          after.target, after.since ? " at " + local_time(*after.since, zone) : "",
                          after.value == after.target ? "" : " (now " + after.value + ")")
            : fmt::format("after {}: {} is {}, needs {} first", prerequisite.name,
                          prerequisite.name, after.value, after.target);
    out.prerequisites.push_back(std::move(after));
  }

  if (clause_plan.holds_while) {
    ExplainedStage stage;
    stage.state = "holding";
    stage.verb = "holds while";
    stage.reached = state.level == Level::holding;
    const auto holding = std::find(states.begin(), states.end(), "holding") - states.begin();
    stage.reached_at = stage.reached ? state.entered[holding] : std::nullopt;
    stage.reached_by = last_transition(history, plan.title, contract.instance, clause_plan.name,
                                       {"holding", "breached"});
    stage.condition = explainer.condition(*clause_plan.holds_while);
    out.stages.push_back(std::move(stage));
  }
  if (clause_plan.period_test) {
    const PeriodRule& rule = plan.period_rules[clause_plan.period_rule];
    out.per_period =
        clause_plan.periods_needed == 1
            ? rule.describe()
            : fmt::format("of the last {} {}", clause_plan.periods_needed, rule.describe(true));
    ExplainedStage stage;
    stage.state = "met";
    stage.verb = "requires";
    stage.condition = explainer.condition(*clause_plan.period_test);
    out.stages.push_back(std::move(stage));
    const Type* grant_type = clause_plan.grant ? &clause_plan.grant->amount.type : nullptr;
    for (const PeriodOutcome& period : state.periods) {
      ExplainedPeriod row{rule.label(period.index),
                          states[period.state],
                          period.end,
                          {},
                          {},
                          {},
                          period.restated_by,
                          {}};
      const auto render_grant = [&](const std::optional<Decimal>& amount) -> std::string {
        if (!amount || !grant_type) return {};
        RuntimeValue granted;
        granted.number = *amount;
        return render_value(granted, *grant_type, contract, ValueForm::reader);
      };
      row.granted = render_grant(period.granted);
      if (period.reported) {
        row.reported = states[*period.reported];
        row.reported_granted = render_grant(period.reported_granted);
      }
      if (period.paid && clause_plan.missed_payment) {
        RuntimeValue paid;
        paid.number = *period.paid;
        row.paid =
            render_value(paid, clause_plan.missed_payment->type, contract, ValueForm::reader);
      }
      out.periods.push_back(std::move(row));
    }
  }
  for (std::size_t s = 0; s < clause_plan.stages.size(); ++s) {
    ExplainedStage stage;
    stage.state = states[s + 1];
    stage.verb = decl.stages[s].verb.text;
    stage.reached = state.stage >= s + 1;
    stage.reached_at = stage.reached ? state.entered[s + 1] : std::nullopt;
    if (stage.reached) {
      stage.reached_by =
          last_transition(history, plan.title, contract.instance, clause_plan.name, {stage.state});
    }
    stage.condition = explainer.condition(clause_plan.stages[s]);
    out.stages.push_back(std::move(stage));
  }
  if (state.lapsed) {
    out.lapsed_by =
        last_transition(history, plan.title, contract.instance, clause_plan.name, {states.back()});
  }

  // What the clause still has time for: its own deadline, then the contract's expiry.
  const bool finished =
      state.lapsed || (!clause_plan.holds_while && state.stage >= clause_plan.stages.size());
  const auto away = [&](Timestamp at) {
    return impl.clock ? fmt::format(", {}", distance_text(*impl.clock, at)) : std::string();
  };
  if (clause_plan.deadline && !finished && state.stage < clause_plan.lapse_stage) {
    if (const auto at = impl.deadline_of(contract, clause_plan)) {
      ExplainedDeadline deadline{"deadline",
                                 states[clause_plan.lapse_stage],
                                 Timestamp{*at},
                                 impl.clock && impl.clock->micros >= *at,
                                 {}};
      // A date deadline is the end of that day: name the day, as the contract does.
      const bool day = plan.types.at(clause_plan.deadline->source->id).is(Kind::date);
      const std::string when =
          day ? fmt::format("{} (the whole day, {})",
                            format_date(Date{zone.local_date(Timestamp{*at - 1}).days}),
                            zone_label(zone.name()))
              : local_time(deadline.at, zone);
      deadline.summary = fmt::format("deadline {}{}: lapses if not {} by then", when,
                                     away(deadline.at), deadline.state);
      out.deadlines.push_back(std::move(deadline));
    }
  }
  if (plan.expires && !finished) {
    ExplainedDeadline expiry{
        "expiry", {}, *plan.expires, impl.clock && *impl.clock >= *plan.expires, {}};
    expiry.summary = fmt::format("deadline {}{}: the contract expires", local_time(expiry.at, zone),
                                 away(expiry.at));
    out.deadlines.push_back(std::move(expiry));
  }
  return out;
}

}  // namespace proviso
