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
};

/// A field as logs must give it.
struct FieldSchema {
  std::string name;
  Type type;
  Decimal scale;  // quantities: base units per the field's unit (MW: 1,000,000); else 1
};

/// An event type as logs must give it: the union of what every loaded contract declares.
struct EventSchema {
  std::string name;
  std::vector<FieldSchema> fields;
};

/// Every event type the loaded contracts declare. Types no contract declares are passed
/// over by the readers (and counted).
struct EventSchemas {
  std::vector<EventSchema> events;
  std::map<std::string, std::uint32_t, std::less<>> index;  // name -> position in events

  /// The type's position, or nullptr when no contract declares it.
  const std::uint32_t* find(std::string_view name) const {
    const auto it = index.find(name);
    return it == index.end() ? nullptr : &it->second;
  }
};

}  // namespace proviso
