#include "cli/log_tail.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

namespace proviso::cli {

namespace {

constexpr std::size_t kChunk = std::size_t{1} << 16;

bool is_blank(std::string_view record) {
  return record.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

bool same_file(const LogPosition& position, const struct stat& info) {
  return position.device == static_cast<std::uint64_t>(info.st_dev) &&
         position.inode == static_cast<std::uint64_t>(info.st_ino);
}

// Messages of the tail's own (a rotation, a truncation) go to standard error as they happen.
template <typename... Args>
void say(fmt::format_string<Args...> format, Args&&... args) {
  fmt::print(stderr, format, std::forward<Args>(args)...);
  std::fflush(stderr);
}

}  // namespace

LogTail::LogTail(std::string path, LogFormat format, std::chrono::milliseconds poll)
    : path_(std::move(path)), format_(format), poll_(poll) {}

std::unique_ptr<LogTail> LogTail::start(const std::string& path, LogFormat format,
                                        const std::optional<LogPosition>& from,
                                        std::chrono::milliseconds poll, std::string& error) {
  std::unique_ptr<LogTail> tail(new LogTail(path, format, poll));
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat info {};
  if (fd < 0 || ::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    error = fd < 0 ? fmt::format("{}: error: cannot open this log: {}", path, std::strerror(errno))
                   : fmt::format("{}: error: --follow reads regular files only", path);
    if (fd >= 0) ::close(fd);
    return nullptr;
  }
  // A socket pair rather than a pipe: a write after the reader is gone fails (MSG_NOSIGNAL)
  // instead of raising SIGPIPE, which stays free to stop the command when its output closes.
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
    error = fmt::format("{}: error: cannot follow this log: {}", path, std::strerror(errno));
    ::close(fd);
    return nullptr;
  }
  tail->read_end_ = ends[0];
  tail->write_end_ = ends[1];
  std::uint64_t offset = 0;
  std::uint64_t line = 0;
  if (from && same_file(*from, info) && static_cast<std::uint64_t>(info.st_size) >= from->offset) {
    offset = from->offset;
    line = from->line;
  } else if (from && same_file(*from, info)) {
    say("{}: the log is shorter than at the checkpoint ({} bytes, {} were read): it was "
        "truncated; reading it from its start\n",
        path, info.st_size, from->offset);
  } else if (from) {
    say("{}: the log is another file than at the checkpoint (it was replaced, or rotated); "
        "reading the new file from its start\n",
        path);
  }
  tail->open_at(fd, info, offset, line);
  tail->started_at_ = tail->current_;
  tail->started_at_.offset = offset;
  tail->thread_ = std::thread([t = tail.get()] { t->run(); });
  return tail;
}

LogTail::~LogTail() {
  stop();
  if (read_end_ >= 0) ::close(read_end_);
  if (fd_ >= 0) ::close(fd_);
}

void LogTail::open_at(int fd, const struct stat& info, std::uint64_t offset, std::uint64_t line) {
  if (fd_ >= 0 && fd_ != fd) ::close(fd_);
  fd_ = fd;
  current_ = {static_cast<std::uint64_t>(info.st_dev), static_cast<std::uint64_t>(info.st_ino),
              offset, line};
  ::lseek(fd_, static_cast<off_t>(offset), SEEK_SET);
  pending_.clear();
  scanned_ = 0;
  in_quotes_ = false;
  taken_lines_ = line;
}

int LogTail::take_read_end() {
  reader_fd_ = read_end_;
  read_end_ = -1;
  return reader_fd_;
}

void LogTail::begin_segment(std::uint64_t file_line) {
  const std::lock_guard lock(mutex_);
  segments_.push_back({stream_lines_, file_line, current_});
}

std::uint64_t LogTail::file_line(std::uint64_t stream_line) const {
  const std::lock_guard lock(mutex_);
  for (auto it = segments_.rbegin(); it != segments_.rend(); ++it) {
    if (it->stream_start < stream_line) return stream_line - it->stream_start + it->file_line;
  }
  return stream_line;
}

LogPosition LogTail::after(std::uint64_t stream_line) {
  const std::lock_guard lock(mutex_);
  const auto it = std::find_if(records_.begin(), records_.end(), [&](const Record& record) {
    return record.stream_line >= stream_line;
  });
  if (it == records_.end() || it->stream_line != stream_line) return started_at_;
  const LogPosition end = it->end;
  // The records before it are behind every checkpoint from now on; it stays, for a checkpoint
  // that names it again before the next event of this log.
  records_.erase(records_.begin(), it);
  return end;
}

std::size_t LogTail::unread_in_pipe() const {
  int bytes = 0;
  if (reader_fd_ < 0 || ::ioctl(reader_fd_, FIONREAD, &bytes) != 0) return 0;
  return static_cast<std::size_t>(std::max(bytes, 0));
}

void LogTail::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (write_end_ >= 0) {
    ::close(write_end_);
    write_end_ = -1;
  }
}

bool LogTail::write_record(std::string_view bytes, std::uint64_t lines) {
  // The reader may be slow or gone: wait for room a poll at a time, so stop() never hangs.
  while (!bytes.empty()) {
    pollfd room{write_end_, POLLOUT, 0};
    if (stop_) return false;
    if (::poll(&room, 1, static_cast<int>(poll_.count())) <= 0) continue;
    const ssize_t sent =
        ::send(write_end_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  stream_lines_ += lines;
  return true;
}

// Moves every complete record out of pending_ into the pipe; `final` (the file is finished:
// rotated away) takes a last line without its "\n" too.
void LogTail::take_records(bool final) {
  std::size_t begin = 0;
  while (true) {
    std::size_t end = scanned_;
    for (; end < pending_.size(); ++end) {
      const char c = pending_[end];
      if (c == '"' && format_ == LogFormat::csv) in_quotes_ = !in_quotes_;
      if (c == '\n' && !in_quotes_) break;
    }
    const bool complete = end < pending_.size();
    if (!complete && !(final && end > begin)) {
      scanned_ = end;
      break;
    }
    std::string record = pending_.substr(begin, end - begin);
    record += '\n';
    const auto lines = static_cast<std::uint64_t>(std::count(record.begin(), record.end(), '\n'));
    const std::size_t consumed = complete ? end + 1 - begin : end - begin;
    taken_lines_ += lines;
    current_.offset += consumed;
    current_.line = taken_lines_;
    if (skip_header_) {
      // A rotated or truncated CSV log starts again with its header row: the reader already
      // has the first file's, so this one is counted but not read again.
      if (!is_blank(record)) skip_header_ = false;
      const std::lock_guard lock(mutex_);
      segments_.back().file_line += lines;
    } else {
      {
        const std::lock_guard lock(mutex_);
        records_.push_back({stream_lines_ + 1, current_});
      }
      if (!write_record(record, lines)) {
        stop_ = true;
        return;
      }
    }
    begin += consumed;
    scanned_ = begin;
    if (!complete) break;
  }
  pending_.erase(0, begin);
  scanned_ -= begin;
}

bool LogTail::read_available() {
  char buffer[kChunk];
  const ssize_t got = ::read(fd_, buffer, sizeof buffer);
  if (got > 0) {
    at_end_ = false;
    pending_.append(buffer, static_cast<std::size_t>(got));
    take_records(false);
    return true;
  }
  if (got < 0 && errno == EINTR) return true;
  if (got < 0) say("{}: error: cannot read: {}\n", path_, std::strerror(errno));
  return false;
}

void LogTail::check_replaced() {
  struct stat at_path {};
  if (::stat(path_.c_str(), &at_path) == 0 && !same_file(current_, at_path)) {
    // Rotated: whatever was appended to the old file before the switch is read first.
    while (!stop_ && read_available()) {
    }
    take_records(true);
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat info {};
    if (fd < 0 || ::fstat(fd, &info) != 0) {
      if (fd >= 0) ::close(fd);
      return;  // between a rename and the new file's creation: try again at the next poll
    }
    say("{}: the log was replaced (rotated) after line {} of the old file; reading the new "
        "file from its start\n",
        path_, taken_lines_);
    open_at(fd, info, 0, 0);
    begin_segment(0);
    skip_header_ = format_ == LogFormat::csv;
    at_end_ = false;
    return;
  }
  struct stat open_file {};
  if (::fstat(fd_, &open_file) == 0 &&
      static_cast<std::uint64_t>(open_file.st_size) < current_.offset + pending_.size()) {
    say("{}: the log was truncated (it holds {} bytes, {} were read); reading it again from "
        "its start\n",
        path_, open_file.st_size, current_.offset + pending_.size());
    open_at(fd_, open_file, 0, 0);
    begin_segment(0);
    skip_header_ = format_ == LogFormat::csv;
    at_end_ = false;
  }
}

// After a restart in the middle of a CSV log, its header row (and any blank lines before it)
// goes first, as the reader needs it; the lines keep their numbers in the file.
void LogTail::write_csv_header() {
  std::string head;
  bool quotes = false;
  std::size_t record_start = 0;
  char buffer[kChunk];
  for (std::size_t i = 0;; ++i) {
    if (i == head.size()) {
      const ssize_t got = ::pread(fd_, buffer, sizeof buffer, static_cast<off_t>(head.size()));
      if (got <= 0) return;
      head.append(buffer, static_cast<std::size_t>(got));
    }
    const char c = head[i];
    if (c == '"') quotes = !quotes;
    if (c != '\n' || quotes) continue;
    if (!is_blank(std::string_view(head).substr(record_start, i - record_start))) {
      head.resize(i + 1);
      break;
    }
    record_start = i + 1;
  }
  begin_segment(0);
  write_record(head, static_cast<std::uint64_t>(std::count(head.begin(), head.end(), '\n')));
}

void LogTail::run() {
  if (format_ == LogFormat::csv && current_.offset > 0) write_csv_header();
  begin_segment(current_.line);
  while (!stop_) {
    if (read_available()) continue;
    at_end_ = true;
    check_replaced();
    if (at_end_) std::this_thread::sleep_for(poll_);
  }
}

}  // namespace proviso::cli
