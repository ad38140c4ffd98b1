// The one JSON writer behind every JSON output (proviso run --format jsonl, proviso explain
// --format json): string escaping, objects and arrays, on one line or indented.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace proviso {

/// `text` as a JSON string literal, quotes included: quotes, backslashes and control
/// characters escaped, everything else (UTF-8 included) as it is.
std::string json_string(std::string_view text);

/// Writes one JSON value as a stream of calls: begin_object, key, a value, …, end_object.
/// Compact output has no spaces or line breaks; indented output puts each member or element
/// on its own line, two spaces a level, and writes an empty object or array as {} or [].
class JsonWriter {
 public:
  enum class Layout { compact, indented };

  /// An indented writer's lines start `depth` levels in, for a value nested in text written
  /// by other means; its first line is not indented.
  explicit JsonWriter(Layout layout = Layout::compact, int depth = 0);

  /// Names the next value; inside an object, before each value.
  JsonWriter& key(std::string_view name);
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  /// A string value.
  JsonWriter& string(std::string_view text);
  /// A number value.
  JsonWriter& number(std::uint64_t value);
  /// A number value that may be negative (JSON-RPC error codes); a name of its own, since an
  /// overload of number() would make calls with an int ambiguous.
  JsonWriter& signed_number(std::int64_t value);
  /// true or false.
  JsonWriter& boolean(bool value);
  /// null.
  JsonWriter& null();

  /// The JSON written so far.
  const std::string& text() const { return out_; }

 private:
  void start_value();
  void open(char bracket);
  void close(char bracket);

  std::string out_;
  Layout layout_;
  int depth_;
  bool empty_ = true;       // the innermost open container has no value yet
  bool top_ = true;         // nothing written yet
  bool after_key_ = false;  // a key was written; its value comes next
};

}  // namespace proviso
