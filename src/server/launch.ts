// The command line of the language server. vscode-languageserver's createConnection throws (a stack
// trace for whoever started it by hand) when no transport is named: this is checked before.

export const LAUNCH_USAGE =
  "study-extract language server: start it with --stdio (or --node-ipc, --socket=PORT, --pipe=NAME) from your editor's LSP client";

/**
 * Whether the arguments name a transport as createConnection reads them: its first transport
 * argument decides, and a socket needs a port number, a pipe a name.
 */
export function hasTransportArgument(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--node-ipc' || arg === '--stdio') return true;
    if (arg === '--socket') return isPort(args[i + 1]);
    if (arg === '--pipe') return !!args[i + 1];
    const [name, value] = arg.split('=');
    if (name === '--socket') return isPort(value);
    if (name === '--pipe') return !!value;
  }
  return false;
}

function isPort(value: string | undefined): boolean {
  return !!value && !!parseInt(value);
}
