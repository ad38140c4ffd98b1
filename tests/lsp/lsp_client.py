#!/usr/bin/env python3
"""A scripted LSP client: starts `proviso lsp`, speaks JSON-RPC to it over pipes, and checks
each answer. Usage: lsp_client.py PROVISO. Exits 0 when every step passed; otherwise prints
the step that failed and what came back."""
import json
import os
import subprocess
import sys
import threading
import queue

TIMEOUT = 20  # seconds for any one answer: a hang fails the test rather than stalling it

BROKEN = """contract "Pipe test"
  effective 2026-01-01

event deployment { vendor: text, mw: MW }

-- “Gigawatts” deployed: a comment with non-ASCII text before the metric.
metric deployed = sum deployment.mw where vendor == "AMD"
let target = 1 GW

tranche T1 "First gigawatt"
  cites "Term sheet § 2(a)"
  grants 1_000 shares
  vests when deployd >= target
"""
FIXED = BROKEN.replace("deployd >=", "deployed >=")


def fail(step, detail):
    print(f"FAIL {step}: {detail}")
    sys.exit(1)


class Client:
    def __init__(self, command):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        self.messages = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.next_id = 0

    def _read(self):
        out = self.process.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.messages.put(json.loads(out.read(length)))

    def send_raw(self, data):
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message):
        body = json.dumps(message).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == self.next_id, method)

    def wait(self, wanted, step):
        while True:
            try:
                message = self.messages.get(timeout=TIMEOUT)
            except queue.Empty:
                fail(step, f"no answer within {TIMEOUT} s")
            if message is None:
                fail(step, "the server closed its output; stderr: " +
                     self.process.stderr.read().decode())
            if wanted(message):
                return message


def diagnostics_of(client, step):
    message = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics", step)
    return message["params"]["diagnostics"]


def position_of(text, needle, after=0):
    """The LSP position (UTF-16 columns) of the first `needle` in `text`, plus `after`."""
    index = text.index(needle) + after
    line = text.count("\n", 0, index)
    column_text = text[text.rfind("\n", 0, index) + 1:index]
    return {"line": line, "character": len(column_text.encode("utf-16-le")) // 2}


def main():
    client = Client([sys.argv[1], "lsp"])
    uri = "file:///tmp/pipe%20test.proviso"
    document = {"textDocument": {"uri": uri}}

    answer = client.request("initialize", {"processId": os.getpid(), "rootUri": None,
                                           "capabilities": {}})
    capabilities = answer["result"]["capabilities"]
    if capabilities["textDocumentSync"]["change"] != 1 or not capabilities["hoverProvider"]:
        fail("initialize", answer)
    client.notify("initialized", {})

    # A mistake: the diagnostic names it, at its place, with the checker's hint.
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "proviso", "version": 1, "text": BROKEN}})
    diagnostics = diagnostics_of(client, "didOpen")
    if len(diagnostics) != 1 or "deployd" not in diagnostics[0]["message"] \
            or "help: did you mean deployed?" not in diagnostics[0]["message"] \
            or diagnostics[0]["range"]["start"] != position_of(BROKEN, "deployd") \
            or diagnostics[0]["severity"] != 1:
        fail("diagnostic for the mistake", diagnostics)

    # Fixed: the diagnostic goes.
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": FIXED}]})
    diagnostics = diagnostics_of(client, "didChange")
    if diagnostics != []:
        fail("diagnostic gone after the fix", diagnostics)

    # Hover on the metric where the condition uses it: its type and definition.
    hover = client.request("textDocument/hover", {**document, "position": position_of(
        FIXED, "deployed >=", 2)})["result"]
    value = hover["contents"]["value"] if hover else ""
    if "**metric** `deployed`: MW" not in value or "sum deployment.mw" not in value:
        fail("hover on a metric", hover)
    # On a line after non-ASCII text, in UTF-16 columns: the metric's name is found.
    hover = client.request("textDocument/hover", {**document, "position": position_of(
        FIXED, "deployed =", 3)})["result"]
    if not hover or hover["range"]["start"] != position_of(FIXED, "deployed ="):
        fail("hover after a non-ASCII line", hover)

    # Go to definition: from the condition to the metric's declaration.
    definition = client.request("textDocument/definition", {**document, "position": position_of(
        FIXED, "deployed >=")})["result"]
    if not definition or definition["uri"] != uri or \
            definition["range"]["start"] != position_of(FIXED, "deployed ="):
        fail("definition of a metric", definition)

    # Completion: the names in scope starting with what is typed, and an event's fields.
    completion = client.request("textDocument/completion", {**document, "position": position_of(
        FIXED, "deployed >=", 3)})["result"]
    labels = {item["label"] for item in completion["items"]}
    if "deployed" not in labels or "deployment" not in labels or "target" in labels:
        fail("completion of a name", sorted(labels))
    completion = client.request("textDocument/completion", {**document, "position": position_of(
        FIXED, "deployment.mw", len("deployment."))})["result"]
    labels = {item["label"] for item in completion["items"]}
    if labels != {"mw", "vendor"}:
        fail("completion after 'deployment.'", sorted(labels))

    # A malformed message: a parse error response, and the server goes on.
    client.send_raw(b"Content-Length: 9\r\n\r\n{not json")
    error = client.wait(lambda m: "error" in m and m.get("id") is None, "malformed message")
    if error["error"]["code"] != -32700:
        fail("malformed message", error)
    # A header without a length: an error response, and the next message is still read.
    client.send_raw(b"Content-Length: many\r\n\r\n")
    error = client.wait(lambda m: "error" in m and m.get("id") is None, "bad header")
    if error["error"]["code"] != -32600:
        fail("bad header", error)

    # A document the server does not know: an error response, not a crash.
    answer = client.request("textDocument/hover", {
        "textDocument": {"uri": "file:///nowhere.proviso"},
        "position": {"line": 0, "character": 0}})
    if answer.get("error", {}).get("code") != -32602 or "unknown document" not in \
            answer["error"]["message"]:
        fail("hover on an unknown document", answer)

    # The outline after all that: the server is still answering.
    symbols = client.request("textDocument/documentSymbol", document)["result"]
    names = [symbol["name"] for symbol in symbols]
    if names != ["Pipe test", "deployment", "deployed", "target", "T1"]:
        fail("document symbols", names)

    if client.request("shutdown", None).get("result", "missing") is not None:
        fail("shutdown", "no null result")
    client.notify("exit", None)
    try:
        code = client.process.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        client.process.kill()
        fail("exit", "the server did not exit")
    if code != 0:
        fail("exit", f"exit code {code}")
    print("ok: diagnostics, fix, hover, definition, completion, symbols, malformed message, "
          "unknown document, shutdown")


if __name__ == "__main__":
    main()
