// Constant evaluation for the checker: lets, family ranges, unit definitions, deadlines.
// Anything that is not constant (a metric, a clause's time) quietly gives nullopt; arithmetic
// that fails (overflow, division by zero) is reported where it happens.
#include <fmt/format.h>

#include "base/overloaded.hpp"
#include "check/checker.hpp"

namespace proviso {

namespace {

std::optional<Duration> duration_of(const Decimal& amount, std::string_view word) {
  auto exact = [&](std::int64_t micros_per_unit) -> std::optional<Duration> {
    const Decimal micros = amount * Decimal::from_int(micros_per_unit);
    const auto whole = micros.to_int64();
    if (!whole) return std::nullopt;
    return Duration{*whole, 0, 0};
  };
  auto whole = [&](std::int64_t factor, bool trading) -> std::optional<Duration> {
    const auto count = (amount * Decimal::from_int(factor)).to_int64();
    if (!count || *count > INT32_MAX || *count < INT32_MIN) return std::nullopt;
    Duration duration;
    (trading ? duration.trading_days : duration.months) = static_cast<std::int32_t>(*count);
    return duration;
  };
  if (word == "second" || word == "seconds") return exact(kMicrosPerSecond);
  if (word == "minute" || word == "minutes") return exact(60 * kMicrosPerSecond);
  if (word == "hour" || word == "hours") return exact(3600 * kMicrosPerSecond);
  if (word == "day" || word == "days") return exact(kMicrosPerDay);
  if (word == "week" || word == "weeks") return exact(7 * kMicrosPerDay);
  if (word == "month" || word == "months") return whole(1, false);
  if (word == "year" || word == "years") return whole(12, false);
  if (word == "trading day" || word == "trading days") return whole(1, true);
  return std::nullopt;
}

// Calendar months move the date and keep the wall-clock time; the 31st becomes the month's
// last day when the month is shorter.
std::optional<Date> add_months(Date date, std::int32_t months) {
  const CivilDate day = civil(date);
  const int total = day.year * 12 + (day.month - 1) + months;
  const int year = total / 12;
  const int month = total % 12 + 1;
  for (int d = day.day; d >= 28; --d) {
    if (auto result = make_date(year, month, d)) return result;
  }
  return make_date(year, month, day.day);
}

}  // namespace

Timestamp Checker::instant_of(const ast::TimestampLiteral& literal) const {
  ParsedTimestamp parsed{literal.date, literal.micros_of_day, literal.offset_minutes,
                         literal.offset_minutes == 0};
  if (literal.zone) {
    if (auto zone = TimeZone::find(literal.zone->text)) return to_instant(parsed, *zone);
  }
  return to_instant(parsed, zone_ ? *zone_ : *TimeZone::find("UTC"));
}

std::optional<Value> Checker::evaluate(const ast::Expr& expr, const Bindings& bindings) {
  try {
    using Result = std::optional<Value>;
    return std::visit(
        overloaded{
            [&](const ast::NumberLiteral& number) -> Result {
              if (!number.percent && !number.ratio) return number.value;
              const UnitInfo& unit = result_.units.at(number.percent ? "%" : "x");
              return Quantity{number.value, unit.dimension, unit.name, unit.scale, false};
            },
            [](const ast::TextLiteral& text) -> Result { return text.value; },
            [](const ast::BoolLiteral& boolean) -> Result { return boolean.value; },
            [](const ast::DateLiteral& date) -> Result { return date.date; },
            [&](const ast::TimestampLiteral& ts) -> Result { return instant_of(ts); },
            [&](const ast::NameRef& ref) -> Result {
              if (const auto bound = bindings.find(ref.name); bound != bindings.end()) {
                return bound->second;
              }
              // A parameter has its value per instance: known when loaded, not when checked.
              if (result_.parameter_index(ref.name) >= 0) used_let_without_value_ = true;
              if (const auto let = let_decls_.find(ref.name); let != let_decls_.end()) {
                check_let(*let->second);
                const auto value = result_.constants.find(ref.name);
                if (value != result_.constants.end()) return value->second;
                used_let_without_value_ = true;  // its own check said why
              }
              return std::nullopt;
            },
            [&](const ast::Suffixed& suffixed) -> Result {
              const auto operand = evaluate(*suffixed.operand, bindings);
              const auto* amount = operand ? std::get_if<Decimal>(&*operand) : nullptr;
              if (!amount) return std::nullopt;
              const UnitWord word = split_unit_word(suffixed.word.text);
              const auto unit = result_.units.find(std::string(word.unit));
              if (unit != result_.units.end()) {
                return Quantity{*amount * unit->second.scale, unit->second.dimension, unit->first,
                                unit->second.scale, word.per_share};
              }
              auto duration = duration_of(*amount, suffixed.word.text);
              if (!duration) {
                error(expr.span,
                      fmt::format(
                          "{} is not a whole number of {}", amount->to_string(),
                          suffixed.word.text == "trading days" ? "trading days" : "microseconds"));
                return std::nullopt;
              }
              return *duration;
            },
            [&](const ast::Unary& unary) -> Result {
              if (unary.op != ast::UnaryOp::negate) return std::nullopt;
              auto operand = evaluate(*unary.operand, bindings);
              if (!operand) return std::nullopt;
              if (auto* number = std::get_if<Decimal>(&*operand)) return -*number;
              if (auto* quantity = std::get_if<Quantity>(&*operand)) {
                quantity->base_amount = -quantity->base_amount;
                return *quantity;
              }
              if (auto* duration = std::get_if<Duration>(&*operand)) {
                return Duration{-duration->micros, -duration->months, -duration->trading_days};
              }
              return std::nullopt;
            },
            [&](const ast::Binary& binary) -> Result { return evaluate_binary(binary, bindings); },
            // Members, clause references and conditions have no value before run time.
            [](const ast::one_of<ast::Member, ast::Index, ast::Band, ast::Consecutive,
                                 ast::AtLeastOfLast, ast::Quorum, ast::TimeTest, ast::Within> auto&)
                -> Result { return std::nullopt; },
        },
        expr.node);
  } catch (const ArithmeticError& failure) {
    const auto* binary = std::get_if<ast::Binary>(&expr.node);
    error(expr.span,
          binary ? arithmetic_failure(failure, binary->rhs->span.text()) : failure.what());
  }
  return std::nullopt;
}

std::optional<Value> Checker::evaluate_binary(const ast::Binary& binary, const Bindings& bindings) {
  const auto lhs = evaluate(*binary.lhs, bindings);
  if (!lhs) return std::nullopt;
  const auto rhs = evaluate(*binary.rhs, bindings);
  if (!rhs) return std::nullopt;
  const ast::OperatorInfo info = ast::operator_info(binary.op);
  // Comparisons and connectives have no value before run time.
  if (info.family != ast::OperatorFamily::arithmetic) return std::nullopt;
  const ArithmeticOp op = info.arithmetic;
  const auto* a_number = std::get_if<Decimal>(&*lhs);
  const auto* b_number = std::get_if<Decimal>(&*rhs);
  const auto* a_quantity = std::get_if<Quantity>(&*lhs);
  const auto* b_quantity = std::get_if<Quantity>(&*rhs);
  if (a_number && b_number) return apply(op, *a_number, *b_number);
  if (a_quantity && b_quantity) {
    const bool a_shares = a_quantity->dimension == "shares";
    const bool b_shares = b_quantity->dimension == "shares";
    if (op == ArithmeticOp::divide && b_shares && !a_shares) {  // USD ÷ shares: USD per share
      Quantity result = *a_quantity;
      result.base_amount = a_quantity->base_amount / b_quantity->base_amount;
      result.per_share = true;
      return result;
    }
    if (op == ArithmeticOp::divide && !a_quantity->per_share && b_quantity->per_share &&
        a_quantity->dimension == b_quantity->dimension) {  // USD ÷ USD per share: shares
      return Quantity{a_quantity->base_amount / b_quantity->base_amount, "shares", "shares",
                      Decimal::from_int(1), false};
    }
    const bool a_percent = a_quantity->dimension == Type::kPercentDimension;
    const bool b_percent = b_quantity->dimension == Type::kPercentDimension;
    if (op == ArithmeticOp::divide && b_percent && !a_percent) {  // 1 GW ÷ 50%: 2 GW
      Quantity result = *a_quantity;
      result.base_amount = a_quantity->base_amount / b_quantity->base_amount;
      return result;
    }
    if (op == ArithmeticOp::divide) return a_quantity->base_amount / b_quantity->base_amount;
    if (op == ArithmeticOp::multiply && (a_percent || b_percent)) {  // 95% × 1 GW: 0.95 GW
      Quantity result = a_percent ? *b_quantity : *a_quantity;
      result.base_amount = a_quantity->base_amount * b_quantity->base_amount;
      return result;
    }
    if (op == ArithmeticOp::multiply) {  // shares × USD per share: USD
      Quantity result = a_shares ? *b_quantity : *a_quantity;
      result.base_amount = a_quantity->base_amount * b_quantity->base_amount;
      result.per_share = false;
      return result;
    }
    Quantity result = *a_quantity;
    result.base_amount = apply(op, a_quantity->base_amount, b_quantity->base_amount);
    return result;
  }
  if (a_quantity && b_number) {
    Quantity result = *a_quantity;
    result.base_amount = apply(op, a_quantity->base_amount, *b_number);
    return result;
  }
  if (a_number && b_quantity && op == ArithmeticOp::multiply) {
    Quantity result = *b_quantity;
    result.base_amount = *a_number * b_quantity->base_amount;
    return result;
  }
  const auto* a_duration = std::get_if<Duration>(&*lhs);
  const auto* b_duration = std::get_if<Duration>(&*rhs);
  const int sign = op == ArithmeticOp::subtract ? -1 : 1;
  if (a_duration && b_duration && op != ArithmeticOp::multiply && op != ArithmeticOp::divide) {
    return Duration{a_duration->micros + sign * b_duration->micros,
                    a_duration->months + sign * b_duration->months,
                    a_duration->trading_days + sign * b_duration->trading_days};
  }
  if (b_duration && (op == ArithmeticOp::add || op == ArithmeticOp::subtract)) {
    // Trading days move a date from session to session, after days and months, as the engine
    // does (run/evaluate.cpp, shift_instant).
    auto trading_days = [&](Date day) -> std::optional<Date> {
      if (b_duration->trading_days == 0) return day;
      const TradingCalendar* calendar = sessions();
      if (!calendar) return std::nullopt;
      try {
        for (std::int32_t n = sign * b_duration->trading_days; n > 0; --n) {
          day = calendar->next_trading_day(Date{day.days + 1});
        }
        for (std::int32_t n = sign * b_duration->trading_days; n < 0; ++n) {
          day = calendar->previous_trading_day(Date{day.days - 1});
        }
      } catch (const std::out_of_range&) {
        return std::nullopt;  // past the years dates can have; check_let reports it
      }
      return day;
    };
    if (const auto* ts = std::get_if<Timestamp>(&*lhs)) {
      // Whole days and months move the local date and keep the wall-clock time, as the engine
      // does; hours, minutes and seconds are exact.
      const TimeZone zone = zone_ ? *zone_ : *TimeZone::find("UTC");
      const bool whole_days = b_duration->micros % kMicrosPerDay == 0;
      Timestamp moved{ts->micros + (whole_days ? 0 : sign * b_duration->micros)};
      const Date day = zone.local_date(moved);
      const std::int64_t time_of_day = moved.micros - zone.start_of_day(day).micros;
      Date target{
          day.days +
          (whole_days ? static_cast<std::int32_t>(sign * b_duration->micros / kMicrosPerDay) : 0)};
      if (b_duration->months != 0) {
        const auto shifted = add_months(target, sign * b_duration->months);
        if (!shifted) return std::nullopt;
        target = *shifted;
      }
      const auto session = trading_days(target);
      if (!session) return std::nullopt;
      return zone.to_instant(*session, time_of_day);
    }
    if (const auto* date = std::get_if<Date>(&*lhs)) {
      Date moved{date->days +
                 static_cast<std::int32_t>(sign * (b_duration->micros / kMicrosPerDay))};
      if (b_duration->months != 0) {
        const auto shifted = add_months(moved, sign * b_duration->months);
        if (!shifted) return std::nullopt;
        moved = *shifted;
      }
      const auto session = trading_days(moved);
      if (!session) return std::nullopt;
      return *session;
    }
  }
  if (op == ArithmeticOp::subtract) {
    const auto* a_ts = std::get_if<Timestamp>(&*lhs);
    const auto* b_ts = std::get_if<Timestamp>(&*rhs);
    if (a_ts && b_ts) return Duration{a_ts->micros - b_ts->micros, 0, 0};
    const auto* a_date = std::get_if<Date>(&*lhs);
    const auto* b_date = std::get_if<Date>(&*rhs);
    if (a_date && b_date) return Duration{(a_date->days - b_date->days) * kMicrosPerDay, 0, 0};
  }
  return std::nullopt;
}

std::optional<Timestamp> Checker::evaluate_instant(const ast::Expr& expr,
                                                   const Bindings& bindings) {
  const auto value = evaluate(expr, bindings);
  if (!value) return std::nullopt;
  if (const auto* ts = std::get_if<Timestamp>(&*value)) return *ts;
  // A date alone means the start of that day in the contract's time zone.
  if (const auto* date = std::get_if<Date>(&*value)) {
    return (zone_ ? *zone_ : *TimeZone::find("UTC")).start_of_day(*date);
  }
  return std::nullopt;
}

std::optional<std::int64_t> Checker::evaluate_integer(const ast::Expr& expr,
                                                      const Bindings& bindings,
                                                      std::string_view what) {
  const auto value = evaluate(expr, bindings);
  const auto* number = value ? std::get_if<Decimal>(&*value) : nullptr;
  if (!number) return std::nullopt;
  const auto integer = number->to_int64();
  if (!integer && !what.empty()) {
    error(expr.span,
          fmt::format("{} must be a whole number, but this is {}", what, number->to_string()));
  }
  return integer;
}

const TradingCalendar* Checker::sessions() {
  if (sessions_) return &*sessions_;
  const auto& header = contract_.header;
  if (!header || !header->calendar) {
    sessions_ = TradingCalendar::every_day();
    return &*sessions_;
  }
  const std::string& name = header->calendar->text;
  try {
    for (const auto& declaration : contract_.declarations) {
      const auto* calendar = std::get_if<ast::CalendarDecl>(&declaration);
      if (calendar && calendar->name.text == name) {
        sessions_ = TradingCalendar::from_decl(*calendar);
        return &*sessions_;
      }
    }
  } catch (const std::invalid_argument&) {
    return nullptr;  // a word the calendar's check reports
  }
  sessions_ = find_stdlib_calendar(name);
  return sessions_ ? &*sessions_ : nullptr;
}

}  // namespace proviso
