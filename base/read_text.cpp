#include "base/read_text.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>

namespace proviso {

std::optional<std::string> read_text_file(const std::string& path, std::string& error,
                                          std::size_t max_bytes) {
  const auto fail = [&](std::string_view why) {
    error = fmt::format("cannot read {}: {}", path, why);
    return std::nullopt;
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) return fail(std::strerror(errno));
  if (S_ISDIR(info.st_mode)) return fail("it is a folder, not a file");
  // Devices and pipes report no size, so the bound is kept while reading, not only here.
  std::string text;
  if (S_ISREG(info.st_mode) && static_cast<std::size_t>(info.st_size) <= max_bytes) {
    text.reserve(static_cast<std::size_t>(info.st_size));
  }
  char chunk[1 << 16];
  while (true) {
    const ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      return fail(std::strerror(errno));
    }
    if (text.size() + static_cast<std::size_t>(got) > max_bytes) {
      return fail(max_bytes % (1 << 20) == 0
                      ? fmt::format("it is larger than {} MiB", max_bytes >> 20)
                      : fmt::format("it is larger than {} bytes", max_bytes));
    }
    text.append(chunk, static_cast<std::size_t>(got));
  }
  return text;
}

}  // namespace proviso
