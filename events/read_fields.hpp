// Internal to the event readers: what the JSON Lines and CSV readers share — turning a field's
// text into its slot, the messages for bad values, and the constructors of the two readers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "events/event.hpp"
#include "events/read_events.hpp"
#include "events/read_input.hpp"

namespace proviso::detail {

/// A JSON Lines reader of `input`.
std::unique_ptr<EventReader> make_jsonl_reader(std::string file, std::unique_ptr<InputBuffer> input,
                                               const EventSchemas& schemas, std::uint32_t log_index,
                                               const ReadOptions& options);

/// A CSV reader of `input`; its first non-blank row is the header.
std::unique_ptr<EventReader> make_csv_reader(std::string file, std::unique_ptr<InputBuffer> input,
                                             const EventSchemas& schemas, std::uint32_t log_index,
                                             const ReadOptions& options);

/// A value as a message quotes it: `raw` itself, cut to 40 characters.
std::string shown(std::string_view raw);

/// `"abc"`: text as a message quotes it, cut to 40 characters.
std::string quoted(std::string_view text);

/// `missing field "mw" of deployment event`.
std::string missing_field(const EventSchema& event, const FieldSchema& field);
/// A field a line may leave out: a report's `corrects`, absent on a report that corrects
/// nothing (docs/reference.md §7). Left out, it reads as empty text.
bool may_be_absent(const FieldSchema& field);

/// `deployment event: field "mw" must be a number, found "abc"`, and the like for each kind:
/// the complaint when a value of the wrong JSON kind is given.
std::string wrong_value(const EventSchema& event, const FieldSchema& field, std::string_view found);

/// The instant `text` names ("2026-09-01T14:30:00.5Z", "2026-09-01T09:30-05:00"); false with
/// `why` set when it is no timestamp or has no offset.
bool read_timestamp(std::string_view text, Timestamp& instant, std::string& why);

/// A field's value as a message shows it: its text as the line gave it, quoted when the line
/// gave it as text. Worked out only when a message needs it.
struct Found {
  std::string_view text;
  bool quote = true;
};

/// Reads a number or quantity field from its exact decimal text into slot.number (times the
/// field's scale); false with `why` set to the whole message, which shows `found`.
bool read_number(const EventSchema& event, const FieldSchema& field, std::string_view text,
                 Found found, FieldSlot& slot, std::string& why);

/// Reads a percentage ("97%", "0.97") or ratio ("3.25x", "3.25 to 1.00", "3.25") field given as
/// text; false with `why` set to the whole message.
bool read_proportion(const EventSchema& event, const FieldSchema& field, std::string_view text,
                     FieldSlot& slot, std::string& why);

/// Reads a field given as text (a JSON string or a CSV cell) into `slot`: decimal text for numbers
/// and quantities, the text itself, "YYYY-MM-DD" dates, timestamps, and — only when
/// `booleans_as_text`, as in CSV — "true" or "false". False with `why` set to the whole message.
bool read_text(const EventSchema& event, const FieldSchema& field, std::string_view text,
               bool booleans_as_text, FieldSlot& slot, std::string& why);

}  // namespace proviso::detail
