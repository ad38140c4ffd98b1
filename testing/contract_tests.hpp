// Running the `test` blocks of a contract: each test replays its given events through a fresh
// engine and checks its expectations; failures say what was expected and what happened, in the
// contract's terms. Tests live in the contract file or in a `NAME.test.proviso` file whose first
// line is `-- tests: CONTRACT.proviso`. reports.hpp turns the results into JUnit XML and
// coverage tables.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostic.hpp"
#include "check/load.hpp"

namespace proviso {

/// A line of a file, as the user named the file.
struct SourceLine {
  std::string file;
  std::uint32_t line = 0;
};

/// One expectation that did not hold, or a replay that failed when no error was expected.
struct TestFailure {
  SourceLine where;     // the expectation's line (or the given's that failed)
  std::string message;  // "expected T1 vested at …, but T1 vested at … (decided by …)"
};

/// What running one test found.
struct TestResult {
  std::string name;
  SourceLine where;  // the `test` line
  std::vector<TestFailure> failures;
  std::vector<std::string> written;  // the timeline files `--update` wrote
  bool passed() const { return failures.empty(); }
};

/// One condition inside a clause, and whether the tests drove it true and false.
struct CoveredCondition {
  std::string clause;  // "T1", or a family's name ("A") once for all its members
  SourceLine where;
  std::string text;  // the condition as written, on one line
  bool seen_true = false;
  bool seen_false = false;
  std::uint32_t begin = 0;  // where it is in the contract's text, to merge runs
  std::uint32_t end = 0;
};

/// Condition coverage of one contract over every test run for it.
struct CoverageReport {
  std::string contract;  // the contract file, as named
  std::string title;
  std::vector<CoveredCondition> conditions;  // in source order

  /// Each condition has two outcomes, true and false.
  std::size_t outcomes() const { return 2 * conditions.size(); }
  std::size_t covered_outcomes() const;
  /// covered_outcomes() / outcomes() in percent; 100 for a contract without conditions.
  double percent() const;
};

/// The tests of one file: a contract's own tests, or those of a test file, with the contract they
/// test, loaded and checked.
class TestSuite {
 public:
  /// Loads a contract file, or a `*.test.proviso` file and the contract its first line names
  /// (`-- tests: amd_openai.proviso`, relative to the test file's folder). The test file is
  /// checked as the contract followed by the test file, so its tests use the contract's names.
  static TestSuite load(const std::string& path);

  TestSuite(TestSuite&&) noexcept;
  TestSuite& operator=(TestSuite&&) noexcept;
  ~TestSuite();

  /// False when the file cannot be read, the contract or the tests do not check, or a test file
  /// does not name its contract.
  bool ok() const;
  /// Every diagnostic, each pointing at the file it concerns (the contract or the test file).
  const Diagnostics& diagnostics() const;
  /// The file holding the tests (the contract itself, or the test file).
  const std::string& path() const;
  /// The contract the tests are of.
  const std::string& contract_path() const;
  /// True for a `*.test.proviso` file.
  bool is_test_file() const;
  /// The contract's title; empty unless ok().
  std::string title() const;
  /// The names of the file's tests, in order; a parameterised test's cases each have their
  /// own ("sweep [mw = 999, vests = false]").
  std::vector<std::string> test_names() const;

  /// Runs each test whose name contains `filter` (all when empty), in order; each case of a
  /// parameterised test is a test of its own. With `coverage`, adds what the tests drove true
  /// and false to it (see coverage_of()). With `update`, `expect timeline` writes its file
  /// (TestResult::written) instead of comparing with it.
  std::vector<TestResult> run(std::string_view filter = {}, CoverageReport* coverage = nullptr,
                              bool update = false) const;

  /// The contract's conditions, none covered yet: what run() adds to.
  CoverageReport coverage_of() const;

  /// The runner's view of the suite (runner.hpp); not for hosts.
  struct Impl;

 private:
  explicit TestSuite(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// True for a file named `*.test.proviso`.
bool is_test_file_name(std::string_view path);

}  // namespace proviso
