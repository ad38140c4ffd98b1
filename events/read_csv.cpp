// CSV (RFC 4180) with a header row naming the columns: "ts", "type" and the fields by name.
// Quoted cells may hold commas, doubled quotes and line breaks; CRLF line ends are accepted. An
// empty unquoted cell is a missing field; a quoted empty cell ("") is empty text.
#include <fmt/format.h>

#include <simdjson.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/read_fields.hpp"

namespace proviso::detail {

namespace {

struct Cell {
  std::string_view text;
  bool quoted = false;
};

bool is_blank(std::string_view record) {
  return record.find_first_not_of(" \t") == std::string_view::npos;
}

// Why a record cannot be text: a NUL byte, or bytes that are not UTF-8.
std::optional<std::string> unreadable(std::string_view record) {
  if (const std::size_t nul = record.find('\0'); nul != std::string_view::npos) {
    return fmt::format("this row holds a NUL byte (at byte {})", nul + 1);
  }
  if (!simdjson::validate_utf8(record.data(), record.size())) {
    return std::string("this row is not valid UTF-8");
  }
  return std::nullopt;
}

class CsvReader final : public EventReader {
 public:
  CsvReader(std::string file, std::unique_ptr<InputBuffer> input, const EventSchemas& schemas,
            std::uint32_t log_index, const ReadOptions& options)
      : EventReader(std::move(file), schemas, log_index, options), input_(std::move(input)) {}

 private:
  Line read_line(Event& event) override {
    while (true) {
      std::string_view record;
      std::uint64_t first_line = 0;
      const Line got = next_record(record, first_line);
      if (got != Line::event) return got;
      if (is_blank(record)) continue;
      if (const auto why = unreadable(record)) return fail(first_line, "", *why);
      if (const auto why = split(record)) return fail(first_line, "", *why);
      if (have_header_) return read_row(first_line, event);
      if (!read_header(first_line)) return Line::bad;
    }
  }

  // The next record (one line, or several when a quoted cell holds line breaks) without its line
  // end: Line::event with it, Line::end, or Line::bad after fail().
  Line next_record(std::string_view& record, std::uint64_t& first_line) {
    std::size_t scanned = 0;
    bool in_quotes = false;
    std::uint64_t breaks = 0;  // line breaks inside quoted cells so far
    while (true) {
      const std::string_view data = input_->data();
      std::size_t pos = scanned;
      for (; pos < data.size(); ++pos) {
        const char c = data[pos];
        if (c == '"') {
          in_quotes = !in_quotes;  // a doubled quote flips twice
        } else if (c == '\n') {
          if (!in_quotes) break;
          ++breaks;
        }
      }
      if (pos < data.size()) {
        record = data.substr(0, pos);
        input_->consume(pos + 1);
        break;
      }
      scanned = pos;
      if (!input_->fill()) {
        if (input_->io_error()) return fail(line_ + 1, "", *input_->io_error(), true);
        if (input_->full()) {
          first_line = ++line_;
          line_ += breaks;
          input_->skip_line();
          return fail(first_line, "", "this row is longer than 64 MiB");
        }
        const std::string_view rest = input_->data();  // fill() may have moved it
        if (rest.empty()) return Line::end;
        if (in_quotes) {
          first_line = ++line_;
          line_ += breaks;
          input_->consume(rest.size());
          return fail(first_line, "", "a quoted cell is not closed before the end of the file");
        }
        record = rest;
        input_->consume(rest.size());
        break;
      }
    }
    first_line = ++line_;
    line_ += breaks;
    if (!record.empty() && record.back() == '\r') record.remove_suffix(1);
    return Line::event;
  }

  // Splits a record into cells_; the complaint when its quoting is broken.
  std::optional<std::string> split(std::string_view record) {
    cells_.clear();
    unescaped_used_ = 0;
    std::size_t pos = 0;
    while (true) {
      Cell cell;
      if (pos < record.size() && record[pos] == '"') {
        cell.quoted = true;
        const std::size_t start = ++pos;
        bool doubled = false;
        while (true) {
          pos = record.find('"', pos);
          if (pos == std::string_view::npos) {
            return std::string("a quoted cell is not closed before the end of the row");
          }
          if (pos + 1 < record.size() && record[pos + 1] == '"') {
            doubled = true;
            pos += 2;
            continue;
          }
          break;
        }
        cell.text = record.substr(start, pos - start);
        ++pos;
        if (doubled) cell.text = unescape(cell.text);
        if (pos < record.size() && record[pos] != ',') {
          return fmt::format("a quoted cell must end at its closing quote, found {} after it",
                             quoted(record.substr(pos, 1)));
        }
      } else {
        const std::size_t comma = std::min(record.find(',', pos), record.size());
        cell.text = record.substr(pos, comma - pos);
        pos = comma;
      }
      cells_.push_back(cell);
      if (pos >= record.size()) return std::nullopt;
      ++pos;  // the comma
    }
  }

  // A quoted cell's text with doubled quotes made single, in storage reused across rows.
  std::string_view unescape(std::string_view text) {
    if (unescaped_used_ == unescaped_.size()) unescaped_.emplace_back();
    std::string& out = unescaped_[unescaped_used_++];
    out.clear();
    for (std::size_t i = 0; i < text.size(); ++i) {
      out += text[i];
      if (text[i] == '"') ++i;
    }
    return out;
  }

  // Reads the header row from cells_; false after fail() when it is unusable.
  bool read_header(std::uint64_t line) {
    have_header_ = true;
    columns_.clear();
    for (const Cell& cell : cells_) {
      if (std::find(columns_.begin(), columns_.end(), cell.text) != columns_.end()) {
        fail(line, "", fmt::format("the header row names the column {} twice", quoted(cell.text)),
             true);
        return false;
      }
      columns_.emplace_back(cell.text);
    }
    const auto column = [&](std::string_view name) -> std::ptrdiff_t {
      const auto it = std::find(columns_.begin(), columns_.end(), name);
      return it == columns_.end() ? -1 : it - columns_.begin();
    };
    ts_column_ = column("ts");
    type_column_ = column("type");
    if (ts_column_ < 0 || type_column_ < 0) {
      fail(line, "",
           "the first row must be a header naming the columns, \"ts\" and \"type\" among them",
           true);
      return false;
    }
    field_columns_.assign(schemas_.events.size(), {});
    for (std::size_t e = 0; e < schemas_.events.size(); ++e) {
      for (const FieldSchema& field : schemas_.events[e].fields) {
        field_columns_[e].push_back(column(field.name));
      }
    }
    return true;
  }

  Line read_row(std::uint64_t line, Event& event) {
    if (cells_.size() != columns_.size()) {
      return fail(line, "",
                  fmt::format("this row has {} cell{} but the header row has {}", cells_.size(),
                              cells_.size() == 1 ? "" : "s", columns_.size()));
    }
    const Cell& type_cell = cells_[static_cast<std::size_t>(type_column_)];
    if (type_cell.text.empty()) return fail(line, "type", "missing field \"type\"");
    const std::int64_t type = resolve_type(type_cell.text);
    // Every row's timestamp is read, of a declared type or not, so that its order is checked.
    const Cell& ts_cell = cells_[static_cast<std::size_t>(ts_column_)];
    if (ts_cell.text.empty()) return fail(line, "ts", "missing field \"ts\"");
    if (!read_timestamp(ts_cell.text, event.ts, why_)) {
      return fail(line, "ts", fmt::format("\"ts\" is not a timestamp: {}", why_));
    }
    event.line = line;
    if (type < 0) return Line::undeclared;

    const EventSchema& schema = schemas_.events[static_cast<std::size_t>(type)];
    const std::vector<std::ptrdiff_t>& columns = field_columns_[static_cast<std::size_t>(type)];
    event.type = static_cast<std::uint32_t>(type);
    event.line = line;
    event.fields.resize(schema.fields.size());
    problems_.resize(schema.fields.size());
    // A missing or bad cell is bad for the contracts that declare its field (settle_fields).
    for (std::size_t i = 0; i < schema.fields.size(); ++i) {
      const FieldSchema& field = schema.fields[i];
      const Cell* cell = columns[i] < 0 ? nullptr : &cells_[static_cast<std::size_t>(columns[i])];
      problems_[i].clear();
      if (cell == nullptr || (cell->text.empty() && !cell->quoted)) {
        if (may_be_absent(field)) {
          event.fields[i].text.clear();
        } else {
          problems_[i] = missing_field(schema, field);
        }
      } else if (!read_text(schema, field, cell->text, true, event.fields[i], why_)) {
        problems_[i] = std::move(why_);
      }
    }
    return settle_fields(event, schema, problems_);
  }

  std::unique_ptr<InputBuffer> input_;
  std::uint64_t line_ = 0;  // the last line read
  bool have_header_ = false;
  std::vector<std::string> columns_;
  std::ptrdiff_t ts_column_ = -1;
  std::ptrdiff_t type_column_ = -1;
  std::vector<std::vector<std::ptrdiff_t>> field_columns_;  // [type][field] -> column, or -1
  std::vector<Cell> cells_;
  std::vector<std::string> problems_;  // by field of the row's type: why it is bad, or empty
  std::deque<std::string> unescaped_;  // a deque: views into its strings survive growth
  std::size_t unescaped_used_ = 0;
  std::string why_;
};

}  // namespace

std::unique_ptr<EventReader> make_csv_reader(std::string file, std::unique_ptr<InputBuffer> input,
                                             const EventSchemas& schemas, std::uint32_t log_index,
                                             const ReadOptions& options) {
  return std::make_unique<CsvReader>(std::move(file), std::move(input), schemas, log_index,
                                     options);
}

}  // namespace proviso::detail
