// JSON Lines: one object per line, parsed in place by simdjson's On Demand API. Every line is
// validated whole, even of a type no contract declares; only the fields a declared type names
// are converted into an event, the others are only checked.
#include <fmt/format.h>

#include <simdjson.h>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "events/flat_json.hpp"
#include "events/read_fields.hpp"

namespace proviso::detail {

namespace {

namespace od = simdjson::ondemand;

static_assert(InputBuffer::kPadding >= simdjson::SIMDJSON_PADDING);

constexpr std::size_t kParserCapacity = 64 << 10;

bool is_blank(std::string_view line) {
  for (const char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

std::string_view trim_right(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

// The end of a JSON string's text starting at `pos`: the position of its closing quote, or npos
// when a backslash comes first (the sniff below then leaves the line to simdjson).
std::size_t plain_string_end(std::string_view line, std::size_t pos) {
  for (; pos < line.size(); ++pos) {
    if (line[pos] == '"') return pos;
    if (line[pos] == '\\') break;
  }
  return std::string_view::npos;
}

// The type name of a line of the usual shape, {"ts":"…","type":"NAME"… or {"type":"NAME"…,
// read straight from the text; nullopt for any other shape. The line is then walked once, in
// order, without first looking "type" up.
std::optional<std::string_view> sniff_type(std::string_view line) {
  constexpr std::string_view kTs = R"({"ts":")";
  constexpr std::string_view kType = R"("type":")";
  std::size_t pos = 1;
  if (line.substr(0, kTs.size()) == kTs) {
    pos = plain_string_end(line, kTs.size());
    if (pos == std::string_view::npos || pos + 1 >= line.size() || line[pos + 1] != ',') {
      return std::nullopt;
    }
    pos += 2;
  } else if (line.empty() || line[0] != '{') {
    return std::nullopt;
  }
  if (line.substr(pos, kType.size()) != kType) return std::nullopt;
  pos += kType.size();
  const std::size_t end = plain_string_end(line, pos);
  if (end == std::string_view::npos) return std::nullopt;
  return line.substr(pos, end - pos);
}

// Why simdjson rejected a line, in words for whoever wrote the log.
std::string explain(simdjson::error_code error) {
  switch (error) {
    case simdjson::UNCLOSED_STRING:
      return "a string is not closed";
    case simdjson::UTF8_ERROR:
      return "it is not valid UTF-8";
    case simdjson::TAPE_ERROR:
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
      return "a brace, bracket, comma, colon or key is missing or extra";
    case simdjson::STRING_ERROR:
      return "a string has a bad escape or control character";
    case simdjson::DEPTH_ERROR:
      return "it is nested too deeply";
    default:
      return simdjson::error_message(error);
  }
}

// How a message shows a JSON value of the wrong kind.
std::string found(od::value& value) {
  od::json_type type;
  if (value.type().get(type) == simdjson::SUCCESS) {
    if (type == od::json_type::object) return "an object";
    if (type == od::json_type::array) return "an array";
  }
  return shown(trim_right(value.raw_json_token()));
}

// Checks a value no schema reads: valid JSON all the way down (strings with good escapes,
// numbers within kMaxNumberDigits, each key once per object). False with `why` set. `keys` is
// scratch space reused from line to line (the keys of the objects being walked, innermost last).
bool check_json(od::value value, std::string& why, std::vector<std::string_view>& keys,
                int depth = 0) {
  constexpr int kMaxDepth = 64;
  od::json_type type;
  if (const auto error = value.type().get(type)) {
    why = explain(error);
    return false;
  }
  switch (type) {
    case od::json_type::object: {
      od::object object;
      if (const auto error = value.get_object().get(object)) {
        why = explain(error);
        return false;
      }
      if (depth >= kMaxDepth) {
        why = fmt::format("it is nested more than {} levels deep", kMaxDepth);
        return false;
      }
      // The unescaped keys live in the parser's string buffer until the next line.
      const std::size_t first_key = keys.size();
      for (auto member : object) {
        od::field field;
        std::string_view key;
        if (const auto error = std::move(member).get(field)) {
          why = explain(error);
          return false;
        }
        if (const auto error = field.unescaped_key().get(key)) {
          why = explain(error);
          return false;
        }
        if (std::find(keys.begin() + static_cast<std::ptrdiff_t>(first_key), keys.end(), key) !=
            keys.end()) {
          why = fmt::format("the key {} appears twice in one object", quoted(key));
          return false;
        }
        keys.push_back(key);
        if (!check_json(field.value(), why, keys, depth + 1)) return false;
      }
      keys.resize(first_key);
      return true;
    }
    case od::json_type::array: {
      od::array array;
      if (const auto error = value.get_array().get(array)) {
        why = explain(error);
        return false;
      }
      if (depth >= kMaxDepth) {
        why = fmt::format("it is nested more than {} levels deep", kMaxDepth);
        return false;
      }
      for (auto element : array) {
        od::value item;
        if (const auto error = std::move(element).get(item)) {
          why = explain(error);
          return false;
        }
        if (!check_json(item, why, keys, depth + 1)) return false;
      }
      return true;
    }
    case od::json_type::number:
      return check_json_number(trim_right(value.raw_json_token()), why);
    case od::json_type::string: {
      std::string_view text;
      if (const auto error = value.get_string().get(text)) {
        why = explain(error);
        return false;
      }
      return true;
    }
    case od::json_type::boolean: {
      bool flag = false;
      if (const auto error = value.get_bool().get(flag)) {
        why = fmt::format("{} is not true or false", shown(trim_right(value.raw_json_token())));
        return false;
      }
      return true;
    }
    case od::json_type::null: {
      bool is_null = false;
      if (value.is_null().get(is_null) != simdjson::SUCCESS || !is_null) {
        why = fmt::format("{} is not null", shown(trim_right(value.raw_json_token())));
        return false;
      }
      return true;
    }
  }
  throw std::logic_error("check_json: a JSON type without a case");
}

// A field's JSON value as the line gives it, read once however many fields of that name the
// contracts declare.
struct JsonValue {
  enum class Kind { string, number, boolean, other };
  Kind kind;
  // A string's text (unescaped), a number's or a boolean's JSON text, or how a message shows
  // any other value.
  std::string_view text;
};

// Reads `value` into `slot` as `field` declares it; false with `why` set when it does not fit.
bool read_json_value(const EventSchema& schema, const FieldSchema& field, const JsonValue& value,
                     FieldSlot& slot, std::string& why) {
  const bool numeric = field.type.kind == Kind::number || field.type.kind == Kind::quantity;
  switch (value.kind) {
    case JsonValue::Kind::string:
      return read_text(schema, field, value.text, false, slot, why);
    case JsonValue::Kind::number:
      if (numeric)
        return read_number(schema, field, value.text, Found{value.text, false}, slot, why);
      break;
    case JsonValue::Kind::boolean:
      if (field.type.kind == Kind::boolean) {
        slot.flag = value.text == "true";
        return true;
      }
      break;
    case JsonValue::Kind::other:
      break;
  }
  why = wrong_value(
      schema, field,
      value.kind == JsonValue::Kind::other ? std::string(value.text) : shown(value.text));
  return false;
}

class JsonlReader final : public EventReader {
 public:
  JsonlReader(std::string file, std::unique_ptr<InputBuffer> input, const EventSchemas& schemas,
              std::uint32_t log_index, const ReadOptions& options)
      : EventReader(std::move(file), schemas, log_index, options), input_(std::move(input)) {
    // Sized up front for any ordinary line, so the parser does not grow while reading; a longer
    // line still works (the parser grows then). A failure here is retried by iterate().
    [[maybe_unused]] const simdjson::error_code ignored = parser_.allocate(kParserCapacity);
  }

 private:
  Line read_line(Event& event) override {
    std::string_view text;
    while (true) {
      if (!input_->next_line(text)) {
        if (input_->io_error()) return fail(line_ + 1, "", *input_->io_error(), true);
        if (input_->full()) {
          input_->skip_line();
          return fail(++line_, "", "this line is longer than 64 MiB");
        }
        return Line::end;
      }
      ++line_;
      if (!is_blank(text)) return read_object(text, event);
    }
  }

  Line not_object(std::string_view why) {
    return fail(line_, "", fmt::format("this line is not a JSON object: {}", why));
  }

  Line duplicate_key(std::string_view key) {
    return fail(line_, std::string(key),
                fmt::format("the key {} appears twice in this object", quoted(key)));
  }

  // Every line is read whole, whatever its type: its JSON is validated, each key may appear
  // once, its "ts" must be a timestamp in the log's order (checked by the caller) and nothing
  // may follow the object. Only the fields a declared type names are converted into the event.
  // A plain flat line that is good throughout is read by the fast path; every other line, and
  // every line with something wrong, is read by simdjson, which also words the complaint.
  Line read_object(std::string_view text, Event& event) {
    if (read_flat_object(text, members_)) {
      if (const std::optional<Line> line = read_flat(event)) return *line;
    }
    return read_parsed(text, event);
  }

  // The fast path's reading of members_: the line's result when it is good, else nullopt.
  std::optional<Line> read_flat(Event& event) {
    const FlatMember* type_member = nullptr;
    const FlatMember* ts_member = nullptr;
    for (std::size_t i = 0; i < members_.size; ++i) {
      const FlatMember& member = members_.members[i];
      for (std::size_t j = 0; j < i; ++j) {
        if (members_.members[j].key == member.key) return std::nullopt;
      }
      if (member.key == "type") type_member = &member;
      if (member.key == "ts") ts_member = &member;
    }
    if (type_member == nullptr || type_member->kind != FlatKind::string || ts_member == nullptr ||
        ts_member->kind != FlatKind::string || !read_timestamp(ts_member->text(), event.ts, why_)) {
      return std::nullopt;
    }
    event.line = line_;
    const std::int64_t type = resolve_type(type_member->text());
    if (type < 0) return Line::undeclared;
    const EventSchema& schema = schemas_.events[static_cast<std::size_t>(type)];
    event.type = static_cast<std::uint32_t>(type);
    event.fields.resize(schema.fields.size());
    seen_fields_.assign(schema.fields.size(), false);
    for (const FlatMember& member : members_) {
      if (&member == type_member || &member == ts_member) continue;
      const JsonValue value{flat_kind(member.kind),
                            member.kind == FlatKind::string ? member.text() : member.raw};
      // Each field of that name, once per distinct declaration of it.
      for (std::size_t i = 0; i < schema.fields.size(); ++i) {
        if (schema.fields[i].name != member.key) continue;
        seen_fields_[i] = true;
        if (!read_json_value(schema, schema.fields[i], value, event.fields[i], why_)) {
          return std::nullopt;
        }
      }
    }
    for (std::size_t i = 0; i < schema.fields.size(); ++i) {
      if (seen_fields_[i]) continue;
      if (!may_be_absent(schema.fields[i])) return std::nullopt;
      event.fields[i].text.clear();
    }
    return Line::event;
  }

  Line read_parsed(std::string_view text, Event& event) {
    // JSON would take a lone CR for a space, so a log saved with CR-only line ends would read as
    // one line holding all its events, whose first object is then followed by the others.
    if (text.find('\r') != std::string_view::npos) {
      return fail(line_, "",
                  "this line holds a carriage return (CR) that does not end it: a log's lines end "
                  "with LF or CR LF, so convert a file with CR-only line ends first");
    }
    const std::optional<std::string_view> sniffed = sniff_type(text);
    const simdjson::padded_string_view padded(text.data(), text.size(),
                                              text.size() + InputBuffer::kPadding);
    od::document document;
    if (const auto error = parser_.iterate(padded).get(document)) return not_object(explain(error));
    od::object object;
    if (const auto error = document.get_object().get(object)) {
      if (error != simdjson::INCORRECT_TYPE) return not_object(explain(error));
      const std::string_view start = text.substr(text.find_first_not_of(" \t"));
      return not_object(fmt::format("it begins {}", quoted(start)));
    }

    od::value value;
    std::string_view type_name;
    if (sniffed) {
      type_name = *sniffed;
    } else {
      if (const auto error = object.find_field_unordered("type").get(value)) {
        if (error == simdjson::NO_SUCH_FIELD) return fail(line_, "type", "missing field \"type\"");
        return not_object(explain(error));
      }
      if (value.get_string().get(type_name) != simdjson::SUCCESS) {
        return fail(
            line_, "type",
            fmt::format("\"type\" must be the name of an event type, found {}", found(value)));
      }
      if (const auto error = object.reset().error()) return not_object(explain(error));
    }
    const std::int64_t type = resolve_type(type_name);
    const EventSchema* schema =
        type < 0 ? nullptr : &schemas_.events[static_cast<std::size_t>(type)];
    if (schema != nullptr) {
      event.type = static_cast<std::uint32_t>(type);
      event.fields.resize(schema->fields.size());
      seen_fields_.assign(schema->fields.size(), false);
      problems_.resize(schema->fields.size());
      for (std::string& problem : problems_) problem.clear();
    }
    event.line = line_;

    bool seen_type = false, seen_ts = false;
    other_keys_.clear();
    for (auto member : object) {
      od::field field;
      if (const auto error = std::move(member).get(field)) return not_object(explain(error));
      std::string_view key;
      if (const auto error = field.unescaped_key().get(key)) return not_object(explain(error));
      value = field.value();
      if (key == "type") {
        if (seen_type) return duplicate_key(key);
        seen_type = true;
      } else if (key == "ts") {
        if (seen_ts) return duplicate_key(key);
        seen_ts = true;
        std::string_view ts_text;
        if (value.get_string().get(ts_text) != simdjson::SUCCESS) {
          return fail(
              line_, "ts",
              fmt::format("\"ts\" must be a timestamp such as \"2026-09-01T14:30:00Z\", found {}",
                          found(value)));
        }
        if (!read_timestamp(ts_text, event.ts, why_)) {
          return fail(line_, "ts", fmt::format("\"ts\" is not a timestamp: {}", why_));
        }
      } else if (const std::size_t first = schema ? field_index(*schema, key) : npos;
                 first != npos) {
        if (seen_fields_[first]) return duplicate_key(key);
        // A value that is not even valid JSON makes the line bad for everyone; one that does not
        // fit a declaration is bad for the contracts that declare the field so (settle_fields).
        JsonValue json;
        if (!take_value(value, json)) {
          return fail(line_, std::string(key), fmt::format("field {}: {}", quoted(key), why_));
        }
        for (std::size_t i = first; i < schema->fields.size(); ++i) {
          if (schema->fields[i].name != key) continue;
          seen_fields_[i] = true;
          if (!read_json_value(*schema, schema->fields[i], json, event.fields[i], why_)) {
            problems_[i] = std::move(why_);
          }
        }
      } else {
        if (std::find(other_keys_.begin(), other_keys_.end(), key) != other_keys_.end()) {
          return duplicate_key(key);
        }
        other_keys_.push_back(key);
        nested_keys_.clear();
        if (!check_json(value, why_, nested_keys_)) {
          return fail(line_, std::string(key), fmt::format("field {}: {}", quoted(key), why_));
        }
      }
    }
    // A document that was read to its end has no current location left.
    if (const char* rest = nullptr; document.current_location().get(rest) == simdjson::SUCCESS) {
      return not_object("something follows the object's closing brace on the same line");
    }
    if (!seen_ts) return fail(line_, "ts", "missing field \"ts\"");
    if (schema == nullptr) return Line::undeclared;
    for (std::size_t i = 0; i < schema->fields.size(); ++i) {
      if (seen_fields_[i]) continue;
      if (may_be_absent(schema->fields[i])) {
        event.fields[i].text.clear();
      } else {
        problems_[i] = missing_field(*schema, schema->fields[i]);
      }
    }
    return settle_fields(event, *schema, problems_);
  }

  static constexpr std::size_t npos = std::string_view::npos;

  static std::size_t field_index(const EventSchema& schema, std::string_view key) {
    for (std::size_t i = 0; i < schema.fields.size(); ++i) {
      if (schema.fields[i].name == key) return i;
    }
    return npos;
  }

  static JsonValue::Kind flat_kind(FlatKind kind) {
    switch (kind) {
      case FlatKind::string:
        return JsonValue::Kind::string;
      case FlatKind::number:
        return JsonValue::Kind::number;
      case FlatKind::boolean:
        return JsonValue::Kind::boolean;
      case FlatKind::null:
        return JsonValue::Kind::other;
    }
    throw std::logic_error("flat_kind: a kind without a case");
  }

  // Reads a field's JSON value once, checking that it is valid JSON all the way down; false with
  // why_ set when it is not. The text of `json` lives until the next line.
  bool take_value(od::value& value, JsonValue& json) {
    od::json_type type;
    if (const auto error = value.type().get(type)) {
      why_ = explain(error);
      return false;
    }
    switch (type) {
      case od::json_type::string:
        json.kind = JsonValue::Kind::string;
        if (const auto error = value.get_string().get(json.text)) {
          why_ = explain(error);
          return false;
        }
        return true;
      case od::json_type::number:
        json.kind = JsonValue::Kind::number;
        json.text = trim_right(value.raw_json_token());
        return check_json_number(json.text, why_);
      case od::json_type::boolean: {
        json.kind = JsonValue::Kind::boolean;
        json.text = trim_right(value.raw_json_token());
        bool flag = false;
        if (value.get_bool().get(flag) != simdjson::SUCCESS) {
          why_ = fmt::format("{} is not true or false", shown(json.text));
          return false;
        }
        return true;
      }
      case od::json_type::null:
      case od::json_type::object:
      case od::json_type::array:
        // Never a field's value: shown as found, once it is known to be valid JSON.
        json.kind = JsonValue::Kind::other;
        other_shown_ = found(value);
        json.text = other_shown_;
        nested_keys_.clear();
        return check_json(value, why_, nested_keys_);
    }
    throw std::logic_error("take_value: a JSON type without a case");
  }

  std::unique_ptr<InputBuffer> input_;
  od::parser parser_;
  std::vector<bool> seen_fields_;              // by field of the line's schema
  std::vector<std::string> problems_;          // by field: why it is bad, empty when good
  std::vector<std::string_view> other_keys_;   // the line's keys that no schema field names
  std::vector<std::string_view> nested_keys_;  // check_json's scratch space
  FlatObject members_;                         // the fast path's reading of the line
  std::uint64_t line_ = 0;
  std::string why_;          // the latest complaint, reused
  std::string other_shown_;  // how a message shows the value of the wrong kind being read
};

}  // namespace

std::unique_ptr<EventReader> make_jsonl_reader(std::string file, std::unique_ptr<InputBuffer> input,
                                               const EventSchemas& schemas, std::uint32_t log_index,
                                               const ReadOptions& options) {
  return std::make_unique<JsonlReader>(std::move(file), std::move(input), schemas, log_index,
                                       options);
}

}  // namespace proviso::detail
