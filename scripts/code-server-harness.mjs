// Shared by scripts/run-integration.mjs and test/ui/smoke.mjs: runs code-server (VS Code 1.100.3 in the
// browser, installed by scripts/install-test-deps.sh) on a temporary copy of the example review and
// drives it with Debian's chromium through playwright-core. See shared/REAL-VSCODE.md for the facts.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const codeServerBinary = join(repoRoot, '.vscode-test/code-server/node_modules/.bin/code-server');
export const exampleReview = join(repoRoot, 'examples/therapeutic-alliance');
export const CHROMIUM = '/usr/bin/chromium';
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

const started = Date.now();
/** `[12.3s]`: the time since the runner started. */
export function elapsed() {
  return `[${((Date.now() - started) / 1000).toFixed(1)}s]`;
}
/** `[12.3s] message` on stdout: the runners' own progress lines. */
export function log(message) {
  console.log(`${elapsed()} ${message}`);
}

/** Runs a command with inherited output; throws when it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
    ...options,
  });
  if (result.error) throw result.error;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

/** Installs chromium and code-server when missing (cached under .vscode-test/). */
export function installTestDeps() {
  run('bash', [join(repoRoot, 'scripts/install-test-deps.sh')]);
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * A temporary folder with a copy of the example review (`workspace`), code-server's user data and
 * extensions folders, XDG folders and a browser profile. `prepare(workspace)` may alter the copy;
 * `userSettings` are added to (or override) the user settings written below.
 */
export function createSandbox(name, prepare, userSettings = {}) {
  const root = mkdtempSync(join(tmpdir(), `study-extraction-${name}-`));
  const sandbox = {
    root,
    workspace: join(root, 'therapeutic-alliance'),
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    xdgConfig: join(root, 'xdg-config'),
    xdgData: join(root, 'xdg-data'),
    browserProfile: join(root, 'browser-profile'),
    codeServerLog: join(root, 'code-server.log'),
  };
  cpSync(exampleReview, sandbox.workspace, { recursive: true });
  for (const dir of [sandbox.extensions, sandbox.xdgConfig, sandbox.xdgData, sandbox.browserProfile]) {
    mkdirSync(dir, { recursive: true });
  }
  mkdirSync(join(sandbox.userData, 'User'), { recursive: true });
  // Without this the welcome page takes the focus, and keyboard-driven tests fail.
  writeFileSync(
    join(sandbox.userData, 'User/settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        // VS Code in the browser saves after 1 s by default; the tests' unsaved edits must stay unsaved.
        'files.autoSave': 'off',
        'workbench.tips.enabled': false,
        'security.workspace.trust.enabled': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        ...userSettings,
      },
      null,
      2,
    ),
  );
  prepare?.(sandbox.workspace);
  return sandbox;
}

/** Where `--install-extension` put the packaged extension in the sandbox (its folder, with dist/). */
export function installedExtension(sandbox) {
  const name = readdirSync(sandbox.extensions).find((entry) =>
    /^study-extraction\.study-extraction-\d/.test(entry),
  );
  if (!name) throw new Error(`the extension is not installed in ${sandbox.extensions}`);
  return join(sandbox.extensions, name);
}

export function removeSandbox(sandbox) {
  rmSync(sandbox.root, { recursive: true, force: true });
}

function environment(sandbox, extra = {}) {
  return {
    ...process.env,
    XDG_CONFIG_HOME: sandbox.xdgConfig,
    XDG_DATA_HOME: sandbox.xdgData,
    // No extension gallery: there is no network here, and its queries only slow the workbench down.
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
}

/** Runs the code-server CLI itself (e.g. --install-extension) against the sandbox's folders. */
export function codeServerCli(sandbox, args) {
  run(
    codeServerBinary,
    ['--user-data-dir', sandbox.userData, '--extensions-dir', sandbox.extensions, ...args],
    {
      env: environment(sandbox),
    },
  );
}

function get(url) {
  return new Promise((resolveStatus) => {
    const req = request(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolveStatus(res.statusCode ?? 0);
    });
    req.on('error', () => resolveStatus(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * Starts code-server on a free port in its own process group (so that the extension host and the
 * file watchers it starts are stopped with it) and waits for /healthz.
 */
export async function startCodeServer(sandbox, { env = {}, timeoutMs = 60_000 } = {}) {
  if (!existsSync(codeServerBinary))
    throw new Error(`no ${codeServerBinary}: run scripts/install-test-deps.sh`);
  const port = await freePort();
  const out = openSync(sandbox.codeServerLog, 'a');
  const child = spawn(
    codeServerBinary,
    [
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--user-data-dir',
      sandbox.userData,
      '--extensions-dir',
      sandbox.extensions,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      sandbox.workspace,
    ],
    { cwd: sandbox.root, detached: true, stdio: ['ignore', out, out], env: environment(sandbox, env) },
  );
  let exited = null;
  child.on('exit', (code, signal) => (exited = code ?? signal));
  const server = {
    port,
    child,
    url: `http://127.0.0.1:${port}`,
    /** Stops the whole process group: SIGTERM, then SIGKILL after 3 s. */
    async stop() {
      if (child.pid === undefined) return;
      const group = -child.pid;
      try {
        process.kill(group, 'SIGTERM');
      } catch {
        return; // already gone
      }
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline) {
        try {
          process.kill(group, 0);
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      try {
        process.kill(group, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    },
    /** Synchronous, for process 'exit' handlers. */
    kill() {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
    logTail(lines = 40) {
      try {
        return readFileSync(sandbox.codeServerLog, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
  };
  const deadline = Date.now() + timeoutMs;
  while ((await get(`${server.url}/healthz`)) !== 200) {
    if (exited !== null) throw new Error(`code-server exited (${exited}):\n${server.logTail()}`);
    if (Date.now() > deadline) {
      server.kill();
      throw new Error(`code-server did not answer /healthz within ${timeoutMs} ms:\n${server.logTail()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return server;
}

/** Debian's chromium through playwright-core, with a fresh profile. */
export async function launchBrowser(sandbox) {
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(sandbox.browserProfile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/**
 * A webview's content, as a FrameLocator. In the browser a webview is an `iframe.webview` (laid over the
 * editor at the workbench's root, not inside the editor's DOM) holding an `#active-frame` with the page.
 * Several may exist at once (a panel, a walkthrough's Markdown page), hidden ones included: this returns
 * the first visible one in which `probe(frame)` (a Locator) is visible, waiting up to `timeoutMs`.
 */
export async function visibleWebview(page, probe, { timeoutMs = 15_000, what = 'a webview' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outer = page.locator('iframe.webview');
    const names = await outer.evaluateAll((frames) => frames.map((f) => f.getAttribute('name') ?? ''));
    for (const name of names) {
      if (!name) continue;
      const iframe = page.locator(`iframe.webview[name="${name}"]`);
      if (!(await iframe.isVisible().catch(() => false))) continue;
      const content = iframe.contentFrame().locator('#active-frame').contentFrame();
      if (
        await probe(content)
          .first()
          .isVisible()
          .catch(() => false)
      )
        return content;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${names.length} webviews)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The URL that opens the workspace, optionally with the extension-development payload. */
export function workbenchUrl(server, sandbox, payload) {
  const url = new URL(server.url);
  url.pathname = '/';
  url.searchParams.set('folder', sandbox.workspace);
  if (payload) url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}

export function remoteUri(server, absolutePath) {
  return `vscode-remote://127.0.0.1:${server.port}${absolutePath}`;
}

/**
 * Stops everything that was started, once, also from signal handlers. Returns the function to call.
 */
export function cleanupOnExit(steps) {
  let done = false;
  const cleanup = async () => {
    if (done) return;
    done = true;
    for (const step of steps) {
      try {
        await step();
      } catch {
        // best effort: go on with the next step
      }
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  return cleanup;
}
