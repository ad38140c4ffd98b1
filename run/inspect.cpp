#include "run/inspect.hpp"

#include <fmt/format.h>

namespace proviso {

Trace::Trace(EngineImpl& impl, ContractRuntime& contract, const Program& program) {
  const auto latches = contract.latches;
  const bool coverage = impl.coverage_on;
  impl.coverage_on = false;
  impl.stack.clear();
  try {
    for (const Step& step : program.steps) {
      impl.execute(contract, contract.plan, step, nullptr);
      if (step.node >= values_.size()) values_.resize(step.node + 1);
      values_[step.node] = impl.stack.back();
    }
  } catch (const RuntimeError& failure) {
    // Arithmetic that fails now (a division by a metric that is 0): the parts after it have no
    // value, and say so.
    failure_ = failure.diagnostic().message;
  }
  impl.stack.clear();
  contract.latches = latches;
  impl.coverage_on = coverage;
}

const RuntimeValue* Trace::find(ast::NodeId node) const {
  return node < values_.size() && values_[node] ? &*values_[node] : nullptr;
}

const RuntimeValue* Trace::value_of(const ast::Expr& expr, const ContractPlan& plan) const {
  if (const RuntimeValue* value = find(expr.id)) return value;
  if (const auto m = metric_named(plan, expr); m && plan.metrics[*m].derived) {
    const Program& derived = *plan.metrics[*m].derived;
    if (derived.source) return value_of(*derived.source, plan);
  }
  return nullptr;
}

std::optional<std::uint32_t> metric_named(const ContractPlan& plan, const ast::Expr& expr) {
  const auto* ref = std::get_if<ast::NameRef>(&expr.node);
  if (!ref) return std::nullopt;
  for (std::uint32_t m = 0; m < plan.metrics.size(); ++m) {
    if (plan.metrics[m].name == ref->name) return m;
  }
  return std::nullopt;
}

bool is_fixed(const ast::Expr& expr, const CheckedContract& contract) {
  return std::visit(
      [&](const auto& node) -> bool {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, ast::NameRef>) {
          return contract.metrics.count(node.name) == 0;
        } else if constexpr (std::is_same_v<T, ast::Suffixed>) {
          return !contract.types.at(expr.id).is(Kind::boolean) && is_fixed(*node.operand, contract);
        } else if constexpr (std::is_same_v<T, ast::Unary>) {
          return (node.op == ast::UnaryOp::negate || node.op == ast::UnaryOp::logical_not) &&
                 is_fixed(*node.operand, contract);
        } else if constexpr (std::is_same_v<T, ast::Binary>) {
          return is_fixed(*node.lhs, contract) && is_fixed(*node.rhs, contract);
        } else if constexpr (std::is_same_v<T, ast::Band>) {
          return is_fixed(*node.value, contract) && is_fixed(*node.low, contract) &&
                 is_fixed(*node.high, contract);
        } else if constexpr (std::is_same_v<T, ast::NumberLiteral> ||
                             std::is_same_v<T, ast::TextLiteral> ||
                             std::is_same_v<T, ast::BoolLiteral> ||
                             std::is_same_v<T, ast::DateLiteral> ||
                             std::is_same_v<T, ast::TimestampLiteral>) {
          return true;
        } else {
          return false;  // clause times and states, windows, quorums, time tests
        }
      },
      expr.node);
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

std::string amount_text(const Decimal& base, const std::string& unit,
                        const CheckedContract& contract) {
  const auto it = unit.empty() ? contract.units.end() : contract.units.find(unit);
  if (it == contract.units.end()) return base.to_grouped_string();
  return fmt::format("{} {}", (base / it->second.scale).to_grouped_string(), unit);
}

std::string value_text(const RuntimeValue& value, const Type& type, const ContractRuntime& contract,
                       const std::string& unit) {
  if (!value.known) return "no value yet";
  const CheckedContract& checked = contract.loaded.checked;
  switch (type.kind) {
    case Kind::number:
      return value.number.to_grouped_string();
    case Kind::quantity:
      return amount_text(value.number, unit.empty() ? type.unit : unit, checked);
    case Kind::timestamp:
      return local_time(Timestamp{value.time}, *contract.plan.zone);
    case Kind::date:
      return format_date(Date{static_cast<std::int32_t>(value.time)});
    case Kind::text:
      return fmt::format("\"{}\"", value.text);
    case Kind::boolean:
      return value.flag ? "true" : "false";
    case Kind::duration: {
      if (value.months != 0) {
        return value.months % 12 == 0 ? fmt::format("{} years", value.months / 12)
                                      : fmt::format("{} months", value.months);
      }
      return fmt::format("{} days",
                         Decimal::from_int(value.time / kMicrosPerDay).to_grouped_string());
    }
    case Kind::error:
    case Kind::clause:
      break;
  }
  return "";
}

}  // namespace proviso
