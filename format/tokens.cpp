#include "format/tokens.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "grammar/grammar.hpp"

namespace proviso::format {

namespace pegtl = tao::pegtl;

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_word_first(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_word_char(char c) {
  return is_word_first(c) || is_digit(c);
}

// True when `count` digits start at `at`.
bool digits_at(std::string_view s, std::size_t at, std::size_t count) {
  if (at + count > s.size()) return false;
  return std::all_of(s.begin() + at, s.begin() + at + count, is_digit);
}

std::size_t word_end(std::string_view s, std::size_t at) {
  while (at < s.size() && is_word_char(s[at])) ++at;
  return at;
}

// A zone after a time: `UTC`, or `Area/City` (words joined by '/'), as grammar.hpp zone_name.
std::size_t zone_end(std::string_view s, std::size_t at) {
  if (at >= s.size() || !is_word_first(s[at])) return 0;
  std::size_t end = word_end(s, at);
  if (s.substr(at, end - at) == "UTC") return end;
  std::size_t parts = 0;
  while (end < s.size() && s[end] == '/' && end + 1 < s.size() && is_word_first(s[end + 1])) {
    end = word_end(s, end + 1);
    ++parts;
  }
  return parts > 0 ? end : 0;
}

// The end of a date or timestamp at `at` (grammar.hpp `date`, `timestamp`), or 0.
std::size_t time_end(std::string_view s, std::size_t at) {
  if (!digits_at(s, at, 4) || at + 10 > s.size() || s[at + 4] != '-' || !digits_at(s, at + 5, 2) ||
      s[at + 7] != '-' || !digits_at(s, at + 8, 2)) {
    return 0;
  }
  std::size_t end = at + 10;
  if (end + 6 <= s.size() && (s[end] == 'T' || s[end] == ' ') && digits_at(s, end + 1, 2) &&
      s[end + 3] == ':' && digits_at(s, end + 4, 2)) {
    end += 6;
    if (end + 3 <= s.size() && s[end] == ':' && digits_at(s, end + 1, 2)) {
      end += 3;
      if (end + 1 < s.size() && s[end] == '.' && is_digit(s[end + 1])) {
        ++end;
        while (end < s.size() && is_digit(s[end])) ++end;
      }
    }
    if (end < s.size() && s[end] == 'Z') {
      ++end;
    } else if (end + 6 <= s.size() && (s[end] == '+' || s[end] == '-') &&
               digits_at(s, end + 1, 2) && s[end + 3] == ':' && digits_at(s, end + 4, 2)) {
      end += 6;
    } else {
      std::size_t spaces = end;
      while (spaces < s.size() && s[spaces] == ' ') ++spaces;
      if (const std::size_t zone = zone_end(s, spaces)) end = zone;
    }
  }
  return end;
}

std::size_t number_end(std::string_view s, std::size_t at) {
  std::size_t end = at + 1;
  while (end < s.size() &&
         (is_digit(s[end]) || (s[end] == '_' && end + 1 < s.size() && is_digit(s[end + 1])))) {
    ++end;
  }
  if (end + 1 < s.size() && s[end] == '.' && is_digit(s[end + 1])) {
    end += 2;
    while (end < s.size() && is_digit(s[end])) ++end;
  }
  if (end < s.size() && s[end] == '%') {
    ++end;
  } else if (end < s.size() && s[end] == 'x' &&
             (end + 1 == s.size() || !is_word_char(s[end + 1]))) {
    ++end;  // a ratio, `3.25x`, is one token as the grammar reads it
  }
  return end;
}

std::size_t text_end(std::string_view s, std::size_t at) {
  std::size_t end = at + 1;
  while (end < s.size() && s[end] != '"') end += s[end] == '\\' ? 2 : 1;
  return std::min(end + 1, s.size());
}

constexpr std::array<std::string_view, 6> kLongSymbols = {"..<", "..", "==", "!=", "<=", ">="};

}  // namespace

std::vector<Token> tokenize_line(std::string_view line) {
  std::vector<Token> tokens;
  std::size_t at = 0;
  std::size_t gap = 0;
  while (at < line.size()) {
    const char c = line[at];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++gap;
      ++at;
      continue;
    }
    TokenKind kind = TokenKind::symbol;
    std::size_t end = at + 1;
    if (c == '-' && at + 1 < line.size() && line[at + 1] == '-') {
      kind = TokenKind::comment;
      end = line.size();
      while (end > at && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r')) {
        --end;
      }
    } else if (c == '"') {
      kind = TokenKind::text;
      end = text_end(line, at);
    } else if (const std::size_t time = time_end(line, at)) {
      kind = TokenKind::time;
      end = time;
    } else if (is_digit(c)) {
      kind = TokenKind::number;
      end = number_end(line, at);
    } else if (is_word_first(c)) {
      kind = TokenKind::word;
      end = word_end(line, at);
      // `with catch-up`: one word, as the grammar's catch_up_word reads it.
      constexpr std::string_view kCatchUp = "catch-up";
      if (line.substr(at, kCatchUp.size()) == kCatchUp && word_end(line, at + 6) == at + 8) {
        end = at + kCatchUp.size();
      }
    } else {
      for (std::string_view symbol : kLongSymbols) {
        if (line.substr(at, symbol.size()) == symbol) {
          end = at + symbol.size();
          break;
        }
      }
    }
    tokens.push_back({kind, std::string(line.substr(at, end - at)), gap});
    gap = 0;
    at = std::max(end, at + 1);
  }
  return tokens;
}

bool is_reserved(std::string_view word) {
  pegtl::memory_input input(word.data(), word.size(), "word");
  return pegtl::parse<pegtl::seq<grammar::reserved, pegtl::eof>>(input);
}

}  // namespace proviso::format
