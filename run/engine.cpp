// The embedding API's front: loading, listeners, feeding events and moving the clock, test
// expressions and coverage. The event loop itself is runtime.cpp.
#include <fmt/format.h>

#include <functional>

#include "events/read_events.hpp"
#include "grammar/ast_walk.hpp"
#include "run/render.hpp"
#include "run/runtime.hpp"

namespace proviso {

std::string_view name(CauseKind kind) {
  switch (kind) {
    case CauseKind::event:
      return "event";
    case CauseKind::deadline:
      return "deadline";
    case CauseKind::effective:
      return "effective";
    case CauseKind::expiry:
      return "expiry";
    case CauseKind::clock:
      return "clock";
    case CauseKind::period_end:
      return "period end";
  }
  return "event";
}

std::string_view name(Level level) {
  switch (level) {
    case Level::pending:
      return "pending";
    case Level::holding:
      return "holding";
    case Level::breached:
      return "breached";
  }
  return "pending";
}

RuntimeError::RuntimeError(Diagnostic diagnostic, std::string cause)
    : std::runtime_error(diagnostic.message),
      diagnostic_(std::move(diagnostic)),
      cause_(std::move(cause)) {}

Engine::Engine() : impl_(std::make_unique<Impl>()) {}
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

bool Engine::load_file(const std::string& path, Diagnostics& diagnostics) {
  LoadedContract loaded = load_contract_file(path);
  if (!loaded.source) {
    diagnostics.insert(diagnostics.end(), loaded.diagnostics.begin(), loaded.diagnostics.end());
    return false;
  }
  return load_text(loaded.source->name, loaded.source->text, diagnostics);
}

bool Engine::load_text(std::string name, std::string text, Diagnostics& diagnostics) {
  if (!loading_allowed(name, diagnostics)) return false;
  auto shared = std::make_shared<ContractShared>();
  shared->loaded = load_contract(std::move(name), std::move(text));
  diagnostics.insert(diagnostics.end(), shared->loaded.diagnostics.begin(),
                     shared->loaded.diagnostics.end());
  if (!shared->loaded.ok()) {
    impl_->rejected.push_back(std::move(shared->loaded));
    return false;
  }
  if (const auto& parameters = shared->loaded.file->parameters) {
    diagnostics.push_back(
        {Severity::error, parameters->span,
         fmt::format("{} is a template: it declares parameters, so it runs once for each row of "
                     "an instances file",
                     shared->loaded.source->name),
         fmt::format("proviso run {} --instances ROWS.csv LOG.jsonl",
                     shared->loaded.source->name)});
    impl_->rejected.push_back(std::move(shared->loaded));
    return false;
  }
  const std::size_t schemas_before = impl_->schemas_size();
  shared->declarer = merge_schemas(shared->loaded.checked, impl_->schemas);
  if (impl_->first_timezone.empty()) impl_->first_timezone = shared->loaded.checked.timezone;
  if (impl_->share && !runs(*impl_->share, shared->loaded.checked.title)) {
    ++impl_->outside_share;
    // Its event types may have moved the others' field indices: they start again.
    impl_->start_added(impl_->contracts.size(), schemas_before);
    return true;
  }
  impl_->contracts.push_back(std::make_unique<ContractRuntime>(std::move(shared)));
  impl_->start_added(impl_->contracts.size() - 1, schemas_before);
  return true;
}

void Engine::reset() {
  // A new Impl and new contract runtimes, so that no state can survive by being forgotten here;
  // only what the host set up and the loaded contracts move over.
  auto fresh = std::make_unique<Impl>();
  fresh->rejected = std::move(impl_->rejected);
  fresh->schemas = std::move(impl_->schemas);
  fresh->log_names = std::move(impl_->log_names);
  fresh->callback = std::move(impl_->callback);
  fresh->note_callback = std::move(impl_->note_callback);
  fresh->listeners = std::move(impl_->listeners);
  fresh->coverage_on = impl_->coverage_on;
  fresh->instance_index = std::move(impl_->instance_index);
  fresh->share = impl_->share;
  fresh->outside_share = impl_->outside_share;
  fresh->first_timezone = std::move(impl_->first_timezone);
  for (auto& owned : impl_->contracts) {
    // The compiled plan is shared (with a template's other instances); an instance keeps its
    // name and parameters.
    auto contract = std::make_unique<ContractRuntime>(owned->shared);
    contract->instance = std::move(owned->instance);
    contract->parameters = std::move(owned->parameters);
    contract->parameter_texts = std::move(owned->parameter_texts);
    fresh->contracts.push_back(std::move(contract));
  }
  impl_ = std::move(fresh);
  impl_->start_added(0, impl_->schemas_size());
}

bool Engine::loading_allowed(const std::string& name, Diagnostics& diagnostics) const {
  // Adding a contract rebuilds every plan and restarts every contract's state, so once time
  // has moved it would silently forget what the others saw: refused instead.
  if (!impl_->clock) return true;
  diagnostics.push_back(
      {Severity::error, Span{},
       fmt::format("cannot load {}: this engine has already processed events (its clock is at "
                   "{}); load every contract before the first event",
                   name, format_utc(*impl_->clock)),
       "create a new engine, load all contracts into it, then replay the events"});
  return false;
}

const EventSchemas& Engine::schemas() const {
  return impl_->schemas;
}

std::string Engine::timezone() const {
  // The first contract checked, also when another share runs it: --at and --until mean the
  // same instant on every worker.
  return impl_->first_timezone.empty() ? "UTC" : impl_->first_timezone;
}

void Engine::set_share(const WorkerShare& share) {
  impl_->share = share;
}

std::size_t Engine::outside_share() const {
  return impl_->outside_share;
}

void Engine::set_skip_bad_reports(bool skip) {
  impl_->skip_bad_reports = skip;
}

void Engine::set_log_names(std::vector<std::string> names) {
  impl_->log_names = std::move(names);
}

void Engine::add_listener(EngineListener& listener) {
  impl_->listeners.push_back(&listener);
}

void Engine::remove_listener(const EngineListener& listener) {
  std::erase(impl_->listeners, &listener);
}

void Engine::on_transition(std::function<void(const Transition&)> callback) {
  impl_->callback = std::move(callback);
}

void Engine::on_note(std::function<void(const std::string&)> callback) {
  impl_->note_callback = std::move(callback);
}

std::optional<Timestamp> Engine::now() const {
  return impl_->clock;
}

EngineCounters Engine::counters() const {
  return impl_->counters;
}

void Engine::feed(const Event& event) {
  // What a log reader guarantees, checked for events a host built itself.
  if (auto bad = check_event(event, impl_->schemas)) {
    throw RuntimeError(Diagnostic{Severity::error, Span{}, std::move(bad->message), {}},
                       fmt::format("the event fed as line {}", event.line));
  }
  impl_->fire_timers(event.ts.micros);
  impl_->clock = event.ts;
  impl_->process(event);
}

// A diagnostic at line `line` of text fed as JSON or restored as a state, whose text the engine
// keeps so that the diagnostic can show the line.
Diagnostic line_diagnostic(const SourceFile& source, std::uint64_t line, std::string message) {
  Span span;
  if (line > 0) {
    span.file = &source;
    std::size_t begin = 0;
    for (std::uint64_t l = 1; l < line && begin != std::string::npos; ++l) {
      begin = source.text.find('\n', begin);
      if (begin != std::string::npos) ++begin;
    }
    if (begin == std::string::npos) begin = source.text.size();
    std::size_t end = source.text.find('\n', begin);
    if (end == std::string::npos) end = source.text.size();
    span.begin = static_cast<std::uint32_t>(begin);
    span.end = static_cast<std::uint32_t>(std::max(end, begin + 1));
    span.line = static_cast<std::uint32_t>(line);
    span.column = 1;
  } else {
    message = fmt::format("{}: {}", source.name, message);
  }
  return {Severity::error, span, std::move(message), {}};
}

bool Engine::feed_json(std::string_view lines, Diagnostics& diagnostics, const std::string& name) {
  const auto log = static_cast<std::uint32_t>(impl_->log_names.size());
  // Kept only when a line is bad, for the diagnostic's span.
  auto fail = [&](std::uint64_t line, std::string message) {
    impl_->fed_texts.push_back(std::make_unique<SourceFile>(SourceFile{name, std::string(lines)}));
    diagnostics.push_back(line_diagnostic(*impl_->fed_texts.back(), line, std::move(message)));
    return false;
  };
  auto read_failure = [&](const ReadError& error) {
    return fail(error.line,
                error.field.empty() || error.message.find(error.field) != std::string::npos
                    ? error.message
                    : fmt::format("{}: {}", error.field, error.message));
  };
  ReadError failure;
  auto reader =
      EventReader::from_text(name, lines, LogFormat::jsonl, impl_->schemas, log, {}, failure);
  if (!reader) return read_failure(failure);
  impl_->log_names.push_back(name);
  Event event;
  while (reader->next(event)) {
    if (impl_->clock && event.ts < *impl_->clock) {
      return fail(event.line, fmt::format("this event ({}) is earlier than the engine's clock ({})",
                                          format_utc(event.ts), format_utc(*impl_->clock)));
    }
    feed(event);
  }
  if (reader->error()) return read_failure(*reader->error());
  return true;
}

std::optional<Timestamp> Engine::next_timer() const {
  if (impl_->timers.empty()) return std::nullopt;
  return Timestamp{impl_->timers.top().at};
}

void Engine::fire_timers_until(Timestamp until) {
  impl_->fire_timers(until.micros);
}

void Engine::advance_to(Timestamp until) {
  // The clock goes only where every output can show it: inside the supported dates in UTC.
  if (until.micros < kMinDate.days * kMicrosPerDay ||
      until.micros >= (kMaxDate.days + 1) * kMicrosPerDay) {
    throw RuntimeError(
        Diagnostic{Severity::error,
                   Span{},
                   fmt::format("cannot move the clock to {} microseconds after "
                               "1970-01-01T00:00:00Z: outside the supported dates, {} to {} in UTC",
                               until.micros, format_date(kMinDate), format_date(kMaxDate)),
                   {}},
        "advance_to");
  }
  impl_->fire_timers(until.micros);
  // A timer due at `until` itself (another contract's deadline or period end) has already moved
  // the clock there; time must still pass for every contract, as it would without that timer.
  if (impl_->clock && impl_->clock->micros > until.micros) return;
  impl_->clock = until;
  // Time alone moves windows and `before`/`after` conditions: re-evaluate what depends on it.
  const Transition::Cause cause{CauseKind::clock, {}, 0};
  try {
    for (auto& owned : impl_->contracts) {
      ContractRuntime& contract = *owned;
      if (contract.expired) continue;
      impl_->pass_time(contract, until.micros);
      impl_->evaluate_dirty(contract, cause);
    }
  } catch (const RuntimeError& failure) {
    throw RuntimeError(failure.diagnostic(), fmt::format("the clock at {}", format_utc(until)));
  }
}

std::size_t Engine::contract_count() const {
  return impl_->contracts.size();
}

const LoadedContract& Engine::contract(std::size_t index) const {
  return impl_->contracts.at(index)->loaded;
}

Evaluation Engine::evaluate(const ast::Expr& expr, std::size_t index, const Bindings* bindings) {
  ContractRuntime& contract = *impl_->contracts.at(index);
  auto compiled = contract.extra.find(&expr);
  if (compiled == contract.extra.end()) {
    if (!contract.extended) {
      contract.extended = std::make_unique<ContractPlan>(
          compile(contract.loaded.checked, impl_->schemas, contract.plan.declarer));
    }
    compiled =
        contract.extra
            .emplace(&expr, compile_expression(*contract.extended, impl_->schemas, expr, bindings))
            .first;
    // The expression may bring windows and latches of its own; they start empty now. It
    // watches every event from now on, so the contract leaves the filter index.
    impl_->routes_built = false;
    contract.windows.resize(contract.extended->windows.size());
    contract.latches.resize(contract.extended->latch_count);
  }
  const RuntimeValue value = impl_->evaluate(contract, compiled->second);
  const Type& type = contract.plan.types.at(expr.id);
  Evaluation result;
  result.known = value.known;
  result.truth = value.known && value.flag;
  result.text = render_value(value, type, contract, ValueForm::engine);
  result.value = typed_value(value, type, contract);
  return result;
}

void Engine::enable_coverage() {
  impl_->coverage_on = true;
}

std::vector<ConditionCoverage> Engine::coverage(std::size_t index) const {
  const ContractRuntime& contract = *impl_->contracts.at(index);
  std::vector<ConditionCoverage> out;
  std::vector<const ast::ClauseDecl*> seen;
  for (const ClausePlan& clause : contract.plan.clauses) {
    const ast::ClauseDecl* decl = clause.instance->decl;
    if (std::find(seen.begin(), seen.end(), decl) != seen.end()) continue;  // a family, once
    seen.push_back(decl);
    const std::string name =
        clause.instance->family.empty() ? clause.name : clause.instance->family;
    std::function<void(const ast::Expr&)> walk = [&](const ast::Expr& expr) {
      if (contract.plan.types.at(expr.id).is(Kind::boolean)) {
        const std::uint8_t bits =
            expr.id < contract.coverage.size() ? contract.coverage[expr.id] : 0;
        out.push_back({name, &expr, (bits & 1) != 0, (bits & 2) != 0});
      }
      ast::for_each_child(expr, walk);
    };
    for (const ast::Stage& stage : decl->stages) walk(*stage.condition);
    if (decl->holds_while) walk(*decl->holds_while);
    if (decl->period_test) walk(*decl->period_test->condition);
  }
  return out;
}

}  // namespace proviso
