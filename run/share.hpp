// Spreading contracts over workers: `proviso run --worker K/N` runs the K-th of N shares. A
// contract's share depends on its own name only (an instance's on its key), never on the order of
// the files or on what the other workers run, so N processes started with 1/N … N/N run every
// contract exactly once between them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace proviso {

/// The K-th (1-based) of N shares.
struct WorkerShare {
  std::uint32_t index = 1;  // K, 1 ≤ K ≤ N
  std::uint32_t count = 1;  // N
  bool operator==(const WorkerShare&) const = default;
};

/// Reads "K/N" (1 ≤ K ≤ N, both decimal); nullopt with the reason in `error` otherwise.
std::optional<WorkerShare> parse_worker_share(std::string_view text, std::string& error);

/// FNV-1a, 64 bits, of the name's UTF-8 bytes: the documented hash shares are cut by.
std::uint64_t share_hash(std::string_view name);

/// The share (1 … count) that runs the contract or instance named `name`:
/// share_hash(name) mod count, plus 1. A plain contract is named by its title (the `contract
/// "…"` line), a template's instance by its key.
std::uint32_t share_of(std::string_view name, std::uint32_t count);

/// Whether `share` runs the contract or instance named `name`.
inline bool runs(const WorkerShare& share, std::string_view name) {
  return share_of(name, share.count) == share.index;
}

}  // namespace proviso
