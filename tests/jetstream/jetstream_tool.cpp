// What the JetStream tests need of a NATS client, on the same libnats `proviso run --from` uses
// (so the tests need no client package of their own):
//   jetstream_tool URL add-stream NAME SUBJECT [R]   a file-stored stream taking SUBJECT (R
//   replicas) jetstream_tool URL publish-lines FILE            each line "SUBJECT<tab>DATA", in
//   order jetstream_tool URL publish SUBJECT FILE          each non-empty line of FILE, one message
//   jetstream_tool URL publish-text SUBJECT TEXT     one message holding TEXT
//   jetstream_tool URL dump STREAM                   every message: "SEQ\tNats-Msg-Id\tDATA"
// Exits 1 with the library's message on any failure.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <nats/nats.h>

namespace {

[[noreturn]] void fail(const char* what, natsStatus status) {
  natsStatus last = NATS_OK;
  const char* text = nats_GetLastError(&last);
  std::fprintf(stderr, "jetstream_tool: %s: %s\n", what,
               text != nullptr && *text != '\0' ? text : natsStatus_GetText(status));
  std::exit(1);
}

void check(const char* what, natsStatus status) {
  if (status != NATS_OK) fail(what, status);
}

void add_stream(jsCtx* js, const char* name, const char* subject, int replicas) {
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  config.Name = name;
  const char* subjects[] = {subject};
  config.Subjects = subjects;
  config.SubjectsLen = 1;
  config.Storage = js_FileStorage;
  config.Replicas = replicas;
  jsErrCode code{};
  jsStreamInfo* info = nullptr;
  check("add-stream", js_AddStream(&info, js, &config, nullptr, &code));
  jsStreamInfo_Destroy(info);
}

void wait_for_acknowledgements(jsCtx* js) {
  jsPubOptions wait;
  jsPubOptions_Init(&wait);
  wait.MaxWait = 30000;
  check("publish (waiting for acknowledgements)", js_PublishAsyncComplete(js, &wait));
}

// Published asynchronously; every 10,000 messages the tool waits for their acknowledgements, so
// that a large log (a million lines to a replicated stream) never has more in flight than the
// wait allows.
void publish(jsCtx* js, const char* subject, const std::string& text) {
  static std::uint64_t published = 0;
  check("publish",
        js_PublishAsync(js, subject, text.data(), static_cast<int>(text.size()), nullptr));
  if (++published % 10000 == 0) wait_for_acknowledgements(js);
}

void dump(jsCtx* js, const char* stream) {
  jsStreamInfo* info = nullptr;
  jsErrCode code{};
  check("stream info", js_GetStreamInfo(&info, js, stream, nullptr, &code));
  const std::uint64_t first = info->State.FirstSeq;
  const std::uint64_t last = info->State.LastSeq;
  jsStreamInfo_Destroy(info);
  for (std::uint64_t seq = first; seq >= 1 && seq <= last; ++seq) {
    natsMsg* message = nullptr;
    const natsStatus status = js_GetMsg(&message, js, stream, seq, nullptr, &code);
    if (status == NATS_NOT_FOUND) continue;  // deleted
    check("get message", status);
    const char* id = "";
    if (natsMsgHeader_Get(message, "Nats-Msg-Id", &id) != NATS_OK) id = "";
    std::printf("%llu\t%s\t%.*s\n", static_cast<unsigned long long>(seq), id,
                natsMsg_GetDataLength(message), natsMsg_GetData(message));
    natsMsg_Destroy(message);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: jetstream_tool URL COMMAND ARGS…\n");
    return 2;
  }
  const std::string command = argv[2];
  natsConnection* connection = nullptr;
  check("connect", natsConnection_ConnectTo(&connection, argv[1]));
  jsCtx* js = nullptr;
  check("jetstream", natsConnection_JetStream(&js, connection, nullptr));
  if (command == "add-stream" && (argc == 5 || argc == 6)) {
    add_stream(js, argv[3], argv[4], argc == 6 ? std::atoi(argv[5]) : 1);
  } else if (command == "publish-lines" && argc == 4) {
    std::ifstream in(argv[3]);
    if (!in) {
      std::fprintf(stderr, "jetstream_tool: cannot read %s\n", argv[3]);
      return 1;
    }
    for (std::string line; std::getline(in, line);) {
      const auto tab = line.find('\t');
      if (tab == std::string::npos) continue;
      publish(js, line.substr(0, tab).c_str(), line.substr(tab + 1));
    }
  } else if (command == "publish" && argc == 5) {
    std::ifstream in(argv[4]);
    if (!in) {
      std::fprintf(stderr, "jetstream_tool: cannot read %s\n", argv[4]);
      return 1;
    }
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) publish(js, argv[3], line);
    }
  } else if (command == "publish-text" && argc == 5) {
    publish(js, argv[3], argv[4]);
  } else if (command == "dump" && argc == 4) {
    dump(js, argv[3]);
  } else {
    std::fprintf(stderr, "jetstream_tool: unknown command or arguments\n");
    return 2;
  }
  wait_for_acknowledgements(js);
  jsCtx_Destroy(js);
  natsConnection_Destroy(connection);
  nats_CloseAndWait(1000);
  return 0;
}
