#include "lsp/features.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "base/types.hpp"
#include "base/value.hpp"
#include "lsp/lookup.hpp"

namespace proviso::lsp {

namespace {

// LSP's numbers for the kinds of completion items and symbols, and diagnostic severities.
enum CompletionKind : std::uint64_t {
  kItemVariable = 6,
  kItemClass = 7,
  kItemModule = 9,
  kItemUnit = 11,
  kItemKeyword = 14,
  kItemField = 5,
  kItemEnumMember = 20,
  kItemConstant = 21,
  kItemEvent = 23,
  kItemFunction = 3,
};
enum SymbolNumber : std::uint64_t {
  kSymbolModule = 2,
  kSymbolPackage = 4,
  kSymbolClass = 5,
  kSymbolMethod = 6,
  kSymbolField = 8,
  kSymbolFunction = 12,
  kSymbolConstant = 14,
  kSymbolEvent = 24,
};

void write_position(const Position& position, JsonWriter& out) {
  out.begin_object().key("line").number(position.line);
  out.key("character").number(position.character).end_object();
}

void write_range(const Range& range, JsonWriter& out) {
  out.begin_object().key("start");
  write_position(range.start, out);
  out.key("end");
  write_position(range.end, out);
  out.end_object();
}

void write_span(const Document& document, const Span& span, JsonWriter& out) {
  write_range(document.lines.range(span.begin, span.end), out);
}

bool in_document(const Document& document, const Span& span) {
  return span.file && (span.file == document.analysis.source.get() ||
                       span.file == document.unparsed.source.get());
}

std::uint64_t severity_number(Severity severity) {
  switch (severity) {
    case Severity::error:
      return 1;
    case Severity::warning:
      return 2;
    case Severity::note:
      return 3;
  }
  return 1;
}

std::string code_block(std::string_view text) {
  return fmt::format("```proviso\n{}\n```", text);
}

std::string type_of_metric(const CheckedContract& checked, const std::string& name) {
  const auto found = checked.metrics.find(name);
  return found == checked.metrics.end() ? std::string("not checked") : describe(found->second.type);
}

// `A[2]` as written after a family's name, without spaces: the member's name, or empty.
std::string member_written(const Document& document, const Word& word) {
  const std::string_view text = document.text;
  if (word.end >= text.size() || text[word.end] != '[') return {};
  const std::size_t close = text.find_first_of("]\n", word.end);
  if (close == std::string_view::npos || text[close] != ']') return {};
  std::string name(word.text);
  for (const char c : text.substr(word.end, close - word.end + 1)) {
    if (c != ' ') name += c;
  }
  return name;
}

std::string clause_hover(const Document& document, const Symbol& symbol, const Word& word) {
  const ast::ClauseDecl& clause = *symbol.clause;
  std::string text = fmt::format("**{}** `{}`", clause.kind.text, clause.name.text);
  if (symbol.family) {
    const std::string_view family = symbol.family->span.text();
    text += fmt::format(" — a family: `{}`", family.substr(0, family.find('\n')));
    // On `A[2]`, the member's values: k = 2, target = 250 USD.
    const std::string member = member_written(document, word);
    for (const ClauseInstance& instance : document.analysis.checked.clauses) {
      if (member.empty() || instance.name != member) continue;
      std::string values;
      for (const auto& [variable, value] : instance.bindings) {
        values +=
            fmt::format("{}{} = {}", values.empty() ? "" : ", ", variable, format_value(value));
      }
      text += fmt::format("\n\n`{}`: {}", member, values);
    }
  }
  if (clause.title) text += fmt::format("\n\n*{}*", clause.title->value);
  for (const ast::Text& citation : clause.citations)
    text += fmt::format("\n\n> {}", citation.value);
  for (const ClauseInstance& instance : document.analysis.checked.clauses) {
    if (instance.decl != &clause || instance.states.empty()) continue;
    std::string states;
    for (const std::string& state : instance.states) {
      states += (states.empty() ? "" : ", ") + state;
    }
    text += fmt::format("\n\nstates: {}", states);
    break;
  }
  return text;
}

std::string unit_hover(const CheckedContract& checked, const std::string& name) {
  const UnitInfo& unit = checked.units.at(name);
  std::string text = fmt::format("**unit** `{}` of {}", name, unit.dimension);
  if (unit.currency) text += " (a currency)";
  for (const auto& [other, info] : checked.units) {
    if (info.dimension == unit.dimension && info.scale == Decimal::from_int(1) && other != name) {
      text += fmt::format("\n\n1 {} = {} {}", name, unit.scale.to_string(), other);
    }
  }
  return text;
}

std::string hover_text(const Document& document, const Symbol& symbol, const Word& word) {
  const CheckedContract& checked = document.analysis.checked;
  switch (symbol.kind) {
    case SymbolKind::metric:
      return fmt::format("**metric** `{}`: {}\n\n{}", symbol.name,
                         type_of_metric(checked, symbol.name),
                         code_block(symbol.metric->span.text()));
    case SymbolKind::constant: {
      const auto value = checked.constants.find(symbol.name);
      std::string text = fmt::format("**constant** `{}`", symbol.name);
      if (value != checked.constants.end()) text += " = " + format_value(value->second);
      return text + "\n\n" + code_block(symbol.let->span.text());
    }
    case SymbolKind::clause:
      return clause_hover(document, symbol, word);
    case SymbolKind::event:
      return fmt::format("**event** `{}`\n\n{}", symbol.name,
                         code_block(symbol.event->span.text()));
    case SymbolKind::field: {
      std::string type = "not checked";
      const auto event = checked.events.find(symbol.event->name.text);
      if (event != checked.events.end()) {
        const int index = event->second.field_index(symbol.name);
        if (index >= 0) type = describe(event->second.fields[static_cast<std::size_t>(index)].type);
      }
      return fmt::format("**field** `{}.{}`: {}", symbol.event->name.text, symbol.name, type);
    }
    case SymbolKind::calendar:
      return fmt::format("**calendar** `{}` ({})", symbol.name,
                         symbol.calendar ? "declared in this file" : "from the stdlib");
    case SymbolKind::unit:
      return unit_hover(checked, symbol.name);
    case SymbolKind::variable: {
      std::string type;
      const ast::Binding& binding = *symbol.binding;
      const ast::Expr* sample =
          binding.low ? binding.low.get()
                      : (binding.values.empty() ? nullptr : binding.values.front().get());
      if (sample && sample->id < checked.types.size()) {
        type = ": " + describe(checked.types[sample->id]);
      }
      return fmt::format("**variable** `{}`{} of the family `{}[{}]`\n\n{}", symbol.name, type,
                         symbol.family->clause.name.text, symbol.name,
                         code_block(binding.span.text()));
    }
    case SymbolKind::state: {
      std::vector<std::string> clauses;
      for (const ClauseInstance& instance : checked.clauses) {
        if (std::find(instance.states.begin(), instance.states.end(), symbol.name) !=
            instance.states.end()) {
          clauses.push_back(instance.name);
        }
      }
      std::string names;
      for (std::size_t i = 0; i < clauses.size() && i < 10; ++i) {
        names += (i == 0 ? "" : ", ") + clauses[i];
      }
      if (clauses.size() > 10) names += ", …";
      return fmt::format("**state** `{}` of {}", symbol.name, names);
    }
  }
  return {};
}

struct Candidate {
  std::string label;
  std::uint64_t kind;
  std::string detail;
};

void add_declared_names(const Document& document, std::uint32_t offset,
                        std::vector<Candidate>& out) {
  const ast::File& file = *document.analysis.file;
  const CheckedContract& checked = document.analysis.checked;
  for (const ast::Declaration& declaration : file.declarations) {
    if (const auto* metric = std::get_if<ast::MetricDecl>(&declaration)) {
      out.push_back({metric->name.text, kItemFunction,
                     "metric: " + type_of_metric(checked, metric->name.text)});
    } else if (const auto* let = std::get_if<ast::LetDecl>(&declaration)) {
      const auto value = checked.constants.find(let->name.text);
      out.push_back(
          {let->name.text, kItemConstant,
           value == checked.constants.end() ? "constant" : "= " + format_value(value->second)});
    } else if (const auto* clause = std::get_if<ast::ClauseDecl>(&declaration)) {
      out.push_back({clause->name.text, kItemClass, clause->kind.text});
    } else if (const auto* family = std::get_if<ast::FamilyDecl>(&declaration)) {
      out.push_back({family->clause.name.text, kItemClass, family->clause.kind.text + " family"});
    } else if (const auto* event = std::get_if<ast::EventDecl>(&declaration)) {
      out.push_back({event->name.text, kItemEvent, "event"});
    }
  }
  for (const std::string& calendar : checked.calendars) {
    out.push_back({calendar, kItemModule, "calendar"});
  }
  for (const auto& [name, unit] : checked.units) {
    out.push_back({name, kItemUnit, "unit of " + unit.dimension});
  }
  for (const ClauseInstance& instance : checked.clauses) {
    for (const std::string& state : instance.states) {
      out.push_back({state, kItemEnumMember, "clause state"});
    }
  }
  if (const ast::FamilyDecl* family = family_at(document, offset)) {
    for (const ast::Binding& binding : family->bindings) {
      out.push_back({binding.variable.text, kItemVariable, "family variable"});
    }
  }
  if (const ast::EventDecl* event = event_in_scope(document, offset)) {
    for (const ast::FieldDecl& field : event->fields) {
      out.push_back({field.name.text, kItemField, event->name.text + " field: " + field.type.text});
    }
  }
}

void write_symbol(const Document& document, std::string_view name, std::string_view detail,
                  std::uint64_t kind, const Span& whole, const Span& selected, JsonWriter& out,
                  const std::vector<ast::FieldDecl>* fields = nullptr) {
  out.begin_object().key("name").string(name).key("detail").string(detail);
  out.key("kind").number(kind).key("range");
  write_span(document, join(whole, selected), out);
  out.key("selectionRange");
  write_span(document, selected, out);
  if (fields) {
    out.key("children").begin_array();
    for (const ast::FieldDecl& field : *fields) {
      write_symbol(document, field.name.text, field.type.text, kSymbolField,
                   join(field.name.span, field.type.span), field.name.span, out);
    }
    out.end_array();
  }
  out.end_object();
}

}  // namespace

void write_diagnostics(const Document& document, JsonWriter& out) {
  out.begin_array();
  for (const Diagnostic& diagnostic : document.diagnostics) {
    out.begin_object().key("range");
    if (in_document(document, diagnostic.span)) {
      write_span(document, diagnostic.span, out);
    } else {
      write_range({}, out);  // a file-level problem: the first character
    }
    out.key("severity").number(severity_number(diagnostic.severity));
    out.key("source").string("proviso");
    std::string message = diagnostic.message;
    if (!diagnostic.hint.empty()) message += "\nhelp: " + diagnostic.hint;
    out.key("message").string(message).end_object();
  }
  out.end_array();
}

void write_hover(const Document& document, std::uint32_t offset, JsonWriter& out) {
  const std::optional<Word> word = word_at(document.text, offset);
  const std::optional<Symbol> symbol = word ? resolve(document, *word) : std::nullopt;
  if (!symbol) {
    out.null();
    return;
  }
  out.begin_object().key("contents").begin_object();
  out.key("kind").string("markdown").key("value").string(hover_text(document, *symbol, *word));
  out.end_object().key("range");
  write_range(document.lines.range(word->begin, word->end), out);
  out.end_object();
}

void write_definition(const Document& document, std::uint32_t offset, JsonWriter& out) {
  const std::optional<Word> word = word_at(document.text, offset);
  const std::optional<Symbol> symbol = word ? resolve(document, *word) : std::nullopt;
  if (!symbol || !symbol->declared || !in_document(document, symbol->declared->span)) {
    out.null();
    return;
  }
  out.begin_object().key("uri").string(document.uri).key("range");
  write_span(document, symbol->declared->span, out);
  out.end_object();
}

void write_completion(const Document& document, std::uint32_t offset, JsonWriter& out) {
  const std::string_view text = document.text;
  offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text.size()));
  std::uint32_t begin = offset;
  while (begin > 0 &&
         (std::isalnum(static_cast<unsigned char>(text[begin - 1])) || text[begin - 1] == '_')) {
    --begin;
  }
  const std::string_view typed = text.substr(begin, offset - begin);

  std::vector<Candidate> candidates;
  if (in_comment_or_text(text, begin)) {
    // Nothing to complete in prose.
  } else if (begin > 0 && text[begin - 1] == '.') {
    if (const ast::EventDecl* event = event_before_dot(document, begin)) {
      for (const ast::FieldDecl& field : event->fields) {
        candidates.push_back({field.name.text, kItemField, field.type.text});
      }
    }
  } else {
    if (document.analysis.file) add_declared_names(document, offset, candidates);
    for (const std::string& keyword : keywords()) {
      candidates.push_back({keyword, kItemKeyword, "keyword"});
    }
  }
  std::set<std::string> seen;
  out.begin_object().key("isIncomplete").boolean(false).key("items").begin_array();
  for (const Candidate& candidate : candidates) {
    if (!std::string_view(candidate.label).starts_with(typed)) continue;
    if (!seen.insert(candidate.label).second) continue;
    out.begin_object().key("label").string(candidate.label);
    out.key("kind").number(candidate.kind).key("detail").string(candidate.detail).end_object();
  }
  out.end_array().end_object();
}

void write_symbols(const Document& document, JsonWriter& out) {
  out.begin_array();
  const ast::File* file = document.analysis.file.get();
  if (file && file->header) {
    const ast::Header& header = *file->header;
    write_symbol(document, header.title.value, "contract", kSymbolPackage, header.span,
                 header.title.span, out);
  }
  if (!file) {
    out.end_array();
    return;
  }
  for (const ast::Declaration& declaration : file->declarations) {
    if (const auto* metric = std::get_if<ast::MetricDecl>(&declaration)) {
      write_symbol(document, metric->name.text,
                   "metric: " + type_of_metric(document.analysis.checked, metric->name.text),
                   kSymbolFunction, metric->span, metric->name.span, out);
    } else if (const auto* let = std::get_if<ast::LetDecl>(&declaration)) {
      write_symbol(document, let->name.text, "constant", kSymbolConstant, let->span, let->name.span,
                   out);
    } else if (const auto* clause = std::get_if<ast::ClauseDecl>(&declaration)) {
      write_symbol(document, clause->name.text, clause->title ? clause->title->value : "",
                   kSymbolClass, clause->span, clause->name.span, out);
    } else if (const auto* family = std::get_if<ast::FamilyDecl>(&declaration)) {
      const ast::ClauseDecl& member = family->clause;
      const std::string variable = member.family_variable ? member.family_variable->text : "";
      write_symbol(document, fmt::format("{}[{}]", member.name.text, variable),
                   member.title ? member.title->value : "", kSymbolClass, family->span,
                   member.name.span, out);
    } else if (const auto* event = std::get_if<ast::EventDecl>(&declaration)) {
      write_symbol(document, event->name.text, "event", kSymbolEvent, event->span, event->name.span,
                   out, &event->fields);
    } else if (const auto* calendar = std::get_if<ast::CalendarDecl>(&declaration)) {
      write_symbol(document, calendar->name.text, "calendar", kSymbolModule, calendar->span,
                   calendar->name.span, out);
    } else if (const auto* test = std::get_if<ast::TestDecl>(&declaration)) {
      write_symbol(document, test->name.value, "test", kSymbolMethod, test->span, test->name.span,
                   out);
    }
  }
  out.end_array();
}

}  // namespace proviso::lsp
