// Which grammar rules become nodes of the parse tree that build_ast.cpp walks.
#pragma once

#include <tao/pegtl/contrib/parse_tree.hpp>

#include "grammar/grammar.hpp"

namespace proviso::grammar {

// clang-format off
template< typename Rule >
using selector = tao::pegtl::parse_tree::selector< Rule, tao::pegtl::parse_tree::store_content::on<
   // expressions
   expression, conjunction, prefix_condition, temporal, comparison, additive, multiplicative,
   operand, suffixed, postfix, count, paren_expression, or_op, and_op, not_op, once_op, ever_op, for_consecutive,
   on_at_least, window_since, since_effective, period, compare_op, band, band_exclusive, band_inclusive, add_op, subtract_op,
   multiply_op, divide_op, negate_op, suffix_word, unit_word, per_share, member, member_name, index, quorum_all,
   quorum_any, quorum_at_least, item_list, time_before, time_by, time_after, within, name_ref,
   number, text, date, timestamp, boolean, identifier,
   // header, units, events, metrics
   contract_header, contract_title, header_source, header_timezone, header_calendar,
   header_effective, header_expires, header_text, dimension_decl, unit_decl, currency_decl,
   declared_name, event_decl, field_decl, field_name, field_type, metric_decl, aggregate,
   aggregate_fn, event_field, weight, weight_field, filter, window, let_decl, splits_decl,
   split_source, parameters_decl, parameter_decl, parameter_key,
   period_family, period_unit, period_month, period_day, period_spec, period_current,
   period_previous, period_window, period_last, period_test, missed_payment, missed_word, cap,
   cap_per, cap_total, catch_up, catch_up_when,
   split_source,
   // clauses
   clause_decl, family_clause, clause_kind, clause_name, family_variable, clause_title, citation,
   grant, stage, stage_verb, custom_state, holds_while, lapse, lapse_state, clause_ref,
   prerequisites, adjustment, tested_at, tested_event, family_decl, binding, value_list, range,
   // amounts
   amount, amount_sum, amount_product, amount_value, amount_paren, amount_negate, amount_min, amount_max,
   amount_if, amount_then, amount_else, amount_tiered, tier_flat, tier_base, tier_band,
   tier_up_to, tier_above, tier_rate, amount_cap, amount_floor, amount_rounded, round_down,
   round_up, round_half_up, round_half_even, round_whole, round_cent, round_nearest,
   cash_in_lieu, cash_price,
   // calendars
   calendar_decl, holiday_rule, holiday_name, fixed_day, month_name, small_number, nth_weekday,
   ordinal, weekday_name, easter, easter_offset, easter_sign, day_unit, holiday_observed,
   year_from, year_until, closed_day, closed_date, weekend_days,
   // tests
   test_decl, test_name, given, given_log, log_path, given_event, event_type, field_value,
   clock_advance, expectation, expected_error, expected_text, expected_at, expected_condition,
   expected_instance, instance_key,
   expected_granted, granted_amount, expected_paid, paid_amount, expected_timeline, timeline_path, test_cases > >;
// clang-format on

}  // namespace proviso::grammar
