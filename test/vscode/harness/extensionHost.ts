/**
 * Runs one extension-host suite in code-server: copies the workspace fixture to a scratch folder, starts
 * code-server, opens the workbench with `extensionDevelopmentPath` + `extensionTestsPath` in its payload,
 * and waits for the workbench to call `window.codeAutomationExit(code)` when the suite's run() settles.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { captureConsole, launchBrowser, openWorkbench } from './browser';
import { startCodeServer } from './codeServer';
import { ensureDir, resultsDir, screenshotsDir, slug } from './paths';
import type { SuiteResults, TestResult } from './suiteRunner';

export interface ExtensionHostSuiteOptions {
  /** The compiled suite: its folder or its index.js (exports run()). */
  suitePath: string;
  /** Workspace fixture folder; copied to a scratch folder first, so tests may edit files. */
  workspace: string;
  /** Extension under development (folder with package.json). */
  extensionPath: string;
  /** false: leave workspace trust on (restricted mode until trusted). Default true. */
  trust?: boolean;
  /** Name for logs and screenshots; default the suite folder's name. */
  name?: string;
  /** Whole-suite timeout. Default 5 minutes. */
  timeoutMs?: number;
  /** Extra environment for the extension host. */
  env?: Record<string, string>;
}

export interface ExtensionHostSuiteResult {
  name: string;
  passed: number;
  failed: number;
  pending: number;
  failures: { title: string; message: string }[];
  tests: TestResult[];
  /** What the workbench passed to codeAutomationExit; undefined on timeout. */
  exitCode?: number;
  /** Milliseconds: code-server start, workbench + suite, total. */
  timings: { codeServerStartMs: number; suiteMs: number; totalMs: number };
  screenshot?: string;
}

export async function runExtensionHostSuite(opts: ExtensionHostSuiteOptions): Promise<ExtensionHostSuiteResult> {
  const t0 = Date.now();
  const suiteDir = opts.suitePath.endsWith('.js') ? path.dirname(opts.suitePath) : opts.suitePath;
  const indexJs = opts.suitePath.endsWith('.js') ? opts.suitePath : path.join(opts.suitePath, 'index.js');
  const name = slug(opts.name ?? path.basename(suiteDir));
  if (!fs.existsSync(indexJs)) throw new Error(`suite index not found: ${indexJs} (compile with tsc -p . first)`);

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `lvs-ws-${name}-`));
  const workspace = path.join(scratch, path.basename(opts.workspace));
  fs.cpSync(opts.workspace, workspace, { recursive: true });
  const resultsFile = path.join(ensureDir(path.join(resultsDir, 'ext-host')), `${name}.json`);
  fs.rmSync(resultsFile, { force: true });
  const env = { LVS_VSCODE_TEST_RESULTS: resultsFile, LVS_TEST_WORKSPACE: workspace, ...(opts.env ?? {}) };

  const result: ExtensionHostSuiteResult = {
    name,
    passed: 0,
    failed: 0,
    pending: 0,
    failures: [],
    tests: [],
    timings: { codeServerStartMs: 0, suiteMs: 0, totalMs: 0 },
  };
  const server = await startCodeServer({
    workspace,
    extensionPath: opts.extensionPath,
    trust: opts.trust,
    name: `ext-host-${name}`,
    env,
  });
  result.timings.codeServerStartMs = server.startupMs;
  const browser = await launchBrowser();
  const timeoutMs = opts.timeoutMs ?? 300_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const page = await browser.newPage();
    captureConsole(page, `ext-host-${name}`);
    const exited = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => {
        resolve(Number(code));
      });
    });
    const crashed = new Promise<never>((_, reject) => page.on('crash', () => reject(new Error('the page crashed'))));
    const t1 = Date.now();
    await openWorkbench(page, server, {
      extensionTestsPath: indexJs,
      extensionEnvironment: env,
      waitForExtensionHost: false,
      timeoutMs: Math.min(timeoutMs, 120_000),
    });
    const timedOut = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    result.exitCode = await Promise.race([exited, timedOut, crashed]);
    result.timings.suiteMs = Date.now() - t1;

    if (fs.existsSync(resultsFile)) {
      const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as SuiteResults;
      result.passed = r.passed;
      result.failed = r.failed;
      result.pending = r.pending;
      result.tests = r.tests;
    }
    for (const t of result.tests) {
      if (t.state === 'failed') result.failures.push({ title: t.fullTitle, message: t.error?.message ?? 'failed' });
    }
    if (result.exitCode === undefined) {
      result.failed++;
      result.failures.push({ title: `${name}: suite`, message: `timed out after ${timeoutMs} ms (see .test-results/vscode/logs)` });
    } else if (result.exitCode !== 0 && result.failed === 0) {
      // run() rejected or the extension host died without a failing test: count it.
      result.failed++;
      result.failures.push({
        title: `${name}: suite`,
        message: `extension host exited with code ${result.exitCode}${fs.existsSync(resultsFile) ? '' : ' and wrote no results (suite did not load?)'}; see .test-results/vscode/logs/ext-host-${name}-browser.log`,
      });
    }
    if (result.failed > 0 || process.env.LVS_SCREENSHOTS === 'all') {
      result.screenshot = path.join(ensureDir(screenshotsDir), `ext-host-${name}.png`);
      await page.screenshot({ path: result.screenshot }).catch(() => undefined);
    }
  } catch (err) {
    result.failed++;
    result.failures.push({ title: `${name}: harness`, message: String((err as Error)?.stack ?? err) });
  } finally {
    if (timer) clearTimeout(timer);
    await browser.close();
    await server.stop();
    if (process.env.LVS_KEEP_SCRATCH !== '1') fs.rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
  }
  result.timings.totalMs = Date.now() - t0;
  return result;
}
