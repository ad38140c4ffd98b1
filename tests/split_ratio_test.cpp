// Split ratios written as text: "2:1", "3-for-2", reverse splits "1:10"; a ratio that is not
// positive, or not a ratio at all, stops the replay with an error.
#include <catch2/catch.hpp>

#include "base/diagnostic.hpp"
#include "base/value.hpp"
#include "run/engine.hpp"
#include "tests/support.hpp"

namespace proviso {

TEST_CASE("split ratios read as a number, N:M or N-for-M", "[value][adjustment]") {
  CHECK(parse_split_ratio("2") == Decimal::parse("2"));
  CHECK(parse_split_ratio("2:1") == Decimal::parse("2"));
  CHECK(parse_split_ratio("3-for-2") == Decimal::parse("1.5"));
  CHECK(parse_split_ratio("1:10") == Decimal::parse("0.1"));
  CHECK(parse_split_ratio("1-for-0") == std::nullopt);
  CHECK(parse_split_ratio("two:one") == std::nullopt);
  CHECK(parse_split_ratio("") == std::nullopt);
}

namespace {

std::vector<std::string> totals_after(const std::vector<std::string>& ratios) {
  Engine engine;
  Diagnostics diagnostics;
  REQUIRE(engine.load_text("split.proviso", R"(contract "Text splits"
  timezone "UTC"
event close { px: USD }
event split { ratio: text }
metric px = latest close.px
splits from split.ratio
tranche A grants 1_000 shares vests when px >= 600 USD subject to adjustment
)",
                           diagnostics));
  engine.feed(testing::make_event(engine, "close", "2026-01-05T21:00:00Z", {{"px", "700"}}, 1));
  std::uint64_t line = 1;
  for (const std::string& ratio : ratios) {
    engine.feed(
        testing::make_event(engine, "split", "2026-01-06T12:00:00Z", {{"ratio", ratio}}, ++line));
  }
  return engine.granted_totals();
}

}  // namespace

TEST_CASE("text split ratios scale adjusted grants", "[engine][adjustment]") {
  CHECK(totals_after({"2:1"}) == std::vector<std::string>{"2,000 shares"});
  CHECK(totals_after({"3-for-2"}) == std::vector<std::string>{"1,500 shares"});
  CHECK(totals_after({"2:1", "1:10"}) == std::vector<std::string>{"200 shares"});
  for (const std::string bad : {"0:1", "-2:1", "1:0", "half"}) {
    INFO(bad);
    try {
      totals_after({bad});
      FAIL("the split was accepted");
    } catch (const RuntimeError& failure) {
      CHECK_THAT(failure.diagnostic().message,
                 Catch::Contains("a split's ratio must be above 0, but this event gives \"" + bad));
    }
  }
}

}  // namespace proviso
