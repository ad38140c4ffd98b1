// Reading a whole text file (a contract, a test file, an expected timeline) with the checks a
// path given by a user needs: a folder or a device is not a file, and no file is read without
// bound (/dev/zero, or a log given where a contract was meant).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace proviso {

/// The most a contract, test file or expected timeline may hold.
inline constexpr std::size_t kMaxTextFileBytes = std::size_t{16} << 20;

/// The whole of `path`, or nullopt with `error` set to a complete message ("cannot read PATH:
/// it is a folder, not a file", "cannot read PATH: it is larger than 16 MiB", the system's
/// reason).
std::optional<std::string> read_text_file(const std::string& path, std::string& error,
                                          std::size_t max_bytes = kMaxTextFileBytes);

}  // namespace proviso
