/**
 * Runs the VS Code tests in a real VS Code (code-server 4.100.3 + Debian Chromium via playwright-core):
 *   (a) extension-host suites: out/test/vscode/suites/<name>/index.js (mocha inside the extension host)
 *   (b) UI tests: out/test/vscode/ui/**\/*.test.js (mocha here, Playwright driving the workbench)
 * Prints every test with ✓/✗ and ends with `N passed, N failed` alone on a line; exit code 1 on any failure.
 * Builds nothing: expects `npm run build` to have run and code-server to be installed
 * (bash scripts/install-code-server.sh).
 *
 *   node out/test/vscode/run.js [--ext-host-only | --ui-only] [--suite NAME]... [--grep PATTERN]
 *   env: LVS_SCREENSHOTS=all (screenshot every test), LVS_KEEP_SCRATCH=1, LVS_HEADED=1,
 *        LVS_CODE_SERVER_DIR, LVS_CHROMIUM, LVS_TEST_RESULTS_DIR
 * Results: .test-results/vscode/{summary.json,ext-host/*.json,logs/,screenshots/}
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { runExtensionHostSuite } from './harness/extensionHost';
import {
  CODE_SERVER_VERSION,
  checkPrerequisites,
  compiledVscodeTestsDir,
  ensureDir,
  helloExtensionDir,
  repoRoot,
  resultsDir,
  workspaceFixturesDir,
} from './harness/paths';
import type { SuiteConfig } from './harness/suiteConfig';

interface Outcome {
  group: string;
  title: string;
  state: 'passed' | 'failed' | 'pending';
  message?: string;
  durationMs?: number;
}

const outcomes: Outcome[] = [];
const timings: Record<string, unknown> = {};

function parseArgs(argv: string[]) {
  const opts = { extHost: true, ui: true, suites: [] as string[], grep: undefined as string | undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--ext-host-only') opts.ui = false;
    else if (a === '--ui-only') opts.extHost = false;
    else if (a === '--suite') opts.suites.push(argv[++i]);
    else if (a === '--grep') opts.grep = argv[++i];
    else if (a === '-h' || a === '--help') {
      console.log('usage: node out/test/vscode/run.js [--ext-host-only | --ui-only] [--suite NAME]... [--grep PATTERN]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

function indent(text: string, by = '      '): string {
  return text
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

function record(o: Outcome): void {
  outcomes.push(o);
  const mark = o.state === 'passed' ? '✓' : o.state === 'failed' ? '✗' : '-';
  const ms = o.durationMs !== undefined ? ` (${o.durationMs} ms)` : '';
  console.log(`  ${mark} ${o.title}${o.state === 'pending' ? ' (skipped)' : ms}`);
  if (o.state === 'failed' && o.message) console.log(indent(o.message));
}

async function runExtensionHostSuites(only: string[], grep?: string): Promise<void> {
  const root = path.join(compiledVscodeTestsDir, 'suites');
  const names = fs.existsSync(root)
    ? fs.readdirSync(root).filter((n) => fs.existsSync(path.join(root, n, 'index.js'))).sort()
    : [];
  const selected = only.length ? names.filter((n) => only.includes(n)) : names;
  console.log(`== extension-host suites in code-server ${CODE_SERVER_VERSION}: ${selected.join(', ') || 'none'}`);
  for (const name of selected) {
    const dir = path.join(root, name);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = (require(path.join(dir, 'index.js')) as { config?: SuiteConfig }).config;
    if (!config) {
      record({ group: name, title: `${name}: index.js exports no config`, state: 'failed' });
      continue;
    }
    const extensionPath = config.extension === 'hello' ? helloExtensionDir : repoRoot;
    if (config.extension === 'repo' && !fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
      console.log(`${name}`);
      record({ group: name, title: `${name}: suite`, state: 'failed', message: 'dist/extension.js is missing: run npm run build first' });
      continue;
    }
    const r = await runExtensionHostSuite({
      suitePath: dir,
      workspace: path.join(workspaceFixturesDir, config.workspace),
      extensionPath,
      trust: config.trust,
      timeoutMs: config.timeoutMs,
      env: grep ? { LVS_VSCODE_TEST_GREP: grep } : {},
    });
    timings[`ext-host:${name}`] = r.timings;
    console.log(
      `${name} (code-server up in ${(r.timings.codeServerStartMs / 1000).toFixed(1)} s, workbench + suite ${(r.timings.suiteMs / 1000).toFixed(1)} s)`,
    );
    for (const t of r.tests) {
      record({
        group: name,
        title: t.fullTitle,
        state: t.state,
        durationMs: t.durationMs,
        message: t.error ? (t.error.stack ?? t.error.message).split('\n').slice(0, 8).join('\n') : undefined,
      });
    }
    // Failures not tied to a test (timeout, suite did not load, harness error).
    const testTitles = new Set(r.tests.map((t) => t.fullTitle));
    for (const f of r.failures) {
      if (!testTitles.has(f.title)) record({ group: name, title: f.title, state: 'failed', message: f.message });
    }
    if (r.screenshot) console.log(`    screenshot: ${path.relative(process.cwd(), r.screenshot)}`);
  }
}

function listUiFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const n of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, n);
    if (fs.statSync(p).isDirectory()) out.push(...listUiFiles(p));
    else if (n.endsWith('.test.js')) out.push(p);
  }
  return out;
}

async function runUiTests(grep?: string): Promise<void> {
  const files = listUiFiles(path.join(compiledVscodeTestsDir, 'ui'));
  console.log(`== UI tests (Playwright + Chromium): ${files.map((f) => path.basename(f, '.test.js')).join(', ') || 'none'}`);
  if (!files.length) return;
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 120_000,
    reporter: Mocha.reporters.Base,
    ...(grep ? { grep } : {}),
  });
  for (const f of files) mocha.addFile(f);
  const t0 = Date.now();
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('suite', (s) => {
      if (s.title && s.parent?.root) console.log(s.title);
    });
    runner.on('pass', (t) => record({ group: 'ui', title: t.title, state: 'passed', durationMs: t.duration }));
    runner.on('pending', (t) => record({ group: 'ui', title: t.title, state: 'pending' }));
    runner.on('fail', (t, err: Error) =>
      record({
        group: 'ui',
        // Hook failures ("before all" hook) carry the hook title; keep the suite for context.
        title: (t.type as string) === 'hook' ? t.fullTitle() : t.title,
        state: 'failed',
        message: String(err?.stack ?? err).split('\n').slice(0, 10).join('\n'),
      }),
    );
  });
  timings.uiMs = Date.now() - t0;
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  ensureDir(resultsDir);
  const t0 = Date.now();
  try {
    checkPrerequisites();
  } catch (err) {
    console.log(`vscode tests cannot run:\n${(err as Error).message}`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
    console.log('note: dist/extension.js is missing (run npm run build): tests of our extension will fail');
  }
  try {
    if (opts.extHost) await runExtensionHostSuites(opts.suites, opts.grep);
    if (opts.ui && !opts.suites.length) await runUiTests(opts.grep);
  } catch (err) {
    record({ group: 'runner', title: 'runner', state: 'failed', message: String((err as Error)?.stack ?? err) });
  }
  const passed = outcomes.filter((o) => o.state === 'passed').length;
  const failed = outcomes.filter((o) => o.state === 'failed').length;
  const skipped = outcomes.filter((o) => o.state === 'pending').length;
  timings.totalMs = Date.now() - t0;
  fs.writeFileSync(
    path.join(resultsDir, 'summary.json'),
    JSON.stringify({ passed, failed, skipped, timings, outcomes }, null, 2),
  );
  if (failed) {
    console.log('\nfailed:');
    for (const o of outcomes.filter((x) => x.state === 'failed')) console.log(`  ✗ [${o.group}] ${o.title}`);
  }
  console.log(`\nvscode tests took ${((Date.now() - t0) / 1000).toFixed(1)} s; results in ${path.relative(process.cwd(), resultsDir) || '.'}`);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Mocha or Playwright may leave handles; everything we started is stopped, so leave now.
    setTimeout(() => process.exit(code), 100).unref();
  },
  (err) => {
    console.error(err);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
