#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "lsp/server.hpp"

namespace proviso::cli {

void add_lsp_command(CLI::App& app) {
  auto* command =
      app.add_subcommand("lsp", "Run the language server (LSP) over standard input and output");
  command->footer(
      "Speaks the Language Server Protocol (JSON-RPC with Content-Length headers) on standard\n"
      "input and output, for editors: diagnostics as you type, hover, go to definition,\n"
      "completion, the outline and formatting. See docs/editors.md.\n"
      "Exit codes: 0 after the client's shutdown and exit, 1 when the input ends without them.");
  command->callback([] {
    // Messages are bytes counted by Content-Length: no stdio synchronisation, no translation.
    std::ios::sync_with_stdio(false);
    std::cin.tie(nullptr);
    lsp::Server server(std::cin, std::cout);
    set_exit_code(server.run());
  });
}

}  // namespace proviso::cli
