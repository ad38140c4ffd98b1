#include "grammar/parse.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include <fmt/format.h>

#include "grammar/build_ast.hpp"
#include "grammar/errors.hpp"
#include "grammar/selector.hpp"
#include "grammar/suggest.hpp"

namespace proviso {

namespace {

namespace pegtl = tao::pegtl;

// The word or character where parsing stopped, for "found 'lapse'".
std::string_view found_at(std::string_view text, std::size_t offset) {
  if (offset >= text.size()) return {};
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::size_t end = offset;
  while (end < text.size() && is_word(text[end])) ++end;
  if (end == offset) end = offset + 1;
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

Diagnostic syntax_error(const SourceFile& source, const pegtl::parse_error& failure) {
  const auto& position = failure.positions().front();
  const std::string_view found = found_at(source.text, position.byte);
  Span where{&source, static_cast<std::uint32_t>(position.byte),
             static_cast<std::uint32_t>(position.byte + std::max<std::size_t>(found.size(), 1)),
             static_cast<std::uint32_t>(position.line),
             static_cast<std::uint32_t>(position.column)};
  std::string message(failure.message());
  if (found.empty()) {
    message += ", but the file ends here";
  } else {
    message += fmt::format(", found '{}'", found);
  }
  std::string hint;
  if (const auto guess = closest_match(found, kKeywords); guess && *guess != found) {
    hint = fmt::format("did you mean '{}'?", *guess);
  }
  return {Severity::error, where, std::move(message), std::move(hint)};
}

}  // namespace

ParseResult parse(const SourceFile& source, ast::NodeId first_node_id) {
  ParseResult result;
  pegtl::memory_input input(source.text, source.name);
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
