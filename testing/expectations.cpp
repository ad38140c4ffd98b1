// What `expect` checks in a test: a condition now or at an instant (replaying the events up to
// it), an error the replay must fail with, a total granted, a timeline file.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "base/read_text.hpp"
#include "events/read_events.hpp"
#include "grammar/ast_walk.hpp"
#include "run/transition_format.hpp"
#include "testing/runner.hpp"
#include "testing/test_run.hpp"

namespace proviso::detail {

namespace {

// The condition as written, with the instance it is expected of: "Call triggered for A1".
std::string written_of(const ast::Expectation& expectation) {
  std::string written = one_line(expectation.condition->span.text());
  if (expectation.instance) written += " for " + expectation.instance->value;
  return written;
}

}  // namespace

void TestRun::expect(std::size_t index, const ast::Expectation& expectation, const Span& span) {
  const auto contract = addressed_contract(main_.engine, expectation);
  if (!contract) {
    return fail(span,
                fmt::format("expected {}, but no instance is named {}{}", written_of(expectation),
                            expectation.instance->value,
                            suite_.instances_name.empty() ? " (the test file names no instances)"
                                                          : " in " + suite_.instances_name));
  }
  // A template's expectation says which instance it is of, unless there is only one.
  if (!expectation.instance && !suite_.instances_name.empty() &&
      main_.engine.contract_count() > 1) {
    return fail(span, fmt::format("expected {}, but the template has {} instances: name one, "
                                  "e.g. expect {} for {}",
                                  written_of(expectation), main_.engine.contract_count(),
                                  one_line(expectation.condition->span.text()),
                                  main_.engine.instance_name(0)));
  }
  main_.contract = *contract;
  if (expectation.at) return expect_at(index, expectation, span);
  expect_now(expectation, span);
}

void TestRun::expect_now(const ast::Expectation& expectation, const Span& span) {
  const std::string written = written_of(expectation);
  try {
    const Evaluation value =
        main_.engine.evaluate(*expectation.condition, main_.contract, bindings_);
    if (value.known && value.truth) return;
  } catch (const RuntimeError& failure) {
    return fail(span, fmt::format("expected {}, but it cannot be computed: {}", written,
                                  failure.diagnostic().message));
  }
  fail(span, fmt::format("expected {}, but {}", written, explain(main_, *expectation.condition)));
}

namespace {

// When `clause` (of contract `index`) entered `state` (the latest time), if it has.
std::optional<Timestamp> entered_at(const Engine& engine, const ClauseStateRef& ref,
                                    std::size_t index) {
  const std::string& instance = engine.instance_name(index);
  for (const ClauseStatus& status : engine.clause_states()) {
    if (status.clause != ref.clause || status.instance != instance) continue;
    for (const auto& [state, since] : status.entered) {
      if (state == ref.state) return since;
    }
  }
  return std::nullopt;
}

}  // namespace

bool TestRun::replay_until(Replay& replay, std::size_t index, Timestamp at, bool is_date) {
  replay.bindings = bindings_;
  replay.contract = main_.contract;
  if (!replay.start(suite_, declaration_)) return false;
  if (coverage_) replay.engine.enable_coverage();
  replay.log_names = main_.log_names;
  replay.engine.set_log_names(replay.log_names);
  // An `expect granted … at T` has no condition to watch.
  const ast::Expectation* expectation = expectation_at(replay, index);
  const std::vector<std::size_t> latched = expectation && has_latch(*expectation->condition)
                                               ? std::vector<std::size_t>{index}
                                               : std::vector<std::size_t>{};
  if (expectation) replay.engine.evaluate(*expectation->condition, replay.contract, bindings_);
  for (const Event& event : history_) {
    // A date is its whole day: the events up to its end, not those at the next midnight.
    if (is_date ? event.ts >= at : event.ts > at) break;
    replay.engine.feed(event);
    poll_latches(replay, latched);
  }
  replay.engine.advance_to(at);
  poll_latches(replay, latched);
  if (coverage_) merge_coverage(replay.engine);
  return true;
}

void TestRun::expect_at(std::size_t index, const ast::Expectation& expectation, const Span& span) {
  const std::string written = written_of(expectation);
  const std::string at_written = one_line(expectation.at->span.text());
  bool is_date = false;
  std::optional<Timestamp> at;
  try {
    at = instant_of(main_.engine, *expectation.at, is_date, bindings_);
  } catch (const RuntimeError& failure) {
    return fail(span, fmt::format("expected {} at {}, but {} cannot be computed: {}", written,
                                  at_written, at_written, failure.diagnostic().message));
  }
  if (!at) {
    return fail(span, fmt::format("expected {} at {}, but {} has no value yet", written, at_written,
                                  at_written));
  }
  const TimeZone zone =
      TimeZone::find(main_.engine.contract(0).checked.timezone).value_or(*TimeZone::find("UTC"));
  const Date day{zone.local_date(*at).days - 1};
  const std::string expected_at = is_date ? format_date(day) : format_utc(*at);

  // The events given so far up to T, and the clock moved to T.
  Replay replay;
  std::optional<Evaluation> value;
  try {
    if (!replay_until(replay, index, *at, is_date)) {
      return fail(span, "the contract could not be loaded");
    }
    const ast::Expr& condition = *expectation_at(replay, index)->condition;
    // `pending` is where a clause starts, not a state it enters: `T1 pending at T` holds at T.
    const auto ref = clause_state_ref(replay.engine, condition, bindings_);
    if (!ref || ref->state == "pending") {
      value = replay.engine.evaluate(condition, replay.contract, bindings_);
    }
  } catch (const RuntimeError& failure) {
    return fail(span, fmt::format("expected {} at {}, but the replay up to then failed: {}",
                                  written, expected_at, describe_failure(failure)));
  }
  const ast::Expr& condition = *expectation_at(replay, index)->condition;
  if (value) {
    if (value->known && value->truth) return;
    return fail(span, fmt::format("expected {} at {}, but then {}", written, expected_at,
                                  explain(replay, condition)));
  }

  // `T1 vested at T`: T1 became vested at T (for a date, during that day).
  const ClauseStateRef ref = *clause_state_ref(replay.engine, condition, bindings_);
  const auto entered = entered_at(replay.engine, ref, replay.contract);
  if (entered &&
      (is_date ? *entered >= zone.start_of_day(day) && *entered <= *at : *entered == *at)) {
    return;
  }
  // It did so at another time: before T (as the replay up to T saw), or after it.
  const Replay& witness = entered ? replay : main_;
  if (const auto other = entered_at(witness.engine, ref, witness.contract)) {
    const Transition* into = transition_into(witness, ref.clause, ref.state);
    return fail(span, fmt::format("expected {} at {}, but {} {} at {}{}", written, expected_at,
                                  ref.clause, ref.state, format_utc(*other),
                                  into ? fmt::format(" ({})", cause_phrase(*into)) : ""));
  }
  fail(span, fmt::format("expected {} at {}, but then {}", written, expected_at,
                         describe_clause(replay, ref.clause)));
}

void TestRun::expect_error(const ast::ExpectedError& expected, const Span& span) {
  if (!error_) {
    return fail(span, fmt::format("expected the replay to fail with an error containing \"{}\", "
                                  "but it did not fail",
                                  expected.text.value));
  }
  if (error_->find(expected.text.value) == std::string::npos) {
    fail(span, fmt::format("expected an error containing \"{}\", but the replay failed with: {}",
                           expected.text.value, *error_));
  }
}

void TestRun::expect_granted(std::size_t index, const ast::ExpectedGranted& expected,
                             const ast::Expr* at_expr, const Span& span) {
  const std::string written = one_line(expected.amount->span.text());
  // `expect granted` and `expect paid` read the same way; only the total differs.
  const std::string_view verb = expected.paid ? "paid" : "granted";
  auto total_of = [&](const Engine& engine, const std::string& dimension) {
    return expected.paid ? engine.paid_total(dimension) : engine.granted_total(dimension);
  };
  std::optional<Value> amount;
  try {
    amount = test_constant(*expected.amount, main_.engine, bindings_);
  } catch (const ArithmeticError& failure) {
    return fail(span, fmt::format("expected {} {}, but {} cannot be computed: {}", verb, written,
                                  written, failure.what()));
  }
  const auto* quantity = amount ? std::get_if<Quantity>(&*amount) : nullptr;
  const auto* number = amount ? std::get_if<Decimal>(&*amount) : nullptr;
  if (!quantity && !number) {
    return fail(span, fmt::format("expected {} {}, but {} is not a constant amount", verb, written,
                                  written));
  }
  // Both totals in the unit the test wrote: "53,333,334 shares".
  auto show = [&](const Decimal& base) {
    if (!quantity) return base.to_grouped_string();
    return fmt::format("{} {}", (base / quantity->unit_scale).to_grouped_string(), quantity->unit);
  };
  const Decimal wanted = quantity ? quantity->base_amount : *number;
  const std::string dimension = quantity ? quantity->dimension : std::string();
  const std::string expected_text = show(wanted);
  if (!at_expr) {
    const Decimal total = total_of(main_.engine, dimension);
    if (total == wanted) return;
    return fail(span, fmt::format("expected {} {}, but {} {} {}", verb, expected_text, show(total),
                                  total == Decimal::from_int(1) ? "is" : "are", verb));
  }
  const std::string at_written = one_line(at_expr->span.text());
  bool is_date = false;
  std::optional<Timestamp> at;
  try {
    at = instant_of(main_.engine, *at_expr, is_date, bindings_);
  } catch (const RuntimeError& failure) {
    return fail(span,
                fmt::format("expected {} {} at {}, but {} cannot be computed: {}", verb,
                            expected_text, at_written, at_written, failure.diagnostic().message));
  }
  if (!at) {
    return fail(span, fmt::format("expected {} {} at {}, but {} has no value yet", verb,
                                  expected_text, at_written, at_written));
  }
  Replay replay;
  try {
    if (!replay_until(replay, index, *at, is_date)) {
      return fail(span, "the contract could not be loaded");
    }
  } catch (const RuntimeError& failure) {
    return fail(span, fmt::format("expected {} {} at {}, but the replay up to then failed: {}",
                                  verb, expected_text, at_written, describe_failure(failure)));
  }
  const Decimal total = total_of(replay.engine, dimension);
  if (total == wanted) return;
  fail(span, fmt::format("expected {} {} at {}, but then {} {} {}", verb, expected_text, at_written,
                         show(total), total == Decimal::from_int(1) ? "is" : "are", verb));
}

void TestRun::expect_timeline(const ast::ExpectedTimeline& expected, const Span& span) {
  namespace fs = std::filesystem;
  const std::string folder = suite_.folder_of(span);
  const std::string path = (fs::path(folder) / expected.path.value).lexically_normal().string();
  // Events are named relative to the test's folder, so that the file does not depend on the
  // folder `proviso test` runs in.
  std::string actual;
  for (Transition transition : main_.transitions) {
    if (transition.cause.kind == CauseKind::event && !folder.empty()) {
      const fs::path relative = fs::path(transition.cause.file)
                                    .lexically_normal()
                                    .lexically_relative(fs::path(folder).lexically_normal());
      if (!relative.empty()) transition.cause.file = relative.generic_string();
    }
    actual += format_transition_json(transition) + "\n";
  }
  if (update_) {
    std::error_code ignored;
    if (const fs::path parent = fs::path(path).parent_path(); !parent.empty()) {
      fs::create_directories(parent, ignored);
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << actual;
    out.flush();
    if (!out) return fail(span, fmt::format("cannot write the timeline to {}", path));
    result_.written.push_back(path);
    return;
  }
  std::error_code missing;
  if (!fs::exists(path, missing)) {
    return fail(span, fmt::format("expected the timeline in {}, but that file does not exist; "
                                  "run proviso test --update to write it",
                                  path));
  }
  std::string error;
  const std::optional<std::string> wanted = read_text_file(path, error);
  if (!wanted) return fail(span, error);
  if (*wanted == actual) return;
  auto lines = [](const std::string& text) {
    std::vector<std::string> out;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      out.push_back(line);
    }
    return out;
  };
  const std::vector<std::string> want = lines(*wanted);
  const std::vector<std::string> got = lines(actual);
  std::size_t n = 0;
  while (n < want.size() && n < got.size() && want[n] == got[n]) ++n;
  if (n == want.size() && n == got.size()) return;  // only line endings differ
  fail(span, fmt::format("expected the timeline in {}, but line {} differs\n"
                         "  expected: {}\n"
                         "  actual:   {}\n"
                         "  (after a deliberate change, run proviso test --update)",
                         path, n + 1, n < want.size() ? want[n] : "(the file ends)",
                         n < got.size() ? got[n] : "(no more transitions)"));
}

}  // namespace proviso::detail
