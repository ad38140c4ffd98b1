// The filter index's table from a field's value to the contracts filtered on it. An event looks
// its value up once, so the lookup is the index's cost per event: open addressing with each
// slot holding the hash, the key (up to kInlineKey bytes) and where its contracts are, so that
// a lookup usually reads one cache line and then the contracts, where std::unordered_map reads
// a bucket, a node before the one wanted, the node and the key (and divides by the bucket count).
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace proviso {

class ValueTable {
 public:
  /// The table of `contracts_by_value`; each value's contracts keep their order.
  explicit ValueTable(const std::map<std::string, std::vector<std::uint32_t>>& contracts_by_value);
  ValueTable() = default;

  /// The contracts filtered on `key`; empty when none is.
  std::span<const std::uint32_t> find(std::string_view key) const;

 private:
  static constexpr std::size_t kInlineKey = 36;
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t first = 0;  // into contracts_
    std::uint32_t count = 0;  // 0 for an empty slot
    std::uint32_t key_length = 0;
    std::uint32_t key_at = 0;  // into long_keys_, for a key longer than kInlineKey
    char key[kInlineKey] = {};
  };
  static_assert(sizeof(Slot) == 64);
  std::string_view key_of(const Slot& slot) const;

  std::vector<Slot> slots_;  // a power of two, at most half of them used
  std::vector<std::uint32_t> contracts_;
  std::string long_keys_;
};

}  // namespace proviso
