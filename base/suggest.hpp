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

/// Letters `a` and `b` share at the start, ignoring ASCII case.
std::size_t common_prefix(std::string_view a, std::string_view b);

/// The candidate nearest to `word` when it is a likely typo of it. On equal distance the one
/// sharing the longer beginning wins ("vest" is "vests", not "test"), then the first.
template <typename Range>
std::optional<std::string> closest_match(std::string_view word, const Range& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  std::size_t best_prefix = 0;
  for (const auto& candidate : candidates) {
    const std::string_view text(candidate);
    if (!is_likely_typo(word, text)) continue;
    const std::size_t distance = edit_distance(word, text);
    const std::size_t prefix = common_prefix(word, text);
    if (!best || distance < best_distance || (distance == best_distance && prefix > best_prefix)) {
      best = std::string(text);
      best_distance = distance;
      best_prefix = prefix;
    }
  }
  return best;
}

}  // namespace proviso
