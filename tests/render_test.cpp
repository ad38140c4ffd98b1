// The one renderer (run/render.hpp), table by table: a small contract's conditions in the
// deciding, written and reader forms, and values in the engine's and a reader's form.
#include <functional>
#include <map>

#include <catch2/catch.hpp>

#include "run/render.hpp"

namespace proviso {

namespace {

const std::string kContract = R"(
contract "Render"
  timezone "America/New_York"
  calendar NYSE
  expires 2030-10-05 17:00 America/New_York
event deployment { vendor: text, mw: MW }
event close      { symbol: text, px: USD }
metric deployed = sum deployment.mw where vendor == "AMD"
metric px       = latest close.px where symbol == "AMD"

tranche T1 grants 100 shares
  vests when deployed >= 1 GW and after 2027-01-01T17:00Z

for each k in 2..3, target in [250 USD, 300 USD]
  tranche A[k] grants 100 shares
    vests when deployed >= k GW and px >= target on at least 2 of the last 3 trading days

clause Hurdle pays when once px >= 5_000 USD or not (deployed < 500 MW)
)";

// A contract loaded and compiled the way the engine does, without running it.
struct Compiled {
  ContractRuntime runtime;

  Compiled() {
    runtime.loaded = load_contract("render.proviso", kContract);
    INFO(render(runtime.loaded.diagnostics));
    REQUIRE(runtime.loaded.ok());
    EventSchemas schemas;
    const std::uint32_t declarer = merge_schemas(runtime.loaded.checked, schemas);
    runtime.plan = compile(runtime.loaded.checked, schemas, declarer);
  }

  const ClausePlan& clause(std::string_view name) const {
    for (const ClausePlan& plan : runtime.plan.clauses) {
      if (plan.name == name) return plan;
    }
    FAIL("no clause " << name);
    throw;
  }

  const UnitInfo& unit(const std::string& name) const {
    return runtime.loaded.checked.units.at(name);
  }
};

// The parts of a condition a row renders: the whole, or a step down the tree.
using Part = std::function<const ast::Expr&(const ast::Expr&)>;

const ast::Expr& whole(const ast::Expr& expr) {
  return expr;
}
const ast::Expr& lhs(const ast::Expr& expr) {
  return *std::get<ast::Binary>(expr.node).lhs;
}
const ast::Expr& rhs(const ast::Expr& expr) {
  return *std::get<ast::Binary>(expr.node).rhs;
}

Timestamp instant(std::string_view text) {
  return *parse_instant_fast(text);
}

}  // namespace

TEST_CASE("render: a condition in each form, for each member of a family", "[render]") {
  const Compiled compiled;
  const struct Row {
    std::string clause;
    Part part;
    ConditionForm form;
    std::string expected;
  } rows[] = {
      // deciding: source text, with only comparisons' numbers and names spelled out
      {"T1", whole, ConditionForm::deciding, "deployed >= 1 GW and after 2027-01-01T17:00Z"},
      {"T1", lhs, ConditionForm::deciding, "deployed >= 1 GW"},
      {"A[2]", lhs, ConditionForm::deciding, "deployed >= 2 GW"},
      {"A[3]", lhs, ConditionForm::deciding, "deployed >= 3 GW"},
      {"A[3]", rhs, ConditionForm::deciding,
       "px >= target on at least 2 of the last 3 trading days"},
      {"Hurdle", whole, ConditionForm::deciding, "once px >= 5_000 USD or not (deployed < 500 MW)"},
      // written: rebuilt from the tree, family values substituted
      {"T1", whole, ConditionForm::written, "deployed >= 1 GW and after 2027-01-01T17:00Z"},
      {"A[2]", whole, ConditionForm::written,
       "deployed >= 2 GW and px >= 250 USD on at least 2 of the last 3 trading days"},
      {"A[3]", whole, ConditionForm::written,
       "deployed >= 3 GW and px >= 300 USD on at least 2 of the last 3 trading days"},
      {"Hurdle", whole, ConditionForm::written, "once px >= 5,000 USD or not deployed < 500 MW"},
      // reader: symbols a reader reads; with no values at hand, amounts as written
      {"A[2]", whole, ConditionForm::reader,
       "deployed ≥ 2 GW and px ≥ 250 USD on at least 2 of the last 3 trading days"},
      {"Hurdle", whole, ConditionForm::reader, "once px ≥ 5,000 USD or not deployed < 500 MW"},
  };
  for (const Row& row : rows) {
    const ClausePlan& plan = compiled.clause(row.clause);
    const ConditionText text(compiled.runtime, *plan.instance);
    INFO(row.clause << " " << static_cast<int>(row.form));
    CHECK(text.render(row.part(*plan.stages[0].source), row.form) == row.expected);
  }
}

TEST_CASE("render: the reader form shows fixed amounts and times as they stand now", "[render]") {
  const Compiled compiled;
  const ClausePlan& a2 = compiled.clause("A[2]");
  const ClausePlan& t1 = compiled.clause("T1");
  const ast::Expr& target =
      rhs(*std::get<ast::AtLeastOfLast>(rhs(*a2.stages[0].source).node).condition);
  const ast::Expr& after = *std::get<ast::TimeTest>(rhs(*t1.stages[0].source).node).instant;
  // After a 2-for-1 split the 250 USD target stands at 125 USD; the time reads in New York.
  std::map<ast::NodeId, RuntimeValue> values;
  values[target.id].number = Decimal::from_int(125) * compiled.unit("USD").scale;
  values[after.id].time = instant("2027-01-01T17:00:00Z").micros;
  const NodeValues lookup = [&](ast::NodeId node) -> const RuntimeValue* {
    const auto it = values.find(node);
    return it == values.end() ? nullptr : &it->second;
  };
  CHECK(ConditionText(compiled.runtime, *a2.instance)
            .render(*a2.stages[0].source, ConditionForm::reader, lookup) ==
        "deployed ≥ 2 GW and px ≥ 125 USD on at least 2 of the last 3 trading days");
  CHECK(ConditionText(compiled.runtime, *t1.instance)
            .render(*t1.stages[0].source, ConditionForm::reader, lookup) ==
        "deployed ≥ 1 GW and after 2027-01-01 12:00 New York");
}

TEST_CASE("render: a value in the engine's form and a reader's", "[render]") {
  const Compiled compiled;
  const ContractRuntime& contract = compiled.runtime;
  const Type gw = Type::quantity(compiled.unit("GW").dimension, "GW");
  auto number = [](std::int64_t n) {
    RuntimeValue value;
    value.number = Decimal::from_int(n);
    return value;
  };
  RuntimeValue deployed = number(1020);
  deployed.number = deployed.number * compiled.unit("MW").scale;
  RuntimeValue at;
  at.time = instant("2030-10-05T21:00:00Z").micros;
  RuntimeValue years;
  years.months = 24;
  RuntimeValue days;
  days.time = 1402 * kMicrosPerDay;
  RuntimeValue unknown;
  unknown.known = false;
  RuntimeValue word;
  word.text = "AMD";
  const struct Row {
    RuntimeValue value;
    Type type;
    std::string unit;
    std::string engine;
    std::string reader;
  } rows[] = {
      {number(53'333'334), Type::of(Kind::number), {}, "53,333,334", "53,333,334"},
      {deployed, gw, {}, "1.02 GW", "1.02 GW"},
      {deployed, gw, "MW", "1,020 MW", "1,020 MW"},
      {at, Type::of(Kind::timestamp), {}, "2030-10-05T21:00:00Z", "2030-10-05 17:00 New York"},
      {years, Type::duration("calendar", "months"), {}, "24 months", "2 years"},
      {days, Type::duration("exact", "days"), {}, "1402 days", "1,402 days"},
      {word, Type::of(Kind::text), {}, "\"AMD\"", "\"AMD\""},
      {unknown, gw, {}, "no value yet", "no value yet"},
  };
  for (const Row& row : rows) {
    INFO(row.engine);
    CHECK(render_value(row.value, row.type, contract, ValueForm::engine, row.unit) == row.engine);
    CHECK(render_value(row.value, row.type, contract, ValueForm::reader, row.unit) == row.reader);
  }
}

TEST_CASE("render: amounts, units, times and deciding values", "[render]") {
  const Compiled compiled;
  const CheckedContract& checked = compiled.runtime.loaded.checked;
  const Decimal six_hundred_mw = Decimal::from_int(600) * compiled.unit("MW").scale;
  CHECK(render_amount(six_hundred_mw, "GW", checked.units) == "0.6 GW");
  CHECK(render_amount(Decimal::from_int(5'000'000), "", checked.units) == "5,000,000");
  const Quantity mw{six_hundred_mw, compiled.unit("MW").dimension, "MW", compiled.unit("MW").scale};
  CHECK(render_in_unit(mw, "GW", checked) == "0.6 GW");
  CHECK(render_in_unit(mw, "USD", checked) == "600 MW");  // another dimension
  CHECK(render_in_unit(mw, "", checked) == "600 MW");
  CHECK(zone_label("America/New_York") == "New York");
  CHECK(local_time(instant("2030-10-05T21:00:30Z"), *compiled.runtime.plan.zone) ==
        "2030-10-05 17:00:30 New York");
  const Timestamp now = instant("2026-06-01T00:00:00Z");
  CHECK(distance_text(now, instant("2026-06-04T00:00:00Z")) == "3 days away");
  CHECK(distance_text(now, instant("2026-05-31T19:00:00Z")) == "passed 5 hours ago");
  CHECK(distance_text(now, now) == "now");
  CHECK(render_deciding({"deployed", "1.02 GW", ">= 1 GW", std::nullopt}) ==
        "deployed = 1.02 GW (>= 1 GW)");
  CHECK(comparison_symbol(ast::BinaryOp::greater_equal) == "≥");
  CHECK(comparison_symbol(ast::BinaryOp::add).empty());
  CHECK(flipped(ast::BinaryOp::less_equal) == ast::BinaryOp::greater_equal);
}

}  // namespace proviso
