// The LSP tests' scripted session: messages for lsp::Server written to a stream, the server
// run over it, and its answers parsed with simdjson (lsp_test.cpp, lsp_protocol_test.cpp).
#pragma once

#include <fmt/format.h>
#include <simdjson.h>
#include <catch2/catch.hpp>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "base/json.hpp"
#include "lsp/features.hpp"
#include "lsp/jsonrpc.hpp"
#include "lsp/positions.hpp"
#include "lsp/server.hpp"
#include "tests/support.hpp"

namespace proviso::testing {

namespace dom = simdjson::dom;

inline std::string frame(std::string_view body) {
  return fmt::format("Content-Length: {}\r\n\r\n{}", body.size(), body);
}

// A message the server wrote, parsed.
struct Reply {
  std::string text;
  std::unique_ptr<dom::parser> parser = std::make_unique<dom::parser>();
  dom::element root;
};

// The position of `needle` (plus `after` bytes) in `text`, in UTF-16 code units counted here
// independently of lsp/positions.
inline std::string position_json(std::string_view text, std::string_view needle,
                                 std::size_t after = 0) {
  const std::size_t at = text.find(needle);
  REQUIRE(at != std::string_view::npos);
  const std::size_t offset = at + after;
  std::size_t line = 0;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  std::size_t units = 0;
  for (std::size_t i = line_start; i < offset; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) != 0x80) units += byte >= 0xF0 ? 2 : 1;
  }
  return fmt::format(R"({{"line":{},"character":{}}})", line, units);
}

// A script of messages for the server, and what it answered.
class Session {
 public:
  Session() { request("initialize", R"({"processId":null,"capabilities":{}})"); }

  int request(std::string_view method, std::string_view params) {
    script_ += frame(fmt::format(R"({{"jsonrpc":"2.0","id":{},"method":"{}","params":{}}})",
                                 ++last_id_, method, params));
    return last_id_;
  }
  void notify(std::string_view method, std::string_view params) {
    script_ +=
        frame(fmt::format(R"({{"jsonrpc":"2.0","method":"{}","params":{}}})", method, params));
  }
  void raw(std::string_view bytes) { script_ += bytes; }

  void open(std::string_view uri, std::string_view text) {
    notify("textDocument/didOpen",
           fmt::format(R"({{"textDocument":{{"uri":"{}","languageId":"proviso","version":1,)"
                       R"("text":{}}}}})",
                       uri, json_string(text)));
  }
  void change(std::string_view uri, int version, std::string_view text) {
    notify("textDocument/didChange",
           fmt::format(R"({{"textDocument":{{"uri":"{}","version":{}}},"contentChanges":[{{)"
                       R"("text":{}}}]}})",
                       uri, version, json_string(text)));
  }
  int at(std::string_view method, std::string_view uri, std::string_view text,
         std::string_view needle, std::size_t after = 0) {
    return request(method, fmt::format(R"({{"textDocument":{{"uri":"{}"}},"position":{}}})", uri,
                                       position_json(text, needle, after)));
  }

  /// Runs the server over the script; the exit code it returned.
  int run() {
    std::istringstream in(script_);
    std::ostringstream out;
    lsp::Server server(in, out);
    const int code = server.run();
    std::istringstream written(out.str());
    lsp::FrameReader reader(written);
    for (lsp::Frame f = reader.next(); f.status == lsp::Frame::Status::message; f = reader.next()) {
      Reply& reply = replies_.emplace_back();
      reply.text = std::move(f.body);
      REQUIRE(reply.parser->parse(reply.text).get(reply.root) == simdjson::SUCCESS);
    }
    return code;
  }

  const Reply& response(int id) const {
    for (const Reply& reply : replies_) {
      std::int64_t found = 0;
      if (reply.root["id"].get_int64().get(found) == simdjson::SUCCESS && found == id) {
        return reply;
      }
    }
    FAIL("no response to request " << id);
    return replies_.front();
  }
  dom::element result(int id) const {
    const Reply& reply = response(id);
    INFO(reply.text);
    dom::element result;
    REQUIRE(reply.root["result"].get(result) == simdjson::SUCCESS);
    return result;
  }
  std::string hover(int id) const {
    const dom::element value = result(id);
    std::string_view text;
    if (value.is_null()) return "null";
    REQUIRE(value["contents"]["value"].get_string().get(text) == simdjson::SUCCESS);
    return std::string(text);
  }
  /// The notifications with this method, in order, as JSON text.
  std::vector<const Reply*> notifications(std::string_view method) const {
    std::vector<const Reply*> found;
    for (const Reply& reply : replies_) {
      std::string_view name;
      if (reply.root["method"].get_string().get(name) == simdjson::SUCCESS && name == method) {
        found.push_back(&reply);
      }
    }
    return found;
  }
  /// Error responses without an id (to messages that could not be read), as codes.
  std::vector<std::int64_t> anonymous_errors() const {
    std::vector<std::int64_t> codes;
    for (const Reply& reply : replies_) {
      if (reply.root["id"].is_null() && reply.root["error"].error() == simdjson::SUCCESS) {
        codes.push_back(reply.root["error"]["code"].get_int64().value());
      }
    }
    return codes;
  }

 private:
  std::string script_;
  int last_id_ = 0;
  std::vector<Reply> replies_;
};

inline std::int64_t error_code(const Session& session, int id) {
  const Reply& reply = session.response(id);
  INFO(reply.text);
  std::int64_t code = 0;
  REQUIRE(reply.root["error"]["code"].get_int64().get(code) == simdjson::SUCCESS);
  return code;
}

inline std::vector<std::string> labels(const dom::element& completion) {
  std::vector<std::string> found;
  for (dom::element item : completion["items"].get_array()) {
    found.emplace_back(item["label"].get_string().value());
  }
  return found;
}

inline bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

inline constexpr const char* kUri = "file:///work/amd.proviso";

}  // namespace proviso::testing
