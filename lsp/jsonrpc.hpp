// JSON-RPC messages over a byte stream, framed as the Language Server Protocol frames them:
// `Content-Length: N` and other header lines, a blank line, then N bytes of JSON.
#pragma once

#include <cstddef>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>

namespace proviso::lsp {

/// The largest message body the server reads; a longer one is refused and its bytes skipped.
inline constexpr std::size_t kMaxMessageBytes = std::size_t{64} << 20;

/// What one read from the stream gave.
struct Frame {
  enum class Status {
    message,      // `body` holds one message's JSON, not yet parsed
    bad_header,   // a header block without a usable Content-Length; `problem` says why
    too_large,    // a body over kMaxMessageBytes, skipped
    end_of_input  // the stream ended (possibly in the middle of a message)
  };
  Status status = Status::end_of_input;
  std::string body;
  std::string problem;
};

/// Reads frames one by one. A bad header block is reported and reading goes on with the next
/// one, so one garbled message costs that message only.
class FrameReader {
 public:
  explicit FrameReader(std::istream& in) : in_(in) {}

  /// The next frame; blocks until one is complete or the stream ends.
  Frame next();

 private:
  std::istream& in_;
};

/// Writes `body` with its Content-Length header and flushes, so the client sees it at once.
void write_frame(std::ostream& out, std::string_view body);

}  // namespace proviso::lsp
