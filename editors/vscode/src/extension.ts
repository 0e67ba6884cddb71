// The kbc extension: starts `kbc lsp` and nothing else. Everything an author
// sees (diagnostics, quick fixes, completion, hover, links) comes from the
// server, so that every editor gets the same.
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  await start();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      // The server reads lintOn when it starts; the path decides what starts.
      if (e.affectsConfiguration('kbc.path') || e.affectsConfiguration('kbc.lintOn')) {
        await stop();
        await start();
      }
    }),
  );
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration('kbc');
  const serverOptions: ServerOptions = { command: config.get<string>('path', 'kbc'), args: ['lsp'] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'markdown' }],
    initializationOptions: { lintOn: config.get<string>('lintOn', 'type') },
  };
  client = new LanguageClient('kbc', 'kbc', serverOptions, clientOptions);
  await client.start();
}

async function stop(): Promise<void> {
  if (client) {
    await client.stop();
    client = undefined;
  }
}
