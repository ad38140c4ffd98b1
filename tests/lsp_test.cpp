// `proviso lsp` in process, feature by feature: diagnostics, hover, definition, completion,
// symbols, formatting, half-typed files (tests/lsp/lsp_client.py drives the real command over
// pipes; lsp_protocol_test.cpp covers framing, errors and positions).
#include "tests/lsp_session.hpp"

namespace proviso::testing {

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
  const int member = session.at("textDocument/hover", kUri, text, "A[2] pending");
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
  // A family member as written: the family, and the member's values.
  CHECK(session.hover(member) ==
        "**tranche** `A` — a family: `for each k in 2..5, target in [250 USD per share, 300 USD "
        "per share, 400 USD per share,`\n\n`A[2]`: k = 2, target = 250 USD per share\n\n"
        "*Deployment and share price*\n\n"
        "> Warrant § 2(b): later tranches vest as deployment and AMD's share price reach "
        "targets\n\nstates: pending, vested, exercisable");
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

TEST_CASE("Formatting goes through proviso fmt, and a file that does not parse is refused",
          "[lsp]") {
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

}  // namespace proviso::testing
