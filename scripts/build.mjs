// Bundles the extension, the language server, the CLI and the webview with esbuild.
import * as esbuild from 'esbuild';
import { chmod } from 'node:fs/promises';
import { existsSync, rmSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
// A package is built into an empty dist/, so nothing left by a development build (source maps, test
// locks) can ship.
if (process.argv.includes('--clean')) rmSync('dist', { recursive: true, force: true });

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const node = {
  ...common,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // jsonc-parser's default (UMD) build loads its parts with a dynamic require that bundles cannot follow.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
};

const builds = [
  { ...node, entryPoints: ['src/cli/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];
// The editor bundles join as their entry points exist (the extension and server come with the editor work).
for (const [entry, outfile, extra] of [
  ['src/client/extension.ts', 'dist/extension.js', { external: ['vscode'] }],
  ['src/server/server.ts', 'dist/server.js', {}],
]) {
  if (existsSync(entry)) builds.push({ ...node, entryPoints: [entry], outfile, ...extra });
}

// The synthesis panel's page: a browser bundle and its stylesheet (a file of its own: the panel's CSP allows
// no inline styles, so nothing may inject them).
if (existsSync('src/webview/main.ts')) {
  const browser = { ...common, platform: 'browser', target: 'es2022', format: 'iife' };
  builds.push(
    { ...browser, entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js' },
    { ...browser, entryPoints: ['src/webview/webview.css'], outfile: 'dist/webview.css' },
  );
}

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  await chmod('dist/cli.js', 0o755);
}
