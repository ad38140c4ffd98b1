// Events as the runtime sees them: a type, an instant, where it came from, and its fields in
// the order of the schema. Readers fill events in place, so steady-state reading reuses the
// same storage and allocates nothing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
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
  // Contracts that must not receive this event, by EventDeclarer::contract (load order, a
  // template's instances counting as one): a field they declare is missing or bad on its line,
  // which was skipped for them alone (--skip-bad-lines). Usually empty.
  std::vector<std::uint32_t> withheld;
};

/// A field as logs must give it, for the contracts that declare it so. Contracts that declare a
/// field of one name differently (USD and GBP, MW and GW, a number and a percentage) each get a
/// field of their own: the line's value is read once per distinct declaration.
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
/// which contract declares which of its fields. A name appears once per distinct declaration.
struct EventSchema {
  std::string name;
  std::vector<FieldSchema> fields;
  std::vector<EventDeclarer> declared_by;  // in load order

  /// The field `name` as contract `declarer` (EventDeclarer::contract) declares it: its index in
  /// `fields`, or nullopt when that contract declares no such field of this type.
  std::optional<std::uint32_t> field_of(std::uint32_t declarer, std::string_view name) const {
    for (const EventDeclarer& declared : declared_by) {
      if (declared.contract != declarer) continue;
      for (const std::uint32_t field : declared.fields) {
        if (fields[field].name == name) return field;
      }
    }
    return std::nullopt;
  }
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
