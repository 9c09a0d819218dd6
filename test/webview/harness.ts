// A stand-in for VS Code's webview host: serves the BUILT page (dist/webview.js, dist/webview.css) from a
// temporary folder under the panel's Content Security Policy, with a fake `acquireVsCodeApi` defined before
// the page's script runs. The fake records what the page posts and keeps its state in sessionStorage, so a
// reload behaves like VS Code restoring a panel. Theme stylesheets set VS Code's CSS variables.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type BrowserContext } from 'playwright-core';
import { unresolvedDisagreements } from '../../src/core/dual/adjudicate';
import { checkOpenedReview } from '../../src/core/workspace/check';
import { nodeFileSystem } from '../../src/node/fileSystem';
import { openReview } from '../../src/core/review/review';
import { compareReview } from '../../src/core/dual/studyPairs';
import { loadStudies, runAnalyses } from '../../src/core/synthesis/analysis';
import { characteristicsTable, studyCharacteristics } from '../../src/core/synthesis/characteristics';
import { buildSynthesisViewModel, type SynthesisViewModel } from '../../src/core/synthesis/viewModel';
import type { PageMessage } from '../../src/shared/webviewMessages';
import { buildServer, REPO } from '../server/lspClient';

export const CHROMIUM = '/usr/bin/chromium';
/** The flags of REAL-VSCODE.md for Debian's chromium on this kind of machine. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
export const RESULTS = nodePath.join(REPO, 'test-results');

/** VS Code's theme variables (Dark Modern, Light Modern, Dark High Contrast), as a webview receives them. */
export const THEMES = {
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      '--vscode-font-family': 'system-ui, "Segoe UI", Ubuntu, "Droid Sans", sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-editor-font-family': '"Droid Sans Mono", monospace',
      '--vscode-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-editorWidget-background': '#202020',
      '--vscode-widget-border': '#313131',
      '--vscode-panel-border': '#2b2b2b',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-list-hoverBackground': '#2a2d2e',
      '--vscode-textLink-foreground': '#4daafc',
      '--vscode-errorForeground': '#f85149',
      '--vscode-badge-background': '#616161',
      '--vscode-badge-foreground': '#f8f8f8',
      '--vscode-button-background': '#0078d4',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#026ec1',
      '--vscode-charts-foreground': '#cccccc',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-purple': '#b180d7',
    },
  },
  light: {
    bodyClass: 'vscode-light',
    vars: {
      '--vscode-font-family': 'system-ui, "Segoe UI", Ubuntu, "Droid Sans", sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-editor-font-family': '"Droid Sans Mono", monospace',
      '--vscode-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-editor-background': '#ffffff',
      '--vscode-editorWidget-background': '#f8f8f8',
      '--vscode-widget-border': '#e5e5e5',
      '--vscode-panel-border': '#e5e5e5',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-list-hoverBackground': '#f2f2f2',
      '--vscode-textLink-foreground': '#005fb8',
      '--vscode-errorForeground': '#e51400',
      '--vscode-badge-background': '#cccccc',
      '--vscode-badge-foreground': '#3b3b3b',
      '--vscode-button-background': '#005fb8',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#0258a8',
      '--vscode-charts-foreground': '#616161',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-red': '#e51400',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-purple': '#652d90',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    vars: {
      '--vscode-font-family': 'system-ui, "Segoe UI", Ubuntu, "Droid Sans", sans-serif',
      '--vscode-font-size': '13px',
      '--vscode-editor-font-family': '"Droid Sans Mono", monospace',
      '--vscode-foreground': '#ffffff',
      '--vscode-descriptionForeground': '#ffffff',
      '--vscode-editor-background': '#000000',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-contrastActiveBorder': '#f38518',
      '--vscode-focusBorder': '#f38518',
      '--vscode-textLink-foreground': '#21a6ff',
      '--vscode-errorForeground': '#f48771',
      '--vscode-badge-background': '#000000',
      '--vscode-badge-foreground': '#ffffff',
      '--vscode-button-background': '#000000',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-border': '#6fc3df',
      '--vscode-charts-foreground': '#ffffff',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-yellow': '#ffd700',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-purple': '#b180d7',
    },
  },
} as const;
export type ThemeName = keyof typeof THEMES;

/** Runs before dist/webview.js: the webview API the page expects, recording what it posts. */
const FAKE_API = `
window.__posted = [];
window.__cspViolations = [];
window.__errors = [];
window.__marker = 'page-loaded-once';
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || e.sample || ''));
});
window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
window.acquireVsCodeApi = (() => {
  let acquired = false;
  return () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage: (message) => window.__posted.push(JSON.parse(JSON.stringify(message))),
      getState: () => JSON.parse(sessionStorage.getItem('vscode-state') || 'null') ?? undefined,
      setState: (state) => sessionStorage.setItem('vscode-state', JSON.stringify(state)),
    };
  };
})();
`;

/**
 * What the tests' `page.evaluate` callbacks use of the browser, typed here because the tests are
 * type-checked without the DOM library. Callbacks reach it as `globalThis as unknown as PageWindow`.
 */
export interface PageWindow {
  scrollY: number;
  scrollTo(x: number, y: number): void;
  postMessage(message: unknown, targetOrigin: string): void;
  sessionStorage: { getItem(key: string): string | null; clear(): void };
  document: { querySelectorAll(selectors: string): { length: number }; body: unknown };
  getComputedStyle(element: unknown): { backgroundColor: string };
  performance: { now(): number };
  requestAnimationFrame(callback: () => void): number;
  setTimeout(callback: () => void, ms: number): number;
  addEventListener(type: string, listener: () => void, options?: { once?: boolean }): void;
  /** Set by the fake webview API (below). */
  __posted: PageMessage[];
  __cspViolations: string[];
  __errors: string[];
  __marker?: string;
}

export interface Harness {
  url(theme: ThemeName): string;
  close(): Promise<void>;
}

/** Builds dist/ if needed, copies the page's files to a temp folder and serves it on 127.0.0.1. */
export async function startHarness(): Promise<Harness> {
  buildServer(); // builds every bundle (dist/webview.js and .css too) under the tests' build lock
  const folder = mkdtempSync(nodePath.join(os.tmpdir(), 'study-webview-'));
  for (const name of ['webview.js', 'webview.css'])
    copyFileSync(nodePath.join(REPO, 'dist', name), nodePath.join(folder, name));
  writeFileSync(nodePath.join(folder, 'fake-vscode-api.js'), FAKE_API);
  const server: Server = createServer((request, response) => {
    const name = nodePath.basename(new URL(request.url ?? '/', 'http://x').pathname);
    const types: Record<string, string> = {
      '.html': 'text/html',
      '.js': 'text/javascript',
      '.css': 'text/css',
    };
    try {
      const body = readFileSync(nodePath.join(folder, name));
      response.writeHead(200, {
        'content-type': types[nodePath.extname(name)] ?? 'application/octet-stream',
      });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const [theme, { bodyClass, vars }] of Object.entries(THEMES)) {
    writeFileSync(
      nodePath.join(folder, `theme-${theme}.css`),
      `html { ${Object.entries(vars)
        .map(([k, v]) => `${k}: ${v};`)
        .join(' ')} }\n`,
    );
    // The same CSP as the real panel (cspSource = this origin), one nonce for both scripts.
    const nonce = randomBytes(16).toString('base64');
    const csp = `default-src 'none'; img-src ${origin} data:; style-src ${origin}; script-src 'nonce-${nonce}'`;
    writeFileSync(
      nodePath.join(folder, `panel-${theme}.html`),
      `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${origin}/theme-${theme}.css">
<link rel="stylesheet" href="${origin}/webview.css">
<title>Synthesis</title>
</head>
<body class="${bodyClass}">
<main id="app"></main>
<script nonce="${nonce}" src="${origin}/fake-vscode-api.js"></script>
<script nonce="${nonce}" src="${origin}/webview.js"></script>
</body>
</html>
`,
    );
  }
  return {
    url: (theme) => `${origin}/panel-${theme}.html`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Headless Debian chromium through playwright-core (no browser download). */
export async function launchBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const userData = mkdtempSync(nodePath.join(os.tmpdir(), 'study-chromium-'));
  const context = await chromium.launchPersistentContext(userData, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1100, height: 760 },
    deviceScaleFactor: 1,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userData, { recursive: true, force: true });
    },
  };
}

export const BCG = nodePath.join(REPO, 'test', 'fixtures', 'synthesis', 'bcg');

/**
 * The panel's view model of a review folder, computed with core directly (what the language server does
 * with its caches), at a fixed time.
 */
export async function viewModelOf(root: string): Promise<SynthesisViewModel> {
  const review = await openReview(root, nodeFileSystem);
  const studies = await loadStudies(review, nodeFileSystem);
  const report = await checkOpenedReview(review, nodeFileSystem);
  const comparison = await compareReview(review, nodeFileSystem);
  const errorsOf = (path: string) =>
    report.files.find((f) => f.path === path)?.diagnostics.filter((d) => d.severity === 'error').length ?? 0;
  const records = studies.flatMap((s) => [...s.reviewers, ...(s.consensus ? [s.consensus] : [])]);
  const compared = new Map(comparison.studies.map((s) => [s.study, s]));
  return buildSynthesisViewModel({
    title: review.config.title,
    generatedAt: '2024-05-04T12:00:00.000Z',
    reviewers: review.config.reviewers,
    consensus: review.config.consensus,
    analyses: runAnalyses(review, studies).analyses,
    characteristics: characteristicsTable(studyCharacteristics(studies, review.config)),
    records: records.map((r) => ({ reviewer: r.reviewer, status: r.status, errors: errorsOf(r.path) })),
    studies: studies.map((s) => {
      const c = compared.get(s.study);
      return {
        study: s.study,
        state: c?.state,
        openDisagreements: c && c.state === 'compared' ? unresolvedDisagreements(c).length : 0,
      };
    }),
    agreement: comparison.agreement.overall,
    protocolErrors: [...review.fileDiagnostics].map(([path, list]) => ({
      path,
      errors: list.filter((d) => d.severity === 'error').length,
    })),
  });
}

export function ensureResults(): string {
  mkdirSync(RESULTS, { recursive: true });
  return RESULTS;
}
