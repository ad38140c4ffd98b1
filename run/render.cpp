// The one renderer of conditions and values (see render.hpp for why there is only one).
#include "run/render.hpp"

#include <fmt/format.h>

#include "grammar/print_ast.hpp"
#include "run/inspect.hpp"

namespace proviso {

namespace {

std::string duration_text(const RuntimeValue& value, ValueForm form) {
  switch (form) {
    case ValueForm::engine:
      return value.months ? fmt::format("{} months", value.months)
                          : fmt::format("{} days", value.time / kMicrosPerDay);
    case ValueForm::reader:
      if (value.months != 0) {
        return value.months % 12 == 0 ? fmt::format("{} years", value.months / 12)
                                      : fmt::format("{} months", value.months);
      }
      return fmt::format("{} days",
                         Decimal::from_int(value.time / kMicrosPerDay).to_grouped_string());
  }
  return "";
}

// Binding strength, loosest first, as the grammar's precedence table orders them.
int strength(const ast::Expr& expr) {
  if (const auto* binary = std::get_if<ast::Binary>(&expr.node)) {
    return ast::operator_info(binary->op).binding;
  }
  if (const auto* unary = std::get_if<ast::Unary>(&expr.node)) {
    return unary->op == ast::UnaryOp::negate ? 7 : 3;
  }
  if (std::holds_alternative<ast::Band>(expr.node) ||
      std::holds_alternative<ast::Consecutive>(expr.node) ||
      std::holds_alternative<ast::AtLeastOfLast>(expr.node)) {
    return ast::kComparisonBinding;
  }
  return 8;
}

// The value a family variable or constant stands for in this member, if the name is one.
const Value* bound_value(const ast::Expr& expr, const ClauseInstance& clause,
                         const CheckedContract& contract) {
  const auto* ref = std::get_if<ast::NameRef>(&expr.node);
  if (!ref) return nullptr;
  if (const auto it = clause.bindings.find(ref->name); it != clause.bindings.end()) {
    return &it->second;
  }
  if (const auto it = contract.constants.find(ref->name); it != contract.constants.end()) {
    return &it->second;
  }
  return nullptr;
}

// The deciding form rebuilds only comparisons, the numbers and names they compare, and suffixed
// amounts; everything else keeps its source text.
bool rebuilt_when_deciding(const ast::Expr& expr, const ClauseInstance& clause,
                           const CheckedContract& contract) {
  if (const auto* number = std::get_if<ast::NumberLiteral>(&expr.node)) {
    return !number->percent && !number->ratio;
  }
  if (std::holds_alternative<ast::NameRef>(expr.node)) {
    return bound_value(expr, clause, contract) != nullptr;
  }
  if (std::holds_alternative<ast::Suffixed>(expr.node)) return true;
  if (const auto* binary = std::get_if<ast::Binary>(&expr.node)) {
    return ast::is_comparison(binary->op);
  }
  return false;
}

}  // namespace

std::string render_amount(const Decimal& base, const std::string& unit,
                          const std::map<std::string, UnitInfo>& units) {
  const UnitWord word = split_unit_word(unit);
  const auto it = unit.empty() ? units.end() : units.find(std::string(word.unit));
  if (it == units.end()) return base.to_grouped_string();
  // Written as the contract's own constants are (base/value.cpp), so both read alike.
  return format_value(
      Quantity{base, it->second.dimension, it->first, it->second.scale, word.per_share});
}

std::string render_value(const RuntimeValue& value, const Type& type,
                         const ContractRuntime& contract, ValueForm form, const std::string& unit) {
  if (!value.known) return "no value yet";
  switch (type.kind) {
    case Kind::number:
      return value.number.to_grouped_string();
    case Kind::quantity: {
      std::string shown = unit.empty() ? type.unit : unit;
      if (type.per_share && !split_unit_word(shown).per_share) shown += " per share";
      return render_amount(value.number, shown, contract.loaded.checked.units);
    }
    case Kind::timestamp:
      switch (form) {
        case ValueForm::engine:
          return format_utc(Timestamp{value.time});
        case ValueForm::reader:
          return local_time(Timestamp{value.time}, *contract.plan.zone);
      }
      return "";
    case Kind::date:
      return format_date(Date{static_cast<std::int32_t>(value.time)});
    case Kind::text:
      return fmt::format("\"{}\"", value.text);
    case Kind::boolean:
      return value.flag ? "true" : "false";
    case Kind::duration:
      return duration_text(value, form);
    case Kind::error:
    case Kind::clause:
      break;
  }
  return "";
}

std::optional<Value> typed_value(const RuntimeValue& value, const Type& type,
                                 const ContractRuntime& contract) {
  if (!value.known) return std::nullopt;
  switch (type.kind) {
    case Kind::number:
      return Value{value.number};
    case Kind::quantity: {
      const auto& units = contract.loaded.checked.units;
      const auto it = units.find(type.unit);
      if (it == units.end()) return Value{value.number};
      return Value{Quantity{value.number, it->second.dimension, type.unit, it->second.scale,
                            type.per_share}};
    }
    case Kind::timestamp:
      return Value{Timestamp{value.time}};
    case Kind::date:
      return Value{Date{static_cast<std::int32_t>(value.time)}};
    case Kind::text:
      return Value{std::string(value.text)};
    case Kind::boolean:
      return Value{value.flag};
    case Kind::duration:
      return Value{Duration{value.time, value.months, value.trading_days}};
    case Kind::error:
    case Kind::clause:
      break;
  }
  return std::nullopt;
}

std::string render_in_unit(const Quantity& quantity, const std::string& unit,
                           const CheckedContract& contract) {
  const auto to = contract.units.find(unit);
  const bool convertible = to != contract.units.end() && to->second.dimension == quantity.dimension;
  const std::string shown = convertible ? unit : quantity.unit;
  return render_amount(quantity.base_amount, quantity.per_share ? shown + " per share" : shown,
                       contract.units);
}

std::string zone_label(std::string_view zone_name) {
  const auto slash = zone_name.rfind('/');
  std::string label(slash == std::string_view::npos ? zone_name : zone_name.substr(slash + 1));
  for (char& c : label) {
    if (c == '_') c = ' ';
  }
  return label;
}

std::string local_time(Timestamp instant, const TimeZone& zone) {
  const std::int64_t local =
      instant.micros / kMicrosPerSecond + std::int64_t{zone.offset_seconds(instant)};
  const std::int64_t seconds = (local % 86'400 + 86'400) % 86'400;
  std::string clock = fmt::format("{:02}:{:02}", seconds / 3600, seconds / 60 % 60);
  if (seconds % 60 != 0) clock += fmt::format(":{:02}", seconds % 60);
  return fmt::format("{} {} {}", format_date(zone.local_date(instant)), clock,
                     zone_label(zone.name()));
}

std::string distance_text(Timestamp now, Timestamp then) {
  const std::int64_t delta = then.micros - now.micros;
  const std::int64_t size = delta < 0 ? -delta : delta;
  std::string amount;
  if (size >= 2 * kMicrosPerDay) {
    amount = fmt::format("{} days", Decimal::from_int(size / kMicrosPerDay).to_grouped_string());
  } else if (size >= 2 * 3600 * kMicrosPerSecond) {
    amount = fmt::format("{} hours", size / (3600 * kMicrosPerSecond));
  } else if (size >= 60 * kMicrosPerSecond) {
    const std::int64_t minutes = size / (60 * kMicrosPerSecond);
    amount = fmt::format("{} minute{}", minutes, minutes == 1 ? "" : "s");
  } else if (size == 0) {
    return "now";
  } else {
    amount = "less than a minute";
  }
  return delta > 0 ? fmt::format("{} away", amount) : fmt::format("passed {} ago", amount);
}

std::string render_deciding(const Transition::Value& value) {
  return fmt::format("{} = {} ({})", value.name, value.value, value.test);
}

std::string clause_state_name(const ClausePlan& plan, const ClauseState& state) {
  const auto& states = plan.instance->states;
  if (state.lapsed) return states.back();
  if (plan.holds_while) return std::string(name(state.level));
  return states[state.stage];
}

std::string_view comparison_symbol(ast::BinaryOp op) {
  return ast::is_comparison(op) ? ast::operator_info(op).symbol : std::string_view();
}

std::string_view render_operator(ast::BinaryOp op, ConditionForm form) {
  return form == ConditionForm::reader && ast::is_comparison(op) ? comparison_symbol(op)
                                                                 : operator_text(op);
}

ast::BinaryOp flipped(ast::BinaryOp op) {
  return ast::operator_info(op).mirrored;
}

std::string ConditionText::render(const ast::Expr& expr, ConditionForm form,
                                  const NodeValues& values) const {
  return text(expr, form, values);
}

std::string ConditionText::child(const ast::Expr& expr, const ast::Expr& parent, ConditionForm form,
                                 const NodeValues& values) const {
  const std::string inner = text(expr, form, values);
  // The deciding form keeps the source's own parentheses in the parts it does not rebuild.
  if (form == ConditionForm::deciding) return inner;
  // Comparisons do not chain; a window's phrase applies to the one comparison before it.
  const bool chained = strength(expr) == ast::kComparisonBinding &&
                       strength(parent) == ast::kComparisonBinding &&
                       std::holds_alternative<ast::Binary>(parent.node);
  return strength(expr) < strength(parent) || chained ? fmt::format("({})", inner) : inner;
}

std::string ConditionText::text(const ast::Expr& expr, ConditionForm form,
                                const NodeValues& values) const {
  const CheckedContract& checked = contract_.loaded.checked;
  if (form == ConditionForm::deciding && !rebuilt_when_deciding(expr, clause_, checked)) {
    return std::string(expr.span.text());
  }
  const Type& type = contract_.plan.types.at(expr.id);
  // Amounts that do not move are shown as they stand now (targets after splits).
  const auto* number = std::get_if<ast::NumberLiteral>(&expr.node);
  if (form == ConditionForm::reader && values && is_fixed(expr, checked) &&
      !type.is(Kind::boolean) && !(number && (number->percent || number->ratio))) {
    if (const RuntimeValue* value = values(expr.id)) {
      return render_value(*value, type, contract_, ValueForm::reader);
    }
  }
  // Counts and indexes are shown as written, whatever the form.
  const auto plain = [&](const ast::Expr& part) {
    return text(part, form == ConditionForm::reader ? ConditionForm::written : form, {});
  };
  const auto part = [&](const ast::Expr& inner) { return text(inner, form, values); };
  const auto since_words = [&](const std::optional<ast::WindowSince>& since) {
    if (!since) return std::string();
    return since->date ? " since " + plain(*since->date) : std::string(" since effective");
  };
  return std::visit(
      [&](const auto& node) -> std::string {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, ast::NumberLiteral>) {
          return node.percent || node.ratio ? std::string(expr.span.text())
                                            : node.value.to_grouped_string();
        } else if constexpr (std::is_same_v<T, ast::NameRef>) {
          const Value* bound = bound_value(expr, clause_, checked);
          return bound ? format_value(*bound) : node.name;
        } else if constexpr (std::is_same_v<T, ast::Suffixed>) {
          return fmt::format("{} {}", part(*node.operand), node.word.text);
        } else if constexpr (std::is_same_v<T, ast::Member>) {
          return fmt::format("{}.{}", part(*node.object), node.member.text);
        } else if constexpr (std::is_same_v<T, ast::Index>) {
          return fmt::format("{}[{}]", part(*node.object), plain(*node.index));
        } else if constexpr (std::is_same_v<T, ast::Unary>) {
          switch (node.op) {
            case ast::UnaryOp::negate:
              return fmt::format("-{}", child(*node.operand, expr, form, values));
            case ast::UnaryOp::logical_not:
              return fmt::format("not {}", child(*node.operand, expr, form, values));
            case ast::UnaryOp::once:
              return fmt::format("once {}", child(*node.operand, expr, form, values));
            case ast::UnaryOp::ever:
              return fmt::format("ever {}", child(*node.operand, expr, form, values));
          }
          return std::string(expr.span.text());
        } else if constexpr (std::is_same_v<T, ast::Binary>) {
          return fmt::format("{} {} {}", child(*node.lhs, expr, form, values),
                             render_operator(node.op, form), child(*node.rhs, expr, form, values));
        } else if constexpr (std::is_same_v<T, ast::Band>) {
          return fmt::format("{} in {} {} {}", child(*node.value, expr, form, values),
                             part(*node.low), node.high_excluded ? "..<" : "..", part(*node.high));
        } else if constexpr (std::is_same_v<T, ast::Consecutive>) {
          return fmt::format("{} for {} consecutive {}{}",
                             child(*node.condition, expr, form, values), plain(*node.count),
                             node.period.text, since_words(node.since));
        } else if constexpr (std::is_same_v<T, ast::AtLeastOfLast>) {
          return fmt::format("{} on at least {} of the last {} {}{}",
                             child(*node.condition, expr, form, values), plain(*node.needed),
                             plain(*node.window), node.period.text, since_words(node.since));
        } else if constexpr (std::is_same_v<T, ast::Quorum>) {
          std::string items;
          for (const auto& item : node.items) {
            items += fmt::format("{}{}", items.empty() ? "" : ", ", part(*item));
          }
          switch (node.kind) {
            case ast::QuorumKind::all:
              return fmt::format("all of ({})", items);
            case ast::QuorumKind::any:
              return fmt::format("any of ({})", items);
            case ast::QuorumKind::at_least:
              return fmt::format("at least {} of ({})", plain(*node.needed), items);
          }
          return std::string(expr.span.text());
        } else if constexpr (std::is_same_v<T, ast::TimeTest>) {
          const std::string_view word = node.relation == ast::TimeRelation::before ? "before"
                                        : node.relation == ast::TimeRelation::by   ? "by"
                                                                                   : "after";
          return fmt::format("{} {}", word, part(*node.instant));
        } else if constexpr (std::is_same_v<T, ast::Within>) {
          return fmt::format("within {} after {}", part(*node.duration), part(*node.anchor));
        } else if constexpr (ast::one_of<T, ast::TextLiteral, ast::BoolLiteral, ast::DateLiteral,
                                         ast::TimestampLiteral>) {
          return std::string(expr.span.text());  // text, booleans, dates, timestamps as written
        } else {
          static_assert(ast::unhandled<T>);
        }
      },
      expr.node);
}

}  // namespace proviso
