// Instances files, as CSV or JSON Lines: see read_instances.hpp.
#include "events/read_instances.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <unordered_map>

#include "events/read_fields.hpp"

namespace proviso {

namespace {

// A cell of a row: its text (unquoted) and where it stands.
struct Cell {
  std::string text;
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
  bool present = true;
};

bool ends_with(std::string_view text, std::string_view end) {
  return text.size() >= end.size() && text.substr(text.size() - end.size()) == end;
}

std::string kind_text(const InstanceColumn& column) {
  switch (column.type.kind) {
    case Kind::number:
      return "a number";
    case Kind::quantity:
      return fmt::format("an amount in {}, such as 45.67", column.type.unit);
    case Kind::text:
      return "text";
    case Kind::boolean:
      return "true or false";
    case Kind::date:
      return "a date such as 2026-03-15";
    case Kind::timestamp:
      return "a timestamp such as 2026-09-01T14:30:00Z";
    case Kind::error:
    case Kind::duration:
    case Kind::clause:
      break;
  }
  return "a value";
}

// Reads one cell into its slot with the column's type; the message names the column.
bool read_cell(const InstanceColumn& column, const Cell& cell, FieldSlot& slot, std::string& why) {
  const EventSchema schema{"instances", {}, {}};
  const FieldSchema field{column.name, column.type, column.scale};
  std::string unused;
  if (detail::read_text(schema, field, cell.text, true, slot, unused)) return true;
  why = fmt::format("column {} must be {}, found {}", column.name, kind_text(column),
                    detail::quoted(cell.text));
  return false;
}

// Line and column (1-based, in bytes) of `offset` in `text`.
void locate(std::string_view text, std::uint32_t offset, InstancesError& error) {
  error.offset = offset;
  error.line = 1;
  std::uint32_t line_start = 0;
  for (std::uint32_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++error.line;
      line_start = i + 1;
    }
  }
  error.column = offset - line_start + 1;
}

// Splits one CSV line (RFC 4180 quotes, no newline inside a quoted cell) into cells.
bool split_csv(std::string_view text, std::uint32_t begin, std::uint32_t end,
               std::vector<Cell>& cells, InstancesError& error) {
  cells.clear();
  std::uint32_t i = begin;
  while (true) {
    Cell cell;
    cell.offset = i;
    if (i < end && text[i] == '"') {
      ++i;
      while (true) {
        if (i >= end) {
          locate(text, cell.offset, error);
          error.message = "this quoted cell has no closing quote on its line";
          return false;
        }
        if (text[i] == '"') {
          if (i + 1 < end && text[i + 1] == '"') {
            cell.text.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cell.text.push_back(text[i++]);
      }
    } else {
      while (i < end && text[i] != ',') cell.text.push_back(text[i++]);
    }
    cell.length = std::max<std::uint32_t>(i - cell.offset, 1);
    cells.push_back(std::move(cell));
    if (i >= end) return true;
    if (text[i] != ',') {
      locate(text, i, error);
      error.message = "expected ',' after a quoted cell";
      return false;
    }
    ++i;
  }
}

// The rows of a file, as cells by column name: what both formats share from here on.
class RowChecker {
 public:
  RowChecker(std::string_view text, const std::vector<InstanceColumn>& columns,
             const std::string& key, std::vector<InstanceRow>& rows, InstancesError& error)
      : text_(text), columns_(columns), key_(key), rows_(rows), error_(error) {}

  // The header's names (CSV) or the first object's keys (JSON Lines) fix the key column when
  // none is declared.
  void set_key(std::string name) {
    if (key_.empty()) key_ = std::move(name);
  }
  const std::string& key() const { return key_; }

  // `cells[i]` is the value of `names[i]`; `at` is the row's start, for missing columns, and
  // `line` its line (counted by the caller: finding it from `at` would make reading quadratic).
  bool add(const std::vector<std::string>& names, const std::vector<Cell>& cells, std::uint32_t at,
           std::uint32_t line) {
    InstanceRow row;
    row.values.resize(columns_.size());
    row.line = line;
    std::vector<bool> seen(columns_.size(), false);
    const Cell* key_cell = nullptr;
    for (std::size_t i = 0; i < names.size() && i < cells.size(); ++i) {
      if (names[i] == key_) key_cell = &cells[i];
      std::size_t c = 0;
      while (c < columns_.size() && columns_[c].name != names[i]) ++c;
      if (c == columns_.size()) continue;  // the key, or a column the template does not read
      seen[c] = true;
      std::string why;
      if (!cells[i].present || !read_cell(columns_[c], cells[i], row.values[c], why)) {
        return fail(cells[i], cells[i].present ? why
                                               : fmt::format("column {} has no value in this row",
                                                             columns_[c].name));
      }
    }
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      if (!seen[c]) {
        return fail(Cell{{}, at, 1, true},
                    fmt::format("this row has no column {} (a parameter of the template)",
                                columns_[c].name));
      }
    }
    if (!key_cell) {
      return fail(Cell{{}, at, 1, true},
                  fmt::format("this row has no column {}, which names the instance", key_));
    }
    if (key_cell->text.empty() || !key_cell->present) {
      return fail(*key_cell,
                  fmt::format("the key column {} is empty: each instance needs a name", key_));
    }
    const auto [it, inserted] = keys_.emplace(key_cell->text, row.line);
    if (!inserted) {
      return fail(*key_cell, fmt::format("duplicate key {}: line {} already names an instance so",
                                         detail::quoted(key_cell->text), it->second));
    }
    row.key = key_cell->text;
    rows_.push_back(std::move(row));
    return true;
  }

  bool fail(const Cell& cell, std::string message) {
    locate(text_, cell.offset, error_);
    error_.length = cell.length;
    error_.message = std::move(message);
    return false;
  }

  // A header must name every parameter; the error points at the header.
  bool check_header(const std::vector<std::string>& names, std::uint32_t at) {
    for (const InstanceColumn& column : columns_) {
      if (std::find(names.begin(), names.end(), column.name) == names.end()) {
        return fail(
            Cell{{}, at, 1, true},
            fmt::format("the header has no column {} (a parameter of the template)", column.name));
      }
    }
    if (std::find(names.begin(), names.end(), key_) == names.end()) {
      return fail(Cell{{}, at, 1, true},
                  fmt::format("the header has no column {}, which names each instance", key_));
    }
    return true;
  }

 private:
  std::string_view text_;
  const std::vector<InstanceColumn>& columns_;
  std::string key_;
  std::vector<InstanceRow>& rows_;
  InstancesError& error_;
  std::unordered_map<std::string, std::uint32_t> keys_;  // key -> its line
};

bool read_csv_rows(std::string_view text, RowChecker& checker, InstancesError& error) {
  std::vector<std::string> names;
  std::vector<Cell> cells;
  bool header = true;
  std::uint32_t begin = 0;
  std::uint32_t line = 0;
  while (begin < text.size()) {
    ++line;
    std::uint32_t end = begin;
    while (end < text.size() && text[end] != '\n') ++end;
    const std::uint32_t next = end + 1;
    if (end > begin && text[end - 1] == '\r') --end;
    if (end > begin) {
      if (!split_csv(text, begin, end, cells, error)) return false;
      if (header) {
        for (const Cell& cell : cells) names.push_back(cell.text);
        checker.set_key(names.front());
        if (!checker.check_header(names, begin)) return false;
        header = false;
      } else {
        if (cells.size() != names.size()) {
          return checker.fail(Cell{{}, begin, end - begin, true},
                              fmt::format("this row has {} cells, but the header names {} columns",
                                          cells.size(), names.size()));
        }
        if (!checker.add(names, cells, begin, line)) return false;
      }
    }
    begin = next;
  }
  if (header) {
    error.line = 1;
    error.column = 1;
    error.message = "the file is empty: it needs a header row naming the parameters";
    return false;
  }
  return true;
}

bool read_jsonl_rows(std::string_view text, RowChecker& checker) {
  simdjson::dom::parser parser;
  std::vector<std::string> names;
  std::vector<Cell> cells;
  std::uint32_t begin = 0;
  std::uint32_t number = 0;
  while (begin < text.size()) {
    ++number;
    std::uint32_t end = begin;
    while (end < text.size() && text[end] != '\n') ++end;
    const std::uint32_t next = end + 1;
    std::string_view line = text.substr(begin, end - begin);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      simdjson::dom::element element;
      simdjson::dom::object object;
      if (parser.parse(line.data(), line.size()).get(element) || element.get_object().get(object)) {
        return checker.fail(Cell{{}, begin, static_cast<std::uint32_t>(line.size()), true},
                            "this line is not a JSON object");
      }
      names.clear();
      cells.clear();
      for (const auto field : object) {
        names.emplace_back(field.key);
        Cell cell;
        cell.offset = begin;
        cell.length = static_cast<std::uint32_t>(line.size());
        // Where the value stands in the line, for the column of a message.
        const auto found = line.find(fmt::format("\"{}\"", field.key));
        if (found != std::string_view::npos) {
          cell.offset = begin + static_cast<std::uint32_t>(found);
          cell.length = static_cast<std::uint32_t>(field.key.size() + 2);
        }
        std::string_view string_value;
        if (!field.value.get_string().get(string_value)) {
          cell.text = std::string(string_value);
        } else if (field.value.is_null()) {
          cell.present = false;
        } else {
          cell.text = simdjson::minify(field.value);
        }
        cells.push_back(std::move(cell));
      }
      if (!names.empty()) checker.set_key(names.front());
      if (!checker.add(names, cells, begin, number)) return false;
    }
    begin = next;
  }
  return true;
}

}  // namespace

bool read_instances(std::string_view file, std::string_view text,
                    const std::vector<InstanceColumn>& columns, const std::string& key,
                    std::vector<InstanceRow>& rows, InstancesError& error) {
  RowChecker checker(text, columns, key, rows, error);
  const bool jsonl = ends_with(file, ".jsonl") || ends_with(file, ".ndjson");
  return jsonl ? read_jsonl_rows(text, checker) : read_csv_rows(text, checker, error);
}

}  // namespace proviso
