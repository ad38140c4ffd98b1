#include "grammar/parse.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "base/suggest.hpp"
#include "grammar/build_ast.hpp"
#include "grammar/errors.hpp"
#include "grammar/selector.hpp"

namespace proviso {

namespace {

namespace pegtl = tao::pegtl;

// The word or character where parsing stopped, for "found 'lapse'".
std::string_view found_at(std::string_view text, std::size_t offset) {
  if (offset >= text.size()) return {};
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::size_t end = offset;
  while (end < text.size() && is_word(text[end])) ++end;
  if (end == offset) {
    // One character, whole: a lead byte takes its continuation bytes with it, so the message
    // never quotes half of `é`.
    end = offset + 1;
    if ((static_cast<unsigned char>(text[offset]) & 0xC0) == 0xC0) {
      while (end < text.size() && end - offset < 4 &&
             (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
        ++end;
      }
    }
  }
  return text.substr(offset, end - offset);
}

// The words a misspelling is most likely meant as: the keywords that start a clause
// item or a declaration.
constexpr std::array kKeywords{
    "contract", "source",   "timezone",  "calendar", "effective", "expires", "event",
    "metric",   "let",      "tranche",   "clause",   "covenant",  "for",     "each",
    "test",     "unit",     "dimension", "currency", "cites",     "grants",  "vests",
    "unlocks",  "triggers", "pays",      "releases", "becomes",   "holds",   "while",
    "lapses",   "after",    "subject",   "given",    "expect",    "when",    "where",
    "over",     "holiday",  "weekend",   "closed",   "within",    "before",  "consecutive",
};

// Where the code before `offset` ends, when `offset` starts its line: the end of the last
// earlier line that has code on it, comments and trailing blanks left out. nullopt when
// something comes before `offset` on its own line or no earlier line has code.
std::optional<std::size_t> end_of_previous_line(std::string_view text, std::size_t offset) {
  std::size_t line_begin = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  line_begin = line_begin == std::string_view::npos ? 0 : line_begin + 1;
  if (offset == 0 || text.find_first_not_of(" \t\r", line_begin) < offset) return std::nullopt;
  while (line_begin > 0) {
    const std::size_t line_end = line_begin - 1;  // the '\n' before this line
    const std::size_t previous = text.rfind('\n', line_end == 0 ? 0 : line_end - 1);
    line_begin = (previous == std::string_view::npos || line_end == 0) ? 0 : previous + 1;
    // Code ends where a comment starts, outside any text in quotes.
    std::size_t code_end = line_end;
    bool in_text = false;
    for (std::size_t i = line_begin; i < line_end; ++i) {
      if (text[i] == '\\' && in_text) {
        ++i;
      } else if (text[i] == '"') {
        in_text = !in_text;
      } else if (!in_text && text[i] == '-' && i + 1 < line_end && text[i + 1] == '-') {
        code_end = i;
        break;
      }
    }
    while (code_end > line_begin && std::isspace(static_cast<unsigned char>(text[code_end - 1]))) {
      --code_end;
    }
    if (code_end > line_begin) return code_end;
  }
  return std::nullopt;
}

Diagnostic syntax_error(const SourceFile& source, const pegtl::parse_error& failure) {
  const auto& position = failure.positions().front();
  const std::string_view found = found_at(source.text, position.byte);
  Span where{&source, static_cast<std::uint32_t>(position.byte),
             static_cast<std::uint32_t>(position.byte + std::max<std::size_t>(found.size(), 1)),
             static_cast<std::uint32_t>(position.line),
             static_cast<std::uint32_t>(position.column)};
  // A message may carry its own hint on a second line.
  std::string message(failure.message());
  std::string hint;
  if (const std::size_t newline = message.find('\n'); newline != std::string::npos) {
    hint = message.substr(newline + 1);
    message.resize(newline);
  }
  // When the parser stops at the keyword that starts the next line (or at the file's end),
  // what is missing belongs at the end of the line before: `vests when x >=` then `subject`.
  // A declaration expected where the next line starts is the one case where the keyword
  // found is itself the mistake (a stray `when`).
  const bool starts_next_item =
      (found.empty() || found == "}" ||
       std::find(kKeywords.begin(), kKeywords.end(), found) != kKeywords.end()) &&
      message != grammar::error_message<grammar::end_of_file>;
  const auto previous_end =
      starts_next_item ? end_of_previous_line(source.text, position.byte) : std::nullopt;
  if (previous_end) {
    const std::string_view before = std::string_view(source.text).substr(0, *previous_end);
    const std::size_t newline = before.rfind('\n');
    const std::size_t line_begin = newline == std::string_view::npos ? 0 : newline + 1;
    const auto line =
        static_cast<std::uint32_t>(std::count(before.begin(), before.end(), '\n') + 1);
    where = Span{&source, static_cast<std::uint32_t>(*previous_end),
                 static_cast<std::uint32_t>(*previous_end + 1), line,
                 static_cast<std::uint32_t>(*previous_end - line_begin + 1)};
  }
  if (found.empty()) {
    message += ", but the file ends here";
  } else if (found == "\n" || found == "\r") {
    // Only a text in quotes stops at a line break, and its message says so.
  } else if (previous_end) {
    message += fmt::format(", found '{}' on line {}", found, position.line);
  } else {
    message += fmt::format(", found '{}'", found);
  }
  if (const auto guess = closest_match(found, kKeywords); guess && *guess != found) {
    hint = fmt::format("did you mean '{}'?", *guess);
  }
  // `10,000 USD` as a term sheet writes it: a comma between digits is a thousands separator,
  // which Proviso writes as `_`.
  const std::string_view text = source.text;
  const std::size_t at = position.byte;
  const auto digit = [&](std::size_t i) {
    return i < text.size() && text[i] >= '0' && text[i] <= '9';
  };
  if (found == "," && at > 0 && digit(at - 1) && digit(at + 1) && digit(at + 2) && digit(at + 3) &&
      !digit(at + 4)) {
    std::size_t start = at;
    while (start > 0 && (digit(start - 1) || text[start - 1] == '_')) --start;
    std::size_t end = at + 4;
    while (end + 3 < text.size() && text[end] == ',' && digit(end + 1) && digit(end + 2) &&
           digit(end + 3) && !digit(end + 4)) {
      end += 4;
    }
    std::string number(text.substr(start, end - start));
    std::replace(number.begin(), number.end(), ',', '_');
    hint = fmt::format("write thousands with '_', not ',': {}", number);
  }
  return {Severity::error, where, std::move(message), std::move(hint)};
}

}  // namespace

ParseResult parse(const SourceFile& source, ast::NodeId first_node_id) {
  ParseResult result;
  grammar::SourceInput input(source.text, source.name);
  try {
    auto root = pegtl::parse_tree::parse<grammar::contract_file, grammar::selector, pegtl::nothing,
                                         grammar::control>(input);
    if (root) result.file = build_ast(*root, source, first_node_id, result.diagnostics);
  } catch (const pegtl::parse_error& failure) {
    result.diagnostics.push_back(syntax_error(source, failure));
  }
  return result;
}

}  // namespace proviso
