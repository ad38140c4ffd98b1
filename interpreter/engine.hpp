// The embedding API: load contracts, feed events, advance the clock, receive transitions,
// query states, save and restore. The `proviso` command is a client of exactly this header.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "grammar/diagnostic.hpp"
#include "interpreter/event.hpp"
#include "interpreter/time.hpp"

namespace proviso {

/// One change of one clause's state.
struct Transition {
  Timestamp ts;
  std::string contract;  // the contract's title
  std::string clause;    // "T1", "F[3]"
  std::string from;      // "pending"
  std::string to;        // "vested"
  /// What caused it: an event (log file and line), or a deadline, effective date or expiry.
  struct Cause {
    std::string kind;  // "event", "deadline", "effective", "expiry"
    std::string file;
    std::uint64_t line = 0;
  } cause;
  /// The values that decided it, e.g. {"amd_deployed", "1.02 GW", ">= 1 GW"}.
  struct Value {
    std::string name;
    std::string value;
    std::string test;
  };
  std::vector<Value> values;
};

/// A clause's state at the engine's current time.
struct ClauseStatus {
  std::string contract;
  std::string clause;
  std::string state;
  std::optional<Timestamp> since;  // when it entered that state; none while pending
  std::string grant;               // what it grants, e.g. "26,666,667 shares"; empty if nothing
};

/// A metric's value at the engine's current time.
struct MetricStatus {
  std::string contract;
  std::string metric;
  std::string value;  // "1.02 GW", or "no value" before the first event that sets it
};

/// A failure while running: arithmetic that overflowed or divided by zero, pointing at the
/// contract's source and at the event that caused it.
class RuntimeError : public std::runtime_error {
 public:
  RuntimeError(Diagnostic diagnostic, std::string cause);
  const Diagnostic& diagnostic() const { return diagnostic_; }
  /// "logs/a.jsonl:17" or "deadline 2030-10-06T04:00:00Z".
  const std::string& cause() const { return cause_; }

 private:
  Diagnostic diagnostic_;
  std::string cause_;
};

/// Replays events through contracts. Events must be fed in timestamp order; deadlines fire at
/// their own instant, before any event at or after it.
class Engine {
 public:
  Engine();
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  /// Loads a contract file; on errors returns false and adds them to `diagnostics`.
  bool load_file(const std::string& path, Diagnostics& diagnostics);
  /// Loads contract text; `name` names it in diagnostics.
  bool load_text(std::string name, std::string text, Diagnostics& diagnostics);

  /// The first loaded contract's time zone ("UTC" when none is loaded): how a host should read
  /// a date or a time without an offset that the user gives.
  std::string timezone() const;

  /// The event types the loaded contracts declare, for readers.
  const EventSchemas& schemas() const;
  /// Names of the log files, by Event::log, for causes ("logs/a.jsonl:17").
  void set_log_names(std::vector<std::string> names);

  /// Called for every transition, in order.
  void on_transition(std::function<void(const Transition&)> callback);

  /// Processes one event (its type indexes schemas()). Throws RuntimeError.
  void feed(const Event& event);
  /// Fires every deadline up to and including `until` and moves the clock there.
  void advance_to(Timestamp until);
  /// The engine's clock: the last event's or advance_to's instant.
  std::optional<Timestamp> now() const;

  std::vector<ClauseStatus> clause_states() const;
  std::vector<MetricStatus> metric_values() const;
  /// Totals of what met clauses grant, by unit ("53,333,334 shares", "20,000,000,000 USD").
  std::vector<std::string> granted_totals() const;

  /// The whole state as text (clock, metrics, windows, clauses), for save/resume.
  std::string save_state() const;
  /// Restores a saved state into an engine that has loaded the same contracts; false with a
  /// reason when the text is not such a state.
  bool restore_state(std::string_view saved, std::string& error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace proviso
