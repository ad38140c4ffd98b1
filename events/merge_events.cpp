// The k-way merge of several logs: one pending event per log in a min-heap ordered by timestamp,
// then the order the logs were added in, then line. Events move by swapping storage with the
// caller's, so the merge allocates nothing per event either.
#include <algorithm>

#include "events/read_events.hpp"

namespace proviso {

MergedEvents::MergedEvents() = default;
MergedEvents::~MergedEvents() = default;

void MergedEvents::add(std::unique_ptr<EventReader> reader) {
  readers_.push_back(std::move(reader));
}

// True when log a's pending event comes after log b's, for a min-heap.
bool MergedEvents::after(std::size_t a, std::size_t b) const {
  const Event& x = heads_[a];
  const Event& y = heads_[b];
  if (x.ts != y.ts) return x.ts > y.ts;
  if (a != b) return a > b;
  return x.line > y.line;
}

bool MergedEvents::start() {
  started_ = true;
  heads_.resize(readers_.size());
  for (std::size_t i = 0; i < readers_.size(); ++i) {
    if (readers_[i]->next(heads_[i])) {
      heap_.push_back(i);
    } else if (readers_[i]->error()) {
      error_ = readers_[i]->error();
      return false;
    }
  }
  std::make_heap(heap_.begin(), heap_.end(),
                 [this](std::size_t a, std::size_t b) { return after(a, b); });
  return true;
}

bool MergedEvents::next(Event& event) {
  if (error_) return false;
  if (!started_ && !start()) return false;
  const auto later = [this](std::size_t a, std::size_t b) { return after(a, b); };
  // The log whose event went out last is read again only now, not before that event went out:
  // a log read as it grows (standard input from `tail -f`) gives each event when its line
  // arrives rather than when the next one does.
  if (refill_) {
    const std::size_t log = *refill_;
    refill_.reset();
    if (readers_[log]->next(heads_[log])) {
      std::push_heap(heap_.begin(), heap_.end(), later);
    } else {
      heap_.pop_back();
      if (readers_[log]->error()) {
        error_ = readers_[log]->error();
        return false;
      }
    }
  }
  if (heap_.empty()) return false;
  std::pop_heap(heap_.begin(), heap_.end(), later);
  const std::size_t log = heap_.back();
  std::swap(event, heads_[log]);
  refill_ = log;  // still at the heap's back, out of its order until refilled
  return true;
}

}  // namespace proviso
