// The one JSON writer and the one markup escaper in base/, which every output shares.
#include <catch2/catch.hpp>

#include "base/escape.hpp"
#include "base/json.hpp"

namespace proviso {

TEST_CASE("json_string escapes quotes, backslashes and control characters only", "[json]") {
  CHECK(json_string("a\"b\\c") == R"("a\"b\\c")");
  CHECK(json_string("line\nnext\ttab\rret") == R"("line\nnext\ttab\rret")");
  CHECK(json_string(std::string("\x01\x1f", 2)) == R"("\u0001\u001f")");
  CHECK(json_string("AMD–OpenAI § 2") == "\"AMD–OpenAI § 2\"");
}

TEST_CASE("JsonWriter writes compact JSON on one line", "[json]") {
  JsonWriter json;
  json.begin_object();
  json.key("a").string("x");
  json.key("n").number(17);
  json.key("empty").begin_array().end_array();
  json.key("list").begin_array().boolean(true).null().begin_object().end_object().end_array();
  json.end_object();
  CHECK(json.text() == R"({"a":"x","n":17,"empty":[],"list":[true,null,{}]})");
}

TEST_CASE("JsonWriter indents by two spaces a level, from a starting depth", "[json]") {
  JsonWriter json(JsonWriter::Layout::indented);
  json.begin_array();
  json.begin_object().key("a").string("x").key("parts").begin_array().end_array().end_object();
  json.string("y");
  json.end_array();
  CHECK(json.text() == "[\n  {\n    \"a\": \"x\",\n    \"parts\": []\n  },\n  \"y\"\n]");

  JsonWriter nested(JsonWriter::Layout::indented, 1);
  nested.begin_object().key("k").null().end_object();
  CHECK(nested.text() == "{\n    \"k\": null\n  }");
}

TEST_CASE("markup escaping: HTML, XML attributes and XML text", "[json]") {
  const std::string text = "<a href=\"x\">Tom & 'Jerry'</a>\n\t\x01";
  CHECK(html_escape(text) ==
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;\n\t\x01");
  CHECK(xml_escape(text) ==
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;&#10;&#9;");
  CHECK(xml_escape(text, false) ==
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;\n\t");
}

}  // namespace proviso
