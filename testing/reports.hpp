// Reports of contract tests: the failure text `proviso test` prints, JUnit XML for CI systems,
// and condition coverage tables.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/escape.hpp"  // xml_escape, for the JUnit XML
#include "testing/contract_tests.hpp"

namespace proviso {

/// The results of one file's tests.
struct SuiteResults {
  std::string file;  // the file holding the tests
  std::vector<TestResult> tests;
  std::string errors;  // the rendered diagnostics when the file does not check, else empty
};

/// A failed test: `FILE:LINE: test "NAME" failed`, then `  line N: MESSAGE` per failure.
std::string format_failed_test(const TestResult& result);

/// JUnit XML: one testsuite per file, one testcase per test, failures with their messages; a
/// file that does not check is a testsuite with one erroneous testcase.
std::string junit_xml(const std::vector<SuiteResults>& suites);

/// "87.5%": the percentage rounded down to one decimal, without a trailing ".0".
std::string format_percent(double percent);

/// The coverage table of one contract: a heading with the percentage, one row per condition
/// (its clause, line, whether it was seen true and false; parts indented under the condition
/// holding them), and the conditions not driven both ways with their source lines.
std::string format_coverage(const CoverageReport& report);

}  // namespace proviso
