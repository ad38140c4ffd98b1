#include "lsp/lookup.hpp"

#include <algorithm>
#include <cctype>

#include "base/overloaded.hpp"

namespace proviso::lsp {

namespace {

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool holds(const Span& span, std::uint32_t offset) {
  return span.begin <= offset && offset <= span.end;
}

Span span_of(const ast::Declaration& declaration) {
  return std::visit([](const auto& node) { return node.span; }, declaration);
}

// A clause declared alone or as a family's member.
struct ClauseSite {
  const ast::ClauseDecl* clause;
  const ast::FamilyDecl* family;
};

std::optional<ClauseSite> find_clause(const ast::File& file, std::string_view name) {
  for (const ast::Declaration& declaration : file.declarations) {
    if (const auto* clause = std::get_if<ast::ClauseDecl>(&declaration)) {
      if (clause->name.text == name) return ClauseSite{clause, nullptr};
    } else if (const auto* family = std::get_if<ast::FamilyDecl>(&declaration)) {
      if (family->clause.name.text == name) return ClauseSite{&family->clause, family};
    }
  }
  return std::nullopt;
}

template <typename Decl>
const Decl* find_named(const ast::File& file, std::string_view name) {
  for (const ast::Declaration& declaration : file.declarations) {
    if (const auto* found = std::get_if<Decl>(&declaration)) {
      if (found->name.text == name) return found;
    }
  }
  return nullptr;
}

const ast::FieldDecl* find_field(const ast::EventDecl* event, std::string_view name) {
  if (!event) return nullptr;
  for (const ast::FieldDecl& field : event->fields) {
    if (field.name.text == name) return &field;
  }
  return nullptr;
}

Symbol field_symbol(const ast::EventDecl* event, const ast::FieldDecl& field) {
  Symbol symbol{SymbolKind::field, field.name.text};
  symbol.declared = &field.name;
  symbol.event = event;
  return symbol;
}

bool is_state(const CheckedContract& checked, std::string_view word) {
  for (const ClauseInstance& instance : checked.clauses) {
    for (const std::string& state : instance.states) {
      if (state == word) return true;
    }
  }
  return false;
}

}  // namespace

bool in_comment_or_text(std::string_view text, std::uint32_t offset) {
  std::size_t at = offset == 0 ? 0 : text.rfind('\n', offset - 1);
  at = (at == std::string_view::npos || offset == 0) ? 0 : at + 1;
  bool in_text = false;
  for (; at < offset && at < text.size(); ++at) {
    if (in_text) {
      if (text[at] == '\\') {
        ++at;
      } else if (text[at] == '"') {
        in_text = false;
      }
    } else if (text[at] == '"') {
      in_text = true;
    } else if (text[at] == '-' && at + 1 < offset && text[at + 1] == '-') {
      return true;
    }
  }
  return in_text;
}

std::optional<Word> word_at(std::string_view text, std::uint32_t offset) {
  if (offset > text.size()) return std::nullopt;
  std::uint32_t begin = offset;
  while (begin > 0 && is_word_char(text[begin - 1])) --begin;
  std::uint32_t end = offset;
  while (end < text.size() && is_word_char(text[end])) ++end;
  if (begin == end || std::isdigit(static_cast<unsigned char>(text[begin]))) return std::nullopt;
  return Word{begin, end, text.substr(begin, end - begin)};
}

const ast::Declaration* declaration_at(const ast::File& file, std::uint32_t offset) {
  for (const ast::Declaration& declaration : file.declarations) {
    if (holds(span_of(declaration), offset)) return &declaration;
  }
  return nullptr;
}

const ast::EventDecl* find_event(const ast::File& file, std::string_view name) {
  return find_named<ast::EventDecl>(file, name);
}

const ast::EventDecl* event_before_dot(const Document& document, std::uint32_t dot) {
  const ast::File* file = document.analysis.file.get();
  if (!file || dot == 0 || dot > document.text.size() || document.text[dot - 1] != '.') {
    return nullptr;
  }
  const std::optional<Word> object = word_at(document.text, dot - 1);
  return object ? find_event(*file, object->text) : nullptr;
}

const ast::EventDecl* event_in_scope(const Document& document, std::uint32_t offset) {
  const ast::File* file = document.analysis.file.get();
  if (!file) return nullptr;
  const ast::Declaration* declaration = declaration_at(*file, offset);
  if (!declaration) return nullptr;
  return std::visit(overloaded{
                        [&](const ast::MetricDecl& metric) -> const ast::EventDecl* {
                          const auto* aggregate = std::get_if<ast::Aggregate>(&metric.body);
                          return aggregate ? find_event(*file, aggregate->event.text) : nullptr;
                        },
                        [&](const ast::SplitsDecl& splits) -> const ast::EventDecl* {
                          return find_event(*file, splits.event.text);
                        },
                        [&](const ast::TestDecl& test) -> const ast::EventDecl* {
                          for (const ast::TestItem& item : test.items) {
                            const auto* given = std::get_if<ast::GivenEvents>(&item.item);
                            if (!given) continue;
                            for (const ast::GivenEvent& event : given->events) {
                              if (holds(event.span, offset))
                                return find_event(*file, event.type.text);
                            }
                          }
                          return nullptr;
                        },
                        [](const auto&) -> const ast::EventDecl* { return nullptr; },
                    },
                    *declaration);
}

const ast::FamilyDecl* family_at(const Document& document, std::uint32_t offset) {
  const ast::File* file = document.analysis.file.get();
  if (!file) return nullptr;
  const ast::Declaration* declaration = declaration_at(*file, offset);
  return declaration ? std::get_if<ast::FamilyDecl>(declaration) : nullptr;
}

std::optional<Symbol> resolve(const Document& document, const Word& word) {
  const ast::File* file = document.analysis.file.get();
  if (!file || in_comment_or_text(document.text, word.begin)) return std::nullopt;
  const CheckedContract& checked = document.analysis.checked;
  const std::string_view name = word.text;

  // `deployment.mw`: a field of the event before the dot.
  if (const ast::EventDecl* event = event_before_dot(document, word.begin)) {
    const ast::FieldDecl* field = find_field(event, name);
    if (!field) return std::nullopt;
    return field_symbol(event, *field);
  }
  // Names bound where the word stands come first: a family's variables, then the fields of
  // the event a metric or a given line is about.
  if (const ast::FamilyDecl* family = family_at(document, word.begin)) {
    for (const ast::Binding& binding : family->bindings) {
      if (binding.variable.text != name) continue;
      Symbol symbol{SymbolKind::variable, std::string(name)};
      symbol.declared = &binding.variable;
      symbol.family = family;
      symbol.binding = &binding;
      return symbol;
    }
  }
  if (const ast::EventDecl* event = event_in_scope(document, word.begin)) {
    if (const ast::FieldDecl* field = find_field(event, name)) return field_symbol(event, *field);
  }
  if (const auto* metric = find_named<ast::MetricDecl>(*file, name)) {
    Symbol symbol{SymbolKind::metric, std::string(name)};
    symbol.declared = &metric->name;
    symbol.metric = metric;
    return symbol;
  }
  if (const auto* let = find_named<ast::LetDecl>(*file, name)) {
    Symbol symbol{SymbolKind::constant, std::string(name)};
    symbol.declared = &let->name;
    symbol.let = let;
    return symbol;
  }
  if (const std::optional<ClauseSite> site = find_clause(*file, name)) {
    Symbol symbol{SymbolKind::clause, std::string(name)};
    symbol.declared = &site->clause->name;
    symbol.clause = site->clause;
    symbol.family = site->family;
    return symbol;
  }
  if (const ast::EventDecl* event = find_event(*file, name)) {
    Symbol symbol{SymbolKind::event, std::string(name)};
    symbol.declared = &event->name;
    symbol.event = event;
    return symbol;
  }
  const auto* calendar = find_named<ast::CalendarDecl>(*file, name);
  if (calendar || std::find(checked.calendars.begin(), checked.calendars.end(), name) !=
                      checked.calendars.end()) {
    Symbol symbol{SymbolKind::calendar, std::string(name)};
    symbol.calendar = calendar;
    if (calendar) symbol.declared = &calendar->name;
    return symbol;
  }
  if (checked.units.count(std::string(name)) != 0) {
    Symbol symbol{SymbolKind::unit, std::string(name)};
    if (const auto* unit = find_named<ast::UnitDecl>(*file, name)) symbol.declared = &unit->name;
    for (const ast::Declaration& declaration : file->declarations) {
      if (const auto* dimension = std::get_if<ast::DimensionDecl>(&declaration)) {
        if (dimension->base_unit.text == name) symbol.declared = &dimension->base_unit;
      } else if (const auto* currency = std::get_if<ast::CurrencyDecl>(&declaration)) {
        for (const ast::Name& code : currency->codes) {
          if (code.text == name) symbol.declared = &code;
        }
      }
    }
    return symbol;
  }
  if (is_state(checked, name)) return Symbol{SymbolKind::state, std::string(name)};
  return std::nullopt;
}

}  // namespace proviso::lsp
