#include "testing/reports.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace proviso {

std::string format_failed_test(const TestResult& result) {
  std::string out =
      fmt::format("{}:{}: test \"{}\" failed\n", result.where.file, result.where.line, result.name);
  for (const TestFailure& failure : result.failures) {
    out +=
        failure.where.file == result.where.file
            ? fmt::format("  line {}: {}\n", failure.where.line, failure.message)
            : fmt::format("  {}:{}: {}\n", failure.where.file, failure.where.line, failure.message);
  }
  return out;
}

std::string junit_xml(const std::vector<SuiteResults>& suites) {
  std::size_t tests = 0;
  std::size_t failures = 0;
  std::size_t errors = 0;
  std::string body;
  for (const SuiteResults& suite : suites) {
    const std::string file = xml_escape(suite.file);
    if (!suite.errors.empty()) {
      ++tests;
      ++errors;
      body += fmt::format(
          "  <testsuite name=\"{0}\" tests=\"1\" failures=\"0\" errors=\"1\">\n"
          "    <testcase classname=\"{0}\" name=\"the contract checks\" file=\"{0}\">\n"
          "      <error message=\"the contract has errors\">{1}</error>\n"
          "    </testcase>\n"
          "  </testsuite>\n",
          file, xml_escape(suite.errors, false));
      continue;
    }
    const auto failed = static_cast<std::size_t>(std::count_if(
        suite.tests.begin(), suite.tests.end(), [](const TestResult& t) { return !t.passed(); }));
    tests += suite.tests.size();
    failures += failed;
    body += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n",
                        file, suite.tests.size(), failed);
    for (const TestResult& test : suite.tests) {
      const std::string opening =
          fmt::format("    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\"", file,
                      xml_escape(test.name), xml_escape(test.where.file), test.where.line);
      if (test.passed()) {
        body += opening + "/>\n";
        continue;
      }
      std::string details;
      for (const TestFailure& failure : test.failures) {
        details +=
            fmt::format("{}:{}: {}\n", failure.where.file, failure.where.line, failure.message);
      }
      body +=
          fmt::format("{}>\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n", opening,
                      xml_escape(test.failures.front().message), xml_escape(details, false));
    }
    body += "  </testsuite>\n";
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"proviso test\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n{}"
      "</testsuites>\n",
      tests, failures, errors, body);
}

std::string format_percent(double percent) {
  const double tenths = std::floor(percent * 10.0 + 1e-9);
  if (std::fmod(tenths, 10.0) == 0.0) return fmt::format("{:.0f}%", tenths / 10.0);
  return fmt::format("{:.1f}%", tenths / 10.0);
}

namespace {

std::string_view yes_no(bool seen) {
  return seen ? "yes" : "no";
}

// How many conditions listed before `index` hold it: its depth under them.
std::size_t depth_of(const std::vector<CoveredCondition>& conditions, std::size_t index) {
  std::size_t depth = 0;
  const CoveredCondition& inner = conditions[index];
  for (std::size_t i = 0; i < index; ++i) {
    const CoveredCondition& outer = conditions[i];
    if (outer.begin <= inner.begin && inner.end <= outer.end) ++depth;
  }
  return depth;
}

}  // namespace

std::string format_coverage(const CoverageReport& report) {
  const auto& conditions = report.conditions;
  std::string out = fmt::format("Coverage of {} (\"{}\"): {} ({} of {} outcomes)\n",
                                report.contract, report.title, format_percent(report.percent()),
                                report.covered_outcomes(), report.outcomes());
  if (conditions.empty()) return out + "  no clause has a condition\n";
  std::size_t clause_width = std::string_view("clause").size();
  std::size_t line_width = std::string_view("line").size();
  for (const CoveredCondition& condition : conditions) {
    clause_width = std::max(clause_width, condition.clause.size());
    line_width = std::max(line_width, fmt::format("{}", condition.where.line).size());
  }
  out += fmt::format("  {:<{}}  {:>{}}  true  false  condition\n", "clause", clause_width, "line",
                     line_width);
  std::vector<const CoveredCondition*> uncovered;
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    const CoveredCondition& condition = conditions[i];
    out +=
        fmt::format("  {:<{}}  {:>{}}  {:<4}  {:<5}  {:{}}{}\n", condition.clause, clause_width,
                    condition.where.line, line_width, yes_no(condition.seen_true),
                    yes_no(condition.seen_false), "", 2 * depth_of(conditions, i), condition.text);
    if (!condition.seen_true || !condition.seen_false) uncovered.push_back(&condition);
  }
  if (uncovered.empty()) return out;
  out += "  not driven both ways:\n";
  for (const CoveredCondition* condition : uncovered) {
    const std::string_view never = !condition->seen_true && !condition->seen_false
                                       ? "never evaluated to true or false"
                                   : !condition->seen_true ? "never true"
                                                           : "never false";
    out += fmt::format("    {}:{}: {}: {} was {}\n", condition->where.file, condition->where.line,
                       condition->clause, condition->text, never);
  }
  return out;
}

}  // namespace proviso
