// The whole grammar of the Proviso contract language, one rule per line.
//
// Whitespace, newlines and `--` comments are insignificant: declarations and clause items
// are introduced by reserved keywords, so an expression ends where the next keyword
// begins. `must<>` marks the commit points; each rule that appears inside one has a
// message in errors.hpp, and a missing message is a compile error.
#pragma once

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze_traits.hpp>

namespace proviso::grammar {

namespace pegtl = tao::pegtl;
using namespace tao::pegtl;

/// How deeply an expression may nest: parentheses, brackets, `not`, `-`, `before` … inside
/// each other while parsing, and levels of the finished tree (each operator of a chain such
/// as `a + b + …` adds one). Every stage after the parser recurses over expressions, so the
/// limit is what keeps a hostile or generated contract from overflowing the stack.
inline constexpr int kMaxExpressionDepth = 256;

/// The message for an expression beyond kMaxExpressionDepth, with its hint after the break.
inline constexpr const char* kTooDeepMessage =
    "expression nested deeper than 256 levels\n"
    "each '(', '[', 'not', '-' and each operator of a chain such as a + b + … is a level; "
    "name parts of it with 'let'";

/// The parser's input: the source text and how many `nested<>` rules are open.
struct SourceInput : memory_input<> {
  using memory_input::memory_input;
  int nesting = 0;
};

/// Matches Rule one nesting level deeper; past kMaxExpressionDepth the parse stops with
/// kTooDeepMessage before PEGTL's own recursion can exhaust the stack.
template <typename Rule>
struct nested {
  using rule_t = nested;
  using subs_t = type_list<Rule>;

  template <apply_mode A, rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename ParseInput, typename... States>
  static bool match(ParseInput& in, States&... st) {
    if (in.nesting >= kMaxExpressionDepth) throw parse_error(kTooDeepMessage, in);
    ++in.nesting;
    struct Leave {
      int& nesting;
      ~Leave() { --nesting; }
    } leave{in.nesting};
    return Control<Rule>::template match<A, M, Action, Control>(in, st...);
  }
};

// clang-format off

// ---- Lexical ----------------------------------------------------------------------------
struct comment : seq< two< '-' >, until< eolf > > {};
struct blank : sor< space, comment > {};
struct _ : star< blank > {};
struct word_char : identifier_other {};
struct word : seq< identifier_first, star< word_char > > {};

#define PROVISO_KEYWORD( name, text ) struct kw_##name : TAO_PEGTL_KEYWORD( text ) {}
PROVISO_KEYWORD( after, "after" );
PROVISO_KEYWORD( all, "all" );
PROVISO_KEYWORD( and, "and" );
PROVISO_KEYWORD( any, "any" );
PROVISO_KEYWORD( at, "at" );
PROVISO_KEYWORD( average, "average" );
PROVISO_KEYWORD( becomes, "becomes" );
PROVISO_KEYWORD( before, "before" );
PROVISO_KEYWORD( by, "by" );
PROVISO_KEYWORD( calendar, "calendar" );
PROVISO_KEYWORD( capped, "capped" );
PROVISO_KEYWORD( cites, "cites" );
PROVISO_KEYWORD( clause, "clause" );
PROVISO_KEYWORD( closed, "closed" );
PROVISO_KEYWORD( consecutive, "consecutive" );
PROVISO_KEYWORD( contract, "contract" );
PROVISO_KEYWORD( count, "count" );
PROVISO_KEYWORD( covenant, "covenant" );
PROVISO_KEYWORD( currency, "currency" );
PROVISO_KEYWORD( dimension, "dimension" );
PROVISO_KEYWORD( each, "each" );
PROVISO_KEYWORD( error, "error" );
PROVISO_KEYWORD( effective, "effective" );
PROVISO_KEYWORD( else, "else" );
PROVISO_KEYWORD( event, "event" );
PROVISO_KEYWORD( ever, "ever" );
PROVISO_KEYWORD( expect, "expect" );
PROVISO_KEYWORD( expires, "expires" );
PROVISO_KEYWORD( false_, "false" );
PROVISO_KEYWORD( first, "first" );
PROVISO_KEYWORD( for, "for" );
PROVISO_KEYWORD( from, "from" );
PROVISO_KEYWORD( given, "given" );
PROVISO_KEYWORD( granted, "granted" );
PROVISO_KEYWORD( grants, "grants" );
PROVISO_KEYWORD( holds, "holds" );
PROVISO_KEYWORD( holiday, "holiday" );
PROVISO_KEYWORD( if, "if" );
PROVISO_KEYWORD( in, "in" );
PROVISO_KEYWORD( last, "last" );
PROVISO_KEYWORD( lapses, "lapses" );
PROVISO_KEYWORD( latest, "latest" );
PROVISO_KEYWORD( least, "least" );
PROVISO_KEYWORD( let, "let" );
PROVISO_KEYWORD( log, "log" );
PROVISO_KEYWORD( max, "max" );
PROVISO_KEYWORD( metric, "metric" );
PROVISO_KEYWORD( min, "min" );
PROVISO_KEYWORD( not, "not" );
PROVISO_KEYWORD( observed, "observed" );
PROVISO_KEYWORD( of, "of" );
PROVISO_KEYWORD( on, "on" );
PROVISO_KEYWORD( once, "once" );
PROVISO_KEYWORD( or, "or" );
PROVISO_KEYWORD( over, "over" );
PROVISO_KEYWORD( parameters, "parameters" );
PROVISO_KEYWORD( pays, "pays" );
PROVISO_KEYWORD( releases, "releases" );
PROVISO_KEYWORD( requires, "requires" );
PROVISO_KEYWORD( rounded, "rounded" );
PROVISO_KEYWORD( source, "source" );
PROVISO_KEYWORD( since, "since" );
PROVISO_KEYWORD( splits, "splits" );
PROVISO_KEYWORD( subject, "subject" );
PROVISO_KEYWORD( sum, "sum" );
PROVISO_KEYWORD( test, "test" );
PROVISO_KEYWORD( then, "then" );
PROVISO_KEYWORD( tested, "tested" );
PROVISO_KEYWORD( timeline, "timeline" );
PROVISO_KEYWORD( paid, "paid" );
PROVISO_KEYWORD( the, "the" );
PROVISO_KEYWORD( tiered, "tiered" );
PROVISO_KEYWORD( timezone, "timezone" );
PROVISO_KEYWORD( to, "to" );
PROVISO_KEYWORD( trading, "trading" );
PROVISO_KEYWORD( tranche, "tranche" );
PROVISO_KEYWORD( triggers, "triggers" );
PROVISO_KEYWORD( true_, "true" );
PROVISO_KEYWORD( unit, "unit" );
PROVISO_KEYWORD( unlocks, "unlocks" );
PROVISO_KEYWORD( until, "until" );
PROVISO_KEYWORD( vests, "vests" );
PROVISO_KEYWORD( vwap, "vwap" );
PROVISO_KEYWORD( weekend, "weekend" );
PROVISO_KEYWORD( weighted, "weighted" );
PROVISO_KEYWORD( when, "when" );
PROVISO_KEYWORD( where, "where" );
PROVISO_KEYWORD( while, "while" );
PROVISO_KEYWORD( within, "within" );
#undef PROVISO_KEYWORD

// Words that can never name anything: they start declarations, clause items or phrases.
struct reserved : sor< kw_after, kw_all, kw_and, kw_any, kw_at, kw_average, kw_becomes, kw_before, kw_by, kw_calendar, kw_capped, kw_cites, kw_clause, kw_closed, kw_consecutive, kw_contract, kw_count, kw_covenant, kw_currency, kw_dimension, kw_each, kw_effective, kw_else, kw_event, kw_ever, kw_expect, kw_expires, kw_false_, kw_first, kw_for, kw_from, kw_given, kw_grants, kw_holds, kw_holiday, kw_if, kw_in, kw_last, kw_lapses, kw_latest, kw_least, kw_let, kw_max, kw_metric, kw_min, kw_not, kw_observed, kw_of, kw_on, kw_once, kw_or, kw_over, kw_parameters, kw_pays, kw_releases, kw_requires, kw_rounded, kw_since, kw_source, kw_splits, kw_subject, kw_sum, kw_test, kw_tested, kw_the, kw_then, kw_tiered, kw_timezone, kw_trading, kw_tranche, kw_triggers, kw_true_, kw_unit, kw_unlocks, kw_until, kw_vests, kw_vwap, kw_weekend, kw_weighted, kw_when, kw_where, kw_while, kw_within > {};
struct identifier : seq< not_at< reserved >, word > {};

// ---- Literals ---------------------------------------------------------------------------
struct digits : seq< digit, star< opt< one< '_' > >, digit > > {};
struct fraction : seq< one< '.' >, digit, star< digit > > {};
struct percent_sign : one< '%' > {};
struct ratio_sign : one< 'x' > {};
// `3.25 to 1.00`, as credit agreements write a ratio: on one line, the same value as `3.25x`.
struct ratio_to : seq< plus< one< ' ' > >, kw_to, plus< one< ' ' > >, digits, opt< fraction > > {};
struct number : seq< digits, opt< fraction >, opt< sor< percent_sign, ratio_sign, ratio_to > >, not_at< word_char > > {};

struct escaped : seq< one< '\\' >, one< '"', '\\', 'n', 't' > > {};
struct string_char : sor< escaped, not_one< '"', '\\', '\r', '\n' > > {};
struct string_body : star< string_char > {};
struct string_close : one< '"' > {};
struct text : seq< one< '"' >, string_body, must< string_close > > {};

struct date : seq< rep< 4, digit >, one< '-' >, rep< 2, digit >, one< '-' >, rep< 2, digit >, not_at< word_char > > {};
struct clock_time : seq< rep< 2, digit >, one< ':' >, rep< 2, digit >, opt< one< ':' >, rep< 2, digit >, opt< one< '.' >, plus< digit > > > > {};
struct utc_offset : sor< one< 'Z' >, seq< one< '+', '-' >, rep< 2, digit >, one< ':' >, rep< 2, digit > > > {};
struct zone_name : sor< seq< word, plus< one< '/' >, word > >, TAO_PEGTL_KEYWORD( "UTC" ) > {};
struct zone_suffix : seq< star< one< ' ' > >, zone_name > {};
struct timestamp : seq< rep< 4, digit >, one< '-' >, rep< 2, digit >, one< '-' >, rep< 2, digit >, one< 'T', ' ' >, clock_time, opt< sor< utc_offset, zone_suffix > >, not_at< word_char > > {};
struct boolean : sor< kw_true_, kw_false_ > {};
struct literal : sor< timestamp, date, number, text, boolean > {};

// ---- Expressions ------------------------------------------------------------------------
struct expression;
struct additive;

struct open_paren : one< '(' > {};
struct close_paren : one< ')' > {};
struct close_bracket : one< ']' > {};
struct paren_expression : seq< open_paren, _, must< expression >, _, must< close_paren > > {};

struct comma : one< ',' > {};
struct item_list : seq< expression, star< _, comma, _, expression >, opt< _, comma > > {};
struct quorum_items : seq< open_paren, _, must< item_list >, _, must< close_paren > > {};
struct quorum_all : seq< kw_all, _, must< kw_of >, _, must< quorum_items > > {};
struct quorum_any : seq< kw_any, _, must< kw_of >, _, must< quorum_items > > {};
struct quorum_at_least : seq< kw_at, _, kw_least, _, must< additive >, _, must< kw_of >, _, must< quorum_items > > {};

struct time_before : seq< kw_before, _, must< additive > > {};
struct time_by : seq< kw_by, _, must< additive > > {};
struct time_after : seq< kw_after, _, must< additive > > {};
struct within : seq< kw_within, _, must< additive >, _, must< kw_after >, _, must< additive > > {};

struct name_ref : identifier {};
struct primary : sor< nested< sor< paren_expression, quorum_all, quorum_any, quorum_at_least, time_before, time_by, time_after, within > >, literal, name_ref > {};

struct member_name : word {};
struct member : seq< one< '.' >, not_at< one< '.' > >, must< member_name > > {};
struct open_bracket : one< '[' > {};
struct index : seq< open_bracket, _, must< expression >, _, must< close_bracket > > {};
struct postfix : seq< primary, star< sor< member, nested< index > > > > {};

// A word after a value: a unit (`250 USD`, `k GW`, `90 days`) or a state (`T1 vested`).
// A word followed by `=` starts the next field of a test event, so it is not a suffix.
struct trading_days : seq< kw_trading, _, word > {};
struct assignment_ahead : seq< _, one< '=' >, not_at< one< '=' > > > {};
// `USD per share`: a price per share is its own type; `per` and `share` stay free as names
// (so they are not keywords, and the editor grammar does not reserve them).
struct per_share : seq< string< 'p', 'e', 'r' >, not_at< word_char >, _, string< 's', 'h', 'a', 'r', 'e' >, not_at< word_char > > {};
// `per` and `with` end an amount (`capped at cap per contract year`, `grants bonus with
// catch-up`): they are never a unit.
struct kw_per : TAO_PEGTL_KEYWORD( "per" ) {};
struct kw_with : TAO_PEGTL_KEYWORD( "with" ) {};
struct unit_word : seq< not_at< sor< kw_per, kw_with > >, identifier, opt< _, per_share > > {};
struct suffix_word : seq< sor< trading_days, unit_word >, not_at< assignment_ahead > > {};
struct suffixed : seq< postfix, opt< _, suffix_word > > {};

struct negate_op : seq< one< '-' >, not_at< one< '-' > > > {};
struct operand : sor< nested< seq< negate_op, _, must< operand > > >, suffixed > {};

struct multiply_op : one< '*' > {};
struct divide_op : one< '/' > {};
struct multiplicative : seq< operand, star< _, sor< multiply_op, divide_op >, _, must< operand > > > {};

struct add_op : one< '+' > {};
struct subtract_op : seq< one< '-' >, not_at< one< '-' > > > {};
struct additive : seq< multiplicative, star< _, sor< add_op, subtract_op >, _, must< multiplicative > > > {};

struct compare_op : sor< string< '=', '=' >, string< '!', '=' >, string< '<', '=' >, string< '>', '=' >, one< '<' >, one< '>' > > {};
struct band_exclusive : string< '.', '.', '<' > {};
struct band_inclusive : string< '.', '.' > {};
struct band_op : sor< band_exclusive, band_inclusive > {};
// `capped at 500000 USD in total` is no band (`x in total .. 5` still is).
struct kw_total : TAO_PEGTL_KEYWORD( "total" ) {};
struct in_total : seq< kw_total, _, not_at< band_op > > {};
struct band : seq< kw_in, _, not_at< sor< kw_each, kw_the, in_total > >, must< additive >, _, must< band_op >, _, must< additive > > {};
struct comparison : seq< additive, opt< _, sor< seq< compare_op, _, must< additive > >, band > > > {};

// A count of periods is a plain value (`30`, `k`, `(n + 1)`): a suffix would eat the period.
struct period : sor< trading_days, identifier > {};
struct count : postfix {};
struct since_effective : kw_effective {};
struct since_start : sor< since_effective, additive > {};
struct window_since : seq< kw_since, _, must< since_start > > {};
struct for_consecutive : seq< kw_for, _, count, _, kw_consecutive, _, must< period >, opt< _, window_since > > {};
struct on_at_least : seq< kw_on, _, must< kw_at >, _, must< kw_least >, _, must< count >, _, must< kw_of >, _, must< kw_the >, _, must< kw_last >, _, must< count >, _, must< period >, opt< _, window_since > > {};
struct temporal : seq< comparison, opt< _, sor< for_consecutive, on_at_least > > > {};

struct not_op : kw_not {};
struct once_op : kw_once {};
struct ever_op : kw_ever {};
struct prefix_condition : sor< nested< seq< sor< not_op, once_op, ever_op >, _, must< prefix_condition > > >, temporal > {};
struct and_op : kw_and {};
struct conjunction : seq< prefix_condition, star< _, and_op, _, must< prefix_condition > > > {};
struct or_op : kw_or {};
struct disjunction : seq< conjunction, star< _, or_op, _, must< conjunction > > > {};
struct expression : disjunction {};

// ---- Contract header --------------------------------------------------------------------
struct contract_title : text {};
struct header_text : text {};
struct header_source : seq< kw_source, _, must< header_text > > {};
struct header_timezone : seq< kw_timezone, _, must< header_text > > {};
struct header_calendar : seq< kw_calendar, _, identifier, not_at< _, one< '{' > > > {};
struct header_effective : seq< kw_effective, _, must< expression > > {};
struct header_expires : seq< kw_expires, _, must< expression > > {};
struct header_item : sor< header_source, header_timezone, header_calendar, header_effective, header_expires > {};
struct contract_header : seq< kw_contract, _, must< contract_title >, star< _, header_item > > {};

// ---- Units ------------------------------------------------------------------------------
struct declared_name : identifier {};
struct colon : one< ':' > {};
struct equals : one< '=' > {};
struct dimension_decl : seq< kw_dimension, _, must< declared_name >, _, must< colon >, _, must< declared_name > > {};
struct unit_decl : seq< kw_unit, _, must< declared_name >, _, must< equals >, _, must< expression > > {};
struct currency_decl : seq< kw_currency, _, must< declared_name >, star< _, comma, _, must< declared_name > > > {};

// ---- Events and metrics -----------------------------------------------------------------
struct field_name : identifier {};
struct field_type : unit_word {};
struct field_decl : seq< field_name, _, must< colon >, _, must< field_type > > {};
struct open_brace : one< '{' > {};
struct close_brace : one< '}' > {};
struct field_separator : seq< _, opt< comma > > {};
struct event_decl : seq< kw_event, _, must< declared_name >, _, must< open_brace >, star< _, field_decl, field_separator >, _, must< close_brace > > {};

struct aggregate_fn : sor< kw_sum, kw_count, kw_latest, kw_first, kw_min, kw_max, kw_average, kw_vwap > {};
struct event_field : seq< identifier, one< '.' >, must< member_name > > {};
struct aggregate_source : sor< event_field, identifier > {};
struct weight_field : identifier {};
struct weight : seq< kw_weighted, _, must< kw_by >, _, must< weight_field > > {};
struct filter : seq< kw_where, _, must< expression > > {};
struct window : seq< kw_over, _, must< kw_the >, _, must< kw_last >, _, must< count >, _, must< period >, opt< _, window_since > > {};
// Calendar periods: `calendar month`, `fiscal year starting July`, `contract year`. The words
// after `in the` and `in each` are not reserved: only their place makes them a period.
struct kw_current : TAO_PEGTL_KEYWORD( "current" ) {};
struct kw_previous : TAO_PEGTL_KEYWORD( "previous" ) {};
struct kw_fiscal : TAO_PEGTL_KEYWORD( "fiscal" ) {};
struct kw_starting : TAO_PEGTL_KEYWORD( "starting" ) {};
struct kw_ending : TAO_PEGTL_KEYWORD( "ending" ) {};
struct period_family : sor< kw_calendar, kw_fiscal, kw_contract > {};
struct period_unit : identifier {};
struct period_month : identifier {};
struct period_day : plus< digit > {};
struct fiscal_starting : seq< kw_starting, _, must< period_month > > {};
struct fiscal_ending : seq< kw_ending, _, must< period_month >, _, must< period_day > > {};
struct period_spec : seq< period_family, _, must< period_unit >, opt< _, sor< fiscal_starting, fiscal_ending > > > {};
struct period_current : kw_current {};
struct period_previous : kw_previous {};
struct period_which : sor< period_current, period_previous > {};
struct period_window : seq< kw_in, _, must< kw_the >, _, must< period_which >, _, must< period_spec > > {};
struct aggregate : seq< aggregate_fn, _, must< aggregate_source >, opt< _, weight >, opt< _, filter >, opt< _, sor< window, period_window > > > {};
struct metric_body : sor< aggregate, expression > {};
struct metric_decl : seq< kw_metric, _, must< declared_name >, _, must< equals >, _, must< metric_body > > {};
struct let_decl : seq< kw_let, _, must< declared_name >, _, must< equals >, _, must< expression > > {};

// ---- Clauses ----------------------------------------------------------------------------
struct clause_kind : sor< kw_tranche, kw_clause, kw_covenant > {};
struct family_variable : identifier {};
struct family_index : seq< open_bracket, _, must< family_variable >, _, must< close_bracket > > {};
struct clause_name : seq< identifier, opt< family_index > > {};
struct clause_title : text {};

struct citation : seq< kw_cites, _, must< header_text > > {};
// What a clause grants: an amount (reference § 10, "Amounts"). `min`, `max`, `if`, `tiered` and
// parentheses combine amounts; the words after an amount (`capped at`, `at least`, `rounded`)
// apply to the amount before them, left to right. The words after `rounded`, in tiers and in
// `with cash in lieu` are not reserved: only their place gives them a meaning.
struct amount;
struct kw_down : TAO_PEGTL_KEYWORD( "down" ) {};
struct kw_up : TAO_PEGTL_KEYWORD( "up" ) {};
struct kw_half : TAO_PEGTL_KEYWORD( "half" ) {};
struct kw_even : TAO_PEGTL_KEYWORD( "even" ) {};
struct kw_whole : TAO_PEGTL_KEYWORD( "whole" ) {};
struct kw_cent : TAO_PEGTL_KEYWORD( "cent" ) {};
struct kw_nearest : TAO_PEGTL_KEYWORD( "nearest" ) {};
struct kw_above : TAO_PEGTL_KEYWORD( "above" ) {};
struct kw_cash : TAO_PEGTL_KEYWORD( "cash" ) {};
struct kw_lieu : TAO_PEGTL_KEYWORD( "lieu" ) {};
struct amount_items : seq< open_paren, _, must< amount >, star< _, comma, _, must< amount > >, _, must< close_paren > > {};
struct amount_min : seq< kw_min, _, must< amount_items > > {};
struct amount_max : seq< kw_max, _, must< amount_items > > {};
struct amount_then : seq< kw_then, _, must< amount > > {};
struct amount_else : seq< kw_else, _, must< amount > > {};
struct amount_if : seq< kw_if, _, must< expression >, _, must< amount_then >, _, must< amount_else > > {};
struct tier_flat : seq< kw_all, _, kw_of > {};
struct tier_base : operand {};
struct tier_to : kw_to {};
struct tier_up_to : seq< kw_up, _, must< tier_to >, _, must< additive > > {};
struct tier_above : kw_above {};
struct tier_rate : additive {};
struct tier_colon : colon {};
struct tier_band : seq< sor< tier_up_to, tier_above >, _, must< tier_colon >, _, must< tier_rate > > {};
struct tier_bands : seq< open_brace, _, must< tier_band >, star< _, comma, _, tier_band >, opt< _, comma >, _, must< close_brace > > {};
struct amount_tiered : seq< kw_tiered, _, opt< tier_flat, _ >, must< tier_base >, _, must< tier_bands > > {};
struct amount_paren : seq< open_paren, _, amount, _, close_paren > {};
struct amount_value : operand {};
struct amount_atom;
// `-min(a, b)`, `-(a + b)`: the negative of a structured amount; `-x` alone is an operand.
struct amount_negate : seq< negate_op, _, at< sor< kw_min, kw_max, kw_if, kw_tiered, open_paren > >, must< amount_atom > > {};
struct amount_atom : sor< nested< sor< amount_min, amount_max, amount_if, amount_tiered, amount_paren, amount_negate > >, amount_value > {};
struct amount_product : seq< amount_atom, star< _, sor< multiply_op, divide_op >, _, must< amount_atom > > > {};
struct amount_sum : seq< amount_product, star< _, sor< add_op, subtract_op >, _, must< amount_product > > > {};
struct cap_at : kw_at {};
// `capped at X per contract year` and `capped at X in total` after a grant are the clause's caps
// across periods (`cap` below), not a cap of the amount.
struct cap_scope_ahead : sor< kw_per, seq< kw_in, _, kw_total > > {};
struct cap_across_periods_ahead : seq< kw_capped, _, cap_at, _, additive, _, cap_scope_ahead > {};
struct amount_cap : seq< not_at< cap_across_periods_ahead >, kw_capped, _, must< cap_at >, _, must< additive > > {};
struct amount_floor : seq< kw_at, _, kw_least, _, must< additive > > {};
struct round_down : kw_down {};
struct round_up : kw_up {};
struct round_half_up : seq< kw_half, _, kw_up > {};
struct round_half_even : seq< kw_half, _, kw_even > {};
struct round_rule : sor< round_down, round_up, round_half_up, round_half_even > {};
struct round_whole : seq< kw_whole, _, must< unit_word > > {};
struct round_cent : kw_cent {};
struct round_nearest : seq< kw_nearest, _, must< additive > > {};
struct round_fraction : sor< round_cent, round_nearest > {};
struct round_target : sor< round_whole, seq< kw_the, _, must< round_fraction > > > {};
struct round_to : kw_to {};
struct amount_rounded : seq< kw_rounded, _, opt< round_rule, _ >, must< round_to >, _, must< round_target > > {};
struct amount_modifier : sor< amount_cap, amount_floor, amount_rounded > {};
struct amount : seq< amount_sum, star< _, amount_modifier > > {};
struct cash_price : additive {};
struct lieu_in : kw_in {};
struct lieu_at : kw_at {};
struct cash_in_lieu : seq< comma, _, kw_with, _, must< kw_cash >, _, must< lieu_in >, _, must< kw_lieu >, _, must< lieu_at >, _, must< cash_price > > {};
struct grant : seq< kw_grants, _, must< amount >, opt< _, cash_in_lieu > > {};
struct custom_state : identifier {};
struct stage_verb : sor< kw_vests, kw_unlocks, kw_triggers, kw_pays, kw_releases, seq< kw_becomes, _, must< custom_state > > > {};
struct stage : seq< stage_verb, _, must< kw_when >, _, must< expression > > {};
struct holds_while : seq< kw_holds, _, must< kw_while >, _, must< expression > > {};
struct lapse_state : identifier {};
struct lapse : seq< kw_lapses, _, must< kw_if >, _, must< kw_not >, _, must< lapse_state >, _, must< kw_by >, _, must< expression > > {};
struct clause_ref : seq< identifier, opt< index > > {};
struct prerequisites : seq< kw_after, _, must< clause_ref >, star< _, comma, _, must< clause_ref > > > {};
struct kw_adjustment : TAO_PEGTL_KEYWORD( "adjustment" ) {};
struct adjustment : seq< kw_subject, _, must< kw_to >, _, must< kw_adjustment > > {};
// `tested at each close where symbol == issuer`: the clause's conditions are looked at only
// after those events, as a term sheet tests a covenant at each compliance certificate.
struct tested_event : identifier {};
struct tested_at_word : kw_at {};
struct tested_each : kw_each {};
struct tested_at : seq< kw_tested, _, must< tested_at_word >, _, must< tested_each >, _, must< tested_event >, opt< _, filter > > {};
struct period_in : kw_in {};
struct period_each : kw_each {};
struct period_last : seq< kw_of, _, must< kw_the >, _, must< kw_last >, _, must< period_day > > {};
struct period_test : seq< kw_requires, _, must< expression >, _, must< period_in >, _, must< period_each >, _, opt< period_last, _ >, must< period_spec > > {};
// Amounts per period (reference § "Amounts per period"): `pays 10000 USD for each missed
// month`, `capped at 120000 USD per contract year`, `capped at 1 USDm in total`, `with
// catch-up when C`. Their words are not reserved: only their place makes them keywords.
struct kw_missed : TAO_PEGTL_KEYWORD( "missed" ) {};
struct missed_word : identifier {};
struct missed_for : seq< kw_for, _, kw_each, _, kw_missed > {};
struct missed_payment : seq< kw_pays, _, not_at< kw_when >, must< amount >, _, must< missed_for >, _, must< missed_word > > {};
struct cap_per : seq< kw_per, _, must< period_spec > > {};
struct cap_total : seq< kw_in, _, must< kw_total > > {};
struct cap_scope : sor< cap_per, cap_total > {};
struct cap : seq< kw_capped, _, must< cap_at >, _, must< expression >, _, must< cap_scope > > {};
struct catch_up_word : seq< string< 'c', 'a', 't', 'c', 'h', '-', 'u', 'p' >, not_at< word_char > > {};
struct catch_up_when : seq< kw_when, _, must< expression > > {};
struct catch_up : seq< kw_with, _, must< catch_up_word >, opt< _, catch_up_when > > {};
struct clause_item : sor< citation, grant, missed_payment, stage, holds_while, period_test, lapse, prerequisites, adjustment, tested_at, cap, catch_up > {};
struct clause_decl : seq< clause_kind, _, must< clause_name >, opt< _, clause_title >, star< _, clause_item > > {};

struct range : seq< additive, _, band_inclusive, _, must< additive > > {};
struct value_list : seq< open_bracket, _, must< item_list >, _, must< close_bracket > > {};
struct binding_values : sor< value_list, range > {};
struct binding : seq< family_variable, _, must< kw_in >, _, must< binding_values > > {};
struct family_clause : clause_decl {};
struct family_decl : seq< kw_for, _, kw_each, _, must< binding >, star< _, comma, _, must< binding > >, _, must< family_clause > > {};

// ---- Calendars --------------------------------------------------------------------------
struct small_number : plus< digit > {};
struct month_name : identifier {};
struct weekday_name : identifier {};
struct fixed_day : seq< month_name, _, small_number > {};
struct ordinal : sor< kw_last, kw_first, identifier > {};
struct nth_weekday : seq< ordinal, _, weekday_name, _, kw_of, _, must< month_name > > {};
struct easter_sign : one< '+', '-' > {};
struct day_unit : identifier {};
struct easter_offset : seq< easter_sign, _, must< small_number >, _, must< day_unit > > {};
struct easter : seq< TAO_PEGTL_KEYWORD( "Easter" ), opt< _, easter_offset > > {};
struct holiday_date : sor< easter, nth_weekday, fixed_day > {};
struct holiday_observed : kw_observed {};
struct year_from : seq< kw_from, _, must< small_number > > {};
struct year_until : seq< kw_until, _, must< small_number > > {};
struct holiday_name : text {};
struct holiday_rule : seq< kw_holiday, _, must< holiday_name >, _, must< kw_on >, _, must< holiday_date >, opt< _, holiday_observed >, opt< _, year_from >, opt< _, year_until > > {};
struct closed_date : date {};
struct closed_day : seq< kw_closed, _, must< closed_date >, _, must< holiday_name > > {};
struct weekend_days : seq< kw_weekend, _, must< weekday_name >, star< _, comma, _, must< weekday_name > > > {};
struct calendar_item : sor< holiday_rule, closed_day, weekend_days > {};
struct calendar_decl : seq< kw_calendar, _, must< declared_name >, _, must< open_brace >, star< _, calendar_item >, _, must< close_brace > > {};

// ---- Tests ------------------------------------------------------------------------------
struct test_name : text {};
struct field_value : seq< field_name, _, equals, not_at< one< '=' > >, _, must< expression > > {};
struct event_type : identifier {};
struct given_event : seq< timestamp, _, must< event_type >, star< _, field_value > > {};
struct log_path : text {};
struct given_log : seq< kw_log, _, must< log_path > > {};
struct given_events : plus< given_event, _ > {};
struct given_body : sor< given_log, given_events > {};
struct given : seq< kw_given, _, must< given_body > > {};
struct clock_advance : seq< kw_at, _, must< expression > > {};
struct expected_text : text {};
struct expected_error : seq< kw_error, _, must< expected_text > > {};
struct expected_at : seq< kw_at, _, must< expression > > {};
// `expect C for N0042`: C in a template's instance, named by its key (a word or a text).
struct instance_key : sor< text, word > {};
struct expected_instance : seq< kw_for, _, must< instance_key > > {};
struct expected_condition : seq< expression, opt< _, expected_instance >, opt< _, expected_at > > {};
// `granted`, `paid` and `timeline` are not reserved: a metric may be named so, and `expect
// granted > 5` is a condition. They start these forms only before an amount or a path.
struct granted_amount : additive {};
struct granted_ahead : not_at< sor< reserved, compare_op, one< '}', '+', '*', '/', '.', '[' >, eof > > {};
struct expected_granted : seq< kw_granted, _, granted_ahead, must< granted_amount >, opt< _, expected_at > > {};
// `expect paid 25_000 USD`: what clauses paid for missed periods.
struct paid_amount : additive {};
struct expected_paid : seq< kw_paid, _, granted_ahead, must< paid_amount >, opt< _, expected_at > > {};
struct timeline_path : text {};
struct expected_timeline : seq< kw_timeline, _, at< one< '"' > >, must< timeline_path > > {};
struct expected : sor< expected_error, expected_granted, expected_paid, expected_timeline, expected_condition > {};
struct expectation : seq< kw_expect, _, must< expected > > {};
struct test_item : sor< given, clock_advance, expectation > {};
struct test_cases : seq< kw_for, _, must< kw_each >, _, must< binding >, star< _, comma, _, must< binding > > > {};
struct test_decl : seq< kw_test, _, must< test_name >, opt< _, test_cases >, _, must< open_brace >, star< _, test_item >, _, must< close_brace > > {};

// ---- Adjustments ------------------------------------------------------------------------
struct split_source : event_field {};
struct splits_decl : seq< kw_splits, _, must< kw_from >, _, must< split_source >, opt< _, filter > > {};

// ---- Templates --------------------------------------------------------------------------
// `parameters { key note: text  issuer: text  conversion_price: USD  issue_date: date }`: the
// contract is a template, instantiated once per row of an instances file. `key` is a plain
// word here (a parameter may be named so); it marks the column that names each instance.
struct kw_key : TAO_PEGTL_KEYWORD( "key" ) {};
struct parameter_key : seq< kw_key, at< _, identifier > > {};
struct parameter_decl : seq< opt< parameter_key, _ >, field_name, _, must< colon >, _, must< field_type > > {};
struct parameters_decl : seq< kw_parameters, _, must< open_brace >, star< _, parameter_decl, field_separator >, _, must< close_brace > > {};

// ---- Files ------------------------------------------------------------------------------
struct declaration : sor< parameters_decl, event_decl, metric_decl, let_decl, family_decl, clause_decl, calendar_decl, test_decl, unit_decl, dimension_decl, currency_decl, splits_decl > {};
struct end_of_file : eof {};
struct contract_file : seq< _, opt< contract_header >, star< _, declaration >, _, must< end_of_file > > {};

// clang-format on

}  // namespace proviso::grammar

// pegtl::analyze sees through nested<> to the rule it guards.
template <typename Name, typename Rule>
struct tao::pegtl::analyze_traits<Name, proviso::grammar::nested<Rule> >
    : tao::pegtl::analyze_traits<Name, typename tao::pegtl::seq<Rule>::rule_t> {};
