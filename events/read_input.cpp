#include "events/read_input.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>

namespace proviso::detail {

namespace {
constexpr std::size_t kChunk = std::size_t{1} << 18;
}  // namespace

InputBuffer::InputBuffer(int fd, bool owned)
    : fd_(fd),
      owned_(owned),
      buffer_(new char[kChunk + kPadding]),
      capacity_(kChunk),
      begin_(buffer_.get()),
      end_(buffer_.get()) {
  std::memset(buffer_.get(), 0, kChunk + kPadding);
}

InputBuffer::~InputBuffer() {
  if (owned_) ::close(fd_);
}

bool InputBuffer::fill() {
  if (eof_ || io_error_) return false;
  const std::size_t kept = static_cast<std::size_t>(end_ - begin_);
  if (kept >= kMaxLine) return false;
  if (kept == capacity_) {
    // One line fills the buffer: grow it (up to kMaxLine), keeping the padding.
    const std::size_t grown = std::min(capacity_ * 2, kMaxLine);
    std::unique_ptr<char[]> bigger(new char[grown + kPadding]);
    std::memcpy(bigger.get(), begin_, kept);
    std::memset(bigger.get() + kept, 0, grown + kPadding - kept);
    buffer_ = std::move(bigger);
    capacity_ = grown;
  } else if (begin_ != buffer_.get()) {
    std::memmove(buffer_.get(), begin_, kept);
  }
  begin_ = buffer_.get();
  end_ = begin_ + kept;
  while (true) {
    const ssize_t got = ::read(fd_, end_, capacity_ - kept);
    if (got > 0) {
      end_ += got;
      if (at_start_) {
        at_start_ = false;
        // A byte order mark some editors put before UTF-8 text is no part of the first line.
        if (end_ - begin_ >= 3 && std::memcmp(begin_, "\xEF\xBB\xBF", 3) == 0) begin_ += 3;
      }
      return true;
    }
    if (got == 0) {
      eof_ = true;
      return false;
    }
    if (errno != EINTR) {
      io_error_ = fmt::format("cannot read: {}", std::strerror(errno));
      return false;
    }
  }
}

bool InputBuffer::next_line(std::string_view& line) {
  std::size_t searched = 0;
  while (true) {
    const std::size_t size = static_cast<std::size_t>(end_ - begin_);
    const void* newline = std::memchr(begin_ + searched, '\n', size - searched);
    if (newline != nullptr) {
      const char* stop = static_cast<const char*>(newline);
      std::size_t length = static_cast<std::size_t>(stop - begin_);
      line = std::string_view(begin_, length);
      begin_ += length + 1;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      return true;
    }
    searched = size;
    if (!fill()) {
      if (io_error_ || full() || begin_ == end_) return false;
      // The last line has no "\n".
      line = std::string_view(begin_, static_cast<std::size_t>(end_ - begin_));
      begin_ = end_;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      return true;
    }
  }
}

void InputBuffer::skip_line() {
  while (true) {
    const void* newline = std::memchr(begin_, '\n', static_cast<std::size_t>(end_ - begin_));
    if (newline != nullptr) {
      begin_ = static_cast<char*>(const_cast<void*>(newline)) + 1;
      return;
    }
    begin_ = end_;
    if (!fill()) return;
  }
}

}  // namespace proviso::detail
