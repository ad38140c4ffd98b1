// The filter index: which contracts an event reaches. A metric or `tested at` clause filtered by
// equality on an event field (`where close.symbol == symbol`, with a constant or a template's
// parameter) subscribes its contract under that value, so an event visits only the contracts
// whose filters it can pass, as Esper's filter index and Rete's alpha network do. The rest stay
// on the type's broadcast list. Also the time work shared by contracts: the local date of an
// instant once per zone, and where a trading-day window starts once per calendar and day.
#include <algorithm>
#include <cstring>
#include <map>

#include "run/runtime.hpp"

namespace proviso {

namespace {

// `field == value` or `value == field`, with the value a constant or a parameter: the field,
// the value's step and the compared kind. Anything else (or, <, a function) is not indexed.
struct EqualityFilter {
  std::uint32_t field = 0;
  Step value;
  ValueKind kind = ValueKind::text;
};

std::optional<EqualityFilter> equality_filter(const Program& program) {
  const auto& steps = program.steps;
  if (steps.size() != 3 || steps[2].op != Op::compare ||
      static_cast<ast::BinaryOp>(steps[2].a) != ast::BinaryOp::equal) {
    return std::nullopt;
  }
  const auto kind = static_cast<ValueKind>(steps[2].b);
  if (kind == ValueKind::duration || kind == ValueKind::boolean) return std::nullopt;
  auto is_value = [](const Step& step) {
    return step.op == Op::constant || step.op == Op::parameter;
  };
  if (steps[0].op == Op::load_field && is_value(steps[1])) return {{steps[0].a, steps[1], kind}};
  if (steps[1].op == Op::load_field && is_value(steps[0])) return {{steps[1].a, steps[0], kind}};
  return std::nullopt;
}

void append_raw(std::string& out, const void* data, std::size_t size) {
  out.append(static_cast<const char*>(data), size);
}

// The hash key of a value compared as `kind`: equal keys exactly when `==` holds (a Decimal is
// kept in lowest terms, so 1.50 and 1.5 give one key).
void route_key(ValueKind kind, const Decimal& number, std::int64_t time, std::string_view text,
               std::string& out) {
  out.clear();
  out.push_back(static_cast<char>(kind));
  switch (kind) {
    case ValueKind::number: {
      const int128 num = number.numerator();
      const int128 den = number.denominator();
      append_raw(out, &num, sizeof num);
      append_raw(out, &den, sizeof den);
      break;
    }
    case ValueKind::instant:
    case ValueKind::date:
      append_raw(out, &time, sizeof time);
      break;
    case ValueKind::text:
      out.append(text);
      break;
    case ValueKind::duration:
    case ValueKind::boolean:
      break;
  }
}

// Whether an event of a type that none of the contract's filters pass can be kept from it with
// nothing changing: every clause is looked at only at its `tested at` events, no deadline waits
// for a value to be known, and nothing but whole days moves its metrics with time (the first
// event of each local day still visits every contract, and rolls its windows then).
bool routable(const ContractRuntime& contract) {
  const ContractPlan& plan = contract.plan;
  if (contract.extended || plan.splits || !plan.period_rules.empty()) return false;
  for (const MetricPlan& metric : plan.metrics) {
    if (metric.window_micros > 0 || metric.period) return false;
  }
  for (const ClausePlan& clause : plan.clauses) {
    if (!clause.tested_at || clause.period_test) return false;
    if (clause.deadline) {
      for (const Step& step : clause.deadline->steps) {
        switch (step.op) {
          case Op::load_metric:
          case Op::load_field:
          case Op::clause_state:
          case Op::clause_time:
          case Op::now:
          case Op::latch:
          case Op::window:
            return false;  // known only later: it may be armed at any event
          default:
            break;
        }
      }
    }
  }
  return true;
}

}  // namespace

void Engine::Impl::build_routes() {
  routes.assign(schemas.events.size(), EventRoutes{});
  // By event type and field route: each value's contracts, made into the routes' tables at
  // the end.
  std::map<std::pair<std::uint32_t, std::size_t>, std::map<std::string, std::vector<std::uint32_t>>>
      building;
  std::string key;
  for (std::uint32_t index = 0; index < contracts.size(); ++index) {
    const ContractRuntime& contract = *contracts[index];
    const ContractPlan& plan = contract.plan;
    const bool can_route = routable(contract);
    for (std::uint32_t type = 0; type < routes.size(); ++type) {
      if (type >= plan.declared_events.size() || !plan.declared_events[type]) continue;
      EventRoutes& route = routes[type];
      route.everyone.push_back({index, Visit::Filters::unknown});
      // Every filter on this type's events must be one equality on one field with one value.
      std::vector<const Program*> filters;
      bool unfiltered = false;
      if (type < plan.metrics_by_event.size()) {
        for (std::uint32_t m : plan.metrics_by_event[type]) {
          if (plan.metrics[m].filter) {
            filters.push_back(&*plan.metrics[m].filter);
          } else {
            unfiltered = true;
          }
        }
      }
      for (const ClausePlan& clause : plan.clauses) {
        if (!clause.tested_at || clause.tested_at->event_type != type) continue;
        if (clause.tested_at->filter) {
          filters.push_back(&*clause.tested_at->filter);
        } else {
          unfiltered = true;
        }
      }
      std::optional<std::pair<std::uint32_t, ValueKind>> field;
      std::optional<std::string> value;
      bool indexed = can_route && !unfiltered;
      for (const Program* filter : filters) {
        const auto equality = indexed ? equality_filter(*filter) : std::nullopt;
        if (!equality) {
          indexed = false;
          break;
        }
        const RuntimeValue& v = equality->value.op == Op::constant
                                    ? plan.constants.at(equality->value.a)
                                    : contract.parameters.at(equality->value.a);
        route_key(equality->kind, v.number, v.time, v.text, key);
        if ((field && *field != std::pair(equality->field, equality->kind)) ||
            (value && *value != key)) {
          indexed = false;  // filters on two fields or two values: not worth an index
          break;
        }
        field = std::pair(equality->field, equality->kind);
        value = key;
      }
      if (!indexed) {
        route.broadcast.push_back({index, Visit::Filters::unknown});
        continue;
      }
      const TimeZone& zone = *plan.zone;
      if (std::none_of(route.days.begin(), route.days.end(),
                       [&](const auto& day) { return day.first == zone; })) {
        route.days.emplace_back(zone, INT32_MIN);
      }
      if (!field) continue;  // nothing reads this type: only the day's first event visits it
      auto found = std::find_if(route.fields.begin(), route.fields.end(), [&](const auto& f) {
        return f.field == field->first && f.kind == field->second;
      });
      if (found == route.fields.end()) {
        found =
            route.fields.insert(route.fields.end(), FieldRoute{field->first, field->second, {}});
      }
      building[{type, static_cast<std::size_t>(found - route.fields.begin())}][*value].push_back(
          index);
    }
  }
  for (const auto& [where, contracts_by_value] : building) {
    routes[where.first].fields[where.second].by_value = ValueTable(contracts_by_value);
  }
  routes_built = true;
}

const std::vector<Visit>& Engine::Impl::contracts_for(const Event& event) {
  if (!routes_built) build_routes();
  EventRoutes& route = routes[event.type];
  if (coverage_on) return route.everyone;  // every evaluation counts then
  bool new_day = false;
  for (auto& [zone, day] : route.days) {
    const std::int32_t today = local_day(zone, event.ts.micros);
    if (today != day) new_day = true;
    day = today;
  }
  if (route.fields.empty() && !new_day) return route.broadcast;
  visiting.assign(route.broadcast.begin(), route.broadcast.end());
  const std::size_t broadcast = visiting.size();
  std::size_t sources = broadcast > 0 ? 1 : 0;
  for (const FieldRoute& field : route.fields) {
    const FieldSlot& slot = event.fields[field.field];
    route_key(field.kind, slot.number, slot.instant, slot.text, route_key_buffer);
    const auto found = field.by_value.find(route_key_buffer);
    if (found.empty()) continue;
    for (const std::uint32_t index : found) {
      visiting.push_back({index, Visit::Filters::pass});
    }
    ++sources;
  }
  // Contracts are visited in load order, so transitions come out as without the index.
  if (sources > 1) {
    std::sort(visiting.begin(), visiting.end(),
              [](const Visit& a, const Visit& b) { return a.contract < b.contract; });
  }
  if (!new_day) return visiting;
  // The first event of a local day of this type also visits the declaring contracts that no
  // event has visited yet today, as if every event visited them: their windows roll to the day
  // (and its notes come) at the event they did before. One visit a day is enough.
  // Those are indexed (the broadcast ones are visiting already) under another value: their
  // filters fail.
  day_visiting.clear();
  auto matched = visiting.begin();
  for (const Visit& declaring : route.everyone) {
    const std::uint32_t index = declaring.contract;
    while (matched != visiting.end() && matched->contract < index) ++matched;
    const ContractRuntime& contract = *contracts[index];
    if (matched != visiting.end() && matched->contract == index) {
      day_visiting.push_back(*matched);
    } else if (contract.visited_day != local_day(*contract.plan.zone, event.ts.micros)) {
      day_visiting.push_back({index, Visit::Filters::fail});
    }
  }
  return day_visiting;
}

std::int32_t Engine::Impl::local_day(const TimeZone& zone, std::int64_t micros) {
  for (LocalDay& known : local_days) {
    if (known.zone == zone) {
      if (known.micros != micros) {
        known.micros = micros;
        known.day = zone.local_date(Timestamp{micros}).days;
      }
      return known.day;
    }
  }
  const std::int32_t day = zone.local_date(Timestamp{micros}).days;
  local_days.push_back({zone, micros, day});
  return day;
}

std::int32_t Engine::Impl::first_day_inside(const TradingCalendar& sessions, std::uint32_t days,
                                            std::int32_t today) {
  for (WindowStart& known : window_starts) {
    if (known.sessions == &sessions && known.days == days) {
      if (known.today != today) {
        known.today = today;
        known.first = window_start(sessions, days, today);
      }
      return known.first;
    }
  }
  const std::int32_t first = window_start(sessions, days, today);
  window_starts.push_back({&sessions, days, today, first});
  return first;
}

std::int32_t Engine::Impl::window_start(const TradingCalendar& sessions, std::uint32_t days,
                                        std::int32_t today) {
  // The day after the (days + 1)-th trading day on or before today: from it on, at most `days`
  // trading days lie between a day and the end of today.
  Date day{today};
  for (std::uint32_t seen = 0; day.days > kMinDate.days; --day.days) {
    if (sessions.is_trading_day(day) && ++seen == days + 1) return day.days + 1;
  }
  return kMinDate.days;  // a calendar without that many trading days: everything is inside
}

}  // namespace proviso
