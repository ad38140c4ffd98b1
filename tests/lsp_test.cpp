// `proviso lsp` in process: the server reads a script of LSP messages from a stream and its
// answers are checked one by one (tests/lsp/lsp_client.py drives the real command over pipes).
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

namespace {

namespace dom = simdjson::dom;

std::string frame(std::string_view body) {
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
std::string position_json(std::string_view text, std::string_view needle, std::size_t after = 0) {
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

std::int64_t error_code(const Session& session, int id) {
  const Reply& reply = session.response(id);
  INFO(reply.text);
  std::int64_t code = 0;
  REQUIRE(reply.root["error"]["code"].get_int64().get(code) == simdjson::SUCCESS);
  return code;
}

std::vector<std::string> labels(const dom::element& completion) {
  std::vector<std::string> found;
  for (dom::element item : completion["items"].get_array()) {
    found.emplace_back(item["label"].get_string().value());
  }
  return found;
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

const char* const kUri = "file:///work/amd.proviso";

}  // namespace

TEST_CASE("The language server diagnoses a mistake as the file is edited, and clears it", "[lsp]") {
  const std::string broken =
      "contract \"Edit\"\n  effective 2026-01-01\n\nevent close { px: USD }\n"
      "metric last_close = latest close.px\n\n"
      "clause C1 \"Price\"\n  triggers when last_clos >= 10 USD\n";
  std::string fixed = broken;
  fixed.replace(fixed.find("last_clos "), 10, "last_close ");
  Session session;
  session.open(kUri, broken);
  session.change(kUri, 2, fixed);
  CHECK(session.run() == 1);  // the input ended without shutdown and exit

  const auto published = session.notifications("textDocument/publishDiagnostics");
  REQUIRE(published.size() == 2);
  const dom::element first = published[0]->root["params"];
  CHECK(first["uri"].get_string().value() == kUri);
  CHECK(first["version"].get_int64().value() == 1);
  const dom::array diagnostics = first["diagnostics"].get_array();
  REQUIRE(diagnostics.size() == 1);
  const dom::element diagnostic = diagnostics.at(0).value();
  INFO(published[0]->text);
  CHECK(std::string(diagnostic["message"].get_string().value()) ==
        "last_clos is not declared\nhelp: did you mean last_close?");
  CHECK(diagnostic["severity"].get_int64().value() == 1);
  CHECK(diagnostic["source"].get_string().value() == "proviso");
  CHECK(simdjson::to_string(diagnostic["range"]) ==
        fmt::format(R"({{"start":{},"end":{}}})", position_json(broken, "last_clos "),
                    position_json(broken, "last_clos ", 9)));
  CHECK(published[1]->root["params"]["version"].get_int64().value() == 2);
  CHECK(published[1]->root["params"]["diagnostics"].get_array().size() == 0);
}

TEST_CASE(
    "Hover shows a name's type and unit, a metric's definition, a clause's title and "
    "citation",
    "[lsp]") {
  const std::string text = read_file(source_dir() / "contracts/amd_openai.proviso");
  Session session;
  session.open(kUri, text);
  const int metric = session.at("textDocument/hover", kUri, text, "amd_deployed >= 1 GW");
  const int clause = session.at("textDocument/hover", kUri, text, "T1 vested at", 1);
  const int constant = session.at("textDocument/hover", kUri, text, "tranche_shares\n");
  const int field = session.at("textDocument/hover", kUri, text, "deployment.mw", 11);
  const int variable = session.at("textDocument/hover", kUri, text, "k GW");
  const int calendar = session.at("textDocument/hover", kUri, text, "NYSE");
  const int unit = session.at("textDocument/hover", kUri, text, "GW\n");
  const int state = session.at("textDocument/hover", kUri, text, "vested at", 2);
  const int keyword = session.at("textDocument/hover", kUri, text, "vests when");
  // Words in comments and texts name nothing: "shares" and "USD" are not units there.
  const int in_comment = session.at("textDocument/hover", kUri, text, "shares in six", 1);
  const int in_text = session.at("textDocument/hover", kUri, text, "USD\"\n", 1);
  session.run();

  CHECK(session.hover(metric) ==
        "**metric** `amd_deployed`: MW\n\n"
        "```proviso\nmetric amd_deployed = sum deployment.mw where vendor == \"AMD\"\n```");
  CHECK(session.hover(clause) ==
        "**tranche** `T1`\n\n*First gigawatt*\n\n"
        "> Warrant § 2(a): the first tranche vests on the first gigawatt deployed\n\n"
        "states: pending, vested, exercisable");
  CHECK(session.hover(constant) ==
        "**constant** `tranche_shares` = 26,666,667 shares\n\n"
        "```proviso\nlet tranche_shares = 26_666_667 shares\n```");
  CHECK(session.hover(field) == "**field** `deployment.mw`: MW");
  CHECK(session.hover(variable) ==
        "**variable** `k`: a plain number of the family `A[k]`\n\n```proviso\nk in 2..5\n```");
  CHECK(session.hover(calendar) == "**calendar** `NYSE` (from the stdlib)");
  CHECK(session.hover(unit).starts_with("**unit** `GW` of power\n\n1 GW = 1000000000 W"));
  CHECK(session.hover(state) == "**state** `vested` of T1, A[2], A[3], A[4], A[5], A6");
  CHECK(session.hover(keyword) == "null");
  CHECK(session.hover(in_comment) == "null");
  CHECK(session.hover(in_text) == "null");
  // The hover's range is the word's.
  CHECK(simdjson::to_string(session.result(metric)["range"]["start"]) ==
        position_json(text, "amd_deployed >= 1 GW"));
}

TEST_CASE("A ranged change edits the text where it says, counting UTF-16 units", "[lsp]") {
  const std::string text =
      "contract \"X\" -- “Draft” §1\nevent close { px: USD }\nmetric m = latest close.qx\n";
  Session session;
  session.open(kUri, text);
  // "qx" becomes "px" on line 2; a new line declaring `extra` goes after the curly quotes of
  // line 0 (placed by bytes rather than UTF-16 units, it would land inside the word "Draft").
  session.notify(
      "textDocument/didChange",
      fmt::format(R"({{"textDocument":{{"uri":"{}","version":2}},"contentChanges":[)"
                  R"({{"range":{{"start":{},"end":{}}},"text":"px"}},)"
                  R"({{"range":{{"start":{},"end":{}}},"text":"\nlet extra = 2\n--"}}]}})",
                  kUri, position_json(text, "qx"), position_json(text, "qx", 2),
                  position_json(text, " §1"), position_json(text, " §1")));
  const int symbols = session.request("textDocument/documentSymbol",
                                      fmt::format(R"({{"textDocument":{{"uri":"{}"}}}})", kUri));
  session.run();
  const auto published = session.notifications("textDocument/publishDiagnostics");
  REQUIRE(published.size() == 2);
  CHECK(published[0]->root["params"]["diagnostics"].get_array().size() == 1);  // no field qx
  INFO(published[1]->text);
  CHECK(published[1]->root["params"]["diagnostics"].get_array().size() == 0);
  std::vector<std::string> names;
  for (dom::element symbol : session.result(symbols).get_array()) {
    names.emplace_back(symbol["name"].get_string().value());
  }
  CHECK(names == std::vector<std::string>{"X", "extra", "close", "m"});
}

TEST_CASE("Go to definition finds metrics, clauses, events, constants and calendars", "[lsp]") {
  const std::string text =
      "contract \"Desk\"\n  calendar DESK\n  effective 2026-01-01\n\n"
      "calendar DESK {\n  weekend Saturday, Sunday\n}\n\n"
      "event close { px: USD }\n"
      "metric last_close = latest close.px\n"
      "let floor = 10 USD\n\n"
      "clause C1 \"Price\"\n  triggers when last_close >= floor\n\n"
      "for each k in 1..2\n  clause F[k] \"Later\"\n    after C1\n"
      "    triggers when last_close >= k * floor\n\n"
      "test \"t\" {\n  expect F[2] pending\n}\n";
  Session session;
  session.open(kUri, text);
  const int metric = session.at("textDocument/definition", kUri, text, "last_close >= floor");
  const int constant = session.at("textDocument/definition", kUri, text, "floor\n", 2);
  const int event = session.at("textDocument/definition", kUri, text, "close.px", 3);
  const int field = session.at("textDocument/definition", kUri, text, "close.px", 7);
  const int clause = session.at("textDocument/definition", kUri, text, "C1\n    triggers");
  const int family = session.at("textDocument/definition", kUri, text, "F[2] pending");
  const int calendar = session.at("textDocument/definition", kUri, text, "DESK\n  effective");
  const int variable = session.at("textDocument/definition", kUri, text, "k * floor");
  const int stdlib_unit = session.at("textDocument/definition", kUri, text, "USD\n");
  session.run();

  auto target = [&](int id) { return simdjson::to_string(session.result(id)); };
  auto location = [&](std::string_view needle, std::size_t length) {
    return fmt::format(R"({{"uri":"{}","range":{{"start":{},"end":{}}}}})", kUri,
                       position_json(text, needle), position_json(text, needle, length));
  };
  CHECK(target(metric) == location("last_close =", 10));
  CHECK(target(constant) == location("floor =", 5));
  CHECK(target(event) == location("close {", 5));
  CHECK(target(field) == location("px: USD", 2));
  CHECK(target(clause) == location("C1 \"Price\"", 2));
  CHECK(target(family) == location("F[k]", 1));
  CHECK(target(calendar) == location("DESK {", 4));
  CHECK(target(variable) == location("k in", 1));
  CHECK(target(stdlib_unit) == "null");  // declared in the stdlib, not in this document
}

TEST_CASE("Completion offers names in scope, units, keywords, state names and fields", "[lsp]") {
  const std::string text = read_file(source_dir() / "contracts/amd_openai.proviso");
  Session session;
  session.open(kUri, text);
  const int names = session.at("textDocument/completion", kUri, text, "amd_deployed >= 1 GW", 4);
  const int units = session.at("textDocument/completion", kUri, text, "GW\n", 1);
  const int keywords = session.at("textDocument/completion", kUri, text, "vests when", 3);
  const int states = session.at("textDocument/completion", kUri, text, "vested at", 3);
  const int fields = session.at("textDocument/completion", kUri, text, "deployment.mw", 12);
  const int in_family = session.at("textDocument/completion", kUri, text, "target on", 2);
  const int in_metric = session.at("textDocument/completion", kUri, text, "vendor ==", 2);
  session.run();

  const auto name_labels = labels(session.result(names));
  CHECK(contains(name_labels, "amd_deployed"));
  CHECK(contains(name_labels, "amd_close"));
  CHECK_FALSE(contains(name_labels, "technical"));  // does not start with "amd_"
  const auto unit_labels = labels(session.result(units));
  CHECK(contains(unit_labels, "GW"));
  for (const std::string& label : unit_labels) CHECK(label.starts_with("G"));
  const auto keyword_labels = labels(session.result(keywords));
  CHECK(contains(keyword_labels, "vests"));
  const auto state_labels = labels(session.result(states));
  CHECK(contains(state_labels, "vested"));
  CHECK(labels(session.result(fields)) == std::vector<std::string>{"mw"});
  CHECK(labels(session.result(in_family)) == std::vector<std::string>{"target"});
  // In a metric's filter, the fields of the event it aggregates.
  CHECK(contains(labels(session.result(in_metric)), "vendor"));
}

TEST_CASE("Document symbols outline the contract's clauses and metrics", "[lsp]") {
  const std::string text = read_file(source_dir() / "contracts/amd_openai.proviso");
  Session session;
  session.open(kUri, text);
  const int id = session.request("textDocument/documentSymbol",
                                 fmt::format(R"({{"textDocument":{{"uri":"{}"}}}})", kUri));
  session.run();
  std::vector<std::string> names;
  std::vector<std::int64_t> kinds;
  for (dom::element symbol : session.result(id).get_array()) {
    names.emplace_back(symbol["name"].get_string().value());
    kinds.push_back(symbol["kind"].get_int64().value());
  }
  CHECK(names == std::vector<std::string>{"AMD–OpenAI warrant", "deployment", "close", "milestone",
                                          "split", "amd_deployed", "amd_close", "technical",
                                          "commercial", "final_tech", "tranche_shares", "T1",
                                          "A[k]", "A6", "T1 vests on the first gigawatt",
                                          "NVIDIA deployments do not count"});
  CHECK(kinds[5] == 12);  // metric: Function
  CHECK(kinds[11] == 5);  // clause: Class
  // An event's fields are its children; the selection range lies inside the range.
  const dom::element deployment = session.result(id).at(1).value();
  CHECK(deployment["children"].get_array().size() == 2);
  CHECK(simdjson::to_string(deployment["selectionRange"]["start"]) ==
        position_json(text, "deployment {"));
}

TEST_CASE("Formatting goes through proviso fmt; a file that does not parse is refused", "[lsp]") {
  const std::string messy = "event close {px:USD}\nmetric   closing = latest close.px\n";
  const std::string broken = "metric = \n";
  Session session;
  session.open(kUri, messy);
  session.open("file:///broken.proviso", broken);
  const int format = session.request(
      "textDocument/formatting", fmt::format(R"({{"textDocument":{{"uri":"{}"}},)"
                                             R"("options":{{"tabSize":2,"insertSpaces":true}}}})",
                                             kUri));
  const int refused = session.request("textDocument/formatting",
                                      R"({"textDocument":{"uri":"file:///broken.proviso"}})");
  session.run();
  const SourceFile source{"x", messy};
  CHECK(simdjson::to_string(session.result(format)) ==
        fmt::format(R"([{{"range":{{"start":{{"line":0,"character":0}},)"
                    R"("end":{{"line":2,"character":0}}}},"newText":{}}}])",
                    json_string("event close { px: USD }\nmetric closing = latest close.px\n")));
  CHECK(error_code(session, refused) == lsp::kRequestFailed);
}

TEST_CASE("A half-typed file still gets hover, completion and definition for what parses",
          "[lsp]") {
  const std::string text =
      "contract \"Draft\"\n  effective 2026-01-01\n\n"
      "event close { px: USD }\n"
      "metric last_close = latest close.px\n\n"
      "clause C1 \"Price\"\n  triggers when last_close >=\n\n"  // being typed
      "let floor = 10 USD\n";
  Session session;
  session.open(kUri, text);
  const int hover = session.at("textDocument/hover", kUri, text, "last_close >=");
  const int completion = session.at("textDocument/completion", kUri, text, "last_close >=", 2);
  const int definition = session.at("textDocument/definition", kUri, text, "floor");
  const int symbols = session.request("textDocument/documentSymbol",
                                      fmt::format(R"({{"textDocument":{{"uri":"{}"}}}})", kUri));
  session.run();

  // The syntax error is reported …
  const auto published = session.notifications("textDocument/publishDiagnostics");
  REQUIRE(published.size() == 1);
  CHECK(published[0]->root["params"]["diagnostics"].get_array().size() == 1);
  // … and the declarations around it still answer.
  CHECK(session.hover(hover).starts_with("**metric** `last_close`: USD"));
  CHECK(contains(labels(session.result(completion)), "last_close"));
  CHECK(simdjson::to_string(session.result(definition)["range"]["start"]) ==
        position_json(text, "floor"));
  std::vector<std::string> names;
  for (dom::element symbol : session.result(symbols).get_array()) {
    names.emplace_back(symbol["name"].get_string().value());
  }
  CHECK(names == std::vector<std::string>{"Draft", "close", "last_close", "floor"});
}

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

TEST_CASE("Requests before initialize are refused; a second initialize too", "[lsp]") {
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

TEST_CASE("A frame over the size limit is skipped and answered; the next one is read", "[lsp]") {
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
