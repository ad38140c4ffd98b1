#!/usr/bin/env python3
"""Seeds for fuzz_lsp: for each contract given, one LSP session that opens it, edits it, and
asks for hover, definition, completion, symbols and formatting at a few places.
Usage: make_lsp_seeds.py OUT_DIR CONTRACT..."""
import json
import os
import sys


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def session(text):
    uri = "file:///seed.proviso"
    out = frame({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    out += frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "proviso", "version": 1, "text": text}}})
    lines = text.count("\n") + 1
    request = 1
    for line in range(0, lines, max(1, lines // 6)):
        for method in ("hover", "definition", "completion"):
            out += frame({"jsonrpc": "2.0", "id": request, "method": "textDocument/" + method,
                          "params": {"textDocument": {"uri": uri},
                                     "position": {"line": line, "character": 8}}})
            request += 1
    half = text[: len(text) // 2]
    out += frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": half}]}})
    for method in ("documentSymbol", "formatting"):
        out += frame({"jsonrpc": "2.0", "id": request, "method": "textDocument/" + method,
                      "params": {"textDocument": {"uri": uri}}})
        request += 1
    out += frame({"jsonrpc": "2.0", "id": request, "method": "shutdown"})
    return out + frame({"jsonrpc": "2.0", "method": "exit"})


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8", errors="replace") as contract:
            seed = session(contract.read())
        with open(os.path.join(out_dir, path.replace("/", "_")), "wb") as out:
            out.write(seed)


if __name__ == "__main__":
    main()
