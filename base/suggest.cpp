#include "base/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace proviso {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitution = diagonal + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::size_t common_prefix(std::string_view a, std::string_view b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() &&
         std::tolower(static_cast<unsigned char>(a[n])) ==
             std::tolower(static_cast<unsigned char>(b[n]))) {
    ++n;
  }
  return n;
}

bool is_likely_typo(std::string_view word, std::string_view candidate) {
  if (word.empty() || candidate.empty()) return false;
  // One edit in short names, about a third of the letters in longer ones.
  const std::size_t allowed = std::max<std::size_t>(1, std::max(word.size(), candidate.size()) / 3);
  return edit_distance(word, candidate) <= allowed;
}

}  // namespace proviso
