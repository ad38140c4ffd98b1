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
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

#if PROVISO_HAVE_NATS
#include "cli/jetstream_consumer.hpp"
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

void add_jetstream_options(CLI::App& command, JetStreamOptions& options) {
  command.add_option("--from", options.url,
                     "Read events from a NATS JetStream stream (nats://HOST:PORT), exactly once "
                     "across restarts (docs/live.md)");
  command.add_option("--stream", options.stream, "With --from: the stream's name");
  command.add_option("--subject", options.subject, "With --from: read only this subject");
  command.add_option("--durable", options.durable,
                     "With --from: the durable consumer's name (default proviso)");
  command.add_option("--publish", options.publish,
                     "With --from: also publish each transition (JSON) to this subject");
  command.add_option("--checkpoint-bucket", options.bucket,
                     "With --from: the key-value bucket of the checkpoint (default "
                     "STREAM-DURABLE-checkpoint)");
  command.add_flag("--drain", options.drain,
                   "With --from: stop once the stream holds nothing more (else run until SIGINT "
                   "or SIGTERM)");
}

#if !PROVISO_HAVE_NATS

int consume_jetstream(Engine&, const ReplayPlan&, const JetStreamOptions&,
                      const std::function<std::string(const Transition&)>&) {
  return usage_error("run",
                     "this proviso was built without NATS (libnats was not found when it was "
                     "configured), so --from is not available");
}

#else

namespace jetstream {

namespace {

// How long a fetch waits for messages before the loop looks at signals and --drain again.
constexpr std::int64_t kFetchWaitMillis = 200;
// Failed fetches in a row, while connected, before the loop gives up.
constexpr int kFetchTries = 10;

std::string_view message_text(natsMsg* message) {
  return {natsMsg_GetData(message), static_cast<std::size_t>(natsMsg_GetDataLength(message))};
}

// True when a message holds one line (a final "\n" aside): it can be read among others.
bool one_line(std::string_view text) {
  if (text.ends_with('\n')) text.remove_suffix(1);
  return text.find_first_not_of(" \t\r") != std::string_view::npos &&
         text.find('\n') == std::string_view::npos;
}
}  // namespace

// Reads one message as a log line and feeds it: 0, or the exit code of a bad message (printed)
// without --skip-bad-lines. The stream sequence is the event's line: messages and causes name
// STREAM:SEQUENCE as a log's name FILE:LINE.
int JetStreamConsumer::read_message(std::string_view text, std::uint64_t sequence) {
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

// Applies a batch's messages in order; 0, or the exit code of a bad message (printed) with
// `stopped_at` its index. Runs of good messages are read as one JSON Lines text by one reader
// (a reader per message costs more than the event); a message that the run's reader refuses,
// or that is earlier than the clock, is then read alone by read_message, whose rules decide.
int JetStreamConsumer::apply(const std::vector<Received>& received, std::size_t& stopped_at) {
  ReadOptions strict = plan_.read;
  strict.skip_bad_lines = false;
  std::string text;
  std::size_t from = 0;
  while (from < received.size()) {
    if (received[from].sequence <= applied_) {  // delivered again: the state holds it
      ++from;
      continue;
    }
    text.clear();
    std::size_t end = from;
    for (; end < received.size() && one_line(received[end].text) &&
           (end == from || received[end].sequence > received[end - 1].sequence);
         ++end) {
      text += received[end].text;
      if (!text.ends_with('\n')) text += '\n';
    }
    std::size_t next = end;  // the first message not taken
    if (end > from) {
      ReadError open_error;
      auto reader = EventReader::from_text(options_.stream, text, LogFormat::jsonl,
                                           engine_.schemas(), 0, strict, open_error);
      if (!reader) {
        print_error("{}\n", render(open_error));
        return kExitContractErrors;
      }
      Event event;
      bool stopped = false;
      while (reader->next(event)) {
        const std::size_t at = from + event.line - 1;
        const std::optional<Timestamp> clock = engine_.now();
        if (clock && event.ts < *clock) {
          next = at;
          stopped = true;
          break;
        }
        event.line = received[at].sequence;
        engine_.feed(event);
      }
      for (const auto& [type, count] : reader->undeclared_types()) undeclared_[type] += count;
      if (!stopped && reader->error()) {
        next = from + std::max<std::uint64_t>(reader->error()->line, 1) - 1;
      }
      if (next > from) {
        applied_ = received[next - 1].sequence;
        unsaved_ = true;
      }
    }
    if (next < received.size() && next == end && end > from) {
      from = next;  // a message that is not one line, or out of order: next round
      continue;
    }
    if (next < received.size()) {
      if (const int bad = read_message(received[next].text, received[next].sequence)) {
        stopped_at = next;
        return bad;
      }
      ++next;
    }
    from = next;
  }
  return kExitOk;
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

// After a fetch that failed: true to try again. While the library reconnects, fetches fail;
// the loop waits for it (nothing is held between rounds), and gives up once the connection is
// closed. Connected, a fetch that keeps failing (the consumer was deleted, say) stops it after a
// few tries.
bool JetStreamConsumer::retry_fetch(natsStatus status) {
  const natsConnStatus connection = natsConnection_Status(connection_.get());
  failed_fetches_ = status == NATS_OK ? 0 : failed_fetches_ + 1;
  if (status == NATS_OK) return true;
  if (connection != NATS_CONN_STATUS_CLOSED &&
      (connection != NATS_CONN_STATUS_CONNECTED || failed_fetches_ < kFetchTries)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kFetchWaitMillis));
    return true;
  }
  print_error("proviso run: reading stream {} from {} failed: {}\n", options_.stream, options_.url,
              nats_error(status));
  return false;
}

// Applies a round's messages, then commits; acknowledged after the checkpoint: every message
// before a bad one (which stays). 0, or the exit code that ends the run.
int JetStreamConsumer::apply_and_commit(const std::vector<Received>& received) {
  received_ += received.size();
  std::size_t stopped_at = received.size();
  const int bad = apply(received, stopped_at);
  for (std::size_t i = 0; i < stopped_at; ++i) to_ack_.push_back(received[i].message);
  if (bad) return commit() ? bad : kExitContractErrors;
  return commit() ? kExitOk : kExitContractErrors;
}

// One round of the single consumer: a batch, waiting up to kFetchWaitMillis for it.
int JetStreamConsumer::consume_one(int batch_size, bool& done) {
  natsMsgList batch{};
  jsErrCode code{};
  const natsStatus status = natsSubscription_Fetch(&batch, feeds_.front().subscription.get(),
                                                   batch_size, kFetchWaitMillis, &code);
  const Handle<natsMsgList, natsMsgList_Destroy> owned(&batch);
  if (status == NATS_TIMEOUT) {
    done = options_.drain && stream_consumed();
    return kExitOk;
  }
  if (!retry_fetch(status)) return kExitContractErrors;
  if (status != NATS_OK) return kExitOk;
  std::uint64_t left = 1;
  std::vector<Received> received;
  for (int i = 0; i < batch.Count; ++i) {
    natsMsg* message = batch.Msgs[i];
    jsMsgMetaData* raw_meta = nullptr;
    if (natsMsg_GetMetaData(&raw_meta, message) != NATS_OK) continue;
    const Handle<jsMsgMetaData, jsMsgMetaData_Destroy> meta(raw_meta);
    left = raw_meta->NumPending;
    received.push_back({message, raw_meta->Sequence.Stream, message_text(message)});
  }
  if (const int code = apply_and_commit(received)) return code;
  done = options_.drain && left == 0;
  return kExitOk;
}

// One fetch from `feed`, without waiting, unless it has already delivered a message after `last`
// or holds nothing more (a no-wait fetch from a consumer that holds nothing waits for its expiry,
// so the consumer's count of pending messages is asked first). `covered` becomes the sequence up
// to which every message of the feed has been delivered: `last` once it is caught up, else the
// last it delivered. False when a request failed (`status` says why).
bool JetStreamConsumer::fetch_ahead(Feed& feed, int batch_size, std::uint64_t last,
                                    std::uint64_t& covered, natsStatus& status) {
  status = NATS_OK;
  covered = last;
  if (!feed.fetched.empty() && feed.fetched.back().sequence > last) return true;
  // Its last delivery said more was pending: those are still there, no need to ask.
  if (feed.fetched.empty() || feed.fetched.back().pending == 0) {
    jsConsumerInfo* info = nullptr;
    jsErrCode info_code{};
    status = js_GetConsumerInfo(&info, context_.get(), options_.stream.c_str(),
                                feed.durable.c_str(), nullptr, &info_code);
    const bool pending = status == NATS_OK && info->NumPending > 0;
    jsConsumerInfo_Destroy(info);
    if (status != NATS_OK) return false;
    if (!pending) return true;  // asked after `last` was read: all of it is delivered
  }
  natsMsgList batch{};
  jsFetchRequest request;
  jsFetchRequest_Init(&request);
  request.Batch = batch_size;
  request.NoWait = true;
  // The server answers a no-wait request at once; the client waits this long for the answer
  // (without it, not at all).
  request.Expires = kFetchWaitMillis * 1'000'000;  // nanoseconds
  status = natsSubscription_FetchRequest(&batch, feed.subscription.get(), &request);
  const Handle<natsMsgList, natsMsgList_Destroy> owned(&batch);
  for (int i = 0; i < batch.Count; ++i) {
    jsMsgMetaData* raw_meta = nullptr;
    if (natsMsg_GetMetaData(&raw_meta, batch.Msgs[i]) != NATS_OK) continue;
    const Handle<jsMsgMetaData, jsMsgMetaData_Destroy> meta(raw_meta);
    Fetched message{Handle<natsMsg, natsMsg_Destroy>(batch.Msgs[i]), raw_meta->Sequence.Stream,
                    raw_meta->NumPending};
    batch.Msgs[i] = nullptr;  // kept past the batch: the list no longer destroys it
    feed.fetched.push_back(std::move(message));
  }
  if (status == NATS_TIMEOUT || status == NATS_NOT_FOUND) status = NATS_OK;  // none came
  if (status != NATS_OK) return false;
  const bool caught_up = !feed.fetched.empty() &&
                         (feed.fetched.back().sequence > last || feed.fetched.back().pending == 0);
  // Not caught up: what it holds next comes after what it delivered, or after what was applied.
  if (!caught_up) covered = feed.fetched.empty() ? applied_ : feed.fetched.back().sequence;
  return true;
}

// One round of several consumers: the stream's last sequence, then a batch from each consumer
// that has messages up to it; every message up to the lowest sequence all consumers have
// delivered up to is applied, in stream order, as one consumer of all of them would deliver it.
int JetStreamConsumer::consume_merged(int batch_size, bool& done) {
  std::uint64_t last = 0;
  std::uint64_t limit = 0;
  natsStatus status = NATS_OK;
  if (stream_last_sequence(last, status)) {
    std::vector<std::uint64_t> covered(feeds_.size(), last);
    for (std::size_t i = 0; i < feeds_.size() && status == NATS_OK; ++i) {
      fetch_ahead(feeds_[i], batch_size, last, covered[i], status);
    }
    // The consumer that has delivered the least far holds the round back (its subject is the
    // busiest): more from it, while it may hold more unacknowledged messages.
    while (status == NATS_OK) {
      const std::size_t lowest = static_cast<std::size_t>(
          std::min_element(covered.begin(), covered.end()) - covered.begin());
      Feed& feed = feeds_[lowest];
      const std::size_t before = feed.fetched.size();
      if (covered[lowest] >= last || before + static_cast<std::size_t>(batch_size) >
                                         static_cast<std::size_t>(max_ack_pending_)) {
        break;
      }
      fetch_ahead(feed, batch_size, last, covered[lowest], status);
      if (feed.fetched.size() == before) break;  // nothing came
    }
    limit = *std::min_element(covered.begin(), covered.end());
  }
  if (!retry_fetch(status)) return kExitContractErrors;
  if (status != NATS_OK) return kExitOk;
  round_.clear();
  for (Feed& feed : feeds_) {
    while (!feed.fetched.empty() && feed.fetched.front().sequence <= limit) {
      round_.push_back(std::move(feed.fetched.front()));
      feed.fetched.pop_front();
    }
  }
  std::sort(round_.begin(), round_.end(),
            [](const Fetched& a, const Fetched& b) { return a.sequence < b.sequence; });
  std::vector<Received> received;
  received.reserve(round_.size());
  for (const Fetched& fetched : round_) {
    received.push_back(
        {fetched.message.get(), fetched.sequence, message_text(fetched.message.get())});
  }
  const int code = received.empty() ? kExitOk : apply_and_commit(received);
  round_.clear();  // acknowledged by the commit, or left for the next run after a bad one
  if (code != kExitOk) return code;
  if (received.empty() && limit == last) {
    // Every consumer has delivered all it held up to the stream's end at the round's start.
    done = options_.drain;
    if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(kFetchWaitMillis));
  }
  return kExitOk;
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
    bool done = false;
    while (stop_requested() == 0 && !done) {
      const int code =
          feeds_.size() == 1 ? consume_one(batch_size, done) : consume_merged(batch_size, done);
      if (code != kExitOk) return code;
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
  if (feeds_.size() > 1) {
    print_error("note: {}: read {} message{} on the {} subjects this worker's contracts need\n",
                options_.stream,
                Decimal::from_int(static_cast<std::int64_t>(received_)).to_grouped_string(),
                received_ == 1 ? "" : "s", feeds_.size());
  }
  std::uint64_t passed = 0;
  std::string kinds;
  for (const auto& [type, count] : undeclared_) {
    passed += count;
    kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", type, count);
  }
  if (passed > 0) {
    print_error("{}: passed over {} event{} of types no contract declares ({})\n", options_.stream,
                passed, passed == 1 ? "" : "s", kinds);
  }
  if (skipped_ > 0) {
    print_error("note: {} skipped {} bad message{}\n", options_.stream, skipped_,
                skipped_ == 1 ? "" : "s");
  }
  return kExitOk;
}

}  // namespace jetstream

int consume_jetstream(Engine& engine, const ReplayPlan& plan, const JetStreamOptions& options,
                      const std::function<std::string(const Transition&)>& format) {
  jetstream::JetStreamConsumer consumer(engine, plan, options);
  return consumer.run(format);
}

#endif

}  // namespace proviso::cli
