// Runs the integration suites (test/integration, @vscode/test-electron's form) in a real VS Code on this
// kind of machine, where VS Code's desktop build cannot be downloaded: code-server 4.100.3 (VS Code
// 1.100.3), driven by Debian's chromium through playwright-core, loads the extension from this folder
// (extensionDevelopmentPath) and runs dist-test/integration/index.js in its extension host
// (extensionTestsPath) on a temporary copy of examples/therapeutic-alliance.
//
// Usage: node scripts/run-integration.mjs [--no-install] [--no-build] [--grep PATTERN] [--keep]
// Prints mocha's output, ends with `N passed, N failed`, exits with the suites' code (0 all passed).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  cleanupOnExit,
  elapsed,
  createSandbox,
  installTestDeps,
  launchBrowser,
  log,
  remoteUri,
  removeSandbox,
  repoRoot,
  run,
  startCodeServer,
  workbenchUrl,
} from './code-server-harness.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const TIMEOUT_MS = Number(process.env.INTEGRATION_TIMEOUT_MS ?? 5 * 60_000);
const grep = option('--grep') ?? process.env.MOCHA_GREP;
const WORKBENCH_NOISE = [
  /^\s+at .*\(?https?:\/\/127\.0\.0\.1:\d+\/stable-/,
  /^Ignoring fetching additional builtin extensions/,
  /^Updating additional builtin extensions cache/,
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket \(renderer-/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
  /^Creation of workbench contribution .* took \d+ms/,
];

async function main() {
  if (!flag('--no-install')) {
    log('installing the test dependencies (cached)');
    installTestDeps();
  }
  if (!flag('--no-build')) {
    log('building the extension and the tests');
    run('npm', ['run', '--silent', 'build']);
    run('node', ['scripts/build-tests.mjs']);
  }
  const testsIndex = join(repoRoot, 'dist-test/integration/index');
  if (!existsSync(`${testsIndex}.js`))
    throw new Error(`no ${testsIndex}.js: run node scripts/build-tests.mjs`);

  const sandbox = createSandbox('integration');
  log(`workspace: ${sandbox.workspace}`);
  let server;
  let browser;
  let passed = false;
  const cleanup = cleanupOnExit([
    () => browser?.context.close(),
    () => server?.stop(),
    () => (passed && !flag('--keep') ? removeSandbox(sandbox) : log(`kept ${sandbox.root}`)),
  ]);
  process.on('exit', () => server?.kill());

  let sawSummary = false;
  try {
    server = await startCodeServer(sandbox, { env: grep ? { MOCHA_GREP: grep } : {} });
    log(`code-server 4.100.3 on ${server.url} (process group ${server.child.pid})`);
    browser = await launchBrowser(sandbox);
    const { page } = browser;

    let settled = false;
    let finish;
    const exitCode = new Promise((resolve) => {
      finish = (code) => {
        if (settled) return;
        settled = true;
        resolve(code);
      };
    });
    // The workbench reports the extension host's console (mocha's reporter) and the suites' exit code.
    await page.exposeFunction('codeAutomationLog', (type, message) => {
      const text = Array.isArray(message) ? message.join(' ') : String(message);
      for (const line of text.replace(/\n$/, '').split('\n')) {
        // The workbench's own chatter (and the stack frames of its errors) is noise here.
        if (WORKBENCH_NOISE.some((noise) => noise.test(line))) continue;
        if (/^\d+ passed, \d+ failed/.test(line)) sawSummary = true;
        console.log(process.env.INTEGRATION_TIMESTAMPS ? `${elapsed()} ${line}` : line);
      }
    });
    await page.exposeFunction('codeAutomationExit', (code) => finish(Number(code)));
    page.on('crash', () => {
      if (settled) return;
      log('the browser page crashed');
      finish(1);
    });
    server.child.once('exit', (code, signal) => {
      if (settled) return;
      log(`code-server exited (${code ?? signal}) before the suites finished`);
      finish(1);
    });

    const payload = [
      ['extensionDevelopmentPath', remoteUri(server, repoRoot)],
      ['extensionTestsPath', remoteUri(server, testsIndex)],
      ['skipWelcome', 'true'],
    ];
    log('opening the workbench; the suites start once the extension host is up');
    await page.goto(workbenchUrl(server, sandbox, payload));

    const timer = setTimeout(() => {
      log(`timed out after ${TIMEOUT_MS / 1000} s`);
      finish(1);
    }, TIMEOUT_MS);
    const code = await exitCode;
    clearTimeout(timer);
    if (code !== 0) {
      log(`code-server log (tail):\n${server.logTail()}`);
      const shot = join(repoRoot, 'test-results/integration-failure.png');
      mkdirSync(dirname(shot), { recursive: true });
      await page.screenshot({ path: shot }).then(
        () => log(`screenshot: ${shot}`),
        () => undefined,
      );
    }
    passed = code === 0;
    log(`integration suites ${passed ? 'passed' : `failed (exit code ${code})`}`);
    return code;
  } catch (error) {
    log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  } finally {
    if (!sawSummary && !passed) console.log('0 passed, 1 failed');
    await cleanup();
  }
}

process.exitCode = await main();
