// What a test gives the engine: events written on `given` lines, and instants written after
// `at`, read in the contract's terms (its units, its time zone).
#include <fmt/format.h>

#include "testing/runner.hpp"

namespace proviso {

namespace {

TimeZone zone_of(const CheckedContract& contract) {
  return TimeZone::find(contract.timezone).value_or(*TimeZone::find("UTC"));
}

Timestamp instant_of_literal(const ast::TimestampLiteral& literal, const TimeZone& contract_zone) {
  const ParsedTimestamp parsed{literal.date, literal.micros_of_day, literal.offset_minutes,
                               literal.offset_minutes == 0};
  if (literal.zone) {
    if (const auto zone = TimeZone::find(literal.zone->text)) return to_instant(parsed, *zone);
  }
  return to_instant(parsed, contract_zone);
}

// Numbers and amounts combined by + - * /, as the checker allowed them.
std::optional<Value> arithmetic(ast::BinaryOp op, const Value& a, const Value& b) {
  const auto* x = std::get_if<Decimal>(&a);
  const auto* y = std::get_if<Decimal>(&b);
  const auto* qa = std::get_if<Quantity>(&a);
  const auto* qb = std::get_if<Quantity>(&b);
  const ast::OperatorInfo info = ast::operator_info(op);
  if (info.family != ast::OperatorFamily::arithmetic) return std::nullopt;
  const ArithmeticOp how = info.arithmetic;
  if (x && y) return apply(how, *x, *y);
  // An amount keeps its unit when scaled by a number, or when added to one of its kind.
  const auto scaled = [&](const Quantity& q, const Decimal& amount) {
    return Quantity{amount, q.dimension, q.unit, q.unit_scale};
  };
  switch (how) {
    case ArithmeticOp::add:
    case ArithmeticOp::subtract:
      if (qa && qb) return scaled(*qa, apply(how, qa->base_amount, qb->base_amount));
      return std::nullopt;
    case ArithmeticOp::multiply:
      if (qa && y) return scaled(*qa, apply(how, qa->base_amount, *y));
      if (x && qb) return scaled(*qb, apply(how, *x, qb->base_amount));
      return std::nullopt;
    case ArithmeticOp::divide:
      if (qa && y) return scaled(*qa, apply(how, qa->base_amount, *y));
      if (qa && qb) return apply(how, qa->base_amount, qb->base_amount);
      return std::nullopt;
  }
  return std::nullopt;
}

// The value of a field as written on a `given` line: a literal, an amount, a constant, or
// arithmetic on them.
std::optional<Value> given_value(const ast::Expr& expr, const CheckedContract& contract,
                                 const TimeZone& zone, const Bindings* bindings) {
  return std::visit(
      [&](const auto& node) -> std::optional<Value> {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, ast::NumberLiteral>) {
          return node.value;
        } else if constexpr (std::is_same_v<T, ast::TextLiteral>) {
          return node.value;
        } else if constexpr (std::is_same_v<T, ast::BoolLiteral>) {
          return node.value;
        } else if constexpr (std::is_same_v<T, ast::DateLiteral>) {
          return node.date;
        } else if constexpr (std::is_same_v<T, ast::TimestampLiteral>) {
          return instant_of_literal(node, zone);
        } else if constexpr (std::is_same_v<T, ast::NameRef>) {
          if (bindings) {
            if (const auto it = bindings->find(node.name); it != bindings->end()) return it->second;
          }
          const auto constant = contract.constants.find(node.name);
          if (constant == contract.constants.end()) return std::nullopt;
          return constant->second;
        } else if constexpr (std::is_same_v<T, ast::Suffixed>) {
          const auto operand = given_value(*node.operand, contract, zone, bindings);
          const auto* amount = operand ? std::get_if<Decimal>(&*operand) : nullptr;
          const UnitWord word = split_unit_word(node.word.text);
          const auto unit = contract.units.find(std::string(word.unit));
          if (!amount || unit == contract.units.end()) return std::nullopt;
          return Quantity{*amount * unit->second.scale, unit->second.dimension, unit->first,
                          unit->second.scale, word.per_share};
        } else if constexpr (std::is_same_v<T, ast::Unary>) {
          auto operand = given_value(*node.operand, contract, zone, bindings);
          if (!operand || node.op != ast::UnaryOp::negate) return std::nullopt;
          if (auto* number = std::get_if<Decimal>(&*operand)) return -*number;
          if (auto* quantity = std::get_if<Quantity>(&*operand)) {
            quantity->base_amount = -quantity->base_amount;
            return *quantity;
          }
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, ast::Binary>) {
          const auto lhs = given_value(*node.lhs, contract, zone, bindings);
          const auto rhs = given_value(*node.rhs, contract, zone, bindings);
          if (!lhs || !rhs) return std::nullopt;
          return arithmetic(node.op, *lhs, *rhs);
        } else if constexpr (ast::one_of<T, ast::Member, ast::Index, ast::Band, ast::Consecutive,
                                         ast::AtLeastOfLast, ast::Quorum, ast::TimeTest,
                                         ast::Within>) {
          return std::nullopt;  // not a value a `given` line can write
        } else {
          static_assert(ast::unhandled<T>);
        }
      },
      expr.node);
}

// Fills a field's slot as a log reader would: amounts in base units, a plain number in a
// quantity field in the field's own unit. False when the value does not fit the field.
bool fill_slot(const FieldSchema& field, const Value& value, FieldSlot& slot) {
  const auto* number = std::get_if<Decimal>(&value);
  switch (field.type.kind) {
    case Kind::number:
      if (number) slot.number = *number;
      return number != nullptr;
    case Kind::quantity:
      if (const auto* quantity = std::get_if<Quantity>(&value)) {
        slot.number = quantity->base_amount;
        return quantity->dimension == field.type.dimension;
      }
      if (number) slot.number = *number * field.scale;
      return number != nullptr;
    case Kind::text:
      if (const auto* text = std::get_if<std::string>(&value)) slot.text = *text;
      return std::holds_alternative<std::string>(value);
    case Kind::boolean:
      if (const auto* flag = std::get_if<bool>(&value)) slot.flag = *flag;
      return std::holds_alternative<bool>(value);
    case Kind::date:
      if (const auto* date = std::get_if<Date>(&value)) slot.instant = date->days;
      return std::holds_alternative<Date>(value);
    case Kind::timestamp:
      if (const auto* ts = std::get_if<Timestamp>(&value)) slot.instant = ts->micros;
      return std::holds_alternative<Timestamp>(value);
    case Kind::duration:
    case Kind::clause:
    case Kind::error:
      break;
  }
  return false;
}

}  // namespace

std::optional<Value> test_constant(const ast::Expr& expr, const Engine& engine,
                                   const Bindings* bindings) {
  const CheckedContract& contract = engine.contract(0).checked;
  return given_value(expr, contract, zone_of(contract), bindings);
}

std::optional<Event> given_event(const ast::GivenEvent& given, const Engine& engine,
                                 std::uint32_t log, std::uint64_t line, std::string& error,
                                 const Bindings* bindings) {
  const CheckedContract& contract = engine.contract(0).checked;
  const TimeZone zone = zone_of(contract);
  const EventSchemas& schemas = engine.schemas();
  const std::uint32_t* type = schemas.find(given.type.text);
  if (!type) {
    error = fmt::format("event type {} is not declared", given.type.text);
    return std::nullopt;
  }
  const EventSchema& schema = schemas.events[*type];
  Event event;
  event.type = *type;
  event.ts = instant_of_literal(given.ts, zone);
  event.log = log;
  event.line = line;
  event.fields.resize(schema.fields.size());
  for (const ast::FieldValue& field : given.fields) {
    std::size_t index = 0;
    while (index < schema.fields.size() && schema.fields[index].name != field.field.text) ++index;
    if (index == schema.fields.size()) {
      error = fmt::format("event {} has no field {}", schema.name, field.field.text);
      return std::nullopt;
    }
    std::optional<Value> value;
    try {
      value = given_value(*field.value, contract, zone, bindings);
    } catch (const ArithmeticError& failure) {
      error = fmt::format("field {}: {}", field.field.text, failure.what());
      return std::nullopt;
    }
    if (!value || !fill_slot(schema.fields[index], *value, event.fields[index])) {
      error = fmt::format(
          "field {}: {} cannot be given as a value; write a number, an amount, "
          "a text, a date or a timestamp",
          field.field.text, one_line(field.value->span.text()));
      return std::nullopt;
    }
  }
  return event;
}

std::optional<Timestamp> instant_of(Engine& engine, const ast::Expr& expr, bool& is_date,
                                    const Bindings* bindings) {
  // The engine evaluates any instant the checker accepted (a literal, a constant,
  // T1.vested_at + 90 days) and shows it exactly, so reading its text back loses nothing.
  const Evaluation value = engine.evaluate(expr, 0, bindings);
  if (!value.known) return std::nullopt;
  const TimeZone zone = zone_of(engine.contract(0).checked);
  const auto date = parse_date(value.text);
  if (const auto* day = std::get_if<Date>(&date)) {
    is_date = true;
    return zone.start_of_day(Date{day->days + 1});
  }
  is_date = false;
  const auto parsed = parse_timestamp(value.text);
  if (const auto* ts = std::get_if<ParsedTimestamp>(&parsed)) return to_instant(*ts, zone);
  return std::nullopt;
}

}  // namespace proviso
