// The checker's step for the amounts of a clause tested per period: what it pays for each
// missed period, its caps across periods and its catch-up (reference § "Amounts per period").
#include <fmt/format.h>

#include "check/checker.hpp"

namespace proviso {

namespace {

// `month` names the periods of `calendar month` (and `months`, `period` any period).
bool names_period(const std::string& word, const ast::PeriodSpec& period) {
  if (word == "period" || word == "periods") return true;
  const std::string& unit = period.unit.text;
  const std::string singular =
      unit.size() > 1 && unit.back() == 's' ? unit.substr(0, unit.size() - 1) : unit;
  return word == singular || word == singular + "s";
}

}  // namespace

Type Checker::check_amount(const ast::Expr& amount, const Scope& scope, std::string_view role) {
  const Type type = check_expr(amount, scope);
  if (!type.is_error() && !type.is_numeric()) {
    error(amount.span,
          fmt::format("{} is an amount (money, shares or a number), not {}", role, describe(type)));
    return Type{};
  }
  return type;
}

void Checker::check_period_amounts(const ast::ClauseDecl& decl, const Scope& scope,
                                   const Type& grant) {
  const std::string& name = decl.name.text;
  const bool amounts = decl.missed_payment || !decl.caps.empty() || decl.catch_up;
  if (amounts && !decl.period_test) {
    const Span& where = decl.missed_payment ? decl.missed_payment->span
                        : decl.caps.empty() ? decl.catch_up->span
                                            : decl.caps.front().span;
    error(where,
          fmt::format("{} {} is not tested per period, so it has no missed periods, caps across "
                      "periods or catch-up",
                      decl.kind.text, name),
          "add 'requires C in each calendar month' (or another period)");
    return;
  }
  if (!amounts) return;
  const ast::PeriodSpec& period = decl.period_test->period;
  Type paid;  // what the caps bound: the payments for missed periods, else the grants
  if (decl.missed_payment) {
    const ast::MissedPayment& missed = *decl.missed_payment;
    paid = check_amount(*missed.amount, scope, "what a missed period pays is");
    if (!names_period(missed.period.text, period)) {
      error(missed.period.span,
            fmt::format("{} is tested per {} {}, so it pays for each missed {} (or period), not "
                        "'{}'",
                        name, period.family.text, period.unit.text, period.unit.text,
                        missed.period.text));
    }
  } else if (decl.grant) {
    paid = grant;
  }
  bool total_cap = false;
  for (const ast::Cap& cap : decl.caps) {
    const Type type = check_amount(*cap.amount, scope, "a cap");
    if (cap.per) {
      check_calendar_period(*cap.per);
    } else if (total_cap) {
      error(cap.span, fmt::format("{} already has a cap 'in total'", name));
    }
    total_cap |= !cap.per;
    if (!decl.missed_payment && !decl.grant) {
      error(cap.span,
            fmt::format("{} neither grants nor pays an amount, so it has nothing to cap", name),
            "add 'grants …' or 'pays … for each missed …'");
    } else if (!type.is_error() && !paid.is_error() && !type.compatible(paid)) {
      error(
          cap.amount->span,
          fmt::format("the cap is {}, but what {} {} is {}", describe(type), name,
                      decl.missed_payment ? "pays for a missed period" : "grants", describe(paid)));
    }
  }
  if (decl.catch_up) {
    if (!decl.grant) {
      error(decl.catch_up->span,
            fmt::format("{} grants nothing, so it has nothing to catch up", name),
            "a catch-up pays the grants of missed periods later; add 'grants …'");
    }
    if (decl.catch_up->condition) {
      expect_condition(*decl.catch_up->condition, scope, "the catch-up condition");
    }
  }
}

}  // namespace proviso
