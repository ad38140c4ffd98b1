// Running one test: its items in order against a fresh engine. `given` feeds events, `at` moves
// the clock, `expect` checks a condition now or at an instant (replaying the events up to it),
// and `expect error` checks that the replay failed, and how.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "events/read_events.hpp"
#include "grammar/ast_walk.hpp"
#include "run/transition_format.hpp"
#include "testing/runner.hpp"

namespace proviso {

bool Replay::start(const TestSuite::Impl& suite, std::size_t declaration) {
  Diagnostics ignored;
  if (!engine.load_text(suite.contract_path, suite.text, ignored)) return false;
  test = &std::get<ast::TestDecl>(engine.contract(0).file->declarations.at(declaration));
  log_names = {suite.locate(test->span).file};
  engine.set_log_names(log_names);
  engine.on_transition([this](const Transition& transition) { transitions.push_back(transition); });
  return true;
}

namespace {

bool has_latch(const ast::Expr& expr) {
  if (const auto* unary = std::get_if<ast::Unary>(&expr.node)) {
    if (unary->op == ast::UnaryOp::once || unary->op == ast::UnaryOp::ever) return true;
  }
  bool found = false;
  ast::for_each_child(expr, [&](const ast::Expr& child) { found = found || has_latch(child); });
  return found;
}

// Whether the `at` before `instant` begins its line: layout is free, so `expect C` followed by
// `at T` on the next line parses as `expect C at T`, but it reads, and runs, as two items.
bool at_starts_line(const ast::Expr& instant) {
  const std::string_view text =
      instant.span.file ? std::string_view(instant.span.file->text) : std::string_view();
  std::size_t i = std::min<std::size_t>(instant.span.begin, text.size());
  auto skip_blanks = [&] {
    while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t')) --i;
  };
  skip_blanks();
  if (i < 2 || text.substr(i - 2, 2) != "at") return false;
  i -= 2;
  skip_blanks();
  return i == 0 || text[i - 1] == '\n' || text[i - 1] == '\r';
}

const ast::Expectation* expectation_at(const Replay& replay, std::size_t item) {
  return std::get_if<ast::Expectation>(&replay.test->items[item].item);
}

// `once C` in an expectation holds from the first instant C held: it must see every instant.
void poll_latches(Replay& replay, const std::vector<std::size_t>& items) {
  for (const std::size_t item : items) {
    try {
      replay.engine.evaluate(*expectation_at(replay, item)->condition, 0, replay.bindings);
    } catch (const RuntimeError&) {
      // Reported when the expectation itself is checked.
    }
  }
}

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

TestResult TestRun::run() {
  const auto& test = std::get<ast::TestDecl>(suite_.loaded.file->declarations[declaration_]);
  result_.name = test.name.value;
  result_.where = suite_.locate(test.span);
  if (bindings_) result_.name = case_name(test, *bindings_);
  main_.bindings = bindings_;
  if (!main_.start(suite_, declaration_)) {
    result_.failures.push_back({result_.where, "the contract could not be loaded"});
    return result_;
  }
  if (coverage_) main_.engine.enable_coverage();
  const auto& items = main_.test->items;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto* expectation = std::get_if<ast::Expectation>(&items[i].item);
    if (!expectation) continue;
    if (has_latch(*expectation->condition)) latched_.push_back(i);
    // Compiled now, so that the windows and latches an expectation brings see every event.
    try {
      main_.engine.evaluate(*expectation->condition, 0, bindings_);
    } catch (const RuntimeError&) {
      // Reported when the expectation is checked.
    }
  }
  std::size_t i = 0;
  for (; i < items.size() && !error_; ++i) run_item(i);
  if (error_) {
    // The replay stops at an error: what follows can only be `expect error`.
    const bool expected = std::any_of(
        items.begin() + static_cast<std::ptrdiff_t>(i), items.end(), [](const ast::TestItem& item) {
          return std::holds_alternative<ast::ExpectedError>(item.item);
        });
    if (!expected) fail(error_span_, fmt::format("the replay failed: {}", *error_));
    for (; expected && i < items.size(); ++i) {
      if (const auto* error = std::get_if<ast::ExpectedError>(&items[i].item)) {
        expect_error(*error, items[i].span);
      } else {
        fail(items[i].span, fmt::format("this line is not reached: the replay failed at line {}",
                                        suite_.locate(error_span_).line));
      }
    }
  }
  if (coverage_) merge_coverage(main_.engine);
  std::stable_sort(
      result_.failures.begin(), result_.failures.end(),
      [](const TestFailure& a, const TestFailure& b) { return a.where.line < b.where.line; });
  return result_;
}

void TestRun::run_item(std::size_t index) {
  const ast::TestItem& item = main_.test->items[index];
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, ast::GivenEvents>) {
          give(body);
        } else if constexpr (std::is_same_v<T, ast::GivenLog>) {
          give_log(body, item.span);
        } else if constexpr (std::is_same_v<T, ast::ClockAdvance>) {
          advance_to(*body.to, item.span);
        } else if constexpr (std::is_same_v<T, ast::Expectation>) {
          if (body.at && at_starts_line(*body.at)) {
            // `expect C` and, on the next line, `at T`: a clock move after the expectation.
            expect_now(body, item.span);
            if (!error_) advance_to(*body.at, body.at->span);
          } else {
            expect(index, body, item.span);
          }
        } else if constexpr (std::is_same_v<T, ast::ExpectedError>) {
          expect_error(body, item.span);
        } else if constexpr (std::is_same_v<T, ast::ExpectedGranted>) {
          if (body.at && at_starts_line(*body.at)) {
            expect_granted(index, body, nullptr, item.span);
            if (!error_) advance_to(*body.at, body.at->span);
          } else {
            expect_granted(index, body, body.at.get(), item.span);
          }
        } else if constexpr (std::is_same_v<T, ast::ExpectedTimeline>) {
          expect_timeline(body, item.span);
        }
      },
      item.item);
}

void TestRun::give(const ast::GivenEvents& given) {
  for (const ast::GivenEvent& line : given.events) {
    std::string error;
    const auto event =
        given_event(line, main_.engine, 0, suite_.locate(line.span).line, error, bindings_);
    if (!event) return replay_failed(line.span, error);
    feed(*event, line.span);
    if (error_) return;
  }
}

void TestRun::give_log(const ast::GivenLog& given, const Span& span) {
  const std::string path = (std::filesystem::path(suite_.folder_of(span)) / given.path.value)
                               .lexically_normal()
                               .string();
  ReadError error;
  const auto log = static_cast<std::uint32_t>(main_.log_names.size());
  auto reader = EventReader::open(path, std::nullopt, main_.engine.schemas(), log, {}, error);
  if (!reader) return replay_failed(span, render(error));
  main_.log_names.push_back(reader->file());
  main_.engine.set_log_names(main_.log_names);
  Event event;
  while (reader->next(event)) {
    feed(event, span);
    if (error_) return;
  }
  if (reader->error()) replay_failed(span, render(*reader->error()));
}

void TestRun::feed(const Event& event, const Span& span) {
  const auto now = main_.engine.now();
  if (now && event.ts < *now) {
    const std::string where = main_.log_names[event.log];
    return replay_failed(
        span, fmt::format("the event at {}:{} ({}) is earlier than {} ({}): give events in time "
                          "order",
                          where, event.line, format_utc(event.ts),
                          clock_by_at_ ? "the time `at` moved the clock to" : "the one before it",
                          format_utc(*now)));
  }
  try {
    main_.engine.feed(event);
  } catch (const RuntimeError& failure) {
    return replay_failed(span, describe_failure(failure));
  }
  clock_by_at_ = false;
  history_.push_back(event);
  poll_latches(main_, latched_);
}

void TestRun::advance_to(const ast::Expr& instant, const Span& span) {
  bool is_date = false;
  std::optional<Timestamp> to;
  try {
    to = instant_of(main_.engine, instant, is_date, bindings_);
  } catch (const RuntimeError& failure) {
    return replay_failed(span, failure.diagnostic().message);
  }
  const std::string written = one_line(instant.span.text());
  if (!to) return replay_failed(span, fmt::format("{} has no value yet", written));
  const auto now = main_.engine.now();
  if (now && *to < *now) {
    return replay_failed(span, fmt::format("the clock cannot go back: {} is earlier than the "
                                           "test's clock ({})",
                                           written, format_utc(*now)));
  }
  try {
    main_.engine.advance_to(*to);
  } catch (const RuntimeError& failure) {
    return replay_failed(span, describe_failure(failure));
  }
  clock_by_at_ = true;
  poll_latches(main_, latched_);
}

void TestRun::expect(std::size_t index, const ast::Expectation& expectation, const Span& span) {
  if (expectation.at) return expect_at(index, expectation, span);
  expect_now(expectation, span);
}

void TestRun::expect_now(const ast::Expectation& expectation, const Span& span) {
  const std::string written = one_line(expectation.condition->span.text());
  try {
    const Evaluation value = main_.engine.evaluate(*expectation.condition, 0, bindings_);
    if (value.known && value.truth) return;
  } catch (const RuntimeError& failure) {
    return fail(span, fmt::format("expected {}, but it cannot be computed: {}", written,
                                  failure.diagnostic().message));
  }
  fail(span, fmt::format("expected {}, but {}", written, explain(main_, *expectation.condition)));
}

// When `clause` entered `state` (the latest time), if it has.
std::optional<Timestamp> entered_at(const Engine& engine, const ClauseStateRef& ref) {
  for (const ClauseStatus& status : engine.clause_states()) {
    if (status.clause != ref.clause) continue;
    for (const auto& [state, since] : status.entered) {
      if (state == ref.state) return since;
    }
  }
  return std::nullopt;
}

bool TestRun::replay_until(Replay& replay, std::size_t index, Timestamp at, bool is_date) {
  replay.bindings = bindings_;
  if (!replay.start(suite_, declaration_)) return false;
  if (coverage_) replay.engine.enable_coverage();
  replay.log_names = main_.log_names;
  replay.engine.set_log_names(replay.log_names);
  // An `expect granted … at T` has no condition to watch.
  const ast::Expectation* expectation = expectation_at(replay, index);
  const std::vector<std::size_t> latched = expectation && has_latch(*expectation->condition)
                                               ? std::vector<std::size_t>{index}
                                               : std::vector<std::size_t>{};
  if (expectation) replay.engine.evaluate(*expectation->condition, 0, bindings_);
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
  const std::string written = one_line(expectation.condition->span.text());
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
    if (!ref || ref->state == "pending") value = replay.engine.evaluate(condition, 0, bindings_);
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
  const auto entered = entered_at(replay.engine, ref);
  if (entered &&
      (is_date ? *entered >= zone.start_of_day(day) && *entered <= *at : *entered == *at)) {
    return;
  }
  // It did so at another time: before T (as the replay up to T saw), or after it.
  const Replay& witness = entered ? replay : main_;
  if (const auto other = entered_at(witness.engine, ref)) {
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
  std::optional<Value> amount;
  try {
    amount = test_constant(*expected.amount, main_.engine, bindings_);
  } catch (const ArithmeticError& failure) {
    return fail(span, fmt::format("expected granted {}, but {} cannot be computed: {}", written,
                                  written, failure.what()));
  }
  const auto* quantity = amount ? std::get_if<Quantity>(&*amount) : nullptr;
  const auto* number = amount ? std::get_if<Decimal>(&*amount) : nullptr;
  if (!quantity && !number) {
    return fail(span, fmt::format("expected granted {}, but {} is not a constant amount", written,
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
    const Decimal total = main_.engine.granted_total(dimension);
    if (total == wanted) return;
    return fail(span, fmt::format("expected granted {}, but {} {} granted", expected_text,
                                  show(total), total == Decimal::from_int(1) ? "is" : "are"));
  }
  const std::string at_written = one_line(at_expr->span.text());
  bool is_date = false;
  std::optional<Timestamp> at;
  try {
    at = instant_of(main_.engine, *at_expr, is_date, bindings_);
  } catch (const RuntimeError& failure) {
    return fail(
        span, fmt::format("expected granted {} at {}, but {} cannot be computed: {}", expected_text,
                          at_written, at_written, failure.diagnostic().message));
  }
  if (!at) {
    return fail(span, fmt::format("expected granted {} at {}, but {} has no value yet",
                                  expected_text, at_written, at_written));
  }
  Replay replay;
  try {
    if (!replay_until(replay, index, *at, is_date)) {
      return fail(span, "the contract could not be loaded");
    }
  } catch (const RuntimeError& failure) {
    return fail(span, fmt::format("expected granted {} at {}, but the replay up to then failed: {}",
                                  expected_text, at_written, describe_failure(failure)));
  }
  const Decimal total = replay.engine.granted_total(dimension);
  if (total == wanted) return;
  fail(span, fmt::format("expected granted {} at {}, but then {} {} granted", expected_text,
                         at_written, show(total), total == Decimal::from_int(1) ? "is" : "are"));
}

void TestRun::expect_timeline(const ast::ExpectedTimeline& expected, const Span& span) {
  namespace fs = std::filesystem;
  const std::string folder = suite_.folder_of(span);
  const std::string path = (fs::path(folder) / expected.path.value).lexically_normal().string();
  // Events are named relative to the test's folder, so that the file does not depend on the
  // folder `proviso test` runs in.
  std::string actual;
  for (Transition transition : main_.transitions) {
    if (transition.cause.kind == "event" && !folder.empty()) {
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
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(span, fmt::format("expected the timeline in {}, but that file does not exist; "
                                  "run proviso test --update to write it",
                                  path));
  }
  std::stringstream wanted;
  wanted << in.rdbuf();
  if (wanted.str() == actual) return;
  auto lines = [](const std::string& text) {
    std::vector<std::string> out;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      out.push_back(line);
    }
    return out;
  };
  const std::vector<std::string> want = lines(wanted.str());
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

void TestRun::fail(const Span& span, std::string message) {
  result_.failures.push_back({suite_.locate(span), std::move(message)});
}

std::string TestRun::describe_failure(const RuntimeError& failure) const {
  const SourceLine at = suite_.locate(failure.diagnostic().span);
  return fmt::format("{} ({}:{}, while processing {})", failure.diagnostic().message, at.file,
                     at.line, failure.cause());
}

void TestRun::replay_failed(const Span& span, std::string message) {
  error_ = std::move(message);
  error_span_ = span;
}

void TestRun::merge_coverage(const Engine& engine) {
  auto& conditions = coverage_->conditions;
  for (const ConditionCoverage& seen : engine.coverage()) {
    const Span& span = seen.condition->span;
    auto same = [&](const CoveredCondition& c) {
      return c.begin == span.begin && c.end == span.end;
    };
    auto it = std::find_if(conditions.begin(), conditions.end(), same);
    if (it == conditions.end()) {
      conditions.push_back({seen.clause, suite_.locate(span), one_line(span.text()), false, false,
                            span.begin, span.end});
      // Source order, a condition before the parts inside it.
      std::sort(conditions.begin(), conditions.end(),
                [](const CoveredCondition& a, const CoveredCondition& b) {
                  return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
                });
      it = std::find_if(conditions.begin(), conditions.end(), same);
    }
    it->seen_true = it->seen_true || seen.seen_true;
    it->seen_false = it->seen_false || seen.seen_false;
  }
}

}  // namespace

std::string case_name(const ast::TestDecl& test, const Bindings& bindings) {
  // The variables in the order written.
  std::string values;
  for (const ast::Binding& binding : test.bindings) {
    const auto value = bindings.find(binding.variable.text);
    if (value == bindings.end()) continue;
    // Numbers without grouping commas, which would read as separators here: "mw = 1000".
    std::string shown = format_value(value->second);
    if (std::holds_alternative<Decimal>(value->second) ||
        std::holds_alternative<Quantity>(value->second)) {
      std::erase(shown, ',');
    }
    values += fmt::format("{}{} = {}", values.empty() ? "" : ", ", binding.variable.text, shown);
  }
  return fmt::format("{} [{}]", test.name.value, values);
}

TestResult run_test(const TestSuite::Impl& suite, std::size_t declaration, CoverageReport* coverage,
                    const Bindings* bindings, bool update) {
  return TestRun(suite, declaration, coverage, bindings, update).run();
}

}  // namespace proviso
