// Instances files: the rows that instantiate a template contract, one instance per row, as CSV
// (a header row, then one row per instance) or JSON Lines (one object per instance). Every row
// is checked against the template's parameters before any event is read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/decimal.hpp"
#include "base/types.hpp"
#include "events/event.hpp"

namespace proviso {

/// A column an instances file must have: a template parameter, with its type.
struct InstanceColumn {
  std::string name;
  Type type;
  Decimal scale = Decimal::from_int(1);  // quantities: base units per the column's unit
};

/// One instance: its name (the key column's value) and its values in the columns' order.
struct InstanceRow {
  std::string key;
  std::vector<FieldSlot> values;
  std::uint32_t line = 0;  // 1-based line in the file
};

/// Where an instances file is wrong: 1-based line and column (byte) of the offending cell.
struct InstancesError {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::uint32_t offset = 0;  // byte offset of the cell in the text
  std::uint32_t length = 1;
  std::string message;
};

/// The rows of `text` (named `file`; JSON Lines when it ends in .jsonl or .ndjson, else CSV).
/// `key` names the column that names each instance; empty: the file's first column. Returns
/// false with `error` set at the first bad row: a missing or unknown column, a value of the
/// wrong type, an empty or duplicate key.
bool read_instances(std::string_view file, std::string_view text,
                    const std::vector<InstanceColumn>& columns, const std::string& key,
                    std::vector<InstanceRow>& rows, InstancesError& error);

}  // namespace proviso
