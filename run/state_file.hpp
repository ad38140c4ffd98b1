// The envelope of a saved state: a first line naming the format and its version, and a last
// line with a CRC-64 of everything before it, so that a foreign file, a file of another
// version and a file cut short or edited are each refused with their own reason.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace proviso {

/// The version of the state layout this build writes and reads; a state of another version
/// is refused (its numbers would be read with the wrong meaning).
inline constexpr int kStateFormatVersion = 4;

/// CRC-64/XZ (ECMA-182 polynomial, reflected) of `text`, as Boost.CRC computes it.
std::uint64_t state_checksum(std::string_view text);

/// `body` (which starts with the format line and ends with "\n") followed by its checksum line.
std::string seal_state(std::string body);

/// The body of a sealed state, without its checksum line; nullopt with `error` saying why the
/// text is not a complete state of this format.
std::optional<std::string_view> unseal_state(std::string_view text, std::string& error);

}  // namespace proviso
