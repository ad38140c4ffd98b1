#include "run/state_file.hpp"

#include <charconv>

#include <fmt/format.h>
#include <boost/crc.hpp>

namespace proviso {

namespace {

constexpr std::string_view kMagic = "proviso-state ";
constexpr std::string_view kChecksumTag = "crc64 ";

// CRC-64/XZ: width 64, polynomial 0x42F0E1EBA9EA3693, initial and final XOR all ones,
// reflected in and out (check value of "123456789": 0x995DC9BBDF1939FA).
using Crc64 = boost::crc_optimal<64, 0x42F0E1EBA9EA3693ULL, ~0ULL, ~0ULL, true, true>;

}  // namespace

std::uint64_t state_checksum(std::string_view text) {
  Crc64 crc;
  crc.process_bytes(text.data(), text.size());
  return crc.checksum();
}

std::string seal_state(std::string body) {
  body += fmt::format("{}{:016x}\n", kChecksumTag, state_checksum(body));
  return body;
}

std::optional<std::string_view> unseal_state(std::string_view text, std::string& error) {
  if (!text.starts_with(kMagic)) {
    error = "this is not a state saved by proviso (it does not start with 'proviso-state')";
    return std::nullopt;
  }
  const std::string_view version_text = text.substr(kMagic.size(), text.find('\n') - kMagic.size());
  int version = 0;
  const auto [end, code] =
      std::from_chars(version_text.data(), version_text.data() + version_text.size(), version);
  if (code != std::errc() || end != version_text.data() + version_text.size()) {
    error = fmt::format("its first line names no format version ('proviso-state {}')",
                        version_text.substr(0, 20));
    return std::nullopt;
  }
  if (version != kStateFormatVersion) {
    error = fmt::format(
        "it was saved in state format {}, and this proviso reads format {}; replay the logs "
        "from the start to make a new state",
        version, kStateFormatVersion);
    return std::nullopt;
  }
  // The checksum line is the last: a file that does not end in one was cut short.
  const std::size_t last = text.size() < 2 ? 0 : text.rfind('\n', text.size() - 2);
  const std::string_view line = text.ends_with('\n') && last != std::string_view::npos
                                    ? text.substr(last + 1, text.size() - last - 2)
                                    : std::string_view();
  std::uint64_t recorded = 0;
  if (line.size() != kChecksumTag.size() + 16 || !line.starts_with(kChecksumTag) ||
      std::from_chars(line.data() + kChecksumTag.size(), line.data() + line.size(), recorded, 16)
              .ptr != line.data() + line.size()) {
    error =
        "it ends without its checksum line: the file is incomplete (cut short, perhaps by an "
        "interrupted write or copy)";
    return std::nullopt;
  }
  const std::string_view body = text.substr(0, last + 1);
  const std::uint64_t actual = state_checksum(body);
  if (actual != recorded) {
    error = fmt::format(
        "its checksum does not match its content (recorded {:016x}, computed {:016x}): the file "
        "is damaged or was edited",
        recorded, actual);
    return std::nullopt;
  }
  return body;
}

}  // namespace proviso
