#include "lint/formula.hpp"

#include <fmt/format.h>

#include "base/overloaded.hpp"

namespace proviso::lint {

namespace {

constexpr std::int64_t kMicrosPerHour = 3'600 * kMicrosPerSecond;

// Decimal's exact text as a Z3 rational: "3/4", "-12".
std::string rational_text(const Decimal& value) {
  const auto print = [](int128 n) {
    const bool negative = n < 0;
    std::string digits;
    do {
      const int digit = static_cast<int>(n % 10);
      digits.insert(digits.begin(), static_cast<char>('0' + (digit < 0 ? -digit : digit)));
      n /= 10;
    } while (n != 0);
    return negative ? "-" + digits : digits;
  };
  if (value.is_integer()) return print(value.numerator());
  return print(value.numerator()) + "/" + print(value.denominator());
}

}  // namespace

std::string quoted(const ast::Expr& expr) {
  return fmt::format("'{}'", expr.span.text());
}

Formulas::Formulas(z3::context& context, const CheckedContract& checked)
    : z3(context),
      contract(checked),
      zone_(TimeZone::find(checked.timezone).value_or(*TimeZone::find("UTC"))),
      side_(context) {}

z3::expr Formulas::real(const Decimal& value) {
  return z3.real_val(rational_text(value).c_str());
}

z3::expr Formulas::real(std::int64_t value) {
  return z3.real_val(std::to_string(value).c_str());
}

z3::expr Formulas::fresh_real(const std::string& what) {
  return z3.real_const(fmt::format("{}!{}", what, ++fresh_count_).c_str());
}

z3::expr Formulas::fresh_bool(const std::string& what) {
  return z3.bool_const(fmt::format("{}!{}", what, ++fresh_count_).c_str());
}

// A condition nothing is known about: it may hold, fail or be unknown, but not both at once.
Truth Formulas::opaque() {
  const z3::expr holds = fresh_bool("holds");
  const z3::expr fails = fresh_bool("fails");
  side_.push_back(!(holds && fails));
  return {holds, fails};
}

Term Formulas::unknown_value() {
  return {fresh_real("value"), fresh_bool("known")};
}

std::optional<std::int64_t> Formulas::effective() const {
  if (!contract.effective) return std::nullopt;
  return contract.effective->micros;
}

z3::expr Formulas::in_force(const z3::expr& instant) {
  // No clause changes state before the effective instant or after the expiry (docs/run.md).
  z3::expr inside = z3.bool_val(true);
  if (const auto start = effective()) inside = inside && instant >= real(*start);
  if (contract.expires) inside = inside && instant <= real(contract.expires->micros);
  return inside;
}

std::int64_t Formulas::start_of_day(Date date) const {
  return zone_.start_of_day(date).micros;
}

Moment Formulas::moment(const ClauseInstance* clause, int depth) {
  Moment result{clause, fresh_real("now"), fmt::format("m{}", ++fresh_count_), depth};
  side_.push_back(in_force(result.now));
  return result;
}

std::optional<Decimal> Formulas::constant(const z3::expr& term) const {
  const z3::expr simple = term.simplify();
  if (!simple.is_numeral()) return std::nullopt;
  try {
    const auto numerator = Decimal::parse(simple.numerator().get_decimal_string(0));
    const auto denominator = Decimal::parse(simple.denominator().get_decimal_string(0));
    if (!numerator || !denominator) return std::nullopt;
    return *numerator / *denominator;
  } catch (const ArithmeticError&) {
    return std::nullopt;
  }
}

void Formulas::note_atom(const ast::Expr& expr) {
  for (const ast::Expr* atom : atoms) {
    if (atom->id == expr.id) return;
  }
  atoms.push_back(&expr);
}

Term Formulas::from_value(const Value& value) {
  return std::visit(
      overloaded{
          [&](bool) { return unknown_value(); },
          [&](const Decimal& number) {
            return Term{real(number), z3.bool_val(true)};
          },
          [&](const std::string& text) {
            const auto [it, _] = texts_.emplace(text, static_cast<int>(texts_.size()));
            return Term{real(std::int64_t{it->second}), z3.bool_val(true)};
          },
          [&](const Quantity& quantity) {
            return Term{real(quantity.base_amount), z3.bool_val(true)};
          },
          [&](const Date& date) {
            return Term{real(start_of_day(date)), z3.bool_val(true)};
          },
          [&](const Timestamp& instant) {
            return Term{real(instant.micros), z3.bool_val(true)};
          },
          [&](const Duration& duration) {
            // Calendar months and trading days have no fixed length: only bounds are sure.
            z3::expr length = real(duration.micros);
            if (duration.months != 0 || duration.trading_days != 0) {
              const z3::expr loose = fresh_real("length");
              if (duration.months < 0 || duration.trading_days < 0) return unknown_value();
              side_.push_back(loose >= real(duration.micros + duration.months * 28 * kMicrosPerDay -
                                            kMicrosPerHour));
              if (duration.trading_days == 0) {
                side_.push_back(
                    loose <=
                    real(duration.micros + duration.months * 31 * kMicrosPerDay + kMicrosPerHour));
              }
              length = loose;
            }
            return Term{length, z3.bool_val(true)};
          },
      },
      value);
}

Term Formulas::quantity_or_duration(const ast::Suffixed& suffixed, const ast::Expr& expr,
                                    const Moment& moment) {
  const Type& type = contract.types.at(expr.id);
  const Term operand = value(*suffixed.operand, moment);
  const std::string& word = suffixed.word.text;
  if (type.is(Kind::quantity)) {
    const auto unit = contract.units.find(word);
    if (unit == contract.units.end()) return unknown_value();
    return {operand.value * real(unit->second.scale), operand.known};
  }
  if (!type.is(Kind::duration)) return unknown_value();
  const auto count = constant(operand.value);
  if (!count || !count->to_int64()) return unknown_value();
  const std::int64_t n = *count->to_int64();
  Duration duration;
  static const std::map<std::string, std::int64_t> kExact{{"second", kMicrosPerSecond},
                                                          {"seconds", kMicrosPerSecond},
                                                          {"minute", 60 * kMicrosPerSecond},
                                                          {"minutes", 60 * kMicrosPerSecond},
                                                          {"hour", kMicrosPerHour},
                                                          {"hours", kMicrosPerHour},
                                                          {"day", kMicrosPerDay},
                                                          {"days", kMicrosPerDay},
                                                          {"week", 7 * kMicrosPerDay},
                                                          {"weeks", 7 * kMicrosPerDay}};
  if (const auto exact = kExact.find(word); exact != kExact.end()) {
    duration.micros = n * exact->second;
  } else if (word == "month" || word == "months") {
    duration.months = static_cast<std::int32_t>(n);
  } else if (word == "year" || word == "years") {
    duration.months = static_cast<std::int32_t>(12 * n);
  } else {
    duration.trading_days = static_cast<std::int32_t>(n);
  }
  return from_value(duration);
}

Term Formulas::value(const ast::Expr& expr, const Moment& moment) {
  const z3::expr yes = z3.bool_val(true);
  return std::visit(
      overloaded{
          [&](const ast::NumberLiteral& number) {
            return Term{real(number.value), yes};
          },
          [&](const ast::TextLiteral& text) { return from_value(text.value); },
          [&](const ast::DateLiteral& date) { return from_value(date.date); },
          [&](const ast::TimestampLiteral& literal) {
            std::int64_t micros = 0;
            if (literal.offset_minutes) {
              micros = literal.date.days * kMicrosPerDay + literal.micros_of_day -
                       std::int64_t{*literal.offset_minutes} * 60 * kMicrosPerSecond;
            } else {
              const auto zone = literal.zone ? TimeZone::find(literal.zone->text) : zone_;
              micros = zone.value_or(zone_).to_instant(literal.date, literal.micros_of_day).micros;
            }
            return Term{real(micros), yes};
          },
          [&](const ast::NameRef& ref) {
            if (moment.clause) {
              const auto bound = moment.clause->bindings.find(ref.name);
              if (bound != moment.clause->bindings.end()) return from_value(bound->second);
            }
            if (const auto it = contract.constants.find(ref.name); it != contract.constants.end()) {
              return from_value(it->second);
            }
            if (contract.metrics.count(ref.name) != 0) {
              const auto key = std::make_pair(moment.tag, ref.name);
              auto it = metrics_.find(key);
              if (it == metrics_.end()) it = metrics_.emplace(key, unknown_value()).first;
              return it->second;
            }
            return unknown_value();
          },
          [&](const ast::Suffixed& suffixed) {
            return quantity_or_duration(suffixed, expr, moment);
          },
          [&](const ast::Member& member) { return clause_time(member, moment); },
          [&](const ast::Unary& unary) {
            if (unary.op != ast::UnaryOp::negate) return unknown_value();
            const Term operand = value(*unary.operand, moment);
            return Term{-operand.value, operand.known};
          },
          [&](const ast::Binary& binary) {
            const auto info = ast::operator_info(binary.op);
            if (info.family != ast::OperatorFamily::arithmetic) return unknown_value();
            const Term lhs = value(*binary.lhs, moment);
            const Term rhs = value(*binary.rhs, moment);
            const z3::expr known = lhs.known && rhs.known;
            switch (info.arithmetic) {
              case ArithmeticOp::add:
                return Term{lhs.value + rhs.value, known};
              case ArithmeticOp::subtract:
                return Term{lhs.value - rhs.value, known};
              case ArithmeticOp::multiply:
                return Term{lhs.value * rhs.value, known};
              case ArithmeticOp::divide:
                // A division by zero is unknown at run time.
                return Term{lhs.value / rhs.value, known && rhs.value != real(std::int64_t{0})};
            }
            return unknown_value();
          },
          [&](const ast::one_of<ast::BoolLiteral, ast::Index, ast::Band, ast::Consecutive,
                                ast::AtLeastOfLast, ast::Quorum, ast::TimeTest,
                                ast::Within> auto&) { return unknown_value(); },
      },
      expr.node);
}

Truth Formulas::comparison(const ast::Binary& binary, const Moment& moment) {
  const Type& type = contract.types.at(binary.lhs->id);
  if (type.is(Kind::boolean)) {
    // Conditions compared with == or !=: equal when both hold or both fail.
    const Truth lhs = condition(*binary.lhs, moment);
    const Truth rhs = condition(*binary.rhs, moment);
    const z3::expr same = (lhs.holds && rhs.holds) || (lhs.fails && rhs.fails);
    const z3::expr differ = (lhs.holds && rhs.fails) || (lhs.fails && rhs.holds);
    if (binary.op == ast::BinaryOp::equal) return {same, differ};
    if (binary.op == ast::BinaryOp::not_equal) return {differ, same};
    return opaque();
  }
  const Term lhs = value(*binary.lhs, moment);
  const Term rhs = value(*binary.rhs, moment);
  const z3::expr known = lhs.known && rhs.known;
  z3::expr relation = z3.bool_val(true);
  switch (binary.op) {
    case ast::BinaryOp::equal:
      relation = lhs.value == rhs.value;
      break;
    case ast::BinaryOp::not_equal:
      relation = lhs.value != rhs.value;
      break;
    case ast::BinaryOp::less:
      relation = lhs.value < rhs.value;
      break;
    case ast::BinaryOp::less_equal:
      relation = lhs.value <= rhs.value;
      break;
    case ast::BinaryOp::greater:
      relation = lhs.value > rhs.value;
      break;
    case ast::BinaryOp::greater_equal:
      relation = lhs.value >= rhs.value;
      break;
    case ast::BinaryOp::add:
    case ast::BinaryOp::subtract:
    case ast::BinaryOp::multiply:
    case ast::BinaryOp::divide:
    case ast::BinaryOp::logical_and:
    case ast::BinaryOp::logical_or:
      return opaque();
  }
  return {known && relation, known && !relation};
}

Truth Formulas::condition(const ast::Expr& expr, const Moment& moment) {
  const bool atom = std::holds_alternative<ast::Band>(expr.node) ||
                    std::holds_alternative<ast::TimeTest>(expr.node) ||
                    std::holds_alternative<ast::Within>(expr.node) ||
                    std::holds_alternative<ast::Consecutive>(expr.node) ||
                    std::holds_alternative<ast::AtLeastOfLast>(expr.node) ||
                    (std::holds_alternative<ast::Binary>(expr.node) &&
                     ast::is_comparison(std::get<ast::Binary>(expr.node).op)) ||
                    (std::holds_alternative<ast::Suffixed>(expr.node) &&
                     contract.types.at(expr.id).is(Kind::boolean));
  if (atom) {
    note_atom(expr);
    if (relaxed.count(expr.id) != 0) return opaque();
  }
  return std::visit(
      overloaded{
          [&](const ast::BoolLiteral& literal) {
            return Truth{z3.bool_val(literal.value), z3.bool_val(!literal.value)};
          },
          [&](const ast::NameRef& ref) {
            const Value* found = nullptr;
            if (moment.clause) {
              const auto bound = moment.clause->bindings.find(ref.name);
              if (bound != moment.clause->bindings.end()) found = &bound->second;
            }
            if (const auto it = contract.constants.find(ref.name);
                !found && it != contract.constants.end()) {
              found = &it->second;
            }
            if (found && std::holds_alternative<bool>(*found)) {
              const bool value = std::get<bool>(*found);
              return Truth{z3.bool_val(value), z3.bool_val(!value)};
            }
            return opaque();
          },
          [&](const ast::Suffixed& suffixed) {
            if (!contract.types.at(expr.id).is(Kind::boolean)) return opaque();
            return clause_state(suffixed, moment);
          },
          [&](const ast::Unary& unary) {
            if (unary.op == ast::UnaryOp::logical_not) {
              const Truth operand = condition(*unary.operand, moment);
              return Truth{operand.fails, operand.holds};
            }
            if (unary.op == ast::UnaryOp::once || unary.op == ast::UnaryOp::ever) {
              return latched(*unary.operand, moment);
            }
            return opaque();
          },
          [&](const ast::Binary& binary) {
            if (binary.op == ast::BinaryOp::logical_and || binary.op == ast::BinaryOp::logical_or) {
              const Truth lhs = condition(*binary.lhs, moment);
              const Truth rhs = condition(*binary.rhs, moment);
              if (binary.op == ast::BinaryOp::logical_and) {
                return Truth{lhs.holds && rhs.holds, lhs.fails || rhs.fails};
              }
              return Truth{lhs.holds || rhs.holds, lhs.fails && rhs.fails};
            }
            if (ast::is_comparison(binary.op)) return comparison(binary, moment);
            return opaque();
          },
          [&](const ast::Band& band) {
            const Term x = value(*band.value, moment);
            const Term low = value(*band.low, moment);
            const Term high = value(*band.high, moment);
            const z3::expr known = x.known && low.known && high.known;
            const z3::expr inside =
                low.value <= x.value &&
                (band.high_excluded ? x.value < high.value : x.value <= high.value);
            return Truth{known && inside, known && !inside};
          },
          [&](const ast::Consecutive& run) {
            return window(*run.condition, run.count.get(), run.count.get(), run.since, moment);
          },
          [&](const ast::AtLeastOfLast& count) {
            return window(*count.condition, count.needed.get(), count.window.get(), count.since,
                          moment);
          },
          [&](const ast::Quorum& quorum) { return this->quorum(quorum, moment); },
          [&](const ast::one_of<ast::TimeTest, ast::Within> auto&) {
            return time_test(expr, moment);
          },
          [&](const ast::one_of<ast::NumberLiteral, ast::TextLiteral, ast::DateLiteral,
                                ast::TimestampLiteral, ast::Member, ast::Index> auto&) {
            return opaque();
          },
      },
      expr.node);
}

// A day window holds only if its condition held at some earlier instant (from its `since` day
// on) and, for `M of the last N`, only if M is at most N. Which days exactly is not modelled.
Truth Formulas::window(const ast::Expr& inner, const ast::Expr* needed, const ast::Expr* days,
                       const std::optional<ast::WindowSince>& since, const Moment& moment) {
  const Truth result = opaque();
  const auto m = constant(value(*needed, moment).value);
  const auto n = constant(value(*days, moment).value);
  if (m && n && *n < *m) return Truth{z3.bool_val(false), result.fails};
  if (m && m->is_zero()) return result;
  Moment earlier{moment.clause, fresh_real("day"), fmt::format("m{}", ++fresh_count_),
                 moment.depth};
  z3::expr then = earlier.now <= moment.now;
  if (since) {
    if (!since->date) {
      if (const auto start = effective()) then = then && earlier.now >= real(*start);
    } else {
      const auto it = contract.window_first_days.find(since->date->id);
      if (it != contract.window_first_days.end()) {
        then = then && earlier.now >= real(start_of_day(Date{it->second}));
      }
    }
  }
  side_.push_back(z3::implies(result.holds, then && condition(inner, earlier).holds));
  return result;
}

// `once C` holds only if C held at some instant from the effective instant on.
Truth Formulas::latched(const ast::Expr& inner, const Moment& moment) {
  const Truth result = opaque();
  const Moment earlier = this->moment(moment.clause, moment.depth);
  side_.push_back(
      z3::implies(result.holds, earlier.now <= moment.now && condition(inner, earlier).holds));
  return result;
}

Truth Formulas::quorum(const ast::Quorum& quorum, const Moment& moment) {
  std::vector<Truth> items;
  for (const auto& item : quorum.items) items.push_back(condition(*item, moment));
  std::int64_t needed = static_cast<std::int64_t>(items.size());
  if (quorum.kind == ast::QuorumKind::any) needed = 1;
  if (quorum.kind == ast::QuorumKind::at_least) {
    const auto count = constant(value(*quorum.needed, moment).value);
    if (!count || !count->to_int64()) return opaque();
    needed = *count->to_int64();
  }
  z3::expr holding = real(std::int64_t{0});
  z3::expr failing = real(std::int64_t{0});
  for (const Truth& item : items) {
    holding = holding + z3::ite(item.holds, real(std::int64_t{1}), real(std::int64_t{0}));
    failing = failing + z3::ite(item.fails, real(std::int64_t{1}), real(std::int64_t{0}));
  }
  const auto total = static_cast<std::int64_t>(items.size());
  return {holding >= real(needed), failing > real(total - needed)};
}

}  // namespace proviso::lint
