#include "base/json.hpp"

#include <fmt/format.h>

namespace proviso {

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  return out + "\"";
}

JsonWriter::JsonWriter(Layout layout, int depth) : layout_(layout), depth_(depth) {}

// Before a member (its key) or an element: the comma, and in the indented layout the line
// break and indentation.
void JsonWriter::start_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!top_) {
    if (!empty_) out_ += ',';
    if (layout_ == Layout::indented) out_ += fmt::format("\n{:{}}", "", depth_ * 2);
  }
  top_ = false;
  empty_ = false;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  start_value();
  out_ += json_string(name);
  out_ += layout_ == Layout::indented ? ": " : ":";
  after_key_ = true;
  return *this;
}

void JsonWriter::open(char bracket) {
  start_value();
  out_ += bracket;
  ++depth_;
  empty_ = true;
}

void JsonWriter::close(char bracket) {
  --depth_;
  if (!empty_ && layout_ == Layout::indented) out_ += fmt::format("\n{:{}}", "", depth_ * 2);
  out_ += bracket;
  // The container just closed is a value of the one around it, which is therefore not empty.
  empty_ = false;
}

JsonWriter& JsonWriter::begin_object() {
  open('{');
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  close('}');
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  open('[');
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  close(']');
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view text) {
  start_value();
  out_ += json_string(text);
  return *this;
}

JsonWriter& JsonWriter::number(std::uint64_t value) {
  start_value();
  out_ += fmt::format("{}", value);
  return *this;
}

JsonWriter& JsonWriter::signed_number(std::int64_t value) {
  start_value();
  out_ += fmt::format("{}", value);
  return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
  start_value();
  out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  start_value();
  out_ += "null";
  return *this;
}

}  // namespace proviso
