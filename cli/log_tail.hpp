// `proviso run --follow`: one log file read as it grows. A thread per log polls the file, and
// writes each complete record (a line; for CSV, a row whose quotes are closed) into a pipe that
// an ordinary EventReader reads, so the follower parses exactly as a replay does. It notices a
// file replaced at its path (rotation) and a file cut shorter (truncation), and keeps, for every
// record in flight, where it ends in its file, so that a checkpoint can name the position after
// the last event the engine took.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "events/read_events.hpp"

namespace proviso::cli {

/// Where reading a log stands: which file (device and inode), how many bytes of it were taken
/// and how many lines those bytes hold.
struct LogPosition {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t offset = 0;
  std::uint64_t line = 0;
  bool operator==(const LogPosition&) const = default;
};

class LogTail {
 public:
  /// Opens `path` and starts following it from `from` (a checkpoint's position) when that is
  /// still the same file and not shorter, else from its start (saying why on standard error).
  /// Returns nullptr with `error` when the file cannot be opened.
  static std::unique_ptr<LogTail> start(const std::string& path, LogFormat format,
                                        const std::optional<LogPosition>& from,
                                        std::chrono::milliseconds poll, std::string& error);
  ~LogTail();
  LogTail(const LogTail&) = delete;
  LogTail& operator=(const LogTail&) = delete;

  /// The read end of the pipe, for an EventReader, which then owns it; once.
  int take_read_end();
  /// The line in its file of line `stream_line` of the pipe (they differ after a rotation, a
  /// truncation or a restart).
  std::uint64_t file_line(std::uint64_t stream_line) const;
  /// The position just after the record that starts at line `stream_line` of the pipe (an
  /// event the engine took); forgets the records before it.
  LogPosition after(std::uint64_t stream_line);
  /// The position the tail started from: a checkpoint's that lists no event of this log since.
  const LogPosition& started_at() const { return started_at_; }
  /// True while the file holds nothing more than what went into the pipe.
  bool at_end() const { return at_end_.load(); }
  /// Bytes in the pipe that its reader has not taken yet (while the reader lives).
  std::size_t unread_in_pipe() const;
  /// Stops the thread and closes the pipe's write end: its reader then sees the end.
  void stop();

 private:
  // One file the stream came from, and how its lines map to the pipe's.
  struct Segment {
    std::uint64_t stream_start = 0;  // lines of the pipe before this segment's first
    std::uint64_t file_line = 0;     // lines of the file before that first line
    LogPosition file;                // its identity (offset unused)
  };
  // A record written to the pipe, until a checkpoint passes it.
  struct Record {
    std::uint64_t stream_line = 0;  // its first line in the pipe
    LogPosition end;                // the position after it in its file
  };

  LogTail(std::string path, LogFormat format, std::chrono::milliseconds poll);
  void run();
  bool read_available();
  void check_replaced();
  void begin_segment(std::uint64_t file_line);
  void write_csv_header();
  void take_records(bool final);
  bool write_record(std::string_view bytes, std::uint64_t lines);
  void open_at(int fd, const struct stat& info, std::uint64_t offset, std::uint64_t line);

  std::string path_;
  LogFormat format_;
  std::chrono::milliseconds poll_;
  int fd_ = -1;
  int read_end_ = -1;
  int reader_fd_ = -1;  // the read end once taken, owned by the reader
  int write_end_ = -1;
  LogPosition current_;             // the open file, and how far it was read into pending_
  std::string pending_;             // bytes read but not yet a complete record
  std::size_t scanned_ = 0;         // of pending_, already searched for a record's end
  bool in_quotes_ = false;          // CSV: inside a quoted cell at scanned_
  std::uint64_t taken_lines_ = 0;   // lines of the file up to the start of pending_
  std::uint64_t stream_lines_ = 0;  // lines written to the pipe
  bool skip_header_ = false;        // a rotated CSV log's own header is not written again
  LogPosition started_at_;

  mutable std::mutex mutex_;  // guards segments_ and records_
  std::vector<Segment> segments_;
  std::deque<Record> records_;
  std::atomic<bool> at_end_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace proviso::cli
