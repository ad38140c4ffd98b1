// Reading event logs: JSON Lines and CSV files (or standard input) checked against the loaded
// contracts' event schemas, one log per EventReader, several merged by timestamp. Everything
// streams: memory is bounded by the read buffer and the reorder window, never by the log's length,
// and the steady state allocates nothing per event.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/event.hpp"

namespace proviso {

/// How a log is written.
enum class LogFormat { jsonl, csv };

/// The format a file name implies: .jsonl or .json -> jsonl, .csv -> csv; else nullopt.
std::optional<LogFormat> format_from_extension(std::string_view path);

/// How strictly a log is read.
struct ReadOptions {
  /// Accept events up to this many microseconds older than the latest one seen in the same log,
  /// and deliver them in timestamp order. Without it a timestamp going backwards is an error.
  std::optional<std::int64_t> reorder_window_micros;
  /// Skip bad lines (counted, the first few kept) instead of stopping at the first one.
  bool skip_bad_lines = false;
  /// An event of a type no schema declares is a bad line (--strict), not one passed over.
  bool strict_types = false;
};

/// Why a line of a log cannot be read. `line` is 1-based, 0 when the whole file is at fault.
struct ReadError {
  std::string file;
  std::uint64_t line = 0;
  std::string field;  // the field at fault ("mw", "ts"), or empty
  std::string message;
  bool operator==(const ReadError&) const = default;
};

/// "FILE:LINE: error: MESSAGE" ("FILE: error: MESSAGE" when line is 0).
std::string render(const ReadError& error);

/// Why `event` is not one a reader could give for `schemas`: a type they do not declare, not
/// one slot per field, or an instant (its time, a timestamp or a date field) outside the range
/// logs may give; nullopt when it is good. For hosts that build events themselves (Engine::feed).
std::optional<ReadError> check_event(const Event& event, const EventSchemas& schemas);

/// How many bad lines a lenient reader keeps for the final report.
inline constexpr std::size_t kKeptBadLines = 5;

/// The name readers give standard input in messages.
inline constexpr std::string_view kStdinName = "<stdin>";

/// One log, read line by line. Events of types no schema declares are passed over (and counted)
/// without reading their other fields; declared events are fully validated.
class EventReader {
 public:
  /// Opens `path` ("-" for standard input) in `format`, or the format its extension implies.
  /// Events get `log_index` as Event::log. Returns nullptr and sets `error` when the file cannot
  /// be opened or its format is unknown. `schemas` must outlive the reader.
  static std::unique_ptr<EventReader> open(const std::string& path, std::optional<LogFormat> format,
                                           const EventSchemas& schemas, std::uint32_t log_index,
                                           const ReadOptions& options, ReadError& error);

  /// A reader of events given as text (JSON Lines or CSV with its header), named `name` in
  /// messages: for hosts that hold events in memory.
  static std::unique_ptr<EventReader> from_text(std::string name, std::string_view text,
                                                LogFormat format, const EventSchemas& schemas,
                                                std::uint32_t log_index, const ReadOptions& options,
                                                ReadError& error);
  /// A reader of an open file descriptor (a pipe, say), named `name` in messages; it owns and
  /// closes `fd`. For hosts that produce the log's bytes themselves (`proviso run --follow`).
  static std::unique_ptr<EventReader> from_descriptor(int fd, std::string name, LogFormat format,
                                                      const EventSchemas& schemas,
                                                      std::uint32_t log_index,
                                                      const ReadOptions& options);
  virtual ~EventReader();
  EventReader(const EventReader&) = delete;
  EventReader& operator=(const EventReader&) = delete;

  /// Fills `event` (reusing its storage) with the next declared event; false at the end of the
  /// log or on an error, which error() then holds.
  bool next(Event& event);

  /// The error that stopped the reader, if any.
  const std::optional<ReadError>& error() const { return error_; }
  /// In lenient mode: how many bad lines were skipped.
  std::uint64_t skipped_lines() const { return skipped_lines_; }
  /// In lenient mode: the first kKeptBadLines of them, in line order.
  const std::vector<ReadError>& first_skipped() const { return first_skipped_; }
  /// How many events of each type no schema declares were passed over.
  const std::map<std::string, std::uint64_t, std::less<>>& undeclared_types() const {
    return undeclared_;
  }
  /// How many good lines (events of any type, in order) were read so far.
  std::uint64_t good_lines() const { return good_lines_; }
  /// The file's name as messages give it ("<stdin>" for standard input).
  const std::string& file() const { return file_; }
  /// The index given to open(), set on every event.
  std::uint32_t log_index() const { return log_index_; }

 protected:
  /// What one step of a format's reader found.
  enum class Line { event, undeclared, bad, end };

  EventReader(std::string file, const EventSchemas& schemas, std::uint32_t log_index,
              const ReadOptions& options);

  /// Reads the next line: an event of a declared type into `event` (type, ts, line, fields),
  /// a valid line of an undeclared type (its ts and line in `event`; the caller counts it once
  /// its order is checked), a bad line (after calling fail), or the end of the log.
  virtual Line read_line(Event& event) = 0;

  /// The type named `name`: its index in the schemas, or -1 when no schema declares it.
  std::int64_t resolve_type(std::string_view name);

  /// Finishes a line of a declared type whose field i could not be read when problems[i] is not
  /// empty (the complaint). Each contract that declares the type needs only its own fields: the
  /// line is an event when it is good for all of them; bad (after fail) when it is bad for all,
  /// or for some without --skip-bad-lines; else an event withheld from those it is bad for, and
  /// counted as a skipped line once its order is checked.
  Line settle_fields(Event& event, const EventSchema& schema,
                     const std::vector<std::string>& problems);

  /// Records why line `line` is bad; returns Line::bad for read_line to return. A `fatal`
  /// error (unreadable input, a bad CSV header) stops the reader even when lenient.
  Line fail(std::uint64_t line, std::string field, std::string message, bool fatal = false);

  const EventSchemas& schemas_;

 private:
  bool next_reordered(Event& event);
  // Whether the line's timestamp keeps the log's order (or arrives within the reorder window),
  // for every line, of a declared type or not; false after fail() when it does not.
  bool in_order(const Event& event);
  // Counts a good line of the undeclared type last given to resolve_type.
  void count_undeclared();
  // Reads the next good declared event, skipping bad lines when lenient; false at the end or on
  // an error (then error_ is set).
  bool read_good(Event& event);
  bool handle_bad();

  std::string file_;
  std::uint32_t log_index_;
  ReadOptions options_;
  std::optional<ReadError> error_;
  std::optional<ReadError> pending_;  // set by fail(), consumed by handle_bad()
  std::optional<ReadError> partial_;  // set by settle_fields() for a line withheld from some
  bool pending_fatal_ = false;
  std::uint64_t skipped_lines_ = 0;
  std::uint64_t good_lines_ = 0;
  std::vector<ReadError> first_skipped_;
  std::map<std::string, std::uint64_t, std::less<>> undeclared_;
  // One-entry cache of the last type name: most logs repeat a type many times in a row.
  std::string last_type_;
  std::int64_t last_index_ = -2;  // -2: nothing cached
  std::uint64_t* last_count_ = nullptr;
  // Order checks: the latest timestamp of any line so far, and its line.
  std::optional<Timestamp> latest_;
  std::uint64_t latest_line_ = 0;
  // Reordering: a min-heap (ts, line) of indices into pool_; free_ lists reusable pool slots.
  std::vector<Event> pool_;
  std::vector<std::size_t> heap_;
  std::vector<std::size_t> free_;
  bool exhausted_ = false;
};

/// Several logs merged by timestamp; ties keep the order the logs were added in, then line
/// order. Holds one pending event per log, so memory does not grow with the logs' length.
class MergedEvents {
 public:
  MergedEvents();
  ~MergedEvents();
  MergedEvents(const MergedEvents&) = delete;
  MergedEvents& operator=(const MergedEvents&) = delete;

  /// Adds a log; call before the first next().
  void add(std::unique_ptr<EventReader> reader);

  /// Fills `event` with the earliest pending event of all logs; false at the end of every log or
  /// when one of them reports an error (then error() holds it and the merge stops).
  bool next(Event& event);

  /// The error that stopped the merge, if any.
  const std::optional<ReadError>& error() const { return error_; }
  /// The logs in the order they were added, for their skip and undeclared-type counts.
  const std::vector<std::unique_ptr<EventReader>>& readers() const { return readers_; }

 private:
  bool start();
  bool after(std::size_t a, std::size_t b) const;

  std::vector<std::unique_ptr<EventReader>> readers_;
  std::vector<Event> heads_;           // the pending event of each live log
  std::vector<std::size_t> heap_;      // live logs, a min-heap by (ts, log order, line)
  std::optional<std::size_t> refill_;  // the log whose event went out last, read on the next call
  std::optional<ReadError> error_;
  bool started_ = false;
};

}  // namespace proviso
