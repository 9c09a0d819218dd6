// The package as a review repository gets it: `npm pack` (whose prepack builds the production bundle into
// a clean dist/), then the tarball installed into an empty folder with no network, and the command run
// under both of its names — `--version`, `init`, and the CI snippet of README.md. The files it holds are
// those of the .vsix too (both follow package.json `files`): the walkthrough's pages among them.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { REPO } from '../support/build';

/** What the package build reads: everything else of the repository stays out of the copy. */
const PACKAGE_INPUTS = [
  'package.json',
  'src',
  'schemas',
  'syntaxes',
  'images',
  'media',
  'scripts/build.mjs',
  'language-configuration.json',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  'tsconfig.json',
];

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string; size: number }[];
}

const OFFLINE = {
  ...process.env,
  npm_config_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
};

function run(command: string, args: string[], options: SpawnSyncOptions) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 180_000, env: OFFLINE, ...options });
  if (result.error) throw result.error;
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

function mustRun(command: string, args: string[], options: SpawnSyncOptions) {
  const result = run(command, args, options);
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** The `npx study-extraction …` commands of README.md's CI snippet. */
function readmeCiCommands(): string[] {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  return [...readme.matchAll(/npx study-extraction check[^\n`"'#]*/g)].map((m) => m[0].trim());
}

describe('the npm package', () => {
  let work: string;
  let packed: PackResult;
  let tarball: string;
  let project: string;
  const version = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string })
    .version;

  before(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'study-extraction-package-'));
    const source = path.join(work, 'source');
    for (const input of PACKAGE_INPUTS) {
      if (existsSync(path.join(REPO, input)))
        cpSync(path.join(REPO, input), path.join(source, input), { recursive: true });
    }
    // A development build left in dist/ must not leak into the package: plant one.
    mkdirSync(path.join(source, 'dist'), { recursive: true });
    writeFileSync(path.join(source, 'dist', 'stale.js.map'), '{}');
    symlinkSync(path.join(REPO, 'node_modules'), path.join(source, 'node_modules'), 'dir');
    const out = path.join(work, 'out');
    mkdirSync(out);
    const result = mustRun('npm', ['pack', '--json', '--pack-destination', out], { cwd: source });
    const parsed = JSON.parse(result.stdout.slice(result.stdout.indexOf('['))) as PackResult[];
    packed = parsed[0]!;
    tarball = path.join(out, packed.filename);
    project = path.join(work, 'my-review');
    mkdirSync(project);
    writeFileSync(
      path.join(project, 'package.json'),
      `${JSON.stringify({ name: 'my-review', version: '1.0.0', private: true }, null, 2)}\n`,
    );
    mustRun('npm', ['install', '--save-dev', '--no-package-lock', tarball], { cwd: project });
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('holds only what runs: the bundles, schemas, grammar, icon and the documents', () => {
    const paths = packed.files.map((f) => f.path).sort();
    for (const needed of [
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'dist/cli.js',
      'dist/server.js',
      'dist/extension.js',
      'dist/webview.js',
      'dist/webview.css',
      'schemas/study-record.schema.json',
      'schemas/review.schema.json',
      'syntaxes/study-record.tmLanguage.json',
      'language-configuration.json',
      'images/icon.png',
    ])
      assert.ok(paths.includes(needed), `${needed} is missing from the package: ${paths.join(', ')}`);
    // The Getting Started walkthrough's pages (package.json contributes.walkthroughs).
    const manifest = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
      contributes: { walkthroughs: { steps: { media: { markdown?: string } }[] }[] };
    };
    const pages = manifest.contributes.walkthroughs.flatMap((w) => w.steps.map((s) => s.media.markdown));
    assert.ok(pages.length > 0, 'no walkthrough pages');
    for (const page of pages)
      assert.ok(page && paths.includes(page), `walkthrough page ${page} is missing from the package`);
    const strays = paths.filter(
      (p) => /^(src|test|bench|examples|scripts|node_modules)\//.test(p) || /\.(map|tgz|vsix|ts)$/.test(p),
    );
    assert.deepEqual(strays, [], 'files that do not run');
    assert.ok(packed.entryCount <= 25, `${packed.entryCount} files`);
  });

  it('declares no runtime dependencies: the bundles contain them', () => {
    const installed = JSON.parse(
      readFileSync(path.join(project, 'node_modules', 'study-extraction', 'package.json'), 'utf8'),
    ) as { dependencies?: Record<string, string> };
    assert.deepEqual(installed.dependencies ?? {}, {});
  });

  it('runs under both names after npm install -D, with no network', () => {
    for (const bin of ['study-extraction', 'study-extract']) {
      const result = mustRun('npx', ['--offline', bin, '--version'], { cwd: project });
      assert.equal(result.stdout.trim(), version, bin);
    }
  });

  it('starts a review with init, and the README CI snippet checks it clean', () => {
    mustRun('npx', ['--offline', 'study-extraction', 'init'], { cwd: project });
    assert.ok(existsSync(path.join(project, 'review.yaml')), 'init wrote no review.yaml');
    const commands = readmeCiCommands();
    assert.ok(commands.length > 0, 'README.md has no `npx study-extraction check` snippet');
    for (const command of commands) {
      const [npx, ...args] = command.split(/\s+/);
      const result = run(npx!, ['--offline', ...args], { cwd: project });
      assert.equal(result.status, 0, `${command}:\n${result.stdout}\n${result.stderr}`);
    }
  });

  it('checks a review with errors with exit 1 and a located message', () => {
    const review = path.join(work, 'broken-review');
    cpSync(path.join(REPO, 'examples', 'therapeutic-alliance'), review, { recursive: true });
    const file = path.join(review, 'records', 'ek', 'preschl-2011.study.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('group: email', 'group: emial'));
    const result = run('npx', ['--offline', 'study-extraction', 'check', review], { cwd: project });
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /preschl-2011\.study\.yaml:\d+:\d+: error: .*emial/);
  });
});
