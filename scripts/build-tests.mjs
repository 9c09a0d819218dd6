// Bundles the integration tests with esbuild: test/integration/index.ts (the extensionTestsPath entry
// point that mocha-runs the suites) and each test/integration/*.test.ts, into dist-test/integration/.
// `vscode` is provided by the extension host; mocha is loaded from node_modules at run time, so the
// suites and the runner share one mocha instance.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';

const dir = 'test/integration';
const entryPoints = [
  `${dir}/index.ts`,
  ...readdirSync(dir)
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => `${dir}/${name}`),
];

rmSync('dist-test/integration', { recursive: true, force: true });
await esbuild.build({
  entryPoints,
  outdir: 'dist-test/integration',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
  external: ['vscode', 'mocha'],
});
console.log(`build-tests: ${entryPoints.length} files -> dist-test/integration/`);
