// JSON Lines: one object per line, parsed in place by simdjson's On Demand API. "type" is read
// first, so a line whose type no contract declares costs one lookup and nothing more (nor is the
// rest of it validated); the other fields are found by name, and fields no schema names are never
// looked at.
#include <fmt/format.h>

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

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
// read straight from the text; nullopt for any other shape. Lines of undeclared types (most of a
// market-data log) are then passed over without running the parser over them at all.
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

  Line read_object(std::string_view text, Event& event) {
    if (const auto name = sniff_type(text); name && resolve_type(*name) < 0) {
      return Line::undeclared;
    }
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
    if (const auto error = object.find_field_unordered("type").get(value)) {
      if (error == simdjson::NO_SUCH_FIELD) return fail(line_, "type", "missing field \"type\"");
      return not_object(explain(error));
    }
    if (value.get_string().get(type_name) != simdjson::SUCCESS) {
      return fail(
          line_, "type",
          fmt::format("\"type\" must be the name of an event type, found {}", found(value)));
    }
    const std::int64_t type = resolve_type(type_name);
    if (type < 0) return Line::undeclared;

    std::string_view ts_text;
    if (const auto error = object.find_field_unordered("ts").get(value)) {
      if (error == simdjson::NO_SUCH_FIELD) return fail(line_, "ts", "missing field \"ts\"");
      return not_object(explain(error));
    }
    if (value.get_string().get(ts_text) != simdjson::SUCCESS) {
      return fail(
          line_, "ts",
          fmt::format("\"ts\" must be a timestamp such as \"2026-09-01T14:30:00Z\", found {}",
                      found(value)));
    }
    if (!read_timestamp(ts_text, event.ts, why_)) {
      return fail(line_, "ts", fmt::format("\"ts\" is not a timestamp: {}", why_));
    }

    const EventSchema& schema = schemas_.events[static_cast<std::size_t>(type)];
    event.type = static_cast<std::uint32_t>(type);
    event.line = line_;
    event.fields.resize(schema.fields.size());
    for (std::size_t i = 0; i < schema.fields.size(); ++i) {
      const FieldSchema& field = schema.fields[i];
      if (const auto error = object.find_field_unordered(field.name).get(value)) {
        if (error == simdjson::NO_SUCH_FIELD) {
          return fail(line_, field.name, missing_field(schema, field));
        }
        return not_object(explain(error));
      }
      if (!read_value(schema, field, value, event.fields[i])) {
        return fail(line_, field.name, std::move(why_));
      }
    }
    return Line::event;
  }

  // Reads one field's JSON value into `slot`; false with why_ set.
  bool read_value(const EventSchema& schema, const FieldSchema& field, od::value& value,
                  FieldSlot& slot) {
    od::json_type type;
    if (value.type().get(type) != simdjson::SUCCESS) {
      why_ = wrong_value(schema, field, found(value));
      return false;
    }
    if (type == od::json_type::string) {
      std::string_view text;
      if (value.get_string().get(text) != simdjson::SUCCESS) {
        why_ = wrong_value(schema, field, found(value));
        return false;
      }
      return read_text(schema, field, text, false, slot, why_);
    }
    const bool numeric = field.type.kind == Kind::number || field.type.kind == Kind::quantity;
    if (numeric && type == od::json_type::number) {
      const std::string_view raw = trim_right(value.raw_json_token());
      return read_number(schema, field, raw, raw, slot, why_);
    }
    if (field.type.kind == Kind::boolean && type == od::json_type::boolean) {
      bool flag = false;
      if (value.get_bool().get(flag) != simdjson::SUCCESS) {
        why_ = wrong_value(schema, field, found(value));
        return false;
      }
      slot.flag = flag;
      return true;
    }
    why_ = wrong_value(schema, field, found(value));
    return false;
  }

  std::unique_ptr<InputBuffer> input_;
  od::parser parser_;
  std::uint64_t line_ = 0;
  std::string why_;  // the latest complaint, reused
};

}  // namespace

std::unique_ptr<EventReader> make_jsonl_reader(std::string file, std::unique_ptr<InputBuffer> input,
                                               const EventSchemas& schemas, std::uint32_t log_index,
                                               const ReadOptions& options) {
  return std::make_unique<JsonlReader>(std::move(file), std::move(input), schemas, log_index,
                                       options);
}

}  // namespace proviso::detail
