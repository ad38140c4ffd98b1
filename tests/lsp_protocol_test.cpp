// `proviso lsp`'s protocol: framing, malformed messages and unknown documents answered with
// errors, the protocol's states, UTF-16 positions and UTF-8 output, completion's keywords.
#include <sstream>

#include "tests/lsp_session.hpp"

namespace proviso::testing {

TEST_CASE("Malformed messages and unknown documents get error responses, never a crash", "[lsp]") {
  Session session;
  session.raw(frame("{not json"));                                    // -32700
  session.raw("Content-Length: lots\r\n\r\n");                        // -32600, no length
  session.raw("X-Other: 1\r\n\r\n");                                  // -32600, no Content-Length
  session.raw(frame("[1, 2]"));                                       // -32600, not an object
  session.raw(frame(R"({"jsonrpc":"2.0","id":true,"method":"x"})"));  // -32600, a bad id
  const int unknown_method = session.request("textDocument/rename", "{}");
  const int unknown_document = session.request(
      "textDocument/hover",
      R"({"textDocument":{"uri":"file:///nowhere"},"position":{"line":0,"character":0}})");
  session.open(kUri, "event close { px: USD }\n");
  const int no_position = session.request("textDocument/hover",
                                          R"({"textDocument":{"uri":"file:///work/amd.proviso"}})");
  const int negative = session.request(
      "textDocument/hover",
      R"({"textDocument":{"uri":"file:///work/amd.proviso"},"position":{"line":-1,"character":0}})");
  const int past_end = session.request(
      "textDocument/hover",
      R"({"textDocument":{"uri":"file:///work/amd.proviso"},"position":{"line":99,"character":99}})");
  // A change to a document never opened is logged (a notification has no response).
  session.change("file:///nowhere", 2, "x");
  const int shutdown = session.request("shutdown", "null");
  const int after_shutdown = session.request("textDocument/hover", "{}");
  session.notify("exit", "null");
  session.raw(frame(R"({"jsonrpc":"2.0","id":99,"method":"shutdown"})"));  // never read
  CHECK(session.run() == 0);

  CHECK(session.anonymous_errors() ==
        std::vector<std::int64_t>{-32700, -32600, -32600, -32600, -32600});
  CHECK(error_code(session, unknown_method) == lsp::kMethodNotFound);
  CHECK(error_code(session, unknown_document) == lsp::kInvalidParams);
  CHECK(error_code(session, no_position) == lsp::kInvalidParams);
  CHECK(error_code(session, negative) == lsp::kInvalidParams);
  CHECK(session.result(past_end).is_null());
  CHECK(session.notifications("window/logMessage").size() == 1);
  CHECK(session.result(shutdown).is_null());
  CHECK(error_code(session, after_shutdown) == lsp::kInvalidRequest);
}

TEST_CASE("didClose clears the document's diagnostics and forgets it", "[lsp]") {
  Session session;
  session.open(kUri, "event close { px: USD }\nmetric m = latest close.qx\n");
  session.notify("textDocument/didClose",
                 fmt::format(R"({{"textDocument":{{"uri":"{}"}}}})", kUri));
  const int hover = session.request(
      "textDocument/hover",
      fmt::format(R"({{"textDocument":{{"uri":"{}"}},"position":{{"line":1,"character":8}}}})",
                  kUri));
  session.run();
  const auto published = session.notifications("textDocument/publishDiagnostics");
  REQUIRE(published.size() == 2);
  CHECK(published[0]->root["params"]["diagnostics"].get_array().size() == 2);
  CHECK(published[1]->root["params"]["uri"].get_string().value() == kUri);
  CHECK(published[1]->root["params"]["diagnostics"].get_array().size() == 0);
  CHECK(error_code(session, hover) == lsp::kInvalidParams);
}

TEST_CASE("Requests before initialize are refused, and a second initialize too", "[lsp]") {
  std::istringstream in(
      frame(R"({"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}})") +
      frame(R"({"jsonrpc":"2.0","id":2,"method":"initialize","params":{}})") +
      frame(R"({"jsonrpc":"2.0","id":3,"method":"initialize","params":{}})"));
  std::ostringstream out;
  lsp::Server server(in, out);
  CHECK(server.run() == 1);
  CHECK_THAT(out.str(), Catch::Contains(R"("id":1,"error":{"code":-32002)"));
  CHECK_THAT(out.str(), Catch::Contains(R"("id":2,"result":{"capabilities":)"));
  CHECK_THAT(out.str(), Catch::Contains(R"("id":3,"error":{"code":-32600)"));
}

TEST_CASE("A frame over the size limit is skipped and answered, and the next one is read",
          "[lsp]") {
  std::string big = fmt::format("Content-Length: {}\r\n\r\n", lsp::kMaxMessageBytes + 1);
  big.append(lsp::kMaxMessageBytes + 1, ' ');
  std::istringstream in(big + frame(R"({"jsonrpc":"2.0","id":7,"method":"initialize"})"));
  lsp::FrameReader reader(in);
  CHECK(reader.next().status == lsp::Frame::Status::too_large);
  const lsp::Frame next = reader.next();
  CHECK(next.status == lsp::Frame::Status::message);
  CHECK_THAT(next.body, Catch::Contains(R"("id":7)"));
  CHECK(reader.next().status == lsp::Frame::Status::end_of_input);
  // A body cut short by the end of input ends the reading, without waiting for more.
  std::istringstream cut("Content-Length: 100\r\n\r\n{\"jsonrpc\"");
  CHECK(lsp::FrameReader(cut).next().status == lsp::Frame::Status::end_of_input);
}

TEST_CASE("Positions count UTF-16 code units, as LSP does", "[lsp]") {
  // "é" is 2 bytes and 1 unit; "😀" is 4 bytes and 2 units (a surrogate pair); a stray byte
  // that is not UTF-8 counts as 1.
  const std::string text = "ab\n\xC3\xA9x\xF0\x9F\x98\x80y\n\xFFz\r\nlast";
  const lsp::LineIndex lines(text);
  auto at = [&](std::uint32_t offset) {
    const lsp::Position position = lines.position(offset);
    return std::pair{position.line, position.character};
  };
  CHECK(at(0) == std::pair{0u, 0u});
  CHECK(at(3) == std::pair{1u, 0u});
  CHECK(at(5) == std::pair{1u, 1u});   // after é
  CHECK(at(6) == std::pair{1u, 2u});   // after x
  CHECK(at(10) == std::pair{1u, 4u});  // after the emoji
  CHECK(at(8) == std::pair{1u, 2u});   // inside the emoji: its start
  CHECK(at(13) == std::pair{2u, 1u});  // after the stray byte
  CHECK(lines.offset({1, 4}) == 10);
  CHECK(lines.offset({1, 1}) == 5);
  CHECK(lines.offset({2, 2}) == 14);  // a character past the line's end: before its \r\n
  CHECK(lines.offset({3, 2}) == 18);
  CHECK(lines.offset({9, 0}) == text.size());
}

TEST_CASE("What the server writes is valid UTF-8, even when a message quotes a cut character",
          "[lsp]") {
  CHECK(lsp::valid_utf8("a\xC3\xA9\xF0\x9F\x98\x80") == "a\xC3\xA9\xF0\x9F\x98\x80");
  CHECK(lsp::valid_utf8("x\xC3") == "x\xEF\xBF\xBD");
  CHECK(lsp::valid_utf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  CHECK(lsp::valid_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // an overlong '/'
  // The parser's message quotes the first byte of "é" ("found '\xC3'"); the diagnostic the
  // server publishes still parses as JSON.
  Session session;
  session.open(kUri, "metric \xC3\xA9 = 1\n");
  session.run();
  const auto published = session.notifications("textDocument/publishDiagnostics");
  REQUIRE(published.size() == 1);
  CHECK(simdjson::validate_utf8(published[0]->text.data(), published[0]->text.size()));
}

TEST_CASE("Completion's keywords are the grammar's own", "[lsp]") {
  const auto& words = lsp::keywords();
  for (const char* word : {"tranche", "vests", "metric", "within", "granted", "timeline"}) {
    CHECK(contains(words, word));
  }
  CHECK(words.size() > 70);
}

}  // namespace proviso::testing
