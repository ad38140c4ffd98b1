// Writing a file so that a crash at any moment leaves either its old content or the new one,
// whole: the saved state of `proviso run --save-state` and the checkpoints of `--follow`.
#pragma once

#include <string>

namespace proviso::cli {

/// Writes `text` to `path` atomically (a temporary file beside it, flushed, renamed over it, the
/// folder flushed); on failure `error` says which step failed and `path` is untouched.
bool write_atomically(const std::string& path, const std::string& text, std::string& error);

}  // namespace proviso::cli
