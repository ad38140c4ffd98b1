#include "cli/checkpoint.hpp"

#include <charconv>

#include <fmt/format.h>

#include "run/state_file.hpp"

namespace proviso::cli {

namespace {

constexpr std::string_view kMagic = "proviso-checkpoint 1\n";
constexpr std::string_view kChecksumTag = "crc64 ";

// Reads the next line of `text` from `at` (without its "\n"); false at the end.
bool next_line(std::string_view text, std::size_t& at, std::string_view& line) {
  if (at >= text.size()) return false;
  const std::size_t end = text.find('\n', at);
  if (end == std::string_view::npos) return false;
  line = text.substr(at, end - at);
  at = end + 1;
  return true;
}

// Reads a number followed by a space (or the end) from `line`, consuming it.
bool take_number(std::string_view& line, std::uint64_t& number) {
  const auto [end, code] = std::from_chars(line.data(), line.data() + line.size(), number);
  if (code != std::errc() || end == line.data()) return false;
  line.remove_prefix(static_cast<std::size_t>(end - line.data()));
  if (!line.empty()) {
    if (line.front() != ' ') return false;
    line.remove_prefix(1);
  }
  return true;
}

}  // namespace

std::string format_checkpoint(const Checkpoint& checkpoint) {
  std::string text(kMagic);
  for (const auto& [path, at] : checkpoint.logs) {
    text += fmt::format("log {} {} {} {} {}\n", at.device, at.inode, at.offset, at.line, path);
  }
  text += fmt::format("printed {}\n", checkpoint.printed);
  text += fmt::format("state {}\n", checkpoint.state.size());
  text += checkpoint.state;
  text += fmt::format("{}{:016x}\n", kChecksumTag, state_checksum(text));
  return text;
}

std::optional<Checkpoint> parse_checkpoint(std::string_view text, std::string& error) {
  if (!text.starts_with(kMagic)) {
    error =
        "this is not a checkpoint of proviso run --follow (it does not start with "
        "'proviso-checkpoint 1')";
    return std::nullopt;
  }
  const std::size_t last = text.size() < 2 ? 0 : text.rfind('\n', text.size() - 2);
  const std::string_view sum = text.ends_with('\n') && last != std::string_view::npos
                                   ? text.substr(last + 1, text.size() - last - 2)
                                   : std::string_view();
  std::uint64_t recorded = 0;
  if (sum.size() != kChecksumTag.size() + 16 || !sum.starts_with(kChecksumTag) ||
      std::from_chars(sum.data() + kChecksumTag.size(), sum.data() + sum.size(), recorded, 16)
              .ptr != sum.data() + sum.size() ||
      recorded != state_checksum(text.substr(0, last + 1))) {
    error = "its checksum line is missing or does not match: the file is incomplete or damaged";
    return std::nullopt;
  }
  const std::string_view body = text.substr(0, last + 1);
  Checkpoint checkpoint;
  std::size_t at = kMagic.size();
  std::string_view line;
  auto bad = [&](std::string_view what) {
    error = fmt::format("its {} line is not readable", what);
    return std::nullopt;
  };
  while (next_line(body, at, line) && line.starts_with("log ")) {
    line.remove_prefix(4);
    LogPosition position;
    if (!take_number(line, position.device) || !take_number(line, position.inode) ||
        !take_number(line, position.offset) || !take_number(line, position.line) || line.empty()) {
      return bad("log");
    }
    checkpoint.logs.emplace_back(std::string(line), position);
  }
  if (!line.starts_with("printed ")) return bad("printed");
  line.remove_prefix(8);
  if (!take_number(line, checkpoint.printed) || !line.empty()) return bad("printed");
  std::uint64_t size = 0;
  if (!next_line(body, at, line) || !line.starts_with("state ")) return bad("state");
  line.remove_prefix(6);
  if (!take_number(line, size) || !line.empty() || size != body.size() - at) return bad("state");
  checkpoint.state = std::string(body.substr(at));
  return checkpoint;
}

}  // namespace proviso::cli
