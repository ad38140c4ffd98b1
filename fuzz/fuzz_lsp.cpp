// Bytes as the language server's input: framing, JSON, the protocol's states, and whatever
// documents and positions the messages carry. The server must answer or skip each message,
// never crash, and stop at the end of input.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "lsp/server.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // An initialized session first, so that the input reaches the document methods.
  static const std::string kBody = R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{}})";
  static const std::string kInitialize =
      "Content-Length: " + std::to_string(kBody.size()) + "\r\n\r\n" + kBody;
  std::istringstream in(kInitialize + std::string(reinterpret_cast<const char*>(data), size));
  std::ostringstream out;
  proviso::lsp::Server server(in, out);
  server.run();
  return 0;
}
