#include "cli/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace proviso::cli {

// Writes `text` to `path` so that `path` is always either its old content or all of `text`:
// a temporary file beside it (the same file system, so the rename is atomic), flushed to the
// disk, renamed over `path`, and the directory flushed so the rename itself survives a crash.
// On failure the temporary file is removed and `path` is untouched.
bool write_atomically(const std::string& path, const std::string& text, std::string& error) {
  const std::string temporary = path + ".tmp";
  auto fail = [&](std::string_view step, int code) {
    error = fmt::format("cannot save the state: {} {}: {}", step, temporary, std::strerror(code));
    return false;
  };
  // A temporary file left by a killed save is replaced, never written through: were it a
  // link, writing into it would change the file it points to.
  ::unlink(temporary.c_str());
  const int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return fail("cannot create", errno);
  std::size_t written = 0;
  int code = 0;
  while (written < text.size() && code == 0) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno != EINTR) code = errno;
    if (n > 0) written += static_cast<std::size_t>(n);
  }
  const char* step = "cannot write";
  if (code == 0 && ::fsync(fd) != 0) {
    code = errno;
    step = "cannot flush";
  }
  if (::close(fd) != 0 && code == 0) {
    code = errno;
    step = "cannot close";
  }
  if (code == 0 && std::rename(temporary.c_str(), path.c_str()) != 0) {
    code = errno;
    std::remove(temporary.c_str());
    error = fmt::format("cannot save the state: cannot rename {} to {}: {}", temporary, path,
                        std::strerror(code));
    return false;
  }
  if (code != 0) {
    std::remove(temporary.c_str());
    return fail(step, code);
  }
  // The rename is durable once the directory is: flush it (best effort: some file systems
  // refuse to open a directory for this, and the file itself is complete either way).
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  const int dir = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return true;
}

}  // namespace proviso::cli
