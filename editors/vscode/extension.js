// Starts `proviso lsp` as a language server over standard input and output, unless the setting
// proviso.languageServer.enable is turned off. Highlighting comes from the TextMate grammar alone
// and needs none of this: when the command is missing or refuses `lsp`, or the language client
// is not installed, the extension says so once and leaves highlighting as it is
// (docs/editors.md).
'use strict';
const vscode = require('vscode');

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration('proviso');
  if (!settings.get('languageServer.enable', true)) return;

  let languageclient;
  try {
    languageclient = require('vscode-languageclient/node');
  } catch (error) {
    vscode.window.showWarningMessage(
        'Proviso: vscode-languageclient is not installed (run `npm install` in editors/vscode); ' +
        'highlighting works without it.');
    return;
  }
  const command = settings.get('path', 'proviso');
  const server = { command, args: ['lsp'], transport: languageclient.TransportKind.stdio };
  client = new languageclient.LanguageClient(
      'proviso', 'Proviso language server', { run: server, debug: server },
      { documentSelector: [{ scheme: 'file', language: 'proviso' }] });
  client.start().catch((error) => {
    vscode.window.showWarningMessage(`Proviso: \`${command} lsp\` did not start: ${error.message}`);
  });
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
