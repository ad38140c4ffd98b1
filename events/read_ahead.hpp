// Reading on a second core: a thread of its own reads and validates the logs (MergedEvents)
// a few batches of events ahead, while the caller's thread evaluates them. The caller sees
// exactly the events, in exactly the order, that MergedEvents::next would have given it, and the
// reading stops where it would have stopped, so every count and error afterwards is the same.
// Events are handed over in batches, so it is for logs read to their end: an event of a log
// that grows while it is read (standard input, a followed file) would wait in an unfinished
// batch for the events after it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "events/read_events.hpp"

namespace proviso {

class ReadAhead {
 public:
  /// Starts reading `events` (which must outlive this) on a new thread. With `stop_after`, the
  /// reading stops after the first event later than it, as a caller that stops there would:
  /// the logs are then read exactly as far as without the thread.
  explicit ReadAhead(MergedEvents& events, std::optional<Timestamp> stop_after = std::nullopt);
  /// Stops the reading thread (it finishes the event it is reading) and waits for it.
  ~ReadAhead();
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  /// As MergedEvents::next. Once it returns false the thread has ended, so the MergedEvents (its
  /// error, its readers' counts) may be read; an exception the reading threw is thrown here,
  /// after the events read before it.
  bool next(Event& event);

 private:
  struct Batch {
    std::vector<Event> events;
    std::size_t size = 0;
  };
  void read();
  void finish();

  MergedEvents& events_;
  std::optional<Timestamp> stop_after_;
  std::vector<Batch> batches_;
  std::mutex mutex_;
  std::condition_variable filled_;      // a batch was queued, or the reading ended
  std::condition_variable emptied_;     // a batch came back, or the reading should stop
  std::deque<std::size_t> queued_;      // filled batches, in order (guarded by mutex_)
  std::vector<std::size_t> spare_;      // batches the reader may fill (guarded by mutex_)
  bool ended_ = false;                  // the reader queued its last batch (guarded by mutex_)
  bool stopping_ = false;               // the consumer wants no more (guarded by mutex_)
  std::exception_ptr failure_;          // what the reader threw (guarded by mutex_)
  std::optional<std::size_t> current_;  // the batch the consumer is taking events from
  std::size_t position_ = 0;            // the next event in it
  std::thread thread_;
};

}  // namespace proviso
