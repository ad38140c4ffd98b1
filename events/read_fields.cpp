#include "events/read_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <variant>

namespace proviso::detail {

namespace {

constexpr std::size_t kShownLength = 40;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Decimal text as logs write it: -?D+(.D+)?([eE][+-]?D+)?. Decimal::parse alone would also take
// "+1" and "1_000", which are Proviso literals, not log data.
bool is_plain_decimal(std::string_view text) {
  std::size_t pos = 0;
  const auto digits = [&] {
    const std::size_t start = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    return pos > start;
  };
  if (pos < text.size() && text[pos] == '-') ++pos;
  if (!digits()) return false;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    if (!digits()) return false;
  }
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
    if (!digits()) return false;
  }
  return pos == text.size();
}

// A parser's reason without its opening echo of the text ("\"x\" is not a date: "), which the
// message around it already says.
std::string unechoed(std::string reason, std::string_view text, std::string_view kind) {
  const std::string echo = fmt::format("\"{}\" is not a {}: ", text, kind);
  if (reason.compare(0, echo.size(), echo) == 0) reason.erase(0, echo.size());
  return reason;
}

std::string field_says(const EventSchema& event, const FieldSchema& field, std::string_view what) {
  return fmt::format("{} event: field \"{}\" {}", event.name, field.name, what);
}

}  // namespace

std::string shown(std::string_view raw) {
  std::size_t length = std::min(raw.size(), kShownLength);
  // Cut before a character, not inside one (UTF-8 continuation bytes are 10xxxxxx).
  while (length < raw.size() && length > 0 &&
         (static_cast<unsigned char>(raw[length]) & 0xC0) == 0x80) {
    --length;
  }
  std::string text;
  for (const char c : raw.substr(0, length)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      text += fmt::format("\\x{:02X}", byte);  // control characters would garble the terminal
    } else {
      text += c;
    }
  }
  if (length < raw.size()) text += "…";
  return text;
}

std::string quoted(std::string_view text) {
  return fmt::format("\"{}\"", shown(text));
}

std::string missing_field(const EventSchema& event, const FieldSchema& field) {
  return fmt::format("missing field \"{}\" of {} event", field.name, event.name);
}

bool may_be_absent(const FieldSchema& field) {
  return field.name == "corrects" && field.type.is(Kind::text);
}

std::string wrong_value(const EventSchema& event, const FieldSchema& field,
                        std::string_view found) {
  std::string_view expected;
  switch (field.type.kind) {
    case Kind::number:
      expected = "must be a number";
      break;
    case Kind::quantity:
      expected = field.type.is_percentage() ? "must be a percentage such as \"97%\" or 0.97"
                 : field.type.is_ratio()    ? "must be a ratio such as \"3.25x\" or 3.25"
                                            : "must be a number";
      break;
    case Kind::text:
      expected = "must be text";
      break;
    case Kind::boolean:
      expected = "must be true or false";
      break;
    case Kind::date:
      expected = "must be a date such as \"2030-10-06\"";
      break;
    case Kind::timestamp:
      expected = "must be a timestamp such as \"2026-09-01T14:30:00Z\"";
      break;
    case Kind::error:
    case Kind::duration:
    case Kind::clause:
      throw std::logic_error("an event field of a type logs cannot give");
  }
  return field_says(event, field, fmt::format("{}, found {}", expected, found));
}

bool read_timestamp(std::string_view text, Timestamp& instant, std::string& why) {
  if (const auto fast = parse_instant_fast(text)) {
    instant = *fast;
    return true;
  }
  const auto parsed = parse_timestamp(text);
  if (const auto* error = std::get_if<TimeParseError>(&parsed)) {
    why = unechoed(error->reason, text, "timestamp");
    return false;
  }
  const auto& reading = std::get<ParsedTimestamp>(parsed);
  if (!reading.offset_minutes) {
    why = fmt::format("{} has no time zone (end it with Z or an offset such as +02:00)",
                      quoted(text));
    return false;
  }
  if (reading.hour_24) {
    why = fmt::format(
        "{} uses hour 24, which an event's time may not (RFC 3339): write 00:00 of the next day",
        quoted(text));
    return false;
  }
  const auto utc = TimeZone::find("UTC");
  try {
    instant = to_instant(reading, *utc);
  } catch (const std::out_of_range&) {
    instant = kFirstEventInstant;
    instant.micros -= 1;  // reported as out of range below
  }
  if (!is_event_instant(instant)) {
    why = fmt::format(
        "{} is out of range: an event's time must lie from 1400-01-02T00:00:00Z to "
        "9999-12-30T23:59:59.999999Z, a day inside the supported dates",
        quoted(text));
    return false;
  }
  return true;
}

bool read_number(const EventSchema& event, const FieldSchema& field, std::string_view text,
                 Found found, FieldSlot& slot, std::string& why) {
  const auto shown_found = [&] {
    return found.quote ? quoted(found.text) : std::string(found.text);
  };
  if (!is_plain_decimal(text)) {
    why = wrong_value(event, field, shown_found());
    return false;
  }
  try {
    const auto parsed = Decimal::parse(text);
    if (!parsed) {
      why = wrong_value(event, field, shown_found());
      return false;
    }
    slot.number = *parsed;
    if (field.type.kind == Kind::quantity && field.scale != Decimal::from_int(1)) {
      slot.number = slot.number * field.scale;
    }
  } catch (const ArithmeticError& error) {
    why = field_says(event, field, fmt::format("is out of range: {}", error.what()));
    return false;
  }
  return true;
}

namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

// A percentage field reads "97%" (or "0.97"); a ratio field "3.25x", "3.25 to 1.00" (or
// "3.25"): as the declaration says, never guessed from the size of the number.
bool read_proportion(const EventSchema& event, const FieldSchema& field, std::string_view text,
                     FieldSlot& slot, std::string& why) {
  std::string_view number = trimmed(text);
  std::optional<Decimal> divisor;
  if (field.type.is_percentage() && number.ends_with('%')) {
    number = trimmed(number.substr(0, number.size() - 1));
    divisor = Decimal::from_int(100);
  } else if (field.type.is_ratio() && (number.ends_with('x') || number.ends_with('X'))) {
    number = trimmed(number.substr(0, number.size() - 1));
  } else if (const std::size_t to = number.find(" to ");
             field.type.is_ratio() && to != std::string_view::npos) {
    const std::string_view second = trimmed(number.substr(to + 4));
    number = trimmed(number.substr(0, to));
    if (!is_plain_decimal(second) || !Decimal::parse(second) || Decimal::parse(second)->is_zero()) {
      why = field_says(event, field,
                       fmt::format("must be a ratio such as \"3.25x\" or \"3.25 to 1.00\", "
                                   "found {}",
                                   quoted(text)));
      return false;
    }
    divisor = *Decimal::parse(second);
  }
  if (!read_number(event, field, number, Found{text}, slot, why)) return false;
  try {
    if (divisor) slot.number = slot.number / *divisor;
  } catch (const ArithmeticError& error) {
    why = field_says(event, field, fmt::format("is out of range: {}", error.what()));
    return false;
  }
  return true;
}

bool read_text(const EventSchema& event, const FieldSchema& field, std::string_view text,
               bool booleans_as_text, FieldSlot& slot, std::string& why) {
  switch (field.type.kind) {
    case Kind::number:
      return read_number(event, field, text, Found{text}, slot, why);
    case Kind::quantity:
      if (field.type.is_percentage() || field.type.is_ratio()) {
        return read_proportion(event, field, text, slot, why);
      }
      return read_number(event, field, text, Found{text}, slot, why);
    case Kind::text:
      slot.text.assign(text);
      return true;
    case Kind::boolean:
      if (booleans_as_text && (text == "true" || text == "false")) {
        slot.flag = text == "true";
        return true;
      }
      why = wrong_value(event, field, quoted(text));
      return false;
    case Kind::date: {
      const auto date = parse_date(text);
      if (const auto* error = std::get_if<TimeParseError>(&date)) {
        why = field_says(event, field,
                         fmt::format("is not a date: {}", unechoed(error->reason, text, "date")));
        return false;
      }
      slot.instant = std::get<Date>(date).days;
      return true;
    }
    case Kind::timestamp: {
      Timestamp instant;
      std::string reason;
      if (!read_timestamp(text, instant, reason)) {
        why = field_says(event, field, fmt::format("is not a timestamp: {}", reason));
        return false;
      }
      slot.instant = instant.micros;
      return true;
    }
    case Kind::error:
    case Kind::duration:
    case Kind::clause:
      break;
  }
  throw std::logic_error("an event field of a type logs cannot give");
}

}  // namespace proviso::detail
