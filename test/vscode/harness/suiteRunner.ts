/**
 * Runs INSIDE the extension host: the `run()` of each suite's index.js calls runMochaSuite(__dirname).
 * Runs mocha (BDD, CommonJS) over the suite's compiled *.test.js files, prints each result to the extension
 * host's console, and writes a JSON results file for the runner in the terminal:
 *   $LVS_VSCODE_TEST_RESULTS, else <workspace folder>/../<suite>.results.json.
 * Resolves when every test passed, rejects otherwise (VS Code then exits the test run with code 1).
 * Uses no `vscode` API itself, so the same index.js works under @vscode/test-electron.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface TestResult {
  title: string;
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: { message: string; stack?: string };
}

export interface SuiteResults {
  suite: string;
  passed: number;
  failed: number;
  pending: number;
  durationMs: number;
  tests: TestResult[];
}

function listTestFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) out.push(...listTestFiles(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

function resultsPath(suite: string): string {
  if (process.env.LVS_VSCODE_TEST_RESULTS) return process.env.LVS_VSCODE_TEST_RESULTS;
  const folder = process.env.LVS_TEST_WORKSPACE ?? process.cwd();
  return path.join(path.dirname(folder), `${suite}.results.json`);
}

export function runMochaSuite(suiteDir: string, opts: { timeoutMs?: number; grep?: string } = {}): Promise<void> {
  const suite = path.basename(suiteDir);
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: opts.timeoutMs ?? Number(process.env.LVS_VSCODE_TEST_TIMEOUT ?? 30_000),
    reporter: Mocha.reporters.Base, // counts only; we print below
    ...(opts.grep ?? process.env.LVS_VSCODE_TEST_GREP ? { grep: opts.grep ?? process.env.LVS_VSCODE_TEST_GREP } : {}),
  });
  for (const f of listTestFiles(suiteDir)) mocha.addFile(f);

  const results: SuiteResults = { suite, passed: 0, failed: 0, pending: 0, durationMs: 0, tests: [] };
  const t0 = Date.now();
  const write = () => {
    results.durationMs = Date.now() - t0;
    const file = resultsPath(suite);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(results, null, 2));
  };

  return new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        write();
        console.log(`[lvs-tests] ${suite}: ${results.passed} passed, ${results.failed} failed, ${results.pending} pending`);
        if (failures > 0) reject(new Error(`${failures} test(s) failed in suite ${suite}`));
        else resolve();
      });
      runner.on('pass', (t) => {
        results.passed++;
        results.tests.push({ title: t.title, fullTitle: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 });
        console.log(`[lvs-tests] ✓ ${t.fullTitle()} (${t.duration ?? 0} ms)`);
      });
      runner.on('fail', (t, err: Error) => {
        results.failed++;
        results.tests.push({
          title: t.title,
          fullTitle: t.fullTitle(),
          state: 'failed',
          durationMs: t.duration ?? 0,
          error: { message: String(err?.message ?? err), stack: err?.stack },
        });
        console.log(`[lvs-tests] ✗ ${t.fullTitle()}\n${err?.stack ?? err}`);
      });
      runner.on('pending', (t) => {
        results.pending++;
        results.tests.push({ title: t.title, fullTitle: t.fullTitle(), state: 'pending', durationMs: 0 });
        console.log(`[lvs-tests] - ${t.fullTitle()} (pending)`);
      });
    } catch (err) {
      results.failed++;
      results.tests.push({
        title: 'load suite',
        fullTitle: `${suite}: load suite`,
        state: 'failed',
        durationMs: 0,
        error: { message: String((err as Error)?.message ?? err), stack: (err as Error)?.stack },
      });
      write();
      reject(err);
    }
  });
}
