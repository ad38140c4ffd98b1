// The contract the event and state fuzzers replay against: every event type the bundled logs
// and the golden run cases use, with windows, trading days, deadlines, splits and latches, so
// that fuzzed input reaches the engine's state, not only the readers.
#pragma once

#include <string_view>

namespace proviso::fuzz {

inline constexpr std::string_view kFixedContract = R"(
contract "Fuzz target"
  timezone "America/New_York"
  calendar NYSE
  effective 2025-01-02
  expires 2030-12-31

event deployment { vendor: text, mw: MW }
event close { symbol: text, px: USD }
event daily_vwap { symbol: text, px: USD }
event report { debt: USD, ebitda: USD }
event compliance_certificate { period_end: date, debt: USD, ebitda: USD }
event milestone { name: text }
event split { symbol: text, ratio: number }
event sale { region: text, amount: USD }
event payment { amount: USD }
event notice { kind: text }
event change_of_control { price_per_share: USD }

splits from split.ratio where symbol == "AMD"

metric deployed = sum deployment.mw where vendor == "AMD"
metric recent = sum deployment.mw over the last 30 days
metric px = latest close.px where symbol == "AMD"
metric pubco = latest daily_vwap.px
metric debt = latest report.debt
metric ebitda = latest report.ebitda
metric leverage = debt / ebitda
metric sales = sum sale.amount
metric paid = sum payment.amount
metric sale_price = latest change_of_control.price_per_share

tranche T1 "First gigawatt"
  grants 1_000_000 shares
  vests when deployed >= 1 GW
  subject to adjustment

tranche T2 "Price"
  grants 2_000_000 shares
  vests when T1 vested and px >= 100 USD on at least 3 of the last 5 trading days
  lapses if not vested by 2027-06-30

clause Run "A run of sessions"
  triggers when pubco >= 15 USD for 4 consecutive trading days or sale_price >= 20 USD

covenant Leverage "Leverage at most 4x"
  holds while leverage <= 4

clause Paid "Paid in"
  grants 250_000 USD
  pays when paid + sales >= 5_000_000 USD and once recent > 10 MW

clause Done "Everything"
  releases when all of (T1 vested, Paid paid) and within 900 days after T1.vested_at
)";

}  // namespace proviso::fuzz
