// `proviso run --from nats://HOST:PORT --stream NAME`: events read from a NATS JetStream stream
// through a durable pull consumer, transitions printed and (--publish) published to a subject,
// exactly once across crashes: the engine's state and the stream sequence it covers are stored
// together in a JetStream key-value bucket before the messages are acknowledged.
// docs/live.md describes the guarantees. Only the CLI links libnats; without it (the package was
// absent at configure time) --from says so.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cli/replay.hpp"
#include "run/engine.hpp"

namespace CLI {
class App;
}

namespace proviso::cli {

/// --from's options.
struct JetStreamOptions {
  std::string url;      // --from: nats://HOST:PORT
  std::string stream;   // --stream
  std::string subject;  // --subject: the consumer's filter; empty for all
  // Without --subject, the subjects a worker's contracts need (--subject-template): one
  // consumer each, merged in stream order. Empty: every subject.
  std::vector<std::string> subjects;
  std::string durable = "proviso";  // --durable: the pull consumer's name
  std::string publish;              // --publish: the subject transitions go to; empty for none
  std::string bucket;               // --checkpoint-bucket; empty: "STREAM-DURABLE-checkpoint"
  bool drain = false;               // --drain: stop once the stream holds nothing more
  std::uint64_t batch = 1000;       // messages per fetch and checkpoint (--checkpoint-events)
};

/// Adds --from, --stream, --subject, --durable, --publish, --checkpoint-bucket and --drain.
void add_jetstream_options(CLI::App& command, JetStreamOptions& options);

/// The checkpoint bucket's name: --checkpoint-bucket, or derived from the durable.
std::string checkpoint_bucket(const JetStreamOptions& options);

/// Consumes the stream through the engine until --drain finds it consumed, or SIGINT or SIGTERM
/// (which commit and end with exit code 0); with --drain and --until, the clock then moves to
/// --until. Each transition is written by `format` (its line) to standard output, flushed.
/// Prints whatever stops it otherwise and returns the exit code.
int consume_jetstream(Engine& engine, const ReplayPlan& plan, const JetStreamOptions& options,
                      const std::function<std::string(const Transition&)>& format);

/// The Nats-Msg-Id a transition is published with: the same transition derived again after a
/// restart gets the same id, so JetStream drops the repeat; two different transitions never
/// share one (the id names the publish subject, contract, instance, clause, period, both states,
/// the instant and the cause, an event's stream sequence).
std::string transition_message_id(const std::string& subject, const Transition& transition);

}  // namespace proviso::cli
