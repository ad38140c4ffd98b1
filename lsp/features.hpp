// The answers to the editor's questions about one document, each written as the `result` of
// an LSP response: hover, definition, completion, document symbols, formatting, and the
// diagnostics of a publishDiagnostics notification.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/json.hpp"
#include "lsp/document.hpp"

namespace proviso::lsp {

/// The document's diagnostics as an LSP array: range, severity, source "proviso", the message
/// with the checker's hint after it (`help: …`).
void write_diagnostics(const Document& document, JsonWriter& out);

/// A Hover for what the word at `offset` names (its type and unit, a metric's definition, a
/// clause's title and citations…), or null.
void write_hover(const Document& document, std::uint32_t offset, JsonWriter& out);

/// The Location where the name at `offset` is declared in the document, or null (stdlib names,
/// keywords).
void write_definition(const Document& document, std::uint32_t offset, JsonWriter& out);

/// A CompletionList for `offset`: after `event.` that event's fields; otherwise the names in
/// scope, units, keywords and clause states that start with the word typed so far.
void write_completion(const Document& document, std::uint32_t offset, JsonWriter& out);

/// DocumentSymbol[] for the outline: the header, events (with their fields), metrics,
/// constants, clauses, families, calendars and tests.
void write_symbols(const Document& document, JsonWriter& out);

/// The reserved words of the grammar and the words that are keywords in one place only.
const std::vector<std::string>& keywords();

}  // namespace proviso::lsp
