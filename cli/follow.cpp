// The live loop. Three kinds of threads, so that no read ever blocks the engine:
//   - one LogTail per log polls its file and writes complete records into a socket pair;
//   - one merge thread runs the ordinary readers and MergedEvents over those sockets (blocking
//     reads are fine there) and queues the events;
//   - this thread alone touches the engine: it takes events from the queue with a timeout, so
//     that it also fires wall-clock deadlines, saves checkpoints and sees SIGINT and SIGTERM.
// Output is held until it is committed: printed, flushed, then the checkpoint that counts it
// saved, before the next event is taken (docs/live.md says what that guarantees).
#include "cli/follow.hpp"

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "cli/atomic_file.hpp"
#include "cli/checkpoint.hpp"
#include "cli/commands.hpp"
#include "cli/log_tail.hpp"
#include "cli/stop_signals.hpp"

namespace proviso::cli {

namespace {

// Events from the merge thread to this one; bounded, so a long log does not fill memory.
struct EventQueue {
  static constexpr std::size_t kCapacity = 4096;
  std::mutex mutex;
  std::condition_variable filled;
  std::condition_variable emptied;
  std::deque<Event> events;
  bool finished = false;  // the merge ended: every log closed, or an error
  bool closing = false;   // this thread stops: the merge drains and drops what it reads
  std::optional<ReadError> error;
};

void merge(MergedEvents& merged, EventQueue& queue) {
  Event event;
  while (merged.next(event)) {
    std::unique_lock lock(queue.mutex);
    queue.emptied.wait(
        lock, [&] { return queue.closing || queue.events.size() < EventQueue::kCapacity; });
    if (queue.closing) continue;
    queue.events.push_back(std::move(event));
    queue.filled.notify_one();
  }
  const std::lock_guard lock(queue.mutex);
  queue.finished = true;
  queue.error = merged.error();
  queue.filled.notify_one();
}

template <typename... Args>
void print_error(fmt::format_string<Args...> format, Args&&... args) {
  std::fflush(stdout);
  fmt::print(stderr, format, std::forward<Args>(args)...);
}

// Reads the checkpoint when its file exists; false after printing why it cannot be used.
bool read_checkpoint(const std::string& path, const std::vector<std::string>& logs,
                     std::optional<Checkpoint>& checkpoint) {
  std::error_code missing;
  if (!std::filesystem::exists(path, missing)) return true;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::string error;
  if (!in || !(checkpoint = parse_checkpoint(text.str(), error))) {
    print_error("proviso run: {}: {}\n", path, in ? error : "cannot read this checkpoint");
    return false;
  }
  std::vector<std::string> listed;
  for (const auto& log : checkpoint->logs) listed.push_back(log.first);
  if (listed != logs) {
    print_error(
        "proviso run: {}: this checkpoint follows other logs ({}); give the same logs in "
        "the same order, or another checkpoint file\n",
        path, fmt::join(listed, ", "));
    return false;
  }
  return true;
}

class Follower {
 public:
  Follower(Engine& engine, const std::vector<std::string>& logs, const FollowOptions& options)
      : engine_(engine), logs_(logs), options_(options), last_line_(logs.size(), 0) {}

  int run(const ReplayPlan& plan, const std::function<std::string(const Transition&)>& format);

 private:
  int start(const ReplayPlan& plan);
  bool commit();
  void shut_down();
  bool all_read();
  bool caught_up(std::chrono::steady_clock::time_point now);
  int take(Event& event);

  Engine& engine_;
  const std::vector<std::string>& logs_;
  const FollowOptions& options_;
  std::vector<std::unique_ptr<LogTail>> tails_;
  MergedEvents merged_;
  EventQueue queue_;
  std::thread merger_;
  std::vector<std::uint64_t> last_line_;  // per log: the pipe line of the last event taken
  std::string pending_;                   // transitions not printed yet
  std::uint64_t pending_count_ = 0;
  std::uint64_t printed_ = 0;
  std::uint64_t unsaved_ = 0;  // events and timer firings since the last checkpoint
  std::chrono::steady_clock::time_point saved_at_ = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> idle_since_;
};

int Follower::start(const ReplayPlan& plan) {
  std::optional<Checkpoint> checkpoint;
  if (!options_.checkpoint.empty() && !read_checkpoint(options_.checkpoint, logs_, checkpoint)) {
    return kExitUsage;
  }
  if (checkpoint) {
    Diagnostics refused;
    if (!engine_.restore_state(checkpoint->state, refused, options_.checkpoint)) {
      const Diagnostic& why = refused.front();
      print_error("proviso run: {}: {}\n", options_.checkpoint, why.message);
      return kExitUsage;
    }
    printed_ = checkpoint->printed;
  } else if (!options_.header.empty()) {
    // A restart appends to what the first run printed, whose header is already there.
    fmt::print("{}\n", options_.header);
    std::fflush(stdout);
  }
  for (std::uint32_t i = 0; i < logs_.size(); ++i) {
    const LogFormat format = format_from_extension(logs_[i]).value_or(LogFormat::jsonl);
    std::optional<LogPosition> from;
    if (checkpoint) from = checkpoint->logs[i].second;
    std::string error;
    auto tail = LogTail::start(logs_[i], format, from, options_.poll, error);
    if (!tail) {
      print_error("{}\n", error);
      return kExitUsage;
    }
    merged_.add(EventReader::from_descriptor(tail->take_read_end(), logs_[i], format,
                                             engine_.schemas(), i, plan.read));
    tails_.push_back(std::move(tail));
  }
  engine_.set_log_names(logs_);
  merger_ = std::thread([this] { merge(merged_, queue_); });
  return kExitOk;
}

// Prints what is pending, then saves the checkpoint that counts it: a restart never prints a
// change the checkpoint holds, and what it has not yet printed is derived again.
bool Follower::commit() {
  if (!pending_.empty()) {
    std::fwrite(pending_.data(), 1, pending_.size(), stdout);
    std::fflush(stdout);
    printed_ += pending_count_;
    pending_.clear();
    pending_count_ = 0;
  }
  saved_at_ = std::chrono::steady_clock::now();
  if (options_.checkpoint.empty() || unsaved_ == 0) return true;
  unsaved_ = 0;
  Checkpoint checkpoint;
  for (std::size_t i = 0; i < logs_.size(); ++i) {
    checkpoint.logs.emplace_back(
        logs_[i], last_line_[i] > 0 ? tails_[i]->after(last_line_[i]) : tails_[i]->started_at());
  }
  checkpoint.printed = printed_;
  checkpoint.state = engine_.save_state();
  std::string error;
  if (!write_atomically(options_.checkpoint, format_checkpoint(checkpoint), error)) {
    print_error("proviso run: {}\n", error);
    return false;
  }
  return true;
}

void Follower::shut_down() {
  {
    const std::lock_guard lock(queue_.mutex);
    queue_.closing = true;
    queue_.emptied.notify_all();
  }
  // Each tail closes its end of the pipe; the readers then reach their end, and the merge too.
  for (auto& tail : tails_) tail->stop();
  if (merger_.joinable()) merger_.join();
}

// True when every log has been read to its end, the readers have taken all of it and every
// event they gave has been processed: the command has caught up with its logs. (A reader may
// still be parsing the last bytes it took: caught_up waits a moment more.)
bool Follower::all_read() {
  for (const auto& tail : tails_) {
    if (!tail->at_end() || tail->unread_in_pipe() != 0) return false;
  }
  const std::lock_guard lock(queue_.mutex);
  return queue_.events.empty();
}

// True once all_read has held for two polls: only then may the wall clock fire a deadline,
// since an event still on its way could come before it.
bool Follower::caught_up(std::chrono::steady_clock::time_point now) {
  if (!all_read()) {
    idle_since_.reset();
    return false;
  }
  if (!idle_since_) idle_since_ = now;
  return now - *idle_since_ >= 2 * options_.poll;
}

// Waits up to a poll interval for the next event: 1 with it, 0 without, -1 when the merge
// ended (then queue_.error says why, if it was an error).
int Follower::take(Event& event) {
  std::unique_lock lock(queue_.mutex);
  queue_.filled.wait_for(lock, options_.poll, [&] {
    return !queue_.events.empty() || queue_.finished || stop_requested() != 0;
  });
  if (!queue_.events.empty()) {
    event = std::move(queue_.events.front());
    queue_.events.pop_front();
    queue_.emptied.notify_one();
    return 1;
  }
  return queue_.finished ? -1 : 0;
}

int Follower::run(const ReplayPlan& plan,
                  const std::function<std::string(const Transition&)>& format) {
  engine_.on_transition([&](const Transition& transition) {
    pending_ += format(transition);
    pending_ += '\n';
    ++pending_count_;
  });
  const StopSignals signals;
  if (const int code = start(plan)) {
    shut_down();
    return code;
  }
  int code = kExitOk;
  Event event;
  try {
    while (stop_requested() == 0) {
      const int got = take(event);
      if (got < 0) {
        commit();
        if (queue_.error) {
          ReadError error = *queue_.error;
          for (std::size_t i = 0; i < logs_.size(); ++i) {
            if (error.file == logs_[i] && error.line > 0) {
              error.line = tails_[i]->file_line(error.line);
            }
          }
          print_error("{}\n", render(error));
          code = kExitBadData;
        }
        break;
      }
      if (got > 0) {
        const std::uint64_t pipe_line = event.line;
        event.line = tails_[event.log]->file_line(pipe_line);
        const std::optional<Timestamp> clock = engine_.now();
        if (clock && event.ts < *clock) {
          // Only the wall clock, or a checkpoint's state, can be ahead of a log in order.
          const std::string where = fmt::format("{}:{}", logs_[event.log], event.line);
          const std::string why = fmt::format(
              "this event ({}) is earlier than the clock ({}), which moved past it before the "
              "event arrived",
              format_utc(event.ts), format_utc(*clock));
          if (!plan.read.skip_bad_lines) {
            commit();
            print_error("{}: error: {}\n", where, why);
            code = kExitBadData;
            break;
          }
          print_error("{}: skipped: {}\n", where, why);
        } else {
          engine_.feed(event);
        }
        last_line_[event.log] = pipe_line;
        ++unsaved_;
      }
      const auto now = std::chrono::steady_clock::now();
      if (options_.wall_clock && caught_up(now)) {
        const auto wall = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::system_clock::now().time_since_epoch());
        const std::optional<Timestamp> due = engine_.next_timer();
        if (due && due->micros <= wall.count()) {
          engine_.fire_timers_until(Timestamp{wall.count()});
          ++unsaved_;
        }
      }
      // Changes go out at once when there is nothing more to read (live), or without a
      // checkpoint; while catching up, with the periodic checkpoint.
      const bool due = unsaved_ >= options_.checkpoint_events ||
                       (unsaved_ > 0 && now - saved_at_ >= options_.checkpoint_interval) ||
                       (pending_count_ > 0 && (options_.checkpoint.empty() || all_read()));
      if (due && !commit()) {
        code = kExitContractErrors;
        break;
      }
    }
    if (stop_requested() != 0 && code == kExitOk && !commit()) code = kExitContractErrors;
  } catch (const RuntimeError& failure) {
    // The state is not saved: the event that failed is half processed.
    std::fwrite(pending_.data(), 1, pending_.size(), stdout);
    code = runtime_error(failure);
  }
  shut_down();
  report_reading(merged_, false, [this](std::uint32_t log, std::uint64_t line) {
    return tails_[log]->file_line(line);
  });
  return code;
}

}  // namespace

int follow_logs(Engine& engine, const std::vector<std::string>& logs, const ReplayPlan& plan,
                const FollowOptions& options,
                const std::function<std::string(const Transition&)>& format) {
  Follower follower(engine, logs, options);
  return follower.run(plan, format);
}

}  // namespace proviso::cli
