// `proviso lsp`: a Language Server Protocol server. It reads JSON-RPC messages from one stream
// and writes responses and notifications to another, one message at a time, keeping the open
// documents checked.
#pragma once

#include <istream>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "lsp/document.hpp"
#include "lsp/jsonrpc.hpp"

namespace proviso::lsp {

/// JSON-RPC and LSP error codes the server answers with.
enum ErrorCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
  kServerNotInitialized = -32002,
  kRequestFailed = -32803,
};

/// A failure to answer a request, sent back as its error response.
struct RequestError {
  int code;
  std::string message;
};

/// The server: documents opened by the client, and the protocol's state.
class Server {
 public:
  Server(std::istream& in, std::ostream& out);
  ~Server();

  /// Serves until `exit` or the end of input. Returns the exit code the protocol asks for:
  /// 0 when `shutdown` came before, 1 otherwise.
  int run();

 private:
  struct Message;  // a parsed message: its id, method and params

  void handle(std::string_view body);
  void dispatch(const Message& message);
  void answer(const Message& message);
  void notify_document(const Message& message);
  void publish(const Document& document);
  void publish_empty(const std::string& uri);
  void log(std::string_view text);
  void send_error(const Message* message, int code, std::string_view text);

  FrameReader reader_;
  std::ostream& out_;
  std::map<std::string, std::unique_ptr<Document>> documents_;
  bool initialized_ = false;
  bool shutting_down_ = false;
  bool exited_ = false;
};

}  // namespace proviso::lsp
