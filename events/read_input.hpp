// Internal to the event readers: a file or standard input read in large chunks into one reused,
// padded buffer, so a log of any length is read in bounded memory and simdjson can parse lines in
// place.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace proviso::detail {

class InputBuffer {
 public:
  /// Readable bytes after the data, always: simdjson reads up to 64 bytes past a document.
  static constexpr std::size_t kPadding = 64;
  /// A line (or CSV record) longer than this is an error rather than a reason to grow further.
  static constexpr std::size_t kMaxLine = std::size_t{64} << 20;

  /// Reads `fd`; closes it on destruction when `owned`.
  InputBuffer(int fd, bool owned);
  ~InputBuffer();
  InputBuffer(const InputBuffer&) = delete;
  InputBuffer& operator=(const InputBuffer&) = delete;

  /// The unconsumed data; at least kPadding readable bytes follow it.
  std::string_view data() const { return {begin_, static_cast<std::size_t>(end_ - begin_)}; }
  /// Marks the first `n` bytes of data() as used.
  void consume(std::size_t n) { begin_ += n; }
  /// Reads more after data() (moving it, so earlier views die); false at the end of the input,
  /// on a read error (see io_error) or when data() already holds kMaxLine bytes.
  bool fill();
  /// Why reading failed, if it did.
  const std::optional<std::string>& io_error() const { return io_error_; }
  /// True when data() is kMaxLine long and cannot grow.
  bool full() const { return static_cast<std::size_t>(end_ - begin_) >= kMaxLine; }

  /// The next line of the input without its "\n" or "\r\n", consumed; false at the end of input
  /// (or on a read error, or when a line exceeds kMaxLine: see io_error and full()). The view
  /// dies at the next call.
  bool next_line(std::string_view& line);

  /// Drops the input up to and including the next "\n", however far away; after next_line gave
  /// up on an overlong line.
  void skip_line();

 private:
  int fd_;
  bool owned_;
  bool eof_ = false;
  bool at_start_ = true;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_;  // usable bytes, excluding the padding
  char* begin_;
  char* end_;
  std::optional<std::string> io_error_;
};

}  // namespace proviso::detail
