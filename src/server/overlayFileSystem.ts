import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { type ReviewFileSystem } from '../core/review/fileSystem';
import { nodeFileSystem } from '../node/fileSystem';

/** The disk, with open editor buffers in place of their files: unsaved edits are what gets checked. */
export class OverlayFileSystem implements ReviewFileSystem {
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly openDocument: (path: string) => TextDocument | undefined,
    private readonly disk: ReviewFileSystem = nodeFileSystem,
  ) {}

  async readFile(path: string): Promise<Uint8Array> {
    const document = this.openDocument(path);
    return document ? this.encoder.encode(document.getText()) : this.disk.readFile(path);
  }

  readDirectory(path: string) {
    return this.disk.readDirectory(path);
  }

  async stat(path: string) {
    const document = this.openDocument(path);
    if (document) return { kind: 'file' as const, size: document.getText().length };
    return this.disk.stat(path);
  }

  async realPath(path: string): Promise<string> {
    return this.disk.realPath(path).catch(() => path);
  }
}

export function uriToPath(uri: string): string | undefined {
  const parsed = URI.parse(uri);
  return parsed.scheme === 'file' ? parsed.fsPath : undefined;
}

export function pathToUri(path: string): string {
  return URI.file(path).toString();
}
