#include "run/share.hpp"

#include <charconv>

namespace proviso {

namespace {

// A whole decimal number from 1 to 2^32 - 1 that is all of `text`.
std::optional<std::uint32_t> positive(std::string_view text) {
  std::uint32_t value = 0;
  const auto [end, failure] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || failure != std::errc() || end != text.data() + text.size() || value == 0) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<WorkerShare> parse_worker_share(std::string_view text, std::string& error) {
  const auto slash = text.find('/');
  const auto index =
      slash == std::string_view::npos ? std::nullopt : positive(text.substr(0, slash));
  const auto count =
      slash == std::string_view::npos ? std::nullopt : positive(text.substr(slash + 1));
  if (!index || !count) {
    error =
        "--worker takes K/N, the K-th of N workers, with 1 <= K <= N (e.g. 1/3, 2/3, 3/3), not '" +
        std::string(text) + "'";
    return std::nullopt;
  }
  if (*index > *count) {
    error = "--worker " + std::string(text) + ": there is no worker " + std::to_string(*index) +
            " of " + std::to_string(*count) + " (K runs from 1 to N)";
    return std::nullopt;
  }
  return WorkerShare{*index, *count};
}

std::uint64_t share_hash(std::string_view name) {
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a 64's offset basis
  for (const char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;  // FNV's 64-bit prime
  }
  return hash;
}

std::uint32_t share_of(std::string_view name, std::uint32_t count) {
  return static_cast<std::uint32_t>(share_hash(name) % count) + 1;
}

}  // namespace proviso
