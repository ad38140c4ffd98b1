// Running one test: its items in order against a fresh engine. `given` feeds events, `at` moves
// the clock; what each `expect` checks is in expectations.cpp.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "events/read_events.hpp"
#include "grammar/ast_walk.hpp"
#include "run/transition_format.hpp"
#include "testing/runner.hpp"
#include "testing/test_run.hpp"

namespace proviso {

bool Replay::start(const TestSuite::Impl& suite, std::size_t declaration) {
  Diagnostics ignored;
  const bool loaded =
      suite.instances_name.empty()
          ? engine.load_text(suite.contract_path, suite.text, ignored)
          : engine.load_template(suite.contract_path, suite.text, suite.instances_name,
                                 suite.instances_text, ignored);
  if (!loaded) return false;
  test = &std::get<ast::TestDecl>(engine.contract(0).file->declarations.at(declaration));
  log_names = {suite.locate(test->span).file};
  engine.set_log_names(log_names);
  engine.on_transition([this](const Transition& transition) { transitions.push_back(transition); });
  return true;
}

std::optional<std::size_t> addressed_contract(const Engine& engine,
                                              const ast::Expectation& expectation) {
  if (!expectation.instance) return 0;
  return engine.instance_index(expectation.instance->value);
}

namespace detail {

bool has_latch(const ast::Expr& expr) {
  if (const auto* unary = std::get_if<ast::Unary>(&expr.node)) {
    if (unary->op == ast::UnaryOp::once || unary->op == ast::UnaryOp::ever) return true;
  }
  bool found = false;
  ast::for_each_child(expr, [&](const ast::Expr& child) { found = found || has_latch(child); });
  return found;
}

namespace {

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

}  // namespace

const ast::Expectation* expectation_at(const Replay& replay, std::size_t item) {
  return std::get_if<ast::Expectation>(&replay.test->items[item].item);
}

void poll_latches(Replay& replay, const std::vector<std::size_t>& items) {
  for (const std::size_t item : items) {
    try {
      const ast::Expectation& expectation = *expectation_at(replay, item);
      replay.engine.evaluate(*expectation.condition,
                             addressed_contract(replay.engine, expectation).value_or(0),
                             replay.bindings);
    } catch (const RuntimeError&) {
      // Reported when the expectation itself is checked.
    }
  }
}

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
      main_.engine.evaluate(*expectation->condition,
                            addressed_contract(main_.engine, *expectation).value_or(0), bindings_);
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

}  // namespace detail

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
  return detail::TestRun(suite, declaration, coverage, bindings, update).run();
}

}  // namespace proviso
