// The message for every commit point of the grammar. A rule used inside `must<>` without
// a message here fails to compile, so no syntax error can go unexplained. A message may add
// a hint after a line break; it is shown as the diagnostic's `help:`.
#pragma once

#include "grammar/grammar.hpp"

namespace proviso::grammar {

template <typename Rule>
inline constexpr const char* error_message = nullptr;

// clang-format off
#define PROVISO_ERROR( rule, text ) template<> inline constexpr const char* error_message< rule > = text
PROVISO_ERROR( string_close, "this text has no closing quote \" on its line" );
PROVISO_ERROR( expression, "expected a value or a condition here" );
PROVISO_ERROR( close_paren, "expected ')' to close the '(' before it" );
PROVISO_ERROR( item_list, "expected a list of conditions separated by commas" );
PROVISO_ERROR( kw_of, "expected the word 'of'" );
PROVISO_ERROR( quorum_items, "expected '(' and a list of conditions separated by commas" );
PROVISO_ERROR( additive, "expected a value here" );
PROVISO_ERROR( kw_after, "expected the word 'after'" );
PROVISO_ERROR( member_name, "expected a name after '.'" );
PROVISO_ERROR( close_bracket, "expected ']' to close the '[' before it" );
PROVISO_ERROR( operand, "expected a value after the operator" );
PROVISO_ERROR( multiplicative, "expected a value after the operator" );
PROVISO_ERROR( band_op, "expected '..' (both ends included) or '..<' (upper end excluded) between the ends of the band" );
PROVISO_ERROR( count, "expected a number, e.g. 30" );
PROVISO_ERROR( period, "expected a period such as 'days' or 'trading days'" );
PROVISO_ERROR( kw_at, "expected 'at least' after 'on'" );
PROVISO_ERROR( since_start, "expected 'effective' or a date after 'since', e.g. since 2027-01-01" );
PROVISO_ERROR( kw_least, "expected the word 'least' after 'at'" );
PROVISO_ERROR( kw_the, "expected the word 'the'" );
PROVISO_ERROR( kw_last, "expected the word 'last'" );
PROVISO_ERROR( period_unit, "expected a period: week, month, quarter or year" );
PROVISO_ERROR( period_month, "expected a month, e.g. July" );
PROVISO_ERROR( period_day, "expected a whole number" );
PROVISO_ERROR( period_which, "expected 'current' or 'previous', e.g. in the current calendar month" );
PROVISO_ERROR( period_spec, "expected a period such as 'calendar month', 'fiscal year starting July' or 'contract year'" );
PROVISO_ERROR( period_in, "expected 'in each' and a period after the condition, e.g. requires avail >= 0.95 in each calendar month" );
PROVISO_ERROR( period_each, "expected the word 'each', e.g. in each calendar month" );
PROVISO_ERROR( prefix_condition, "expected a condition here" );
PROVISO_ERROR( conjunction, "expected a condition after 'or'" );
PROVISO_ERROR( contract_title, "expected the contract's name in quotes after 'contract', e.g. contract \"AMD warrant\"" );
PROVISO_ERROR( header_text, "expected a text in quotes" );
PROVISO_ERROR( declared_name, "expected a name (letters, digits and '_', starting with a letter)" );
PROVISO_ERROR( tested_at_word, "expected 'at each' and an event after 'tested', e.g. tested at each close" );
PROVISO_ERROR( tested_each, "expected 'each' and an event after 'tested at', e.g. tested at each close" );
PROVISO_ERROR( tested_event, "expected the event the clause is tested at, e.g. tested at each close" );
PROVISO_ERROR( colon, "expected ':' between a name and its type" );
PROVISO_ERROR( equals, "expected '='" );
PROVISO_ERROR( field_type, "expected the field's type: text, number, bool, date, timestamp or a unit such as MW or USD" );
PROVISO_ERROR( open_brace, "expected '{'" );
PROVISO_ERROR( close_brace, "expected '}' to close the block\nif the '}' is there, an item inside the block is misspelt" );
PROVISO_ERROR( aggregate_source, "expected the event and field to aggregate, as event.field (e.g. deployment.mw)" );
PROVISO_ERROR( kw_by, "expected the word 'by'" );
PROVISO_ERROR( weight_field, "expected the name of the weighting field" );
PROVISO_ERROR( metric_body, "expected the metric's definition, e.g. sum deployment.mw" );
PROVISO_ERROR( clause_name, "expected the clause's name, e.g. T1 or F[k]" );
PROVISO_ERROR( family_variable, "expected a variable name" );
PROVISO_ERROR( custom_state, "expected the name of the state after 'becomes', e.g. becomes exercisable" );
PROVISO_ERROR( kw_when, "expected 'when' and a condition" );
PROVISO_ERROR( kw_while, "expected 'while' and a condition after 'holds'" );
PROVISO_ERROR( kw_if, "expected 'if not STATE by DEADLINE' after 'lapses'" );
PROVISO_ERROR( kw_not, "expected 'not STATE by DEADLINE' after 'lapses if'" );
PROVISO_ERROR( lapse_state, "expected the state the clause must reach, e.g. vested" );
PROVISO_ERROR( clause_ref, "expected a clause name" );
PROVISO_ERROR( kw_to, "expected 'subject to adjustment'" );
PROVISO_ERROR( missed_for, "expected 'for each missed PERIOD' after the amount, e.g. pays 10000 USD for each missed month" );
PROVISO_ERROR( cap_at, "expected 'capped at' and the cap, e.g. capped at 5 USDm, or capped at 120000 USD per contract year" );
PROVISO_ERROR( missed_word, "expected the period after 'missed', e.g. month" );
PROVISO_ERROR( cap_scope, "expected 'per PERIOD' or 'in total' after the cap, e.g. capped at 120000 USD per contract year" );
PROVISO_ERROR( kw_total, "expected 'in total'" );
PROVISO_ERROR( catch_up_word, "expected 'with catch-up'" );
PROVISO_ERROR( kw_adjustment, "expected 'subject to adjustment'" );
PROVISO_ERROR( kw_in, "expected 'in' and a range such as 1..10 or a list such as [250 USD, 300 USD]" );
PROVISO_ERROR( binding_values, "expected a range such as 1..10 or a list such as [250 USD, 300 USD]" );
PROVISO_ERROR( binding, "expected a variable, e.g. for each k in 1..10" );
PROVISO_ERROR( family_clause, "expected the clause that 'for each' repeats: tranche, clause or covenant" );
PROVISO_ERROR( month_name, "expected a month name, e.g. January" );
PROVISO_ERROR( small_number, "expected a whole number" );
PROVISO_ERROR( day_unit, "expected 'days'" );
PROVISO_ERROR( holiday_name, "expected the name in quotes" );
PROVISO_ERROR( kw_on, "expected 'on' and the holiday's date rule" );
PROVISO_ERROR( holiday_date, "expected a date rule: 'January 1', 'third Monday of January', 'last Monday of May' or 'Easter - 2 days'" );
PROVISO_ERROR( closed_date, "expected a date as YYYY-MM-DD" );
PROVISO_ERROR( weekday_name, "expected a weekday name, e.g. Saturday" );
PROVISO_ERROR( event_type, "expected the event's type after its timestamp" );
PROVISO_ERROR( log_path, "expected the log file's path in quotes" );
PROVISO_ERROR( given_body, "expected events, one per line as TIMESTAMP TYPE field=value …, or log \"file\"" );
PROVISO_ERROR( expected_text, "expected the error's text in quotes" );
PROVISO_ERROR( expected, "expected a condition, 'granted AMOUNT', 'paid AMOUNT', 'timeline \"file\"' or 'error \"text\"' after 'expect'" );
PROVISO_ERROR( granted_amount, "expected the total granted, e.g. expect granted 53_333_334 shares" );
PROVISO_ERROR( paid_amount, "expected the total paid for missed periods, e.g. expect paid 25_000 USD" );
PROVISO_ERROR( timeline_path, "expected the golden timeline's path in quotes, e.g. expect timeline \"golden/t1.jsonl\"" );
PROVISO_ERROR( instance_key, "expected the instance's key, e.g. expect SoftCall triggered for N0042" );
PROVISO_ERROR( kw_each, "expected 'for each' and the test's cases, e.g. for each mw in [999, 1000]" );
PROVISO_ERROR( test_name, "expected the test's name in quotes" );
PROVISO_ERROR( kw_from, "expected 'from' and the field that gives each split's ratio, e.g. splits from split.ratio" );
PROVISO_ERROR( split_source, "expected the event and field that give each split's ratio, as event.field (e.g. split.ratio)" );
PROVISO_ERROR( amount, "expected an amount, e.g. 1000 shares, 2% * annual_sales or min(a, b)" );
PROVISO_ERROR( amount_items, "expected '(' and amounts separated by commas, e.g. min(5 USDm, 2% * sales)" );
PROVISO_ERROR( amount_atom, "expected an amount after the operator" );
PROVISO_ERROR( amount_product, "expected an amount after the operator" );
PROVISO_ERROR( amount_then, "expected 'then' and the amount when the condition holds: if C then A else B" );
PROVISO_ERROR( amount_else, "expected 'else' and the amount when the condition does not hold: if C then A else B" );
PROVISO_ERROR( tier_base, "expected the quantity the tiers split, e.g. tiered annual_sales { … }" );
PROVISO_ERROR( tier_bands, "expected '{' and the bands, e.g. { up to 500 USDm: 5%, above: 7% }" );
PROVISO_ERROR( tier_band, "expected a band: 'up to LIMIT: RATE' or 'above: RATE'" );
PROVISO_ERROR( tier_to, "expected 'up to' and the band's upper limit, e.g. up to 500 USDm: 5%" );
PROVISO_ERROR( tier_colon, "expected ':' and the band's rate, e.g. up to 500 USDm: 5%" );
PROVISO_ERROR( tier_rate, "expected the band's rate, e.g. 5%" );
PROVISO_ERROR( round_to, "expected 'to' and what to round to: whole shares, the cent or the nearest 1_000 USD" );
PROVISO_ERROR( round_target, "expected what to round to: whole shares, the cent or the nearest 1_000 USD" );
PROVISO_ERROR( round_fraction, "expected 'the cent' or 'the nearest' and a step, e.g. the nearest 1_000 USD" );
PROVISO_ERROR( unit_word, "expected a unit, e.g. whole shares" );
PROVISO_ERROR( kw_cash, "expected 'with cash in lieu at PRICE'" );
PROVISO_ERROR( lieu_in, "expected 'with cash in lieu at PRICE'" );
PROVISO_ERROR( kw_lieu, "expected 'with cash in lieu at PRICE'" );
PROVISO_ERROR( lieu_at, "expected 'at' and the price per share, e.g. with cash in lieu at 12.50 USD per share" );
PROVISO_ERROR( cash_price, "expected the price per share, e.g. with cash in lieu at 12.50 USD per share" );
PROVISO_ERROR( end_of_file, "expected a declaration: event, metric, let, tranche, clause, covenant, for each, calendar, test, unit, dimension, currency or splits" );
#undef PROVISO_ERROR
// clang-format on

/// Routes PEGTL's failures at commit points to the messages above.
struct error {
  template <typename Rule>
  static constexpr const char* message = error_message<Rule>;

  // Only must<> raises: a rule with a message may still fail quietly where the grammar
  // backtracks (an `additive` after `for` that turns out to be `for each`).
  template <typename Rule>
  static constexpr bool raise_on_failure = false;
};

template <typename Rule>
using control = tao::pegtl::must_if<error>::control<Rule>;

}  // namespace proviso::grammar
