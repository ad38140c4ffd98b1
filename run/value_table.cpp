#include "run/value_table.hpp"

#include <bit>
#include <cstring>
#include <functional>

namespace proviso {

ValueTable::ValueTable(const std::map<std::string, std::vector<std::uint32_t>>& contracts_by_value)
    : slots_(std::bit_ceil(2 * contracts_by_value.size() + 1)) {
  const std::size_t mask = slots_.size() - 1;
  for (const auto& [key, contracts] : contracts_by_value) {
    const std::uint64_t hash = std::hash<std::string_view>{}(key);
    std::size_t at = hash & mask;
    while (slots_[at].count != 0) at = (at + 1) & mask;
    Slot& slot = slots_[at];
    slot.hash = hash;
    slot.first = static_cast<std::uint32_t>(contracts_.size());
    slot.count = static_cast<std::uint32_t>(contracts.size());
    slot.key_length = static_cast<std::uint32_t>(key.size());
    if (key.size() <= kInlineKey) {
      std::memcpy(slot.key, key.data(), key.size());
    } else {
      slot.key_at = static_cast<std::uint32_t>(long_keys_.size());
      long_keys_ += key;
    }
    contracts_.insert(contracts_.end(), contracts.begin(), contracts.end());
  }
}

std::string_view ValueTable::key_of(const Slot& slot) const {
  if (slot.key_length <= kInlineKey) return {slot.key, slot.key_length};
  return std::string_view(long_keys_).substr(slot.key_at, slot.key_length);
}

std::span<const std::uint32_t> ValueTable::find(std::string_view key) const {
  if (slots_.empty()) return {};
  const std::uint64_t hash = std::hash<std::string_view>{}(key);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
    const Slot& slot = slots_[at];
    if (slot.count == 0) return {};
    if (slot.hash == hash && key_of(slot) == key) {
      return std::span<const std::uint32_t>(contracts_).subspan(slot.first, slot.count);
    }
  }
}

}  // namespace proviso
