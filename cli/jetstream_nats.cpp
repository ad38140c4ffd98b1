// Connecting to NATS, the checkpoint bucket, the durable consumer and publishing, for
// `proviso run --from` (cli/jetstream_consumer.hpp).
#if PROVISO_HAVE_NATS

#include <algorithm>
#include <string>
#include <vector>

#include "cli/checkpoint.hpp"
#include "cli/commands.hpp"
#include "cli/jetstream_consumer.hpp"

namespace proviso::cli::jetstream {

namespace {

// The key of the checkpoint in its bucket.
constexpr const char* kCheckpointKey = "checkpoint";
constexpr int kReconnects = 20;
constexpr std::int64_t kReconnectWaitMillis = 500;

}  // namespace

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

void close_and_destroy(natsConnection* connection) {
  natsConnection_Close(connection);
  natsConnection_Destroy(connection);
}

int JetStreamConsumer::connect() {
  natsOptions* raw_options = nullptr;
  natsStatus status = natsOptions_Create(&raw_options);
  const Handle<natsOptions, natsOptions_Destroy> nats_options(raw_options);
  // "nats://a:4222,nats://b:4222" names the servers of a cluster: the library's SetURL takes one
  // URL, so the list goes through SetServers.
  std::vector<std::string> servers;
  for (std::size_t start = 0; start <= options_.url.size();) {
    const std::size_t comma = std::min(options_.url.find(',', start), options_.url.size());
    if (comma > start) servers.push_back(options_.url.substr(start, comma - start));
    start = comma + 1;
  }
  std::vector<const char*> server_names;
  for (const std::string& server : servers) server_names.push_back(server.c_str());
  if (status == NATS_OK) {
    status = natsOptions_SetServers(raw_options, server_names.data(),
                                    static_cast<int>(server_names.size()));
  }
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

// The durable consumers are created again at each start, from the message after the
// checkpoint: messages a killed run received and never acknowledged then come at once and in
// stream order, not after their acknowledgement wait. (So one durable serves one worker at a
// time.) A worker whose contracts need several subjects has one consumer per subject, DURABLE-1,
// DURABLE-2…, since a consumer of NATS 2.9 filters on one subject: each then receives only its
// share of the stream.
int JetStreamConsumer::subscribe() {
  std::vector<std::string> filters;
  if (!options_.subject.empty()) {
    filters.push_back(options_.subject);
  } else {
    filters = options_.subjects;
  }
  if (filters.empty()) filters.emplace_back();
  feeds_.clear();
  for (std::size_t i = 0; i < filters.size(); ++i) {
    Feed feed;
    feed.durable =
        filters.size() == 1 ? options_.durable : fmt::format("{}-{}", options_.durable, i + 1);
    feed.filter = filters[i];
    jsErrCode code{};
    natsStatus status = js_DeleteConsumer(context_.get(), options_.stream.c_str(),
                                          feed.durable.c_str(), nullptr, &code);
    if (status != NATS_OK && status != NATS_NOT_FOUND) {
      print_error("proviso run: cannot reset consumer {} of stream {}: {}\n", feed.durable,
                  options_.stream, nats_error(status));
      return kExitUsage;
    }
    jsConsumerConfig config;
    jsConsumerConfig_Init(&config);
    config.Durable = feed.durable.c_str();
    config.AckPolicy = js_AckExplicit;
    config.DeliverPolicy = applied_ > 0 ? js_DeliverByStartSequence : js_DeliverAll;
    config.OptStartSeq = applied_ > 0 ? applied_ + 1 : 0;
    if (!feed.filter.empty()) config.FilterSubject = feed.filter.c_str();
    // Room for a whole batch while the one before waits for its acknowledgements; merged
    // consumers fetch ahead of one another (the busiest subject's several batches a round).
    max_ack_pending_ = static_cast<std::int64_t>(
        std::max<std::uint64_t>((filters.size() == 1 ? 2 : 8) * options_.batch, 1000));
    config.MaxAckPending = max_ack_pending_;
    // Made again at each start from the checkpoint, a consumer needs no replicas nor disk: on a
    // cluster, creating a replicated one takes a raft group's election (about half a second
    // each, for every subject of a worker).
    config.Replicas = 1;
    config.MemoryStorage = true;
    status =
        js_AddConsumer(nullptr, context_.get(), options_.stream.c_str(), &config, nullptr, &code);
    if (status != NATS_OK) {
      print_error("proviso run: cannot create consumer {} of stream {}: {}\n", feed.durable,
                  options_.stream, nats_error(status));
      return kExitUsage;
    }
    jsSubOptions subscribe_options;
    jsSubOptions_Init(&subscribe_options);
    subscribe_options.Stream = options_.stream.c_str();
    subscribe_options.Consumer = feed.durable.c_str();
    subscribe_options.Config.Replicas = config.Replicas;  // the library compares them
    subscribe_options.Config.MemoryStorage = config.MemoryStorage;
    natsSubscription* subscription = nullptr;
    status = js_PullSubscribe(&subscription, context_.get(),
                              feed.filter.empty() ? nullptr : feed.filter.c_str(),
                              feed.durable.c_str(), nullptr, &subscribe_options, &code);
    feed.subscription.reset(subscription);
    if (status != NATS_OK) {
      print_error("proviso run: cannot subscribe to consumer {} of stream {}: {}\n", feed.durable,
                  options_.stream, nats_error(status));
      return kExitUsage;
    }
    feeds_.push_back(std::move(feed));
  }
  return kExitOk;
}

// The stream's last sequence now: every message up to it is stored, so a consumer that
// reports nothing pending after this holds none of them any more.
bool JetStreamConsumer::stream_last_sequence(std::uint64_t& last, natsStatus& status) {
  jsStreamInfo* info = nullptr;
  jsErrCode code{};
  status = js_GetStreamInfo(&info, context_.get(), options_.stream.c_str(), nullptr, &code);
  if (status == NATS_OK) last = info->State.LastSeq;
  jsStreamInfo_Destroy(info);
  return status == NATS_OK;
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

// True when the consumer has no message left to deliver (with --drain: the run is over).
bool JetStreamConsumer::stream_consumed() {
  jsConsumerInfo* info = nullptr;
  jsErrCode code{};
  const natsStatus status = js_GetConsumerInfo(&info, context_.get(), options_.stream.c_str(),
                                               feeds_.front().durable.c_str(), nullptr, &code);
  const bool consumed = status == NATS_OK && info->NumPending == 0;
  jsConsumerInfo_Destroy(info);
  return consumed;
}

}  // namespace proviso::cli::jetstream

#endif
