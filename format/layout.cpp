#include "format/layout.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "format/tokens.hpp"

namespace proviso::format {

namespace {

const std::set<std::string_view> kDeclarations = {
    "contract", "event", "metric", "let",       "tranche",  "clause", "covenant",
    "for",      "test",  "unit",   "dimension", "currency", "splits", "parameters"};
const std::set<std::string_view> kClauseKinds = {"tranche", "clause", "covenant"};
const std::set<std::string_view> kHeaderItems = {"source", "timezone", "calendar", "effective",
                                                 "expires"};
const std::set<std::string_view> kClauseItems = {
    "cites", "grants", "vests", "unlocks", "triggers", "pays",   "releases", "becomes",
    "holds", "lapses", "after", "subject", "requires", "tested", "capped",   "with"};
const std::set<std::string_view> kTestItems = {"given", "expect", "at"};

constexpr std::size_t kIndent = 2;

enum class Block { test, other };

struct Line {
  std::vector<Token> tokens;
  std::size_t original_indent = 0;
  std::size_t indent = 0;
  bool top_level = false;  // at brace depth 0
  bool in_test = false;    // inside a test's braces: `field=value` is written tight
};

bool is_comment_only(const Line& line) {
  return line.tokens.size() == 1 && line.tokens.front().kind == TokenKind::comment;
}

bool contains(const Line& line, std::string_view symbol) {
  return std::any_of(line.tokens.begin(), line.tokens.end(),
                     [&](const Token& t) { return t.is(symbol); });
}

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t at = 0;
  while (at <= text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(at, end - at);
    Line line;
    line.tokens = tokenize_line(raw);
    if (!line.tokens.empty()) line.original_indent = line.tokens.front().gap;
    lines.push_back(std::move(line));
    if (end == text.size()) break;
    at = end + 1;
  }
  return lines;
}

// True when the next line with code starts with `{`.
bool next_code_opens_block(const std::vector<Line>& lines, std::size_t index) {
  for (std::size_t next = index + 1; next < lines.size(); ++next) {
    if (lines[next].tokens.empty() || is_comment_only(lines[next])) continue;
    return lines[next].tokens.front().is("{");
  }
  return false;
}

// Indents every code line from the keyword it starts with; a line that continues the one
// above keeps its offset from that line, so hand alignment under an expression survives.
void indent_code(std::vector<Line>& lines) {
  std::vector<Block> blocks;
  std::size_t clause_indent = 0;
  bool family_pending = false;
  std::size_t owner_original = 0;
  std::size_t owner_indent = 0;
  std::string_view declaration;  // the keyword of the last declaration at the margin
  for (std::size_t index = 0; index < lines.size(); ++index) {
    Line& line = lines[index];
    if (line.tokens.empty() || is_comment_only(line)) continue;
    const Token& first = line.tokens.front();
    const std::size_t depth = blocks.size();
    line.top_level = depth == 0;
    line.in_test = depth > 0 && blocks.back() == Block::test;
    std::optional<std::size_t> indent;
    if (first.is("}")) {
      indent = depth > 0 ? (depth - 1) * kIndent : 0;
    } else if (first.is("{")) {
      indent = owner_indent;  // a block opened on the line after its declaration
    } else if (depth > 0) {
      const std::size_t base = depth * kIndent;
      if (line.in_test && first.kind == TokenKind::time) {
        indent = base + kIndent;  // a test event, under its `given`
      } else if (line.in_test
                     ? kTestItems.contains(first.text)
                     : (first.kind == TokenKind::word &&
                        (is_reserved(first.text) ||
                         (line.tokens.size() > 1 && line.tokens[1].is(":")) ||
                         // `key note: text` in `parameters { … }`
                         (first.is("key") && line.tokens.size() > 2 && line.tokens[2].is(":"))))) {
        indent = base;
      }
    } else if (first.kind == TokenKind::word) {
      const bool calendar_declaration =
          first.text == "calendar" && (contains(line, "{") || next_code_opens_block(lines, index));
      if (kDeclarations.contains(first.text) || calendar_declaration) {
        indent = 0;
        declaration = first.text;
        clause_indent = 0;
        if (kClauseKinds.contains(first.text) && family_pending) indent = clause_indent = kIndent;
        family_pending = first.text == "for";
        if (family_pending && std::any_of(line.tokens.begin(), line.tokens.end(), [](auto& t) {
              return t.kind == TokenKind::word && kClauseKinds.contains(t.text);
            })) {
          family_pending = false;
          clause_indent = kIndent;
        }
      } else if (kHeaderItems.contains(first.text)) {
        indent = kIndent;
      } else if (kClauseItems.contains(first.text)) {
        indent = clause_indent + kIndent;
      }
    }
    if (indent) {
      line.indent = *indent;
      owner_original = line.original_indent;
      owner_indent = line.indent;
    } else {
      const bool deeper = line.original_indent > owner_original;
      line.indent = owner_indent + (deeper ? line.original_indent - owner_original : kIndent);
    }
    for (const Token& token : line.tokens) {
      if (token.is("{")) {
        const bool test =
            first.is("test") || (first.is("{") && depth == 0 && declaration == "test");
        blocks.push_back(test ? Block::test : Block::other);
      } else if (token.is("}") && !blocks.empty()) {
        blocks.pop_back();
      }
    }
  }
  // A comment on its own line takes the indentation of the code it precedes.
  std::size_t next_indent = 0;
  for (auto line = lines.rbegin(); line != lines.rend(); ++line) {
    if (line->tokens.empty()) continue;
    if (is_comment_only(*line)) {
      line->indent = next_indent;
    } else {
      next_indent = line->indent + (line->tokens.front().is("}") ? kIndent : 0);
    }
  }
}

bool is_unary_minus(const std::vector<Token>& tokens, std::size_t i) {
  if (!tokens[i].is("-")) return false;
  if (i == 0) return true;
  const Token& before = tokens[i - 1];
  if (before.kind == TokenKind::symbol) return !before.is(")") && !before.is("]");
  return before.kind == TokenKind::word && is_reserved(before.text);
}

// Whether one space separates tokens i-1 and i.
bool space_between(const Line& line, std::size_t i) {
  const std::vector<Token>& t = line.tokens;
  const Token& before = t[i - 1];
  const Token& token = t[i];
  if (token.kind == TokenKind::comment) return true;
  if (token.is("..") || token.is("..<")) {
    return token.gap > 0 || (i + 1 < t.size() && t[i + 1].gap > 0);
  }
  if (before.is("..") || before.is("..<")) return space_between(line, i - 1);
  if (token.is("=") || before.is("=")) return !line.in_test;
  if (is_unary_minus(t, i - 1)) return token.text.front() == '-';  // `- -5`, never `--5`
  if (before.is("(") || before.is("[") || before.is(".")) return false;
  if (token.is(",") || token.is(")") || token.is("]") || token.is(".") || token.is(":")) {
    return false;
  }
  if (token.is("[")) return token.gap > 0;  // `A[k]` indexes; `in [1, 2]` lists
  // `min(a, b)` and `max(a, b)` in an amount are written as calls.
  if (token.is("(") && (before.is("min") || before.is("max"))) return false;
  return true;
}

// The line's tokens from `from` on, spaced canonically.
std::string render_tokens(const Line& line, std::size_t from) {
  std::string text;
  for (std::size_t i = from; i < line.tokens.size(); ++i) {
    const Token& token = line.tokens[i];
    if (i > from) {
      if (token.kind == TokenKind::comment) {
        text.append(std::max<std::size_t>(token.gap, 1), ' ');
      } else if (space_between(line, i)) {
        text += ' ';
      }
    }
    text += token.text;
  }
  return text;
}

// `metric`, `let` and `event` declarations in a run align their `=` or `{`, and a calendar's
// `holiday "…"` lines their `on`, so a list of them reads as a table.
std::optional<std::string_view> alignment_kind(const Line& line) {
  const auto& t = line.tokens;
  if (t.size() >= 3 && t[0].is("holiday") && t[1].kind == TokenKind::text && t[2].is("on")) {
    return t[0].text;
  }
  if (!line.top_level || t.size() < 3 || t[1].kind != TokenKind::word) return std::nullopt;
  if ((t[0].is("metric") || t[0].is("let")) && t[2].is("=")) return t[0].text;
  if (t[0].is("event") && t[2].is("{")) return t[0].text;
  return std::nullopt;
}

}  // namespace

std::string layout(std::string_view text) {
  std::vector<Line> lines = split_lines(text);
  indent_code(lines);

  std::vector<std::string> rendered(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].tokens.empty()) continue;
    rendered[i] = std::string(lines[i].indent, ' ') + render_tokens(lines[i], 0);
  }
  // Runs of aligned declarations: comment lines may stand between them, blank lines end a run.
  for (std::size_t i = 0; i < lines.size();) {
    const auto kind = alignment_kind(lines[i]);
    if (!kind) {
      ++i;
      continue;
    }
    std::vector<std::size_t> run;
    std::size_t end = i;
    for (; end < lines.size(); ++end) {
      if (is_comment_only(lines[end])) continue;
      if (alignment_kind(lines[end]) != kind) break;
      run.push_back(end);
    }
    std::size_t width = 0;
    for (std::size_t j : run) width = std::max(width, lines[j].tokens[1].text.size());
    for (std::size_t j : run) {
      const Line& line = lines[j];
      rendered[j] = std::string(line.indent, ' ') + line.tokens[0].text + ' ' +
                    line.tokens[1].text + std::string(width - line.tokens[1].text.size() + 1, ' ') +
                    render_tokens(line, 2);
    }
    i = end;
  }

  std::string out;
  bool pending_blank = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].tokens.empty()) {
      pending_blank = !out.empty();
      continue;
    }
    if (pending_blank) out += '\n';
    pending_blank = false;
    out += rendered[i];
    out += '\n';
  }
  return out;
}

}  // namespace proviso::format
