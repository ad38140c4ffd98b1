// Table-driven parser tests: each input is parsed and its AST printed as an S-expression.
#include <catch2/catch.hpp>
#include <tao/pegtl/contrib/analyze.hpp>

#include "grammar/grammar.hpp"
#include "grammar/parse.hpp"
#include "grammar/print_ast.hpp"

namespace proviso {

namespace {

// The AST of `EXPR`, parsed as the value of a constant.
std::string expression_ast(const std::string& expr) {
  const SourceFile source{"test.proviso", "let x = " + expr};
  const ParseResult result = parse(source);
  if (!result.file) return "syntax error: " + render(result.diagnostics);
  const auto& let = std::get<ast::LetDecl>(result.file->declarations.at(0));
  return print(*let.value);
}

std::string first_error(const std::string& text) {
  const SourceFile source{"test.proviso", text};
  const ParseResult result = parse(source);
  return result.diagnostics.empty() ? "" : result.diagnostics.front().message;
}

}  // namespace

TEST_CASE("the grammar has no left recursion or empty loops", "[parser]") {
  CHECK(tao::pegtl::analyze<grammar::contract_file>() == 0);
}

TEST_CASE("expressions parse with the documented precedence", "[parser]") {
  const std::vector<std::pair<std::string, std::string>> table = {
      {"1 + 2 * 3", "(+ 1 (* 2 3))"},
      {"(1 + 2) * 3", "(* (+ 1 2) 3)"},
      {"10 - 4 - 3", "(- (- 10 4) 3)"},
      {"-5 + 2", "(+ (- 5) 2)"},
      {"1_000_000", "1000000"},
      {"0.25", "0.25"},
      {"25%", "0.25"},
      {"3.25x", "3.25"},
      {"3.25 to 1.00", "3.25"},
      {"6.5  to 2", "3.25"},
      {"leverage <= 3.25 to 1 and x", "(and (<= leverage 3.25) x)"},
      {"250 USD", "(250 USD)"},
      {"k GW", "(k GW)"},
      {"k * 1 GW", "(* k (1 GW))"},
      {"30 trading days", "(30 trading days)"},
      {"30 trading  -- any blank\n days", "(30 trading days)"},
      {"amd_deployed >= 1 GW", "(>= amd_deployed (1 GW))"},
      {"a == b", "(== a b)"},
      {"a != b", "(!= a b)"},
      {"a < b and c > d or e <= f", "(or (and (< a b) (> c d)) (<= e f))"},
      {"not a and b", "(and (not a) b)"},
      {"not not a", "(not (not a))"},
      {"once a and b", "(and (once a) b)"},
      {"ever px >= 600 USD", "(ever (>= px (600 USD)))"},
      {"px in 250 USD .. 600 USD", "(in px (250 USD) .. (600 USD))"},
      {"px in 250 USD ..< 600 USD", "(in px (250 USD) ..< (600 USD))"},
      {"T1 vested", "(T1 vested)"},
      {"T1.vested_at", "T1.vested_at"},
      {"T1.vested_at + 2 years", "(+ T1.vested_at (2 years))"},
      {"F[k - 1] unlocked", "(F[(- k 1)] unlocked)"},
      {"px >= 600 USD for 5 consecutive trading days",
       "(for-consecutive (>= px (600 USD)) 5 trading days)"},
      {"a and px >= 250 USD on at least 20 of the last 30 trading days",
       "(and a (at-least-of-last (>= px (250 USD)) 20 30 trading days))"},
      {"all of (a, b, c)", "(all-of a b c)"},
      {"any of (a, b,)", "(any-of a b)"},
      {"at least 2 of (a, b, c)", "(at-least 2 a b c)"},
      {"before 2030-10-06", "(before 2030-10-06)"},
      {"by 2030-10-05 17:00 America/New_York", "(by 2030-10-05+61200000000us@America/New_York)"},
      {"after 2026-09-01T00:00Z", "(after 2026-09-01+0us@0min)"},
      {"within 90 days after T1.vested_at", "(within (90 days) after T1.vested_at)"},
      {"2026-09-01T09:30:00.5-05:00", "2026-09-01+34200500000us@-300min"},
      {"\"AMD\"", "\"AMD\""},
      {"\"say \\\"hi\\\"\"", "\"say \"hi\"\""},
      {"true or false", "(or true false)"},
  };
  for (const auto& [input, expected] : table) {
    INFO(input);
    CHECK(expression_ast(input) == expected);
  }
}

TEST_CASE("declarations parse into their parts", "[parser]") {
  const SourceFile source{"test.proviso", R"(
contract "Demo"
  source "Term sheet"
  timezone "America/New_York"
  calendar NYSE
  effective 2025-10-06
event deployment { vendor: text, mw: MW }
metric amd = sum deployment.mw where vendor == "AMD" over the last 90 days
metric px = vwap trade.px weighted by qty over the last 20 trading days
for each k in 1..10, target in [1 GW, 2 GW]
  tranche F[k] "Funding" cites "§ 1" grants 10 USD unlocks when amd >= target after F[k - 1]
covenant C holds while ratio <= 3.5
tranche T becomes exercisable when x lapses if not exercisable by 2030-10-05 subject to adjustment
test "t" { given 2026-09-01T00:00Z deployment vendor="AMD" mw=600 at 2027-01-01 expect T pending at 2027-01-01 expect error "boom" }
)"};
  const ParseResult result = parse(source);
  REQUIRE(result.diagnostics.empty());
  REQUIRE(result.file);
  const ast::File& file = *result.file;
  REQUIRE(file.header);
  CHECK(file.header->title.value == "Demo");
  CHECK(file.header->calendar->text == "NYSE");
  REQUIRE(file.declarations.size() == 7);

  const auto& metric = std::get<ast::MetricDecl>(file.declarations[1]);
  const auto& sum = std::get<ast::Aggregate>(metric.body);
  CHECK(sum.fn == ast::AggregateFn::sum);
  CHECK(sum.event.text == "deployment");
  CHECK(sum.field->text == "mw");
  CHECK(print(*sum.filter) == "(== vendor \"AMD\")");
  CHECK(sum.window->period.text == "days");

  const auto& vwap = std::get<ast::Aggregate>(std::get<ast::MetricDecl>(file.declarations[2]).body);
  CHECK(vwap.weight->text == "qty");
  CHECK(vwap.window->period.text == "trading days");

  const auto& family = std::get<ast::FamilyDecl>(file.declarations[3]);
  REQUIRE(family.bindings.size() == 2);
  CHECK(family.bindings[1].values.size() == 2);
  CHECK(family.clause.family_variable->text == "k");
  CHECK(family.clause.stages.at(0).state.text == "unlocked");
  CHECK(print(*family.clause.prerequisites.at(0).index) == "(- k 1)");

  const auto& covenant = std::get<ast::ClauseDecl>(file.declarations[4]);
  CHECK(covenant.kind.text == "covenant");
  CHECK(print(*covenant.holds_while) == "(<= ratio 3.5)");

  const auto& staged = std::get<ast::ClauseDecl>(file.declarations[5]);
  CHECK(staged.stages.at(0).state.text == "exercisable");
  CHECK(staged.lapse->state.text == "exercisable");
  CHECK(staged.adjusted.has_value());

  const auto& test = std::get<ast::TestDecl>(file.declarations[6]);
  REQUIRE(test.items.size() == 4);
  const auto& given = std::get<ast::GivenEvents>(test.items[0].item);
  CHECK(given.events.at(0).fields.size() == 2);
  const auto& expectation = std::get<ast::Expectation>(test.items[2].item);
  CHECK(print(*expectation.at) == "2027-01-01");
}

TEST_CASE("tests parse totals, timelines and cases", "[parser]") {
  const SourceFile source{"test.proviso", R"(
test "sweep" for each mw in [999, 1000], should_vest in [false, true] {
  given 2026-09-01T14:00Z deployment vendor="AMD" mw=mw
  expect (T1 vested) == should_vest
  expect granted 53_333_334 shares at 2027-01-01
  expect granted > 5
  expect timeline "golden/t1.jsonl"
}
test "range" for each k in 1..3 { }
)"};
  const ParseResult result = parse(source);
  REQUIRE(result.diagnostics.empty());
  const auto& sweep = std::get<ast::TestDecl>(result.file->declarations.at(0));
  REQUIRE(sweep.bindings.size() == 2);
  CHECK(sweep.bindings[0].variable.text == "mw");
  CHECK(sweep.bindings[1].values.size() == 2);
  REQUIRE(sweep.items.size() == 5);
  CHECK(print(*std::get<ast::Expectation>(sweep.items[1].item).condition) ==
        "(== (T1 vested) should_vest)");
  const auto& granted = std::get<ast::ExpectedGranted>(sweep.items[2].item);
  CHECK(print(*granted.amount) == "(53333334 shares)");
  CHECK(print(*granted.at) == "2027-01-01");
  // `granted` before an operator is a name: a metric may be called so.
  CHECK(print(*std::get<ast::Expectation>(sweep.items[3].item).condition) == "(> granted 5)");
  CHECK(std::get<ast::ExpectedTimeline>(sweep.items[4].item).path.value == "golden/t1.jsonl");
  const auto& range = std::get<ast::TestDecl>(result.file->declarations.at(1));
  REQUIRE(range.bindings.size() == 1);
  CHECK(print(*range.bindings[0].high) == "3");
  CHECK(first_error("test \"x\" for k in 1..3 { }") ==
        "expected 'for each' and the test's cases, e.g. for each mw in [999, 1000], found 'k'");
  CHECK(first_error("test \"x\" { expect timeline \"a }") ==
        "this text has no closing quote \" on its line, but the file ends here");
}

TEST_CASE("every node carries the span of its source text", "[parser]") {
  const SourceFile source{"test.proviso", "let x = amd_deployed >= 1 GW"};
  const ParseResult result = parse(source);
  const auto& let = std::get<ast::LetDecl>(result.file->declarations.at(0));
  CHECK(let.value->span.text() == "amd_deployed >= 1 GW");
  CHECK(let.value->span.column == 9);
  const auto& compare = std::get<ast::Binary>(let.value->node);
  CHECK(compare.op_span.text() == ">=");
  CHECK(compare.rhs->span.text() == "1 GW");
}

TEST_CASE("syntax errors say what was expected and what was found", "[parser]") {
  CHECK(first_error("contract \"x\"\ntranche T1 vests amd >= 1") ==
        "expected 'when' and a condition, found 'amd'");
  CHECK(first_error("contract \"x\"\nlet a = (1 + 2") ==
        "expected ')' to close the '(' before it, but the file ends here");
  CHECK(first_error("contract \"x\"\nlet a = 2026-02-30") ==
        "2026-02-30 is not a date: February 2026 has 28 days");
  CHECK(
      first_error("contract \"x\"\ntranche T1 vests when a >= 1 GW lapse if not vested by 2030") ==
      "expected a declaration: event, metric, let, tranche, clause, covenant, for each, "
      "calendar, test, unit, dimension, currency or splits, found 'lapse'");
  // A character outside ASCII is quoted whole, so the message stays valid UTF-8.
  CHECK_THAT(first_error("contract \"x\"\nmetric é = 1"), Catch::EndsWith("found 'é'"));
  CHECK_THAT(first_error("contract \"x\"\nmetric € = 1"), Catch::EndsWith("found '€'"));
}

}  // namespace proviso
