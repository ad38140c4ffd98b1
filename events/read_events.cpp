// The part of every event reader that does not depend on the format: opening, type lookup, the
// order of timestamps (strict or through the reorder window) and lenient skipping.
#include "events/read_events.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "events/read_fields.hpp"
#include "events/read_input.hpp"

namespace proviso {

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// "1d 2h 30m 4.5s", largest unit first, zero parts left out; "0s" for nothing.
std::string format_duration(std::int64_t micros) {
  std::string text;
  const auto part = [&](std::int64_t amount, std::string_view unit) {
    if (amount == 0) return;
    if (!text.empty()) text += ' ';
    text += fmt::format("{}{}", amount, unit);
  };
  part(micros / kMicrosPerDay, "d");
  part(micros % kMicrosPerDay / (3600 * kMicrosPerSecond), "h");
  part(micros % (3600 * kMicrosPerSecond) / (60 * kMicrosPerSecond), "m");
  const std::int64_t seconds = micros % (60 * kMicrosPerSecond);
  if (seconds != 0 || text.empty()) {
    if (!text.empty()) text += ' ';
    std::string fraction = fmt::format("{:06}", seconds % kMicrosPerSecond);
    fraction.erase(fraction.find_last_not_of('0') + 1);
    text +=
        fmt::format("{}{}{}s", seconds / kMicrosPerSecond, fraction.empty() ? "" : ".", fraction);
  }
  return text;
}

// An instant as messages show it; format_utc's range is narrower than what offsets can reach.
std::string show(Timestamp instant) {
  try {
    return format_utc(instant);
  } catch (const std::out_of_range&) {
    return fmt::format("{} microseconds after 1970-01-01T00:00:00Z", instant.micros);
  }
}

// Min-heap order of buffered events: by timestamp, then line.
struct LaterInLog {
  const std::vector<Event>* pool;
  bool operator()(std::size_t a, std::size_t b) const {
    const Event& x = (*pool)[a];
    const Event& y = (*pool)[b];
    return x.ts != y.ts ? x.ts > y.ts : x.line > y.line;
  }
};

}  // namespace

std::optional<LogFormat> format_from_extension(std::string_view path) {
  if (ends_with(path, ".jsonl") || ends_with(path, ".json")) return LogFormat::jsonl;
  if (ends_with(path, ".csv")) return LogFormat::csv;
  return std::nullopt;
}

std::string render(const ReadError& error) {
  if (error.line == 0) return fmt::format("{}: error: {}", error.file, error.message);
  return fmt::format("{}:{}: error: {}", error.file, error.line, error.message);
}

std::optional<ReadError> check_event(const Event& event, const EventSchemas& schemas) {
  const auto bad = [&](std::string field, std::string message) {
    return ReadError{"", event.line, std::move(field), std::move(message)};
  };
  // Called for every event a host feeds: nothing is formatted unless it is bad.
  const auto range = [] {
    return fmt::format("from {} to {}", format_utc(kFirstEventInstant),
                       format_utc(kLastEventInstant));
  };
  if (!is_event_instant(event.ts)) {
    return bad("ts",
               fmt::format("the event's time ({}) is out of range: an event's time must lie {}",
                           show(event.ts), range()));
  }
  if (event.type >= schemas.events.size()) {
    return bad("type", fmt::format("event type {} is not one of the {} the contracts declare",
                                   event.type, schemas.events.size()));
  }
  const EventSchema& schema = schemas.events[event.type];
  if (event.fields.size() != schema.fields.size()) {
    return bad("", fmt::format("{} event: {} field value{} given for its {} field{}", schema.name,
                               event.fields.size(), event.fields.size() == 1 ? "" : "s",
                               schema.fields.size(), schema.fields.size() == 1 ? "" : "s"));
  }
  for (std::size_t i = 0; i < schema.fields.size(); ++i) {
    const FieldSchema& field = schema.fields[i];
    const std::int64_t instant = event.fields[i].instant;
    if (field.type.is(Kind::timestamp) && !is_event_instant(Timestamp{instant})) {
      return bad(field.name,
                 fmt::format("{} event: field \"{}\" ({}) is out of range: a "
                             "timestamp must lie {}",
                             schema.name, field.name, show(Timestamp{instant}), range()));
    }
    if (field.type.is(Kind::date) && (instant < kMinDate.days || instant > kMaxDate.days)) {
      return bad(
          field.name,
          fmt::format("{} event: field \"{}\" is out of range: a date must lie from "
                      "{} to {}",
                      schema.name, field.name, format_date(kMinDate), format_date(kMaxDate)));
    }
  }
  return std::nullopt;
}

std::unique_ptr<EventReader> EventReader::open(const std::string& path,
                                               std::optional<LogFormat> format,
                                               const EventSchemas& schemas, std::uint32_t log_index,
                                               const ReadOptions& options, ReadError& error) {
  const bool is_stdin = path == "-";
  std::string file = is_stdin ? std::string(kStdinName) : path;
  if (!format && !is_stdin) format = format_from_extension(path);
  if (!format) {
    error = ReadError{file, 0, "",
                      is_stdin ? "give the format of standard input: --input-format jsonl or csv"
                               : "cannot tell the format of this log from its name (.jsonl, "
                                 ".json or .csv); give --input-format jsonl or csv"};
    return nullptr;
  }
  int fd = 0;
  if (!is_stdin) {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      error = ReadError{file, 0, "", fmt::format("cannot open this log: {}", std::strerror(errno))};
      return nullptr;
    }
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  auto input = std::make_unique<detail::InputBuffer>(fd, !is_stdin);
  switch (*format) {
    case LogFormat::jsonl:
      return detail::make_jsonl_reader(std::move(file), std::move(input), schemas, log_index,
                                       options);
    case LogFormat::csv:
      return detail::make_csv_reader(std::move(file), std::move(input), schemas, log_index,
                                     options);
  }
  throw std::logic_error("unknown log format");
}

std::unique_ptr<EventReader> EventReader::from_text(std::string name, std::string_view text,
                                                    LogFormat format, const EventSchemas& schemas,
                                                    std::uint32_t log_index,
                                                    const ReadOptions& options, ReadError& error) {
  // The readers stream from a file descriptor; an anonymous in-memory file gives them one.
  const int fd = ::memfd_create("proviso-events", MFD_CLOEXEC);
  bool written = fd >= 0;
  for (std::size_t done = 0; written && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    written = n > 0;
    done += written ? static_cast<std::size_t>(n) : 0;
  }
  if (!written || ::lseek(fd, 0, SEEK_SET) != 0) {
    error = ReadError{name, 0, "",
                      fmt::format("cannot hold these events in memory: {}", std::strerror(errno))};
    if (fd >= 0) ::close(fd);
    return nullptr;
  }
  auto input = std::make_unique<detail::InputBuffer>(fd, true);
  if (format == LogFormat::csv) {
    return detail::make_csv_reader(std::move(name), std::move(input), schemas, log_index, options);
  }
  return detail::make_jsonl_reader(std::move(name), std::move(input), schemas, log_index, options);
}

std::unique_ptr<EventReader> EventReader::from_descriptor(int fd, std::string name,
                                                          LogFormat format,
                                                          const EventSchemas& schemas,
                                                          std::uint32_t log_index,
                                                          const ReadOptions& options) {
  auto input = std::make_unique<detail::InputBuffer>(fd, true);
  if (format == LogFormat::csv) {
    return detail::make_csv_reader(std::move(name), std::move(input), schemas, log_index, options);
  }
  return detail::make_jsonl_reader(std::move(name), std::move(input), schemas, log_index, options);
}

EventReader::EventReader(std::string file, const EventSchemas& schemas, std::uint32_t log_index,
                         const ReadOptions& options)
    : schemas_(schemas), file_(std::move(file)), log_index_(log_index), options_(options) {
  if (options_.reorder_window_micros) {
    options_.reorder_window_micros = std::max<std::int64_t>(0, *options_.reorder_window_micros);
  }
}

EventReader::~EventReader() = default;

std::int64_t EventReader::resolve_type(std::string_view name) {
  if (last_index_ != -2 && name == last_type_) return last_index_;
  last_type_.assign(name);
  last_count_ = nullptr;
  const std::uint32_t* index = schemas_.find(name);
  last_index_ = index != nullptr ? static_cast<std::int64_t>(*index) : -1;
  return last_index_;
}

void EventReader::count_undeclared() {
  if (last_count_ == nullptr) {
    auto it = undeclared_.find(last_type_);
    if (it == undeclared_.end()) it = undeclared_.emplace(last_type_, 0).first;
    last_count_ = &it->second;
  }
  ++*last_count_;
}

EventReader::Line EventReader::fail(std::uint64_t line, std::string field, std::string message,
                                    bool fatal) {
  pending_ = ReadError{file_, line, std::move(field), std::move(message)};
  pending_fatal_ = fatal;
  return Line::bad;
}

namespace {

// `contract "A"`, `contracts "A" and "B"`, `contracts "A", "B" and "C"`.
std::string contracts_named(const std::vector<const EventDeclarer*>& declarers) {
  std::string names;
  for (std::size_t i = 0; i < declarers.size(); ++i) {
    if (i > 0) names += i + 1 == declarers.size() ? " and " : ", ";
    names += detail::quoted(declarers[i]->title);
  }
  return fmt::format("contract{} {}", declarers.size() == 1 ? "" : "s", names);
}

}  // namespace

EventReader::Line EventReader::settle_fields(Event& event, const EventSchema& schema,
                                             const std::vector<std::string>& problems) {
  const auto bad = [&](std::uint32_t field) { return !problems[field].empty(); };
  std::size_t first = 0;
  while (first < schema.fields.size() && !bad(static_cast<std::uint32_t>(first))) ++first;
  if (first == schema.fields.size()) return Line::event;
  const std::string& field = schema.fields[first].name;
  // Who declares the first bad field, whom the line is bad for, and who receives it anyway.
  std::vector<const EventDeclarer*> needing, hit, received;
  for (const EventDeclarer& declarer : schema.declared_by) {
    const auto& fields = declarer.fields;
    if (std::binary_search(fields.begin(), fields.end(), first)) needing.push_back(&declarer);
    (std::any_of(fields.begin(), fields.end(), bad) ? hit : received).push_back(&declarer);
  }
  if (received.empty()) return fail(event.line, field, problems[first]);
  const std::string why = fmt::format("{}, which {} declare{}", problems[first],
                                      contracts_named(needing), needing.size() == 1 ? "s" : "");
  if (!options_.skip_bad_lines) {
    return fail(event.line, field,
                fmt::format("{}; with --skip-bad-lines the line is skipped for {} alone", why,
                            contracts_named(hit)));
  }
  for (const EventDeclarer* declarer : hit) event.withheld.push_back(declarer->contract);
  partial_ = ReadError{file_, event.line, field,
                       fmt::format("{}: skipped for {} alone; {} received the line", why,
                                   contracts_named(hit), contracts_named(received))};
  return Line::event;
}

bool EventReader::handle_bad() {
  if (options_.skip_bad_lines && !pending_fatal_) {
    ++skipped_lines_;
    if (first_skipped_.size() < kKeptBadLines) first_skipped_.push_back(std::move(*pending_));
    pending_.reset();
    return true;
  }
  error_ = std::move(pending_);
  pending_.reset();
  return false;
}

bool EventReader::read_good(Event& event) {
  while (!error_) {
    event.withheld.clear();
    partial_.reset();
    switch (read_line(event)) {
      case Line::event:
        if (!in_order(event)) {
          if (!handle_bad()) return false;
          break;
        }
        if (partial_) {  // bad for some contracts only, and in order: skipped for them
          ++skipped_lines_;
          if (first_skipped_.size() < kKeptBadLines) first_skipped_.push_back(std::move(*partial_));
        }
        event.log = log_index_;
        ++good_lines_;
        return true;
      case Line::undeclared:
        if (in_order(event) && options_.strict_types) {
          fail(event.line, "type",
               fmt::format("no contract declares the event type {} (--strict)",
                           detail::quoted(last_type_)));
        } else if (!pending_) {
          count_undeclared();
          ++good_lines_;
          break;
        }
        if (!handle_bad()) return false;
        break;
      case Line::bad:
        if (!handle_bad()) return false;
        break;
      case Line::end:
        return false;
    }
  }
  return false;
}

bool EventReader::in_order(const Event& event) {
  if (latest_ && !options_.reorder_window_micros && event.ts < *latest_) {
    fail(event.line, "ts",
         fmt::format("timestamp {} is earlier than the previous event's {} (line {}); use "
                     "--reorder WINDOW to accept late events",
                     show(event.ts), show(*latest_), latest_line_));
    return false;
  }
  if (latest_ && options_.reorder_window_micros &&
      latest_->micros - event.ts.micros > *options_.reorder_window_micros) {
    fail(event.line, "ts",
         fmt::format("timestamp {} is {} late, more than the reorder window of {}: the log "
                     "had already reached {} (line {})",
                     show(event.ts), format_duration(latest_->micros - event.ts.micros),
                     format_duration(*options_.reorder_window_micros), show(*latest_),
                     latest_line_));
    return false;
  }
  // In order, every line becomes the latest; reordering keeps the furthest instant reached.
  if (!options_.reorder_window_micros || !latest_ || event.ts > *latest_) {
    latest_ = event.ts;
    latest_line_ = event.line;
  }
  return true;
}

bool EventReader::next(Event& event) {
  return options_.reorder_window_micros ? next_reordered(event) : read_good(event);
}

bool EventReader::next_reordered(Event& event) {
  const std::int64_t window = *options_.reorder_window_micros;
  const LaterInLog later{&pool_};
  while (true) {
    // The earliest buffered event goes once no acceptable event can come before it.
    if (!heap_.empty() &&
        (exhausted_ || latest_->micros - pool_[heap_.front()].ts.micros >= window)) {
      std::pop_heap(heap_.begin(), heap_.end(), later);
      const std::size_t index = heap_.back();
      heap_.pop_back();
      std::swap(event, pool_[index]);
      free_.push_back(index);
      return true;
    }
    if (exhausted_) return false;
    std::size_t index;
    if (free_.empty()) {
      index = pool_.size();
      pool_.emplace_back();
    } else {
      index = free_.back();
      free_.pop_back();
    }
    Event& slot = pool_[index];
    if (!read_good(slot)) {
      // End of the log or an error: deliver what is buffered, then report the error if any.
      free_.push_back(index);
      exhausted_ = true;
      continue;
    }
    heap_.push_back(index);
    std::push_heap(heap_.begin(), heap_.end(), later);
  }
}

}  // namespace proviso
