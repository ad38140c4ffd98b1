// The JetStream loop, on one thread: fetch a batch of messages from the durable pull consumer,
// read each as one JSON Lines log line and feed it to the engine, then commit: publish the
// batch's transitions (each with its Nats-Msg-Id), print them, store the checkpoint (the saved
// state and the last stream sequence it holds) in the key-value bucket, and only then
// acknowledge the batch. A kill at any point leaves a checkpoint that names exactly the messages
// its state holds; the restart skips those and derives the rest again, and JetStream's
// de-duplication drops what a killed commit had already published.
#include "cli/jetstream_source.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"

#if PROVISO_HAVE_NATS
#include <nats/nats.h>

#include "cli/checkpoint.hpp"
#include "cli/stop_signals.hpp"
#include "run/transition_format.hpp"
#endif

namespace proviso::cli {

std::string checkpoint_bucket(const JetStreamOptions& options) {
  // A durable belongs to its stream (two streams may each have a consumer "proviso"), so the
  // default bucket names both.
  return options.bucket.empty() ? fmt::format("{}-{}-checkpoint", options.stream, options.durable)
                                : options.bucket;
}

std::string transition_message_id(const std::string& subject, const Transition& transition) {
  return fmt::format("{}|{}|{}|{}|{}|{}>{}|{}|{}:{}", subject, transition.contract,
                     transition.instance, transition.clause, transition.period,
                     transition.from.name, transition.to.name, transition.ts.micros,
                     name(transition.cause.kind), transition.cause.line);
}

#if !PROVISO_HAVE_NATS

bool jetstream_available() {
  return false;
}

int consume_jetstream(Engine&, const ReplayPlan&, const JetStreamOptions&,
                      const std::function<std::string(const Transition&)>&) {
  return usage_error("run",
                     "this proviso was built without NATS (libnats was not found when it was "
                     "configured), so --from is not available");
}

#else

bool jetstream_available() {
  return true;
}

namespace {

// The key of the checkpoint in its bucket.
constexpr const char* kCheckpointKey = "checkpoint";
// How long a fetch waits for messages before the loop looks at signals and --drain again.
constexpr std::int64_t kFetchWaitMillis = 200;
constexpr int kReconnects = 20;
constexpr std::int64_t kReconnectWaitMillis = 500;

template <typename... Args>
void print_error(fmt::format_string<Args...> format, Args&&... args) {
  std::fflush(stdout);
  fmt::print(stderr, format, std::forward<Args>(args)...);
}

// What went wrong in the last call of the library, in its words.
std::string nats_error(natsStatus status) {
  natsStatus last = NATS_OK;
  const char* text = nats_GetLastError(&last);
  std::string_view message = text != nullptr && *text != '\0' ? text : natsStatus_GetText(status);
  // The library starts its messages with where it made them: "(conn.c:2088): ".
  if (message.starts_with('(')) {
    if (const std::size_t end = message.find("): "); end != std::string_view::npos) {
      message.remove_prefix(end + 3);
    }
  }
  return std::string(message);
}

template <typename T, void (*destroy)(T*)>
struct Destroyer {
  void operator()(T* handle) const { destroy(handle); }
};
template <typename T, void (*destroy)(T*)>
using Handle = std::unique_ptr<T, Destroyer<T, destroy> >;

void close_and_destroy(natsConnection* connection) {
  natsConnection_Close(connection);
  natsConnection_Destroy(connection);
}

// A transition derived but not committed yet.
struct PendingTransition {
  std::string line;     // as standard output prints it
  std::string payload;  // the --format jsonl object, published
  std::string id;       // its Nats-Msg-Id
};

class JetStreamConsumer {
 public:
  JetStreamConsumer(Engine& engine, const ReplayPlan& plan, const JetStreamOptions& options)
      : engine_(engine), plan_(plan), options_(options), bucket_name_(checkpoint_bucket(options)) {}
  ~JetStreamConsumer() {
    subscription_.reset();
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
  int take_batch(natsMsgList& batch, bool& consumed);
  int read_message(natsMsg* message, std::uint64_t sequence);
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
  Handle<natsSubscription, natsSubscription_Destroy> subscription_;
  std::uint64_t applied_ = 0;  // the last stream sequence the engine's state holds
  std::uint64_t printed_ = 0;  // transitions committed, over every run of this checkpoint
  bool unsaved_ = false;       // the state changed since the last checkpoint
  std::vector<PendingTransition> pending_;
  std::vector<natsMsg*> to_ack_;  // messages the next checkpoint covers (owned by their batch)
  std::uint64_t skipped_ = 0;
  std::mutex publish_mutex_;
  std::string publish_error_;  // the first publication that failed
};

void on_publish_error(jsCtx* context, jsPubAckErr* error, void* closure);

int JetStreamConsumer::connect() {
  natsOptions* raw_options = nullptr;
  natsStatus status = natsOptions_Create(&raw_options);
  const Handle<natsOptions, natsOptions_Destroy> nats_options(raw_options);
  if (status == NATS_OK) status = natsOptions_SetURL(raw_options, options_.url.c_str());
  if (status == NATS_OK) status = natsOptions_SetTimeout(raw_options, 3000);
  // A lost server is looked for again for about ten seconds (another of a cluster at once).
  if (status == NATS_OK) status = natsOptions_SetMaxReconnect(raw_options, kReconnects);
  if (status == NATS_OK) status = natsOptions_SetReconnectWait(raw_options, kReconnectWaitMillis);
  natsConnection* connection = nullptr;
  if (status == NATS_OK) status = natsConnection_Connect(&connection, raw_options);
  connection_.reset(connection);
  if (status != NATS_OK) {
    print_error("proviso run: cannot connect to {}: {}\n", options_.url, nats_error(status));
    return kExitUsage;
  }
  jsOptions context_options;
  jsOptions_Init(&context_options);
  context_options.PublishAsync.ErrHandler = on_publish_error;
  context_options.PublishAsync.ErrHandlerClosure = this;
  jsCtx* context = nullptr;
  status = natsConnection_JetStream(&context, connection, &context_options);
  context_.reset(context);
  jsStreamInfo* info = nullptr;
  jsErrCode code{};
  if (status == NATS_OK)
    status = js_GetStreamInfo(&info, context, options_.stream.c_str(), nullptr, &code);
  jsStreamInfo_Destroy(info);
  if (status == NATS_NOT_FOUND) {
    print_error("proviso run: {} has no JetStream stream named {}\n", options_.url,
                options_.stream);
    return kExitUsage;
  }
  if (status != NATS_OK) {
    print_error("proviso run: {}: cannot read stream {}: {}\n", options_.url, options_.stream,
                nats_error(status));
    return kExitUsage;
  }
  return kExitOk;
}

// Opens (or creates) the checkpoint bucket and restores the state its checkpoint holds.
int JetStreamConsumer::restore() {
  kvStore* bucket = nullptr;
  natsStatus status = js_KeyValue(&bucket, context_.get(), bucket_name_.c_str());
  if (status == NATS_NOT_FOUND) {
    kvConfig config;
    kvConfig_Init(&config);
    config.Bucket = bucket_name_.c_str();
    config.History = 1;
    status = js_CreateKeyValue(&bucket, context_.get(), &config);
  }
  bucket_.reset(bucket);
  if (status != NATS_OK) {
    print_error("proviso run: cannot open the checkpoint bucket {}: {}\n", bucket_name_,
                nats_error(status));
    return kExitUsage;
  }
  kvEntry* raw_entry = nullptr;
  status = kvStore_Get(&raw_entry, bucket, kCheckpointKey);
  const Handle<kvEntry, kvEntry_Destroy> entry(raw_entry);
  if (status == NATS_NOT_FOUND) return kExitOk;  // a first run
  if (status != NATS_OK) {
    print_error("proviso run: cannot read the checkpoint in bucket {}: {}\n", bucket_name_,
                nats_error(status));
    return kExitUsage;
  }
  const std::string_view text(static_cast<const char*>(kvEntry_Value(raw_entry)),
                              static_cast<std::size_t>(kvEntry_ValueLen(raw_entry)));
  std::string error;
  const std::optional<Checkpoint> checkpoint = parse_checkpoint(text, error);
  const std::string where = fmt::format("bucket {}, key {}", bucket_name_, kCheckpointKey);
  if (!checkpoint) {
    print_error("proviso run: {}: {}\n", where, error);
    return kExitUsage;
  }
  if (checkpoint->logs.size() != 1 || checkpoint->logs.front().first != options_.stream) {
    print_error(
        "proviso run: {}: this checkpoint is not one of stream {}; give another "
        "--checkpoint-bucket or --durable\n",
        where, options_.stream);
    return kExitUsage;
  }
  Diagnostics refused;
  if (!engine_.restore_state(checkpoint->state, refused, where)) {
    print_error("proviso run: {}: {}\n", where, refused.front().message);
    return kExitUsage;
  }
  applied_ = checkpoint->logs.front().second.offset;
  printed_ = checkpoint->printed;
  return kExitOk;
}

// The durable consumer is created again at each start, from the message after the checkpoint:
// messages a killed run received and never acknowledged then come at once and in stream order,
// not after their acknowledgement wait. (So one durable serves one worker at a time.)
int JetStreamConsumer::subscribe() {
  jsErrCode code{};
  natsStatus status = js_DeleteConsumer(context_.get(), options_.stream.c_str(),
                                        options_.durable.c_str(), nullptr, &code);
  if (status != NATS_OK && status != NATS_NOT_FOUND) {
    print_error("proviso run: cannot reset consumer {} of stream {}: {}\n", options_.durable,
                options_.stream, nats_error(status));
    return kExitUsage;
  }
  jsConsumerConfig config;
  jsConsumerConfig_Init(&config);
  config.Durable = options_.durable.c_str();
  config.AckPolicy = js_AckExplicit;
  config.DeliverPolicy = applied_ > 0 ? js_DeliverByStartSequence : js_DeliverAll;
  config.OptStartSeq = applied_ > 0 ? applied_ + 1 : 0;
  if (!options_.subject.empty()) config.FilterSubject = options_.subject.c_str();
  // Room for a whole batch while the one before waits for its acknowledgements.
  config.MaxAckPending =
      static_cast<std::int64_t>(std::max<std::uint64_t>(2 * options_.batch, 1000));
  status =
      js_AddConsumer(nullptr, context_.get(), options_.stream.c_str(), &config, nullptr, &code);
  if (status != NATS_OK) {
    print_error("proviso run: cannot create consumer {} of stream {}: {}\n", options_.durable,
                options_.stream, nats_error(status));
    return kExitUsage;
  }
  jsSubOptions subscribe_options;
  jsSubOptions_Init(&subscribe_options);
  subscribe_options.Stream = options_.stream.c_str();
  subscribe_options.Consumer = options_.durable.c_str();
  natsSubscription* subscription = nullptr;
  status = js_PullSubscribe(&subscription, context_.get(),
                            options_.subject.empty() ? nullptr : options_.subject.c_str(),
                            options_.durable.c_str(), nullptr, &subscribe_options, &code);
  subscription_.reset(subscription);
  if (status != NATS_OK) {
    print_error("proviso run: cannot subscribe to consumer {} of stream {}: {}\n", options_.durable,
                options_.stream, nats_error(status));
    return kExitUsage;
  }
  return kExitOk;
}

// Reads one message as a log line and feeds it: 0, or the exit code of a bad message (printed)
// without --skip-bad-lines. The stream sequence is the event's line: messages and causes name
// STREAM:SEQUENCE as a log's name FILE:LINE.
int JetStreamConsumer::read_message(natsMsg* message, std::uint64_t sequence) {
  std::string_view text(natsMsg_GetData(message),
                        static_cast<std::size_t>(natsMsg_GetDataLength(message)));
  if (text.ends_with('\n')) text.remove_suffix(1);
  std::optional<ReadError> bad;
  Event event;
  bool fed = false;
  if (text.find_first_not_of(" \t\r") == std::string_view::npos || text.find('\n') != text.npos) {
    bad = ReadError{options_.stream, sequence, "",
                    "a message must hold one JSON object (one log line)"};
  } else {
    ReadError open_error;
    auto reader = EventReader::from_text(options_.stream, text, LogFormat::jsonl, engine_.schemas(),
                                         0, plan_.read, open_error);
    const bool got = reader->next(event);
    if (reader->error()) bad = reader->error();
    if (!bad && reader->skipped_lines() > 0) bad = reader->first_skipped().front();
    if (bad) bad->line = sequence;
    const std::optional<Timestamp> clock = engine_.now();
    if (got && !bad && clock && event.ts < *clock) {
      bad = ReadError{options_.stream, sequence, "ts",
                      fmt::format("timestamp {} is earlier than the previous event's {}",
                                  format_utc(event.ts), format_utc(*clock))};
    }
    fed = got && !(bad && !plan_.read.skip_bad_lines);
    // An event bad for some contracts only is withheld from them, as a log line is.
    fed = fed && !(bad && reader->skipped_lines() == 0);
  }
  if (bad && !plan_.read.skip_bad_lines) {
    print_error("{}\n", render(*bad));
    return kExitBadData;
  }
  if (bad) {
    ++skipped_;
    std::string message = render(*bad);
    if (const std::size_t at = message.find(": error: "); at != std::string::npos) {
      message.replace(at, 9, ": skipped: ");
    }
    print_error("{}\n", message);
  }
  if (fed) {
    event.line = sequence;
    engine_.feed(event);
  }
  applied_ = sequence;
  unsaved_ = true;
  return kExitOk;
}

bool JetStreamConsumer::store_checkpoint() {
  Checkpoint checkpoint;
  checkpoint.logs.emplace_back(options_.stream, LogPosition{0, 0, applied_, applied_});
  checkpoint.printed = printed_;
  checkpoint.state = engine_.save_state();
  const std::string text = format_checkpoint(checkpoint);
  std::uint64_t revision = 0;
  const natsStatus status = kvStore_Put(&revision, bucket_.get(), kCheckpointKey, text.data(),
                                        static_cast<int>(text.size()));
  if (status != NATS_OK) {
    print_error("proviso run: cannot store the checkpoint ({} bytes) in bucket {}: {}\n",
                text.size(), bucket_name_, nats_error(status));
    return false;
  }
  unsaved_ = false;
  return true;
}

// Called by the library's thread for a publication the server refused or did not confirm.
void on_publish_error(jsCtx* /*context*/, jsPubAckErr* error, void* closure) {
  auto& consumer = *static_cast<JetStreamConsumer*>(closure);
  const std::lock_guard lock(consumer.publish_mutex_);
  if (!consumer.publish_error_.empty()) return;
  consumer.publish_error_ = error->Err == NATS_NO_RESPONDERS
                                ? "no JetStream stream takes this subject"
                            : error->ErrText != nullptr ? error->ErrText
                                                        : natsStatus_GetText(error->Err);
}

// Publishes the pending transitions asynchronously (in order: one connection), then waits until
// the server confirmed every one.
bool JetStreamConsumer::publish() {
  natsStatus status = NATS_OK;
  for (const PendingTransition& transition : pending_) {
    natsMsg* message = nullptr;
    status = natsMsg_Create(&message, options_.publish.c_str(), nullptr, transition.payload.data(),
                            static_cast<int>(transition.payload.size()));
    jsPubOptions publish_options;
    jsPubOptions_Init(&publish_options);
    publish_options.MsgId = transition.id.c_str();
    if (status == NATS_OK) status = js_PublishMsgAsync(context_.get(), &message, &publish_options);
    natsMsg_Destroy(message);  // nothing when the library took it
    if (status != NATS_OK) break;
  }
  jsPubOptions wait;
  jsPubOptions_Init(&wait);
  wait.MaxWait = 30000;
  if (status == NATS_OK) status = js_PublishAsyncComplete(context_.get(), &wait);
  const std::lock_guard lock(publish_mutex_);
  if (status == NATS_OK && publish_error_.empty()) return true;
  print_error("proviso run: cannot publish to {}: {}\n", options_.publish,
              publish_error_.empty() ? nats_error(status) : publish_error_);
  return false;
}

// Publishes, prints, stores the checkpoint, then acknowledges: see the top of this file.
bool JetStreamConsumer::commit() {
  if (!options_.publish.empty() && !pending_.empty() && !publish()) return false;
  for (const PendingTransition& transition : pending_) {
    std::fwrite(transition.line.data(), 1, transition.line.size(), stdout);
  }
  std::fflush(stdout);
  printed_ += pending_.size();
  pending_.clear();
  if (unsaved_ && !store_checkpoint()) return false;
  for (natsMsg* message : to_ack_) natsMsg_Ack(message, nullptr);
  to_ack_.clear();
  return true;
}

// True when the consumer has no message left to deliver (with --drain: the run is over).
bool JetStreamConsumer::stream_consumed() {
  jsConsumerInfo* info = nullptr;
  jsErrCode code{};
  const natsStatus status = js_GetConsumerInfo(&info, context_.get(), options_.stream.c_str(),
                                               options_.durable.c_str(), nullptr, &code);
  const bool consumed = status == NATS_OK && info->NumPending == 0;
  jsConsumerInfo_Destroy(info);
  return consumed;
}

int JetStreamConsumer::run(const std::function<std::string(const Transition&)>& format) {
  engine_.on_transition([&](const Transition& transition) {
    pending_.push_back({format(transition) + '\n', format_transition_json(transition),
                        transition_message_id(options_.publish, transition)});
  });
  const StopSignals signals;
  if (const int code = connect()) return code;
  if (const int code = restore()) return code;
  if (const int code = subscribe()) return code;
  engine_.set_log_names({options_.stream});
  const int batch_size = static_cast<int>(std::min<std::uint64_t>(options_.batch, 100000));
  try {
    while (stop_requested() == 0) {
      natsMsgList batch{};
      jsErrCode code{};
      const natsStatus status =
          natsSubscription_Fetch(&batch, subscription_.get(), batch_size, kFetchWaitMillis, &code);
      const Handle<natsMsgList, natsMsgList_Destroy> owned(&batch);
      if (status == NATS_TIMEOUT) {
        if (options_.drain && stream_consumed()) break;
        continue;
      }
      // While the library reconnects, fetches fail; the loop waits for it (nothing is held
      // between batches), and gives up once the connection is closed.
      if (status != NATS_OK &&
          natsConnection_Status(connection_.get()) != NATS_CONN_STATUS_CLOSED) {
        std::this_thread::sleep_for(std::chrono::milliseconds(kFetchWaitMillis));
        continue;
      }
      if (status != NATS_OK) {
        print_error("proviso run: reading stream {} from {} failed: {}\n", options_.stream,
                    options_.url, nats_error(status));
        return kExitContractErrors;
      }
      std::uint64_t left = 1;
      for (int i = 0; i < batch.Count; ++i) {
        natsMsg* message = batch.Msgs[i];
        jsMsgMetaData* raw_meta = nullptr;
        if (natsMsg_GetMetaData(&raw_meta, message) != NATS_OK) continue;
        const Handle<jsMsgMetaData, jsMsgMetaData_Destroy> meta(raw_meta);
        const std::uint64_t sequence = raw_meta->Sequence.Stream;
        left = raw_meta->NumPending;
        // A message the state holds already (delivered again): acknowledged, not applied.
        if (sequence > applied_) {
          if (const int bad = read_message(message, sequence)) {
            return commit() ? bad : kExitContractErrors;
          }
        }
        to_ack_.push_back(message);
      }
      if (!commit()) return kExitContractErrors;
      if (options_.drain && left == 0) break;
    }
    if (stop_requested() == 0 && plan_.until) {
      engine_.advance_to(*plan_.until);
      unsaved_ = true;
    }
    if (!commit()) return kExitContractErrors;
  } catch (const RuntimeError& failure) {
    // Nothing is committed: the event that failed is half processed.
    return runtime_error(failure);
  }
  natsConnection_Flush(connection_.get());  // the last acknowledgements
  if (skipped_ > 0) {
    print_error("note: {} skipped {} bad message{}\n", options_.stream, skipped_,
                skipped_ == 1 ? "" : "s");
  }
  return kExitOk;
}

}  // namespace

int consume_jetstream(Engine& engine, const ReplayPlan& plan, const JetStreamOptions& options,
                      const std::function<std::string(const Transition&)>& format) {
  JetStreamConsumer consumer(engine, plan, options);
  return consumer.run(format);
}

#endif

}  // namespace proviso::cli
