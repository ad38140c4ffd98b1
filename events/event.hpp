// Events as the runtime sees them: a type, an instant, where it came from, and its fields in
// the order of the schema. Readers fill events in place, so steady-state reading reuses the
// same storage and allocates nothing.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/decimal.hpp"
#include "base/time.hpp"
#include "base/types.hpp"

namespace proviso {

/// One field's value. Which member is meaningful follows the field's type: numbers and
/// quantities use `number` (quantities in their dimension's base unit, so 600 MW is
/// 600,000,000 W), timestamps `instant` (microseconds), dates `instant` (days), booleans
/// `flag`, text `text`.
struct FieldSlot {
  Decimal number;
  std::int64_t instant = 0;
  bool flag = false;
  std::string text;
};

/// One event of a log.
struct Event {
  std::uint32_t type = 0;         // index into EventSchemas::events
  Timestamp ts;                   //
  std::uint32_t log = 0;          // index of the log it came from, in command-line order
  std::uint64_t line = 0;         // 1-based line in that log
  std::vector<FieldSlot> fields;  // one per schema field, in schema order
  // Contracts (by load order) that must not receive this event: a field they declare is missing
  // or bad on its line, which was skipped for them alone (--skip-bad-lines). Usually empty.
  std::vector<std::uint32_t> withheld;
};

/// A field as logs must give it.
struct FieldSchema {
  std::string name;
  Type type;
  Decimal scale;  // quantities: base units per the field's unit (MW: 1,000,000); else 1
};

/// A contract that declares an event type, and the fields it declares: a line must give these
/// for the event to reach this contract, whatever fields other contracts declare.
struct EventDeclarer {
  std::uint32_t contract = 0;         // its place in load order
  std::string title;                  // as messages name it
  std::vector<std::uint32_t> fields;  // indices into EventSchema::fields, ascending
};

/// An event type as logs may give it: the union of what every loaded contract declares, and
/// which contract declares which of its fields.
struct EventSchema {
  std::string name;
  std::vector<FieldSchema> fields;
  std::vector<EventDeclarer> declared_by;  // in load order
};

/// Every event type the loaded contracts declare. Types no contract declares are passed
/// over by the readers (and counted).
struct EventSchemas {
  std::vector<EventSchema> events;
  std::map<std::string, std::uint32_t, std::less<>> index;  // name -> position in events
  std::uint32_t contracts = 0;  // how many contracts were merged in (EventDeclarer::contract)

  /// The type's position, or nullptr when no contract declares it.
  const std::uint32_t* find(std::string_view name) const {
    const auto it = index.find(name);
    return it == index.end() ? nullptr : &it->second;
  }
};

}  // namespace proviso
