// The hand-over between the reading thread and the consumer: a fixed set of batches of events
// going round, filled ones queued in order, empty ones returned. Batches, not single events, so
// that the two threads meet once per few hundred declared events (thousands of lines), and
// events are swapped out of them, so the steady state allocates nothing.
#include "events/read_ahead.hpp"

#include <utility>

namespace proviso {

namespace {
// Enough batches that neither thread waits for the other over short bursts, few enough that
// memory stays bounded: kBatches × kBatchEvents events at most are read ahead.
constexpr std::size_t kBatches = 4;
constexpr std::size_t kBatchEvents = 256;
}  // namespace

ReadAhead::ReadAhead(MergedEvents& events, std::optional<Timestamp> stop_after)
    : events_(events), stop_after_(stop_after), batches_(kBatches) {
  for (std::size_t i = 0; i < kBatches; ++i) {
    batches_[i].events.resize(kBatchEvents);
    spare_.push_back(kBatches - 1 - i);
  }
  thread_ = std::thread([this] { read(); });
}

ReadAhead::~ReadAhead() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  emptied_.notify_all();
  finish();
}

void ReadAhead::finish() {
  if (thread_.joinable()) thread_.join();
}

void ReadAhead::read() {
  try {
    bool more = true;
    while (more) {
      std::size_t index = 0;
      {
        std::unique_lock lock(mutex_);
        emptied_.wait(lock, [this] { return stopping_ || !spare_.empty(); });
        if (stopping_) break;
        index = spare_.back();
        spare_.pop_back();
      }
      Batch& batch = batches_[index];
      batch.size = 0;
      while (more && batch.size < batch.events.size()) {
        Event& event = batch.events[batch.size];
        more = events_.next(event);
        if (!more) break;
        ++batch.size;
        if (stop_after_ && event.ts > *stop_after_) more = false;
      }
      {
        const std::lock_guard lock(mutex_);
        queued_.push_back(index);
        ended_ = !more;
      }
      filled_.notify_one();
    }
  } catch (...) {
    const std::lock_guard lock(mutex_);
    failure_ = std::current_exception();
    ended_ = true;
  }
  filled_.notify_one();
}

bool ReadAhead::next(Event& event) {
  while (true) {
    if (current_) {
      Batch& batch = batches_[*current_];
      if (position_ < batch.size) {
        std::swap(event, batch.events[position_++]);
        return true;
      }
      {
        const std::lock_guard lock(mutex_);
        spare_.push_back(*current_);
      }
      emptied_.notify_one();
      current_.reset();
    }
    std::unique_lock lock(mutex_);
    filled_.wait(lock, [this] { return !queued_.empty() || ended_; });
    if (queued_.empty()) break;
    current_ = queued_.front();
    queued_.pop_front();
    position_ = 0;
  }
  // The reader has ended: after the join its writes to the MergedEvents are visible here.
  finish();
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
  return false;
}

}  // namespace proviso
