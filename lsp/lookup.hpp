// What the word under the cursor names: an event, a field, a metric, a constant, a clause, a
// calendar, a unit, a family's variable or a clause state, resolved against the checked tree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lsp/document.hpp"

namespace proviso::lsp {

/// A word of identifier characters and where it is.
struct Word {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  std::string_view text;
};

/// The identifier that contains `offset` or ends at it (the cursor just after a name).
std::optional<Word> word_at(std::string_view text, std::uint32_t offset);

/// True when `offset` is inside a `--` comment or a text in quotes, where words name nothing.
bool in_comment_or_text(std::string_view text, std::uint32_t offset);

enum class SymbolKind { event, field, metric, constant, clause, calendar, unit, variable, state };

/// A name resolved: what it is, the declarations it refers to and where they are.
struct Symbol {
  SymbolKind kind;
  std::string name;
  /// The name as declared in the document; null for the stdlib's names (units, calendars).
  const ast::Name* declared = nullptr;
  const ast::EventDecl* event = nullptr;    // event, field
  const ast::MetricDecl* metric = nullptr;  // metric
  const ast::LetDecl* let = nullptr;        // constant
  const ast::ClauseDecl* clause = nullptr;  // clause
  const ast::FamilyDecl* family = nullptr;  // clause of a family; variable
  const ast::Binding* binding = nullptr;    // variable
  const ast::CalendarDecl* calendar = nullptr;
};

/// The declaration whose span holds `offset`, if any.
const ast::Declaration* declaration_at(const ast::File& file, std::uint32_t offset);

/// What `word` names where it stands in the document; nullopt for keywords, literals and
/// names the document does not declare.
std::optional<Symbol> resolve(const Document& document, const Word& word);

/// The event named just before a `.` that ends at `dot` (`deployment.` → deployment), or null.
const ast::EventDecl* event_before_dot(const Document& document, std::uint32_t dot);

/// The event whose fields are in scope at `offset`: the event a metric aggregates or the
/// splits declaration reads, or the type of a test's given event on that line.
const ast::EventDecl* event_in_scope(const Document& document, std::uint32_t offset);

/// The family declarations the offset is in (its variables are in scope), or null.
const ast::FamilyDecl* family_at(const Document& document, std::uint32_t offset);

/// The event declared under `name`, or null.
const ast::EventDecl* find_event(const ast::File& file, std::string_view name);

}  // namespace proviso::lsp
