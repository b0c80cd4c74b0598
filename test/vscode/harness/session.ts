/**
 * A UI-test session: a scratch copy of a workspace fixture, code-server, Chromium and the workbench page,
 * wired into mocha hooks (before/after, screenshot of every failed test into .test-results/vscode/screenshots).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before } from 'mocha';
import type { Page } from 'playwright-core';
import { captureConsole, launchBrowser, openWorkbench, type Browser, type OpenWorkbenchOptions } from './browser';
import { startCodeServer, type CodeServer } from './codeServer';
import { slug } from './paths';
import { Workbench } from './workbench';

export interface SessionOptions {
  /** Workspace fixture folder (copied to a scratch folder). */
  workspace: string;
  /** Extension under development, or undefined for none. */
  extensionPath?: string;
  /** Default true (workspace trust disabled). */
  trust?: boolean;
  name: string;
  /** Extra options for openWorkbench. */
  open?: OpenWorkbenchOptions;
  /** Waits until the workbench is ready for the tests (e.g. the extension under test has loaded). */
  ready?: (wb: Workbench) => Promise<void>;
}

export interface Session {
  server: CodeServer;
  browser: Browser;
  page: Page;
  wb: Workbench;
  /** The scratch copy of the workspace. */
  workspace: string;
  /** Browser console of the page so far. */
  consoleText(): string;
  close(): Promise<void>;
}

export async function openSession(opts: SessionOptions): Promise<Session> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `lvs-ui-${slug(opts.name)}-`));
  const workspace = path.join(scratch, path.basename(opts.workspace));
  fs.cpSync(opts.workspace, workspace, { recursive: true });
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({ workspace, extensionPath: opts.extensionPath, trust: opts.trust, name: `ui-${opts.name}` });
    browser = await launchBrowser();
    const page = await browser.newPage();
    const cons = captureConsole(page, `ui-${opts.name}`);
    await openWorkbench(page, server, opts.open ?? {});
    const wb = new Workbench(page);
    if (opts.ready) await opts.ready(wb);
    const s = server;
    const b = browser;
    return {
      server: s,
      browser: b,
      page,
      wb,
      workspace,
      consoleText: () => cons.text(),
      close: async () => {
        await b.close();
        await s.stop();
        if (process.env.LVS_KEEP_SCRATCH !== '1') fs.rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
      },
    };
  } catch (err) {
    await browser?.close();
    await server?.stop();
    fs.rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
    throw err;
  }
}

/**
 * Registers mocha hooks for a session shared by the tests of the enclosing describe() and returns a
 * getter. Failed tests get a screenshot named after them.
 */
export function useSession(opts: SessionOptions | (() => SessionOptions)): () => Session {
  let session: Session | undefined;
  before(async function () {
    this.timeout(180_000);
    session = await openSession(typeof opts === 'function' ? opts() : opts);
  });
  afterEach(async function () {
    const t = this.currentTest;
    if (session && t && (t.state === 'failed' || process.env.LVS_SCREENSHOTS === 'all')) {
      const file = await session.wb.screenshot(`${t.state === 'failed' ? 'FAILED-' : ''}${t.fullTitle()}`).catch(() => undefined);
      if (file) console.log(`    screenshot: ${path.relative(process.cwd(), file)}`);
    }
  });
  after(async function () {
    this.timeout(60_000);
    await session?.close();
    session = undefined;
  });
  return () => {
    if (!session) throw new Error('the VS Code session did not start (see the before-all hook failure)');
    return session;
  };
}
