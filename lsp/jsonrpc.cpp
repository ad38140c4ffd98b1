#include "lsp/jsonrpc.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

namespace proviso::lsp {

namespace {

// Header lines longer than this are garbage, not headers: reading stops there rather than
// buffering an unbounded line.
constexpr std::size_t kMaxHeaderLine = 4096;

// One header line without its CR LF (a bare LF is accepted too); false at the end of input.
bool read_line(std::istream& in, std::string& line, bool& too_long) {
  line.clear();
  too_long = false;
  std::istream::int_type c;
  bool any = false;
  while ((c = in.get()) != std::istream::traits_type::eof()) {
    any = true;
    if (c == '\n') break;
    if (line.size() < kMaxHeaderLine) {
      line.push_back(static_cast<char>(c));
    } else {
      too_long = true;
    }
  }
  if (!any) return false;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Reads and drops `count` bytes in bounded pieces; false when the input ends first.
bool skip(std::istream& in, std::size_t count) {
  std::array<char, 65536> buffer;
  while (count > 0) {
    const auto piece = static_cast<std::streamsize>(std::min(count, buffer.size()));
    in.read(buffer.data(), piece);
    if (in.gcount() != piece) return false;
    count -= static_cast<std::size_t>(piece);
  }
  return true;
}

}  // namespace

Frame FrameReader::next() {
  Frame frame;
  std::string line;
  bool too_long = false;
  bool have_length = false;
  std::size_t length = 0;
  std::string problem;
  bool any_header = false;
  for (;;) {
    if (!read_line(in_, line, too_long)) return frame;  // end of input
    if (line.empty() && !too_long) {
      if (!any_header) continue;  // blank lines between messages
      break;
    }
    if (!any_header) {
      // The body of a message refused for its header runs into the next header, on one line:
      // `{…}Content-Length: 52`. Reading picks up again at the header.
      std::string lowered(line);
      std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      const std::size_t header = lowered.find("content-length");
      if (header != std::string::npos && header > 0) line.erase(0, header);
    }
    any_header = true;
    if (too_long) {
      problem = fmt::format("a header line is longer than {} bytes", kMaxHeaderLine);
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) {
      problem = fmt::format("'{}' is not a header ('Name: value')", line.substr(0, 80));
      continue;
    }
    const std::string_view name = trim(std::string_view(line).substr(0, colon));
    const std::string_view value = trim(std::string_view(line).substr(colon + 1));
    if (!equal_ignoring_case(name, "Content-Length")) continue;  // Content-Type and others
    std::size_t parsed = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (error != std::errc() || end != value.data() + value.size() || value.empty()) {
      problem = fmt::format("Content-Length '{}' is not a number of bytes", value.substr(0, 80));
      continue;
    }
    have_length = true;
    length = parsed;
  }
  if (!problem.empty() || !have_length) {
    frame.status = Frame::Status::bad_header;
    frame.problem = problem.empty() ? "the message has no Content-Length header" : problem;
    // Without a trustworthy length the body cannot be skipped; the next header block is
    // found by reading on, and a body read as headers is reported as one more bad block.
    return frame;
  }
  if (length > kMaxMessageBytes) {
    if (!skip(in_, length)) return frame;
    frame.status = Frame::Status::too_large;
    frame.problem =
        fmt::format("the message has {} bytes; the limit is {}", length, kMaxMessageBytes);
    return frame;
  }
  frame.body.resize(length);
  in_.read(frame.body.data(), static_cast<std::streamsize>(length));
  if (static_cast<std::size_t>(in_.gcount()) != length) {
    frame.body.clear();
    return frame;  // the input ended inside the body
  }
  frame.status = Frame::Status::message;
  return frame;
}

void write_frame(std::ostream& out, std::string_view body) {
  out << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  out.flush();
}

}  // namespace proviso::lsp
