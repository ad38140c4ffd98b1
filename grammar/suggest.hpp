// "Did you mean …?" for misspelt names and keywords.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace proviso {

/// Levenshtein distance, ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// True when `candidate` is close enough to `word` to be what the author meant.
bool is_likely_typo(std::string_view word, std::string_view candidate);

/// The candidate nearest to `word` when it is a likely typo of it; the first such on ties.
template <typename Range>
std::optional<std::string> closest_match(std::string_view word, const Range& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& candidate : candidates) {
    const std::string_view text(candidate);
    if (!is_likely_typo(word, text)) continue;
    const std::size_t distance = edit_distance(word, text);
    if (!best || distance < best_distance) {
      best = std::string(text);
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace proviso
