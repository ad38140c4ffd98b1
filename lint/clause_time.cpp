// Time in the formulas: the clock tests (`before`, `by`, `after`, `within`), clause states and
// clause times, and what it takes for a clause to reach a stage — the stages before it, its
// prerequisites and its deadline.
#include <fmt/format.h>

#include "lint/formula.hpp"

namespace proviso::lint {

namespace {

constexpr std::int64_t kMicrosPerHour = 3'600 * kMicrosPerSecond;

std::optional<std::size_t> stage_index(const ast::ClauseDecl& decl, std::string_view state) {
  for (std::size_t i = 0; i < decl.stages.size(); ++i) {
    if (decl.stages[i].state.text == state) return i;
  }
  return std::nullopt;
}

}  // namespace

const ClauseInstance* Formulas::clause_named(const ast::Expr& expr, const Moment& moment) {
  std::string name;
  if (const auto* ref = std::get_if<ast::NameRef>(&expr.node)) {
    name = ref->name;
  } else if (const auto* index = std::get_if<ast::Index>(&expr.node)) {
    const auto* family = std::get_if<ast::NameRef>(&index->object->node);
    const auto number = constant(value(*index->index, moment).value);
    if (!family || !number || !number->to_int64()) return nullptr;
    name = fmt::format("{}[{}]", family->name, *number->to_int64());
  } else {
    return nullptr;
  }
  for (const ClauseInstance& clause : contract.clauses) {
    if (clause.name == name) return &clause;
  }
  return nullptr;
}

Formulas::ClauseStates& Formulas::states_of(const ClauseInstance& clause, const Moment& moment) {
  const auto key = std::make_pair(moment.tag, clause.name);
  if (const auto it = states_.find(key); it != states_.end()) return it->second;
  ClauseStates states;
  const ast::ClauseDecl& decl = *clause.decl;
  for (std::size_t i = 0; i < decl.stages.size(); ++i) {
    const z3::expr reached_by_now = fresh_bool("stage");
    if (i > 0) side_.push_back(z3::implies(reached_by_now, states.stages.back()));
    if (moment.depth > 0) {
      const z3::expr at = fresh_real("reached");
      side_.push_back(
          z3::implies(reached_by_now,
                      at <= moment.now && reached(clause, i, at, moment.depth - 1, true, true)));
    }
    states.stages.push_back(reached_by_now);
  }
  if (decl.lapse) {
    states.lapsed = fresh_bool("lapsed");
    if (const auto state = stage_index(decl, decl.lapse->state.text)) {
      side_.push_back(z3::implies(*states.lapsed, !states.stages[*state]));
    }
    if (const auto due = deadline(clause, moment)) {
      // It lapses at its deadline, or at the expiry if that comes first.
      z3::expr lapse_passed = due->known && moment.now >= due->value;
      if (contract.expires) {
        lapse_passed = lapse_passed || moment.now >= real(contract.expires->micros);
      }
      side_.push_back(z3::implies(*states.lapsed, lapse_passed));
    }
  }
  if (decl.holds_while) {
    states.holding = fresh_bool("holding");
    states.breached = fresh_bool("breached");
    side_.push_back(!(*states.holding && *states.breached));
  }
  return states_.emplace(key, std::move(states)).first->second;
}

Truth Formulas::clause_state(const ast::Suffixed& suffixed, const Moment& moment) {
  const ClauseInstance* clause = clause_named(*suffixed.operand, moment);
  if (!clause) return opaque();
  const ClauseStates& states = states_of(*clause, moment);
  const std::string& word = suffixed.word.text;
  std::optional<z3::expr> holds;
  if (word == "pending") {
    z3::expr pending = z3.bool_val(true);
    if (!states.stages.empty()) pending = pending && !states.stages.front();
    if (states.lapsed) pending = pending && !*states.lapsed;
    if (states.holding) pending = pending && !*states.holding && !*states.breached;
    holds = pending;
  } else if (word == "lapsed") {
    holds = states.lapsed;
  } else if (word == "holding") {
    holds = states.holding;
  } else if (word == "breached") {
    holds = states.breached;
  } else if (const auto stage = stage_index(*clause->decl, word)) {
    holds = states.stages[*stage];
  }
  if (!holds) return opaque();
  return {*holds, !*holds};
}

Term Formulas::clause_time(const ast::Member& member, const Moment& moment) {
  const std::string& word = member.member.text;
  const ClauseInstance* clause = clause_named(*member.object, moment);
  if (!clause || word.size() < 4 || word.substr(word.size() - 3) != "_at") {
    return unknown_value();
  }
  const std::string state = word.substr(0, word.size() - 3);
  const auto key = std::make_pair(moment.tag, clause->name + "." + word);
  if (const auto it = metrics_.find(key); it != metrics_.end()) return it->second;
  // The time is known exactly when the clause is in (or has passed) that state.
  const Term time{fresh_real("time"), fresh_bool("known")};
  z3::expr facts = time.value <= moment.now;
  facts = facts && in_force(time.value);
  const ClauseStates& states = states_of(*clause, moment);
  if (const auto stage = stage_index(*clause->decl, state)) {
    side_.push_back(time.known == states.stages[*stage]);
    if (moment.depth > 0) {
      facts = facts && reached(*clause, *stage, time.value, moment.depth - 1, true, true);
    }
  } else if (state == "lapsed" && states.lapsed) {
    side_.push_back(time.known == *states.lapsed);
  }
  side_.push_back(z3::implies(time.known, facts));
  metrics_.emplace(key, time);
  return time;
}

z3::expr Formulas::day_end(const z3::expr& start) {
  if (const auto instant = constant(start); instant && instant->to_int64()) {
    const Date day = zone_.local_date(Timestamp{*instant->to_int64()});
    return real(zone_.start_of_day(Date{day.days + 1}).micros);
  }
  const z3::expr length = fresh_real("day");
  side_.push_back(length >= real(23 * kMicrosPerHour) && length <= real(25 * kMicrosPerHour));
  return start + length;
}

Truth Formulas::time_test(const ast::Expr& expr, const Moment& moment) {
  if (const auto* within = std::get_if<ast::Within>(&expr.node)) {
    const Term length = value(*within->duration, moment);
    const Term anchor = value(*within->anchor, moment);
    const z3::expr known = length.known && anchor.known;
    const z3::expr inside = anchor.value <= moment.now && moment.now <= anchor.value + length.value;
    return {known && inside, known && !inside};
  }
  const auto& test = std::get<ast::TimeTest>(expr.node);
  const Term instant = value(*test.instant, moment);
  const bool is_date = contract.types.at(test.instant->id).is(Kind::date);
  z3::expr inside = z3.bool_val(true);
  switch (test.relation) {
    case ast::TimeRelation::before:
      inside = moment.now < instant.value;
      break;
    case ast::TimeRelation::by:
      inside = moment.now < (is_date ? day_end(instant.value) : instant.value);
      break;
    case ast::TimeRelation::after:
      inside = is_date ? moment.now >= day_end(instant.value) : moment.now > instant.value;
      break;
  }
  return {instant.known && inside, instant.known && !inside};
}

std::optional<Term> Formulas::deadline(const ClauseInstance& clause, const Moment& moment) {
  const auto& lapse = clause.decl->lapse;
  if (!lapse || !lapse->deadline) return std::nullopt;
  const Term due = value(*lapse->deadline, moment);
  if (contract.types.at(lapse->deadline->id).is(Kind::date)) {
    return Term{day_end(due.value), due.known};
  }
  return due;
}

z3::expr Formulas::reached(const ClauseInstance& clause, std::size_t stage, const z3::expr& at,
                           int depth, bool with_deadline, bool prerequisites) {
  const ast::ClauseDecl& decl = *clause.decl;
  z3::expr all = z3.bool_val(true);
  if (decl.stages.empty()) return all;
  stage = std::min(stage, decl.stages.size() - 1);
  std::vector<z3::expr> times;
  for (std::size_t j = 0; j <= stage; ++j) {
    const z3::expr now = j == stage ? at : fresh_real("stage_at");
    Moment here{&clause, now, fmt::format("m{}", ++fresh_count_), depth};
    // While stage j is looked at, the clause has met the stages before it and no other.
    ClauseStates own;
    for (std::size_t k = 0; k < decl.stages.size(); ++k) own.stages.push_back(z3.bool_val(k < j));
    if (decl.lapse) own.lapsed = z3.bool_val(false);
    states_.emplace(std::make_pair(here.tag, clause.name), own);
    all = all && condition(*decl.stages[j].condition, here).holds;
    all = all && in_force(now);
    if (!times.empty()) all = all && times.back() <= now;
    times.push_back(now);
  }
  if (with_deadline && decl.lapse) {
    const auto lapse_stage = stage_index(decl, decl.lapse->state.text).value_or(stage);
    const z3::expr& when = times[std::min(stage, lapse_stage)];
    const Moment there{&clause, when, fmt::format("m{}", ++fresh_count_), depth};
    if (const auto due = deadline(clause, there)) {
      all = all && z3::implies(due->known, when < due->value);
    }
  }
  if (prerequisites && depth > 0) {
    for (const ast::ClauseRef& ref : decl.prerequisites) {
      const ClauseInstance* before = nullptr;
      const std::string name =
          ref.index ? [&] {
            const Moment here{&clause, times.front(), "", depth};
            const auto number = constant(value(*ref.index, here).value);
            return number && number->to_int64()
                       ? fmt::format("{}[{}]", ref.name.text, *number->to_int64())
                       : std::string();
          }()
                    : ref.name.text;
      for (const ClauseInstance& candidate : contract.clauses) {
        if (candidate.name == name) before = &candidate;
      }
      if (!before) continue;
      const z3::expr first = fresh_real("prerequisite_at");
      all = all && first <= times.front() && reached(*before, 0, first, depth - 1, true, true);
    }
  }
  return all;
}

}  // namespace proviso::lint
