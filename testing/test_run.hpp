// One test's run, shared by runner.cpp (items, events, the clock) and expectations.cpp (what
// `expect` checks); internal to testing/.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "testing/runner.hpp"

namespace proviso::detail {

/// Whether an expression holds `once` or `ever` anywhere.
bool has_latch(const ast::Expr& expr);

/// The expectation at item `item` of the replay's test, or null when that item is another kind.
const ast::Expectation* expectation_at(const Replay& replay, std::size_t item);

/// `once C` in an expectation holds from the first instant C held: it must see every instant.
void poll_latches(Replay& replay, const std::vector<std::size_t>& items);

/// Runs one test (or one case of a parameterised test) against a fresh engine.
class TestRun {
 public:
  TestRun(const TestSuite::Impl& suite, std::size_t declaration, CoverageReport* coverage,
          const Bindings* bindings, bool update)
      : suite_(suite),
        declaration_(declaration),
        coverage_(coverage),
        bindings_(bindings),
        update_(update) {}

  TestResult run();

 private:
  void run_item(std::size_t index);
  void give(const ast::GivenEvents& given);
  void give_log(const ast::GivenLog& given, const Span& span);
  void advance_to(const ast::Expr& instant, const Span& span);
  void expect(std::size_t index, const ast::Expectation& expectation, const Span& span);
  void expect_now(const ast::Expectation& expectation, const Span& span);
  void expect_at(std::size_t index, const ast::Expectation& expectation, const Span& span);
  void expect_error(const ast::ExpectedError& expected, const Span& span);
  // `at`: the instant the total is expected at, or null for now.
  void expect_granted(std::size_t index, const ast::ExpectedGranted& expected, const ast::Expr* at,
                      const Span& span);
  void expect_timeline(const ast::ExpectedTimeline& expected, const Span& span);
  // Replays the events given so far up to `at` and moves the clock there; false when the
  // contract does not load. Throws RuntimeError.
  bool replay_until(Replay& replay, std::size_t index, Timestamp at, bool is_date);
  // Feeds one event to the main replay, after checking that time does not go back.
  void feed(const Event& event, const Span& span);
  void fail(const Span& span, std::string message);
  void replay_failed(const Span& span, std::string message);
  // "division by zero: ebitda is 0 (x.proviso:8, while processing x.proviso:37)".
  std::string describe_failure(const RuntimeError& failure) const;
  void merge_coverage(const Engine& engine);

  const TestSuite::Impl& suite_;
  std::size_t declaration_;
  CoverageReport* coverage_;
  const Bindings* bindings_;
  bool update_;
  Replay main_;
  std::vector<Event> history_;        // every event fed, for replays up to an instant
  std::vector<std::size_t> latched_;  // expectations holding `once` or `ever`
  bool clock_by_at_ = false;          // `at` moved the clock last, not an event
  std::optional<std::string> error_;  // why the replay failed
  Span error_span_;
  TestResult result_;
};

}  // namespace proviso::detail
