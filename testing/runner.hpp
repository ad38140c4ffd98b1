// Internal to the test runner: a loaded suite, the replay one test drives, and the steps
// suite.cpp, given.cpp, runner.cpp and failure_text.cpp share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/value.hpp"
#include "run/engine.hpp"
#include "testing/contract_tests.hpp"

namespace proviso {

/// A contract, or a contract followed by a test file, as the engine loads it.
struct TestSuite::Impl {
  std::string path;           // the file holding the tests
  std::string contract_path;  // the contract
  bool test_file = false;
  std::string text;               // what the engine loads: the contract, then the test file
  std::uint32_t own_begin = 0;    // where the test file starts in `text` (0 for a contract)
  std::uint32_t line_offset = 0;  // lines of `text` before the test file's first line
  std::unique_ptr<SourceFile> tests_source;  // the test file alone, for its diagnostics
  LoadedContract loaded;
  Diagnostics diagnostics;  // mapped to the file they concern
  bool ok = false;
  // A template's instances (`-- instances: FILE` in a test file, or rows inline): the engine
  // loads the contract once per row. Empty for a plain contract.
  std::string instances_name;
  std::string instances_text;
  Engine instances_check;  // loaded the instances once: keeps the text its diagnostics show

  /// Where a span of `text` is, in the file it came from.
  SourceLine locate(const Span& span) const;
  /// The folder of the file holding the span, for paths written there.
  std::string folder_of(const Span& span) const;
  /// The declarations that are this suite's tests, by position in the file's declarations.
  std::vector<std::size_t> own_tests() const;
};

/// One replay of a test's items through a fresh engine, with every transition it made.
struct Replay {
  Replay() = default;
  Replay(const Replay&) = delete;  // its engine reports transitions to this object
  Replay& operator=(const Replay&) = delete;

  Engine engine;
  std::vector<Transition> transitions;
  const ast::TestDecl* test = nullptr;  // the test, in this engine's tree
  const Bindings* bindings = nullptr;   // a parameterised test's case
  std::size_t contract = 0;  // the contract (a template's instance) failure texts describe
  std::vector<std::string> log_names;

  /// Loads the suite's text and finds test `declaration`; false when it does not load.
  bool start(const TestSuite::Impl& suite, std::size_t declaration);
};

/// The contract `expect … for KEY` addresses (the instance named KEY), else the first; nullopt
/// when no instance has that key.
std::optional<std::size_t> addressed_contract(const Engine& engine,
                                              const ast::Expectation& expectation);

/// The event a `given` line states, with its fields read as a log's would be: a plain number in a
/// quantity field is in the field's unit. Sets `error` and returns nullopt when a value cannot be
/// given (arithmetic that fails, a value that is not constant).
std::optional<Event> given_event(const ast::GivenEvent& given, const Engine& engine,
                                 std::uint32_t log, std::uint64_t line, std::string& error,
                                 const Bindings* bindings = nullptr);

/// The value of a constant written in a test (a literal, an amount, a `let` constant, a case's
/// variable, arithmetic on them); nullopt when it is not one.
std::optional<Value> test_constant(const ast::Expr& expr, const Engine& engine,
                                   const Bindings* bindings);

/// The instant an `at` expression names, now: a timestamp, or for a date the end of that day in
/// the contract's zone (`is_date` then set). nullopt while it has no value (T1.vested_at).
std::optional<Timestamp> instant_of(Engine& engine, const ast::Expr& expr, bool& is_date,
                                    const Bindings* bindings = nullptr);

/// A clause state written as a condition, `T1 vested` or `A[2] pending`.
struct ClauseStateRef {
  std::string clause;  // "A[2]"
  std::string state;   // "pending"
};
std::optional<ClauseStateRef> clause_state_ref(Engine& engine, const ast::Expr& expr,
                                               const Bindings* bindings = nullptr);

/// Why `condition` is not `wanted` now, in the contract's words: "amd_deployed = 0.6 GW",
/// "T1 is pending (amd_deployed = 0.6 GW (>= 1 GW))".
std::string explain(Replay& replay, const ast::Expr& condition, bool wanted = true);
/// "T1 is vested since 2026-09-15T14:00:00Z (decided by the event at x.proviso:12)".
std::string describe_clause(Replay& replay, const std::string& clause);
/// "decided by the event at x.proviso:12", "decided by its deadline", …
std::string cause_phrase(const Transition& transition);
/// The latest transition of `clause` into `state`, if any.
const Transition* transition_into(const Replay& replay, const std::string& clause,
                                  const std::string& state);
/// An expression's source text on one line (runs of blanks and line breaks become one space).
std::string one_line(std::string_view text);

/// A parameterised test's case as a name: "threshold sweep [mw = 999, vests = false]".
std::string case_name(const ast::TestDecl& test, const Bindings& bindings);
/// The cases of test `declaration`: one row per case, or null for a test without cases.
const std::vector<Bindings>* test_cases(const TestSuite::Impl& suite, std::size_t declaration);

/// Runs test `declaration` of the suite (one case of it, `bindings`, for a parameterised test);
/// with `coverage`, merges what it drove into it. With `update`, `expect timeline` writes its
/// file instead of comparing.
TestResult run_test(const TestSuite::Impl& suite, std::size_t declaration, CoverageReport* coverage,
                    const Bindings* bindings = nullptr, bool update = false);

}  // namespace proviso
