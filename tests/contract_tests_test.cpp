// The contract test runner: what each kind of test item does, the messages of failed
// expectations, test files, coverage, JUnit XML, and the `proviso test` command's exit codes.
#include <unistd.h>

#include <fstream>
#include <optional>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "testing/contract_tests.hpp"
#include "testing/reports.hpp"
#include "tests/support.hpp"

namespace proviso::testing {

namespace {

// The contract most cases test; a case appends its tests.
const std::string kContract = R"(contract "Warrant"
  timezone "America/New_York"
  effective 2025-10-06

event deployment { vendor: text, mw: MW }
event close      { symbol: text, px: USD }
metric amd_deployed = sum deployment.mw where vendor == "AMD"
metric amd_close    = latest close.px where symbol == "AMD"

tranche T1
  vests when amd_deployed >= 1 GW
  lapses if not vested by 2030-10-06

tranche T2 vests when amd_deployed >= 2 GW and once amd_close >= 250 USD
)";

// A folder of its own for the files one test case writes.
class Scratch {
 public:
  Scratch()
      : folder_(std::filesystem::temp_directory_path() /
                fmt::format("proviso-contract-tests-{}", ::getpid())) {
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_ / "logs");
  }
  ~Scratch() { std::filesystem::remove_all(folder_); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  std::string write(const std::string& name, const std::string& text) const {
    const auto path = folder_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  const std::filesystem::path& folder() const { return folder_; }

 private:
  std::filesystem::path folder_;
};

// Runs the tests written after kContract; every test's messages, one per line.
struct Run {
  std::vector<TestResult> results;
  std::string messages;
};

Run run_tests(const Scratch& scratch, const std::string& tests, std::string_view filter = {}) {
  const std::string path = scratch.write("warrant.proviso", kContract + tests);
  const TestSuite suite = TestSuite::load(path);
  INFO(render(suite.diagnostics()));
  REQUIRE(suite.ok());
  Run run;
  run.results = suite.run(filter);
  for (const TestResult& result : run.results) {
    for (const TestFailure& failure : result.failures) {
      run.messages += fmt::format("{}: {}\n", failure.where.line, failure.message);
    }
  }
  return run;
}

// Line numbers of the tests below count from kContract's 15 lines.
constexpr int kFirstTestLine = 15;

}  // namespace

TEST_CASE("expectations that hold pass, and those that do not say expected and actual", "[test]") {
  const Scratch scratch;
  const Run run = run_tests(scratch, R"(test "deployments" {
  given
    2026-09-01T14:00Z deployment vendor="AMD" mw=600
    2026-09-15T14:00Z deployment vendor="AMD" mw=0.4 GW
    2026-09-16T14:00Z deployment vendor="NVIDIA" mw=5000
  expect T1 vested at 2026-09-15T14:00Z
  expect T1.vested_at == 2026-09-15T14:00Z
  expect amd_deployed == 1 GW
  expect T2 pending
  expect T1 vested at 2026-09-01T14:00Z
  expect amd_deployed == 1.5 GW
  expect T2 vested
  expect not T1 vested
  expect amd_close >= 250 USD
}
)");
  REQUIRE(run.results.size() == 1);
  CHECK(run.results[0].name == "deployments");
  CHECK(run.results[0].where.line == kFirstTestLine);
  CHECK(run.messages ==
        "24: expected T1 vested at 2026-09-01T14:00:00Z, but T1 vested at 2026-09-15T14:00:00Z "
        "(decided by the event at " +
            (scratch.folder() / "warrant.proviso").string() +
            ":18)\n"
            "25: expected amd_deployed == 1.5 GW, but amd_deployed = 1 GW\n"
            "26: expected T2 vested, but T2 is pending (amd_deployed = 1 GW (>= 2 GW); once "
            "amd_close >= 250 USD = false (not held yet))\n"
            "27: expected not T1 vested, but T1 is vested since 2026-09-15T14:00:00Z (decided by "
            "the event at " +
            (scratch.folder() / "warrant.proviso").string() +
            ":18)\n"
            "28: expected amd_close >= 250 USD, but amd_close has no value yet\n");
}

TEST_CASE("`at` moves the clock, and `expect … at` looks at an instant or a day", "[test]") {
  const Scratch scratch;
  const Run run = run_tests(scratch, R"(test "deadline" {
  given
    2026-09-01T14:00Z deployment vendor="AMD" mw=600
  expect T1 lapsed at 2030-10-06
  expect T1 lapsed at 2030-10-07T04:00Z
  expect T1 pending at 2030-10-06T23:59-04:00
  expect amd_deployed == 0 MW at 2026-08-31
  expect amd_deployed == 600 MW at 2026-09-01T14:00Z
  expect T1 pending
  at 2030-10-06
  expect T1 lapsed
  expect T1 lapsed at 2030-10-05
  expect amd_deployed == 0 MW at 2026-09-01
}
)");
  // Line 24's `at` begins its own line: a clock move after line 23, not `expect … at`.
  CHECK(run.messages ==
        "26: expected T1 lapsed at 2030-10-05, but T1 lapsed at 2030-10-07T04:00:00Z (decided by "
        "its deadline)\n"
        "27: expected amd_deployed == 0 MW at 2026-09-01, but then amd_deployed = 600 MW\n");
}

TEST_CASE("`once` in an expectation sees every event, not only the last", "[test]") {
  const Scratch scratch;
  const Run run = run_tests(scratch, R"(test "a price reached once" {
  given
    2026-09-01T20:00Z close symbol="AMD" px=260 USD
    2026-09-02T20:00Z close symbol="AMD" px=240 USD
  expect once amd_close >= 250 USD
  expect once amd_close >= 250 USD at 2026-09-02T20:00Z
  expect not amd_close >= 250 USD
}
)");
  CHECK(run.messages.empty());
}

TEST_CASE("`expect error` passes only when the replay fails with that text", "[test]") {
  const Scratch scratch;
  scratch.write("logs/missing_mw.jsonl",
                "{\"ts\":\"2026-09-01T14:00:00Z\",\"type\":\"deployment\",\"vendor\":\"AMD\"}\n");
  scratch.write("logs/good.jsonl",
                "{\"ts\":\"2026-09-01T14:00:00Z\",\"type\":\"deployment\",\"vendor\":\"AMD\","
                "\"mw\":1200}\n");
  const Run run = run_tests(scratch, R"(test "a bad log" {
  given log "logs/missing_mw.jsonl"
  expect error "mw"
}

test "a good log" {
  given log "logs/good.jsonl"
  expect T1 vested at 2026-09-01T14:00Z
  expect error "mw"
}

test "the wrong text" {
  given log "logs/missing_mw.jsonl"
  expect T1 pending
  expect error "price"
}

test "time runs backwards" {
  given
    2026-09-15T14:00Z deployment vendor="AMD" mw=1
    2026-09-01T14:00Z deployment vendor="AMD" mw=1
  expect T1 pending
}
)");
  REQUIRE(run.results.size() == 4);
  CHECK(run.results[0].passed());
  const std::string log = (scratch.folder() / "logs/missing_mw.jsonl").string();
  const std::string contract = (scratch.folder() / "warrant.proviso").string();
  CHECK(run.messages ==
        "23: expected the replay to fail with an error containing \"mw\", but it did not fail\n"
        "28: this line is not reached: the replay failed at line 27\n" +
            fmt::format("29: expected an error containing \"price\", but the replay failed "
                        "with: {}:1: error: missing field \"mw\" of deployment event\n",
                        log) +
            fmt::format("35: the replay failed: the event at {}:35 (2026-09-01T14:00:00Z) is "
                        "earlier than the one before it (2026-09-15T14:00:00Z): give events in "
                        "time order\n",
                        contract));
}

TEST_CASE("`expect granted` totals what the met clauses grant, in the amount's unit", "[test]") {
  const Scratch scratch;
  const Run run =
      run_tests(scratch, R"(tranche G1 grants 26_666_667 shares vests when amd_deployed >= 1 GW
tranche G2 grants 26_666_667 shares vests when amd_deployed >= 2 GW
tranche G3 grants 3 vests when amd_deployed >= 1 GW
test "totals" {
  expect granted 0 shares
  given
    2026-09-01T14:00Z deployment vendor="AMD" mw=1000
    2026-10-01T14:00Z deployment vendor="AMD" mw=1000
  expect granted 53_333_334 shares
  expect granted 26_666_667 shares at 2026-09-01T14:00Z
  expect granted 3
  expect granted 53_333_335 shares
  expect granted 53_333_334 shares at 2026-09-01
  expect granted 1
}
)");
  REQUIRE(run.results.size() == 1);
  CHECK(run.messages ==
        "26: expected granted 53,333,335 shares, but 53,333,334 shares are granted\n"
        "27: expected granted 53,333,334 shares at 2026-09-01, but then 26,666,667 shares are "
        "granted\n"
        "28: expected granted 1, but 3 are granted\n");
}

TEST_CASE("`expect paid` totals what missed periods paid, after their caps", "[test]") {
  const Scratch scratch;
  const Run run = run_tests(scratch, R"(event reading { availability: percentage }
metric monthly = average reading.availability in the current calendar month
covenant Availability
  requires monthly >= 95% in each calendar month
  pays 10_000 USD for each missed month
  capped at 15_000 USD per contract year
test "paid" {
  expect paid 0 USD
  given
    2026-01-10T12:00Z reading availability=90%
    2026-02-10T12:00Z reading availability=90%
    2026-03-10T12:00Z reading availability=99%
  at 2026-04-01
  expect paid 15_000 USD
  expect paid 10_000 USD at 2026-02-01T05:00Z
  expect granted 0 USD
  expect paid 20_000 USD
  expect paid 15_000 USD at 2026-02-01T05:00Z
}
)");
  REQUIRE(run.results.size() == 1);
  CHECK(run.messages ==
        "31: expected paid 20,000 USD, but 15,000 USD are paid\n"
        "32: expected paid 15,000 USD at 2026-02-01T05:00Z, but then 10,000 USD are paid\n");
}

TEST_CASE("a test `for each` case runs on its own, named with its values", "[test]") {
  const Scratch scratch;
  const Run run = run_tests(
      scratch,
      R"(test "sweep" for each mw in [999, 1000, 1001], should_vest in [false, false, true] {
  given 2026-09-01T14:00Z deployment vendor="AMD" mw=mw
  expect (T1 vested) == should_vest
  expect amd_deployed == mw MW
}
test "range" for each k in 1..2 {
  given 2026-09-01T14:00Z deployment vendor="AMD" mw=k GW
  expect T2 pending
  expect amd_deployed >= k GW at 2026-09-01T14:00Z
}
)");
  REQUIRE(run.results.size() == 5);
  CHECK(run.results[0].name == "sweep [mw = 999, should_vest = false]");
  CHECK(run.results[1].name == "sweep [mw = 1000, should_vest = false]");
  CHECK(run.results[2].name == "sweep [mw = 1001, should_vest = true]");
  CHECK(run.results[4].name == "range [k = 2]");
  CHECK(run.results[0].passed());
  CHECK(run.results[2].passed());
  CHECK(run.messages ==
        "17: expected (T1 vested) == should_vest, but (T1 vested) = true and "
        "should_vest = false\n");
  const std::string path =
      scratch.write("warrant.proviso", kContract + R"(test "sweep" for each mw in [999, 1000] {
  given 2026-09-01T14:00Z deployment vendor="AMD" mw=mw
})");
  CHECK(TestSuite::load(path).test_names() ==
        std::vector<std::string>{"sweep [mw = 999]", "sweep [mw = 1000]"});
  CHECK(
      run_tests(scratch, R"(test "sweep" for each mw in [999, 1000] { })", "1000").results.size() ==
      1);
}

TEST_CASE("`expect timeline` compares with its file, and --update writes it", "[test]") {
  const Scratch scratch;
  const std::string tests = R"(test "timeline" {
  given
    2026-09-01T14:00Z deployment vendor="AMD" mw=1000
  expect timeline "golden/t.jsonl"
}
)";
  const std::string golden = (scratch.folder() / "golden" / "t.jsonl").string();
  CHECK(run_tests(scratch, tests).messages ==
        "18: expected the timeline in " + golden +
            ", but that file does not exist; run proviso test --update to write it\n");
  const TestSuite suite = TestSuite::load(scratch.write("warrant.proviso", kContract + tests));
  const auto updated = suite.run({}, nullptr, true);
  REQUIRE(updated.size() == 1);
  CHECK(updated[0].passed());
  CHECK(updated[0].written == std::vector<std::string>{golden});
  // The event's file is named relative to the test's folder.
  CHECK(read_file(golden) ==
        "{\"ts\":\"2026-09-01T14:00:00Z\",\"contract\":\"Warrant\",\"clause\":\"T1\",\"from\":"
        "\"pending\",\"to\":\"vested\",\"cause\":{\"file\":\"warrant.proviso\",\"line\":17},"
        "\"values\":[{\"name\":\"amd_deployed\",\"value\":\"1 GW\",\"test\":\">= 1 GW\"}]}\n");
  CHECK(run_tests(scratch, tests).messages.empty());
  scratch.write("golden/t.jsonl", "{\"other\":1}\n");
  CHECK(run_tests(scratch, tests).messages ==
        "18: expected the timeline in " + golden +
            ", but line 1 differs\n"
            "  expected: {\"other\":1}\n"
            "  actual:   " +
            "{\"ts\":\"2026-09-01T14:00:00Z\",\"contract\":\"Warrant\",\"clause\":\"T1\",\"from\":"
            "\"pending\",\"to\":\"vested\",\"cause\":{\"file\":\"warrant.proviso\",\"line\":17},"
            "\"values\":[{\"name\":\"amd_deployed\",\"value\":\"1 GW\",\"test\":\">= 1 GW\"}]}\n"
            "  (after a deliberate change, run proviso test --update)\n");
}

TEST_CASE("a filter runs only the tests whose name contains its text", "[test]") {
  const Scratch scratch;
  const std::string tests = R"(test "T1 vests" { expect T1 pending }
test "T2 vests" { expect T2 pending }
test "nothing" { expect true }
)";
  CHECK(run_tests(scratch, tests).results.size() == 3);
  const Run filtered = run_tests(scratch, tests, "vests");
  REQUIRE(filtered.results.size() == 2);
  CHECK(filtered.results[1].name == "T2 vests");
}

TEST_CASE("a test file names its contract, and its lines are its own", "[test]") {
  const Scratch scratch;
  scratch.write("warrant.proviso", kContract + "test \"own\" { expect T1 pending }\n");
  const std::string tests = scratch.write("warrant.test.proviso", R"(-- tests: warrant.proviso
-- More tests of the warrant.

test "from the test file" {
  given
    2026-09-01T14:00Z deployment vendor="AMD" mw=2 GW
  expect T2 vested
}
)");
  const TestSuite suite = TestSuite::load(tests);
  REQUIRE(suite.ok());
  CHECK(suite.is_test_file());
  CHECK(suite.contract_path() == (scratch.folder() / "warrant.proviso").string());
  CHECK(suite.title() == "Warrant");
  CHECK(suite.test_names() == std::vector<std::string>{"from the test file"});
  const auto results = suite.run();
  REQUIRE(results.size() == 1);
  CHECK(results[0].where.file == tests);
  CHECK(results[0].where.line == 4);
  REQUIRE(results[0].failures.size() == 1);
  CHECK(results[0].failures[0].where.line == 7);
  CHECK(results[0].failures[0].message ==
        "expected T2 vested, but T2 is pending (amd_deployed = 2 GW (>= 2 GW); once amd_close >= "
        "250 USD = false (not held yet))");

  SECTION("a mistake in a test file is reported at its own line") {
    const std::string bad = scratch.write("bad.test.proviso",
                                          "-- tests: warrant.proviso\n\ntest \"x\" {\n"
                                          "  expect T3 pending\n}\n");
    const TestSuite broken = TestSuite::load(bad);
    CHECK_FALSE(broken.ok());
    CHECK(render(broken.diagnostics()) ==
          fmt::format("{}:4:10: error: T3 is not declared\n    expect T3 pending\n"
                      "           ^~\n  help: did you mean T1?\n",
                      bad));
  }
  SECTION("a test file must name its contract on its first line") {
    const std::string lost = scratch.write("lost.test.proviso", "test \"x\" { expect true }\n");
    const TestSuite broken = TestSuite::load(lost);
    CHECK_FALSE(broken.ok());
    REQUIRE(broken.diagnostics().size() == 1);
    CHECK(broken.diagnostics()[0].message ==
          "a test file must start with a line naming the contract it tests");
    CHECK(broken.diagnostics()[0].span.line == 1);
  }
}

TEST_CASE("coverage counts each condition's true and false over all tests", "[test]") {
  const Scratch scratch;
  const std::string path = scratch.write("warrant.proviso", kContract + R"(
test "T1" {
  given
    2026-09-01T14:00Z deployment vendor="AMD" mw=600
    2026-09-15T14:00Z deployment vendor="AMD" mw=400
  expect T1 vested
}
)");
  const TestSuite suite = TestSuite::load(path);
  REQUIRE(suite.ok());
  CoverageReport report = suite.coverage_of();
  CHECK(report.title == "Warrant");
  REQUIRE(report.conditions.size() == 5);
  CHECK(report.covered_outcomes() == 0);
  suite.run({}, &report);
  // T1's comparison both ways; T2's `and` and its deployment false only; the price never known.
  CHECK(report.conditions[0].text == "amd_deployed >= 1 GW");
  CHECK(report.conditions[0].clause == "T1");
  CHECK(report.conditions[0].where.line == 11);
  CHECK((report.conditions[0].seen_true && report.conditions[0].seen_false));
  CHECK(report.conditions[1].text == "amd_deployed >= 2 GW and once amd_close >= 250 USD");
  CHECK((!report.conditions[1].seen_true && report.conditions[1].seen_false));
  CHECK(report.covered_outcomes() == 4);
  CHECK(report.outcomes() == 10);
  CHECK(report.percent() == Approx(40.0));
  CHECK(format_percent(report.percent()) == "40%");
  CHECK(format_percent(200.0 / 3.0) == "66.6%");
  CHECK(format_percent(99.99) == "99.9%");
  const std::string table = format_coverage(report);
  CHECK(table.find(fmt::format("Coverage of {} (\"Warrant\"): 40% (4 of 10 outcomes)\n", path)) ==
        0);
  CHECK(table.find("  T1        11  yes   yes    amd_deployed >= 1 GW\n") != std::string::npos);
  CHECK(table.find("  T2        14  no    no         amd_close >= 250 USD\n") != std::string::npos);
  CHECK(table.find(fmt::format("    {}:14: T2: amd_deployed >= 2 GW was never true\n", path)) !=
        std::string::npos);
}

TEST_CASE("JUnit XML has a suite per file, a case per test, escaped failures", "[test]") {
  SuiteResults passing{"a & b.proviso", {}, {}};
  passing.tests.push_back({"T1 <vests>", {"a & b.proviso", 3}, {}, {}});
  // Built step by step, not as one nested brace list: GCC 12 at -O2 and above warns falsely
  // (-Wmaybe-uninitialized) about the strings of the temporaries such a list makes.
  TestResult quoted{"\"quoted\"", {"a & b.proviso", 9}, {}, {}};
  quoted.failures.push_back(TestFailure{SourceLine{"a & b.proviso", 11}, "expected x < 1 GW"});
  passing.tests.push_back(std::move(quoted));
  const SuiteResults broken{"c.proviso", {}, "c.proviso:1:1: error: <oops>\n"};
  CHECK(junit_xml({passing, broken}) ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"proviso test\" tests=\"3\" failures=\"1\" errors=\"1\">\n"
        "  <testsuite name=\"a &amp; b.proviso\" tests=\"2\" failures=\"1\" errors=\"0\">\n"
        "    <testcase classname=\"a &amp; b.proviso\" name=\"T1 &lt;vests&gt;\" "
        "file=\"a &amp; b.proviso\" line=\"3\"/>\n"
        "    <testcase classname=\"a &amp; b.proviso\" name=\"&quot;quoted&quot;\" "
        "file=\"a &amp; b.proviso\" line=\"9\">\n"
        "      <failure message=\"expected x &lt; 1 GW\">a &amp; b.proviso:11: expected x &lt; "
        "1 GW\n</failure>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "  <testsuite name=\"c.proviso\" tests=\"1\" failures=\"0\" errors=\"1\">\n"
        "    <testcase classname=\"c.proviso\" name=\"the contract checks\" file=\"c.proviso\">\n"
        "      <error message=\"the contract has errors\">c.proviso:1:1: error: &lt;oops&gt;\n"
        "</error>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n");
  CHECK(xml_escape("a\nb", false) == "a\nb");
  CHECK(xml_escape(std::string("a\x01"
                               "b'\t")) == "ab&apos;&#9;");
}

TEST_CASE("proviso test exits 0, 4, 1 or 2 and ends with its summary", "[test][cli]") {
  const Scratch scratch;
  const std::string good =
      scratch.write("good.proviso", kContract + "test \"ok\" { expect T1 pending }\n");
  const std::string bad =
      scratch.write("bad.proviso", kContract + "test \"no\" { expect T1 vested }\n");
  const CommandResult passing = run_proviso(fmt::format("test '{}'", good));
  CHECK(passing.exit_code == 0);
  CHECK(passing.output == "1 passed, 0 failed\n");
  const CommandResult failing = run_proviso(fmt::format("test '{}' '{}'", good, bad));
  CHECK(failing.exit_code == 4);
  CHECK(failing.output ==
        fmt::format("{0}:15: test \"no\" failed\n  line 15: expected T1 vested, but T1 is pending "
                    "(amd_deployed = 0 GW (>= 1 GW))\n\n1 passed, 1 failed\n",
                    bad));
  const std::string broken = scratch.write("broken.proviso", "contract \"x\"\nlet a = b\n");
  const CommandResult erroneous = run_proviso(fmt::format("test '{}' '{}'", good, broken));
  CHECK(erroneous.exit_code == 1);
  CHECK(erroneous.output.find("b is not declared") != std::string::npos);
  CHECK(erroneous.output.substr(erroneous.output.size() - 19) == "1 passed, 0 failed\n");
  CHECK(run_proviso("test no/such/folder").exit_code == 2);
  CHECK(run_proviso(fmt::format("test '{}' --coverage-min 101", good)).exit_code == 2);

  SECTION("a folder is searched, and --junit writes the report") {
    const std::string junit = (scratch.folder() / "report.xml").string();
    std::filesystem::remove(broken);
    const CommandResult folder =
        run_proviso(fmt::format("test '{}' --junit '{}'", scratch.folder().string(), junit));
    CHECK(folder.exit_code == 4);
    CHECK(folder.output.substr(folder.output.size() - 19) == "1 passed, 1 failed\n");
    const std::string xml = read_file(junit);
    CHECK(xml.find("<testsuites name=\"proviso test\" tests=\"2\" failures=\"1\" errors=\"0\">") !=
          std::string::npos);
    CHECK(xml.find("<failure message=\"expected T1 vested, but T1 is pending") !=
          std::string::npos);
  }
  SECTION("--coverage-min fails a contract below it") {
    // Before any event the contract has not taken effect: no condition was evaluated.
    const CommandResult low = run_proviso(fmt::format("test '{}' --coverage-min 50", good));
    CHECK(low.exit_code == 4);
    CHECK(low.output.find(fmt::format("Coverage of {} (\"Warrant\"): 0% (0 of 10 outcomes)",
                                      good)) != std::string::npos);
    CHECK(low.output.find(fmt::format("coverage of {} is 0%, below the minimum of 50%", good)) !=
          std::string::npos);
    CHECK(run_proviso(fmt::format("test '{}' --coverage-min 0", good)).exit_code == 0);
  }
}

TEST_CASE("the bundled contracts pass their tests with full coverage", "[test][contracts]") {
  const CommandResult result = run_proviso("test contracts --coverage --coverage-min 100");
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(result.output.find(" failed\n") == result.output.size() - 8);
  CHECK(result.output.find("0 failed\n") != std::string::npos);
  for (const char* contract : {"amd_openai", "nvidia_openai", "spac_earnout", "loan_covenant",
                               "pharma_licence", "ebitda_earnout", "solar_ppa"}) {
    CHECK(result.output.find(fmt::format("Coverage of contracts/{}.proviso", contract)) !=
          std::string::npos);
  }
}

}  // namespace proviso::testing

namespace proviso::testing {

namespace {

bool is_whole_contract_with_tests(const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line.compare(first, 2, "--") == 0) continue;
    return line.compare(first, 9, "contract ") == 0 && text.find("\ntest \"") != std::string::npos;
  }
  return false;
}

}  // namespace

TEST_CASE("the tests in the docs' examples pass, or print their ```tests block", "[test][docs]") {
  const Scratch scratch;
  std::size_t runs = 0;
  for (const char* doc : {"docs/tutorial.md", "docs/testing.md"}) {
    const auto blocks = markdown_blocks(read_file(source_dir() / doc));
    // A ```tests block shows what `proviso test` prints for the ```proviso block before it;
    // only the ```sh block of the command may stand between them.
    auto tests_block_of = [&](std::size_t i) -> const MarkdownBlock* {
      std::size_t next = i + 1;
      if (next < blocks.size() && blocks[next].info == "sh") ++next;
      return next < blocks.size() && blocks[next].info.rfind("tests", 0) == 0 ? &blocks[next]
                                                                              : nullptr;
    };
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      const MarkdownBlock& block = blocks[i];
      const MarkdownBlock* documented = tests_block_of(i);
      if (block.info.rfind("tests", 0) == 0) {
        INFO(doc << " line " << block.line);
        const std::size_t before = i > 0 && blocks[i - 1].info == "sh" ? i - 2 : i - 1;
        CHECK((i > 0 && before < i && blocks[before].info == "proviso"));
        continue;
      }
      if (block.info != "proviso" || !is_whole_contract_with_tests(block.text)) continue;
      INFO(doc << ": the ```proviso block at line " << block.line);
      scratch.write("example.proviso", block.text);
      const std::string options = documented ? documented->info.substr(5) : std::string();
      const CommandResult result = run_proviso("test example.proviso" + options, scratch.folder());
      if (documented) {
        CHECK(result.output == documented->text);
      } else {
        CHECK(result.exit_code == 0);
        CHECK(result.output.find(" passed, 0 failed\n") != std::string::npos);
      }
      ++runs;
    }
  }
  CHECK(runs >= 6);
}

}  // namespace proviso::testing
