// The JetStream consumer of `proviso run --from` (cli/jetstream_source.cpp: the loop, reading
// and committing; cli/jetstream_nats.cpp: connecting, the checkpoint bucket, the consumer and
// publishing). Private to those two files; only compiled where libnats was found.
#pragma once

#include <nats/nats.h>

#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cli/jetstream_source.hpp"

namespace proviso::cli::jetstream {

template <typename... Args>
void print_error(fmt::format_string<Args...> format, Args&&... args) {
  std::fflush(stdout);
  fmt::print(stderr, format, std::forward<Args>(args)...);
}

/// What went wrong in the last call of the library, in its words.
std::string nats_error(natsStatus status);

template <typename T, void (*destroy)(T*)>
struct Destroyer {
  void operator()(T* handle) const { destroy(handle); }
};
template <typename T, void (*destroy)(T*)>
using Handle = std::unique_ptr<T, Destroyer<T, destroy> >;

void close_and_destroy(natsConnection* connection);

// A transition derived but not committed yet.
struct PendingTransition {
  std::string line;     // as standard output prints it
  std::string payload;  // the --format jsonl object, published
  std::string id;       // its Nats-Msg-Id
};

// A message of a batch: its text and stream sequence.
struct Received {
  natsMsg* message = nullptr;
  std::uint64_t sequence = 0;
  std::string_view text;
};

// A message fetched ahead of the others of its round (several consumers, merged).
struct Fetched {
  Handle<natsMsg, natsMsg_Destroy> message;
  std::uint64_t sequence = 0;
  std::uint64_t pending = 0;  // what its consumer still held when it was delivered
};

// One durable pull consumer of the stream: on every subject, on --subject, or on one of the
// subjects a worker's contracts need (--subject-template).
struct Feed {
  std::string durable;
  std::string filter;  // empty: every subject
  Handle<natsSubscription, natsSubscription_Destroy> subscription;
  std::deque<Fetched> fetched;  // in stream order, not applied yet
};

class JetStreamConsumer {
 public:
  JetStreamConsumer(Engine& engine, const ReplayPlan& plan, const JetStreamOptions& options)
      : engine_(engine), plan_(plan), options_(options), bucket_name_(checkpoint_bucket(options)) {}
  ~JetStreamConsumer() {
    round_.clear();
    feeds_.clear();
    bucket_.reset();
    context_.reset();
    connection_.reset();
    nats_CloseAndWait(1000);
  }
  JetStreamConsumer(const JetStreamConsumer&) = delete;
  JetStreamConsumer& operator=(const JetStreamConsumer&) = delete;

  int run(const std::function<std::string(const Transition&)>& format);

 private:
  friend void on_publish_error(jsCtx*, jsPubAckErr*, void*);
  int connect();
  bool publish();
  int restore();
  int subscribe();
  int read_message(std::string_view text, std::uint64_t sequence);
  int apply(const std::vector<Received>& received, std::size_t& stopped_at);
  int consume_one(int batch_size, bool& done);
  int consume_merged(int batch_size, bool& done);
  bool fetch_ahead(Feed& feed, int batch_size, std::uint64_t last, std::uint64_t& covered,
                   natsStatus& status);
  bool retry_fetch(natsStatus status);
  bool stream_last_sequence(std::uint64_t& last, natsStatus& status);
  int apply_and_commit(const std::vector<Received>& received);
  bool commit();
  bool store_checkpoint();
  bool stream_consumed();

  Engine& engine_;
  const ReplayPlan& plan_;
  const JetStreamOptions& options_;
  std::string bucket_name_;
  Handle<natsConnection, close_and_destroy> connection_;
  Handle<jsCtx, jsCtx_Destroy> context_;
  Handle<kvStore, kvStore_Destroy> bucket_;
  std::vector<Feed> feeds_;     // one, or one per subject of a worker, merged by stream sequence
  std::vector<Fetched> round_;  // a merged round's messages, in stream order
  int failed_fetches_ = 0;      // in a row
  std::uint64_t received_ = 0;  // messages delivered to this run
  std::int64_t max_ack_pending_ = 1000;  // each consumer's
  std::uint64_t applied_ = 0;            // the last stream sequence the engine's state holds
  std::uint64_t printed_ = 0;            // transitions committed, over every run of this checkpoint
  bool unsaved_ = false;                 // the state changed since the last checkpoint
  std::vector<PendingTransition> pending_;
  std::vector<natsMsg*> to_ack_;  // messages the next checkpoint covers (owned by their batch)
  std::uint64_t skipped_ = 0;
  std::map<std::string, std::uint64_t, std::less<> > undeclared_;  // events passed over, by type
  std::mutex publish_mutex_;
  std::string publish_error_;  // the first publication that failed
};

void on_publish_error(jsCtx* context, jsPubAckErr* error, void* closure);

}  // namespace proviso::cli::jetstream
