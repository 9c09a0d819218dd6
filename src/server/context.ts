// What every handler of the server shares: the connection, the open documents (whose buffers the review
// workspaces read through the overlay file system), what the client supports, settings and the reviews.
import * as nodePath from 'node:path';
import {
  DiagnosticSeverity,
  TextDocuments,
  type Connection,
  type Diagnostic as LspDiagnostic,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, Severity } from '../core/common/diagnostic';
import { readTextFile } from '../core/review/review';
import { reviewFileSchemaValidator, type CompiledSchema } from '../core/schema/schema';
import type { ReviewWorkspace } from '../core/workspace/reviewWorkspace';
import { parseYaml, type YamlFile } from '../core/yaml/yamlDocument';
import { OverlayFileSystem, pathToUri, uriToPath } from './overlayFileSystem';
import { ReviewRegistry } from './reviewRegistry';

/** What the client said it can do, at initialize. */
export interface ClientSupport {
  configuration: boolean;
  watcherRegistration: boolean;
  workspaceFolders: boolean;
  snippets: boolean;
  /** The client creates files through workspace/applyEdit (CreateFile), as a new consensus record needs. */
  fileCreation: boolean;
}

interface Settings {
  validationDelay: number;
  adjudicator: string;
}
const DEFAULT_SETTINGS: Settings = { validationDelay: 150, adjudicator: '' };

const toLspSeverity: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

export class ServerContext {
  readonly documents = new TextDocuments(TextDocument);
  readonly documentsByPath = new Map<string, TextDocument>();
  readonly fs = new OverlayFileSystem((path) => this.documentsByPath.get(path));
  readonly support: ClientSupport = {
    configuration: false,
    watcherRegistration: false,
    workspaceFolders: false,
    snippets: false,
    fileCreation: false,
  };
  /** Whether the workspace is trusted (an untrusted one never compiles a review's own schema). */
  trusted = true;
  readonly reviews: ReviewRegistry;
  /** The URI spelling the client used for a path (encodings of the same path differ between tools). */
  private readonly clientUris = new Map<string, string>();
  private readonly settingsByScope = new Map<string, Promise<Settings>>();
  private readonly parsed = new Map<string, { version: number; file: YamlFile }>();

  constructor(readonly connection: Connection) {
    this.reviews = new ReviewRegistry(this);
  }

  clientUriOf(path: string): string {
    return this.documentsByPath.get(path)?.uri ?? this.clientUris.get(path) ?? pathToUri(path);
  }

  rememberClientUri(path: string, uri: string): void {
    this.clientUris.set(path, uri);
  }

  publish(uri: string, diagnostics: Diagnostic[], root: string): void {
    const path = uriToPath(uri);
    void this.connection.sendDiagnostics({
      uri: path ? this.clientUriOf(path) : uri,
      diagnostics: diagnostics.map((d) => this.toLspDiagnostic(d, root)),
    });
  }

  private toLspDiagnostic(d: Diagnostic, root: string): LspDiagnostic {
    return {
      range: d.range,
      severity: toLspSeverity[d.severity],
      code: d.code,
      source: 'study-extraction',
      message: d.message,
      data: d.data,
      relatedInformation: d.related?.map((r) => ({
        location: { uri: this.clientUriOf(nodePath.join(root, r.path)), range: r.range },
        message: r.message,
      })),
    };
  }

  /** Settings per workspace folder (never one global), asked once per scope until they change. */
  settingsFor(uri: string): Promise<Settings> {
    if (!this.support.configuration) return Promise.resolve(DEFAULT_SETTINGS);
    let settings = this.settingsByScope.get(uri);
    if (!settings) {
      settings = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'studyExtraction' })
        .then((value: { validation?: { delay?: unknown }; adjudicator?: unknown } | null) => {
          const delay = value?.validation?.delay;
          return {
            validationDelay:
              typeof delay === 'number' && delay >= 0 && delay <= 10_000
                ? delay
                : DEFAULT_SETTINGS.validationDelay,
            adjudicator: typeof value?.adjudicator === 'string' ? value.adjudicator : '',
          };
        })
        .catch(() => DEFAULT_SETTINGS);
      this.settingsByScope.set(uri, settings);
    }
    return settings;
  }

  settingsChanged(): void {
    this.settingsByScope.clear();
  }

  /** The parsed document, cached by URI and version. */
  parsedDocument(document: TextDocument): YamlFile {
    const cached = this.parsed.get(document.uri);
    if (cached && cached.version === document.version) return cached.file;
    const file = parseYaml(document.getText());
    this.parsed.set(document.uri, { version: document.version, file });
    return file;
  }

  forgetDocument(uri: string): void {
    this.parsed.delete(uri);
  }

  /** The schema that governs a document: the review's record schema, or the bundled one of review.yaml. */
  async schemaOf(
    document: TextDocument,
  ): Promise<{ schema: CompiledSchema; session: ReviewWorkspace; path: string } | undefined> {
    const path = uriToPath(document.uri);
    if (!path) return undefined;
    const session = await this.reviews.sessionOf(path);
    if (!session) return undefined;
    const role = await session.roleOf(path);
    if (role.role === 'record') return { schema: (await session.current()).schema, session, path };
    if (role.role === 'review') return { schema: reviewFileSchemaValidator(), session, path };
    return undefined;
  }

  /** An open buffer's text, or the file's on disk. */
  async readText(path: string): Promise<string | undefined> {
    const read = await readTextFile(this.fs, path);
    return 'text' in read ? read.text : undefined;
  }

  reportError(error: unknown): void {
    this.connection.console.error(
      `Study Extraction: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
}
