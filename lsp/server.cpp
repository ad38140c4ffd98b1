#include "lsp/server.hpp"

#include <cstdint>
#include <exception>
#include <optional>
#include <variant>

#include <fmt/format.h>
#include <simdjson.h>

#include "base/json.hpp"
#include "format/format.hpp"
#include "lsp/features.hpp"

namespace proviso::lsp {

namespace dom = simdjson::dom;

namespace {

// A request's id as the client sent it, echoed in the response.
using Id = std::variant<std::monostate, std::uint64_t, std::int64_t, std::string>;

void write_id(const Id& id, JsonWriter& out) {
  if (const auto* number = std::get_if<std::uint64_t>(&id)) {
    out.number(*number);
  } else if (const auto* negative = std::get_if<std::int64_t>(&id)) {
    out.signed_number(*negative);
  } else if (const auto* text = std::get_if<std::string>(&id)) {
    out.string(*text);
  } else {
    out.null();
  }
}

RequestError invalid_params(std::string_view what) {
  return {kInvalidParams, fmt::format("invalid params: {}", what)};
}

// params.<path…> as a string, or an InvalidParams error naming what is missing.
std::string_view string_at(dom::element params, std::string_view object, std::string_view key) {
  std::string_view value;
  if (params[object][key].get_string().get(value) != simdjson::SUCCESS) {
    throw invalid_params(fmt::format("{}.{} must be a string", object, key));
  }
  return value;
}

std::uint32_t position_part(dom::element position, std::string_view key) {
  std::uint64_t value = 0;
  if (position[key].get_uint64().get(value) != simdjson::SUCCESS || value > UINT32_MAX) {
    throw invalid_params(fmt::format("position.{} must be a non-negative integer", key));
  }
  return static_cast<std::uint32_t>(value);
}

// params' member `key`, or an InvalidParams error.
dom::element member(dom::element object, std::string_view key) {
  dom::element value;
  if (object[key].get(value) != simdjson::SUCCESS) {
    throw invalid_params(fmt::format("{} is missing", key));
  }
  return value;
}

Position position_of(dom::element position) {
  return {position_part(position, "line"), position_part(position, "character")};
}

std::int64_t version_of(dom::element params) {
  std::int64_t version = 0;
  if (params["textDocument"]["version"].get_int64().get(version) != simdjson::SUCCESS) return 0;
  return version;
}

void write_capabilities(JsonWriter& out) {
  out.begin_object().key("capabilities").begin_object();
  out.key("positionEncoding").string("utf-16");
  // Full synchronisation: every change sends the whole text, which is re-checked at once.
  out.key("textDocumentSync").begin_object().key("openClose").boolean(true);
  out.key("change").number(1).end_object();
  out.key("hoverProvider").boolean(true);
  out.key("definitionProvider").boolean(true);
  out.key("completionProvider").begin_object().key("triggerCharacters").begin_array();
  out.string(".").end_array().end_object();
  out.key("documentSymbolProvider").boolean(true);
  out.key("documentFormattingProvider").boolean(true);
  out.end_object();
  out.key("serverInfo").begin_object().key("name").string("proviso");
  out.key("version").string("0.1.0").end_object();
  out.end_object();
}

JsonWriter start_message() {
  JsonWriter out;
  out.begin_object().key("jsonrpc").string("2.0");
  return out;
}

}  // namespace

struct Server::Message {
  Id id;
  bool is_request = false;  // has an id: expects a response
  std::string method;
  std::optional<dom::element> params;

  // The params, which document methods need.
  dom::element need_params() const {
    if (!params || !params->is_object()) throw invalid_params("params must be an object");
    return *params;
  }
};

Server::Server(std::istream& in, std::ostream& out) : reader_(in), out_(out) {}

Server::~Server() = default;

int Server::run() {
  while (!exited_) {
    Frame frame = reader_.next();
    switch (frame.status) {
      case Frame::Status::end_of_input:
        return shutting_down_ ? 0 : 1;
      case Frame::Status::bad_header:
      case Frame::Status::too_large:
        send_error(nullptr, kInvalidRequest, frame.problem);
        break;
      case Frame::Status::message:
        handle(frame.body);
        break;
    }
  }
  return shutting_down_ ? 0 : 1;
}

void Server::handle(std::string_view body) {
  dom::parser parser;
  dom::element root;
  if (const auto error = parser.parse(body.data(), body.size()).get(root);
      error != simdjson::SUCCESS) {
    send_error(nullptr, kParseError,
               fmt::format("the message is not JSON: {}", simdjson::error_message(error)));
    return;
  }
  Message message;
  dom::element id;
  if (root.is_object() && root["id"].get(id) == simdjson::SUCCESS) {
    message.is_request = true;
    std::uint64_t number = 0;
    std::int64_t negative = 0;
    std::string_view text;
    if (id.get_uint64().get(number) == simdjson::SUCCESS) {
      message.id = number;
    } else if (id.get_int64().get(negative) == simdjson::SUCCESS) {
      message.id = negative;
    } else if (id.get_string().get(text) == simdjson::SUCCESS) {
      message.id = std::string(text);
    } else {
      send_error(nullptr, kInvalidRequest, "the id must be a number or a string");
      return;
    }
  }
  std::string_view method;
  if (!root.is_object() || root["method"].get_string().get(method) != simdjson::SUCCESS) {
    // A response to a request of ours (the server sends none) is dropped; anything else is
    // not a message.
    if (root.is_object() && message.is_request &&
        (root["result"].error() == simdjson::SUCCESS ||
         root["error"].error() == simdjson::SUCCESS)) {
      return;
    }
    send_error(message.is_request ? &message : nullptr, kInvalidRequest,
               "the message is not a JSON-RPC request or notification (no method)");
    return;
  }
  message.method = std::string(method);
  dom::element params;
  if (root["params"].get(params) == simdjson::SUCCESS) message.params = params;
  try {
    dispatch(message);
  } catch (const RequestError& failure) {
    if (message.is_request) {
      send_error(&message, failure.code, failure.message);
    } else {
      log(fmt::format("{}: {}", message.method, failure.message));
    }
  } catch (const std::exception& failure) {
    // Never a crash: whatever failed is reported, and the server goes on.
    if (message.is_request) {
      send_error(&message, kInternalError, failure.what());
    } else {
      log(fmt::format("{}: internal error: {}", message.method, failure.what()));
    }
  }
}

void Server::dispatch(const Message& message) {
  const std::string& method = message.method;
  if (method == "exit") {
    exited_ = true;
    return;
  }
  if (!message.is_request) {
    if (initialized_ && !shutting_down_) notify_document(message);
    return;  // notifications before `initialize` are dropped, as the protocol says
  }
  if (method == "initialize") {
    if (initialized_) throw RequestError{kInvalidRequest, "initialize was already sent"};
    initialized_ = true;
  } else if (!initialized_) {
    throw RequestError{kServerNotInitialized, "the server has not been initialized"};
  } else if (shutting_down_) {
    throw RequestError{kInvalidRequest, "the server is shutting down"};
  }
  answer(message);
}

void Server::answer(const Message& message) {
  const std::string& method = message.method;
  JsonWriter out = start_message();
  out.key("id");
  write_id(message.id, out);
  out.key("result");
  if (method == "initialize") {
    write_capabilities(out);
  } else if (method == "shutdown") {
    shutting_down_ = true;
    out.null();
  } else {
    static constexpr std::string_view kDocumentMethods[] = {
        "textDocument/hover", "textDocument/definition", "textDocument/completion",
        "textDocument/documentSymbol", "textDocument/formatting"};
    if (std::find(std::begin(kDocumentMethods), std::end(kDocumentMethods), method) ==
        std::end(kDocumentMethods)) {
      throw RequestError{kMethodNotFound, fmt::format("unknown method '{}'", method)};
    }
    const std::string uri(string_at(message.need_params(), "textDocument", "uri"));
    const auto found = documents_.find(uri);
    if (found == documents_.end()) {
      throw RequestError{kInvalidParams,
                         fmt::format("unknown document '{}': open it first (didOpen)", uri)};
    }
    const Document& document = *found->second;
    if (method == "textDocument/documentSymbol") {
      write_symbols(document, out);
    } else if (method == "textDocument/formatting") {
      const Formatted formatted = format_source(SourceFile{uri, document.text});
      if (!formatted.ok()) {
        const Diagnostic& first = formatted.diagnostics.front();
        throw RequestError{kRequestFailed, fmt::format("cannot format: {}:{}: {}", first.span.line,
                                                       first.span.column, first.message)};
      }
      out.begin_array();
      if (formatted.text != document.text) {
        out.begin_object().key("range").begin_object().key("start").begin_object();
        out.key("line").number(0).key("character").number(0).end_object().key("end");
        const Position end =
            document.lines.position(static_cast<std::uint32_t>(document.text.size()));
        out.begin_object().key("line").number(end.line).key("character").number(end.character);
        out.end_object().end_object().key("newText").string(formatted.text).end_object();
      }
      out.end_array();
    } else {
      const std::uint32_t offset =
          document.lines.offset(position_of(member(message.need_params(), "position")));
      if (method == "textDocument/hover") {
        write_hover(document, offset, out);
      } else if (method == "textDocument/definition") {
        write_definition(document, offset, out);
      } else {
        write_completion(document, offset, out);
      }
    }
  }
  out.end_object();
  write_frame(out_, valid_utf8(out.text()));
}

void Server::notify_document(const Message& message) {
  const std::string& method = message.method;
  if (method == "textDocument/didOpen") {
    const std::string uri(string_at(message.need_params(), "textDocument", "uri"));
    std::string text(string_at(message.need_params(), "textDocument", "text"));
    auto& slot = documents_[uri];
    slot = analyse(uri, version_of(message.need_params()), std::move(text));
    publish(*slot);
  } else if (method == "textDocument/didChange") {
    const std::string uri(string_at(message.need_params(), "textDocument", "uri"));
    const auto found = documents_.find(uri);
    if (found == documents_.end()) {
      throw RequestError{kInvalidParams, fmt::format("unknown document '{}'", uri)};
    }
    dom::array changes;
    if (message.need_params()["contentChanges"].get_array().get(changes) != simdjson::SUCCESS) {
      throw invalid_params("contentChanges must be an array");
    }
    std::string text = found->second->text;
    for (dom::element change : changes) {
      std::string_view replacement;
      if (change["text"].get_string().get(replacement) != simdjson::SUCCESS) {
        throw invalid_params("a content change has no text");
      }
      dom::element range;
      if (change["range"].get(range) == simdjson::SUCCESS) {
        // An incremental change, from a client that sends them anyway.
        const LineIndex lines(text);
        const std::uint32_t begin = lines.offset(position_of(member(range, "start")));
        const std::uint32_t end = lines.offset(position_of(member(range, "end")));
        if (end < begin) throw invalid_params("a change's range ends before it starts");
        text.replace(begin, end - begin, replacement);
      } else {
        text.assign(replacement);
      }
    }
    found->second = analyse(uri, version_of(message.need_params()), std::move(text));
    publish(*found->second);
  } else if (method == "textDocument/didClose") {
    const std::string uri(string_at(message.need_params(), "textDocument", "uri"));
    if (documents_.erase(uri) != 0) publish_empty(uri);
  }
  // Other notifications (initialized, didSave, $/cancelRequest, $/setTrace…) need nothing.
}

void Server::publish(const Document& document) {
  JsonWriter out = start_message();
  out.key("method").string("textDocument/publishDiagnostics").key("params").begin_object();
  out.key("uri").string(document.uri).key("version").signed_number(document.version);
  out.key("diagnostics");
  write_diagnostics(document, out);
  out.end_object().end_object();
  write_frame(out_, valid_utf8(out.text()));
}

void Server::publish_empty(const std::string& uri) {
  JsonWriter out = start_message();
  out.key("method").string("textDocument/publishDiagnostics").key("params").begin_object();
  out.key("uri").string(uri).key("diagnostics").begin_array().end_array();
  out.end_object().end_object();
  write_frame(out_, valid_utf8(out.text()));
}

void Server::log(std::string_view text) {
  JsonWriter out = start_message();
  out.key("method").string("window/logMessage").key("params").begin_object();
  out.key("type").number(1).key("message").string(text).end_object().end_object();
  write_frame(out_, valid_utf8(out.text()));
}

void Server::send_error(const Message* message, int code, std::string_view text) {
  JsonWriter out = start_message();
  out.key("id");
  write_id(message ? message->id : Id{}, out);
  out.key("error").begin_object().key("code").signed_number(code);
  out.key("message").string(text).end_object().end_object();
  write_frame(out_, valid_utf8(out.text()));
}

}  // namespace proviso::lsp
