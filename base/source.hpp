// Source text and positions in it, shared by every stage's diagnostics.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace proviso {

/// A file's name (as the user gave it) and its whole text.
struct SourceFile {
  std::string name;
  std::string text;
};

/// A half-open byte range of a source file, with the line and column (1-based, in bytes)
/// of its first byte. `file` is null only for spans made up by the engine.
struct Span {
  const SourceFile* file = nullptr;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  /// The spanned text.
  std::string_view text() const {
    return file ? std::string_view(file->text).substr(begin, end - begin) : std::string_view();
  }
};

/// The smallest span covering both.
Span join(const Span& first, const Span& last);

}  // namespace proviso
