#include <string>

#include <catch2/catch.hpp>

#include "base/diagnostic.hpp"

namespace proviso {
namespace {

Diagnostic error_at(const SourceFile& file, std::uint32_t begin, std::uint32_t end) {
  return {Severity::error, Span{&file, begin, end, 1, begin + 1}, "bad", ""};
}

}  // namespace

TEST_CASE("a short line is shown whole under the message", "[diagnostic]") {
  const SourceFile file{"c.proviso", "metric px = latest close.px"};
  CHECK(render(error_at(file, 12, 18)) ==
        "c.proviso:1:13: error: bad\n"
        "  metric px = latest close.px\n"
        "              ^~~~~~\n");
}

TEST_CASE("a very long line is shown as a window around the span", "[diagnostic]") {
  // 200,001 terms on one line: echoing the line whole would print megabytes.
  std::string text = "let x = ";
  for (int i = 0; i < 100000; ++i) text += "1 + ";
  const std::uint32_t at = static_cast<std::uint32_t>(text.size());
  text += "oops";
  for (int i = 0; i < 100000; ++i) text += " + 1";
  const SourceFile file{"long.proviso", text};
  const std::string shown = render(error_at(file, at, at + 4));
  CHECK(shown.size() < 400);
  CHECK(shown.find("long.proviso:1:" + std::to_string(at + 1) + ": error: bad\n") == 0);
  // The window is cut on both sides, keeps the span, and the caret stands under it.
  const std::size_t line_start = shown.find("\n  …") + 3;
  const std::size_t line_end = shown.find('\n', line_start);
  const std::string line = shown.substr(line_start, line_end - line_start);
  CHECK(line.find("oops") != std::string::npos);
  CHECK(line.rfind("…") == line.size() - std::string("…").size());
  const std::string caret = shown.substr(line_end + 1);
  // "…" is 3 bytes but one column wide: the caret sits under "oops" counted in columns.
  const std::size_t oops_column = line.find("oops") - 2;
  CHECK(caret == "  " + std::string(oops_column, ' ') + "^~~~\n");
}

TEST_CASE("a long line is cut on whole UTF-8 characters", "[diagnostic]") {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "é";  // two bytes each
  const SourceFile file{"u.proviso", text};
  const std::string shown = render(error_at(file, 201, 203));  // inside the 101st "é"
  for (const char* p = shown.c_str(); *p; ++p) {
    // Never a continuation byte right after the cut marker or the indent.
    if ((static_cast<unsigned char>(*p) & 0xC0) == 0x80) {
      CHECK((static_cast<unsigned char>(p[-1]) & 0x80) == 0x80);
    }
  }
  CHECK(shown.find("  …é") != std::string::npos);
}

TEST_CASE("a long line of stray continuation bytes is shown without running past it",
          "[diagnostic]") {
  // Found by fuzz_contract: invalid UTF-8 made the window's cut walk far back, past the span.
  const std::string text = "x" + std::string(400, '\x80') + "y";
  const SourceFile file{"bad.proviso", text};
  for (std::uint32_t at : {0u, 60u, 200u, 399u, 401u}) {
    const std::string shown = render(error_at(file, at, at + 1));
    CHECK(shown.find("bad.proviso:1:") == 0);
    CHECK(shown.size() < 400);
  }
}

}  // namespace proviso
