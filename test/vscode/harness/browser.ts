/**
 * Debian's Chromium driven by playwright-core (never a browser download), and opening the code-server
 * workbench in it, optionally with an extension under development and an extension test suite.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { CodeServer } from './codeServer';
import { chromiumPath, ensureDir, resultsDir, slug } from './paths';

/** Flags that keep Chromium offline and quiet on a machine with no network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
  '--password-store=basic',
];

export interface Browser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh user-data-dir (removed on close). */
export async function launchBrowser(opts: { headless?: boolean } = {}): Promise<Browser> {
  const exe = chromiumPath();
  if (!fs.existsSync(exe)) throw new Error(`Chromium not found at ${exe}: apt-get install chromium`);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lvs-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: exe,
    headless: opts.headless ?? process.env.LVS_HEADED !== '1',
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
    // Clipboard access for editor copy/paste; only ever granted for our own server.
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  // Block every request that is not for this machine: nothing may leave 127.0.0.1.
  await context.route(/^(https?|wss?):\/\//, (route) => {
    const u = new URL(route.request().url());
    if (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname.endsWith('.localhost')) {
      return route.fallback();
    }
    return route.abort('blockedbyclient');
  });
  return {
    context,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close().catch(() => undefined);
      fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

export interface WorkbenchUrlOptions {
  /** Absolute folder to open; default the server's workspace. */
  folder?: string;
  /** Extension under development (absolute path); default the server's extensionPath. null: none. */
  extensionDevelopmentPath?: string | null;
  /** Absolute path of a compiled suite index.js (exports run()). */
  extensionTestsPath?: string;
  /** Environment variables for the extension host (payload `extensionEnvironment`). */
  extensionEnvironment?: Record<string, string>;
  /** Absolute path of a file to open at start. */
  openFile?: string;
}

/** The workbench URL: `?folder=` plus the URL-encoded JSON `payload` the web workbench reads. */
export function workbenchUrl(server: CodeServer, opts: WorkbenchUrlOptions = {}): string {
  const payload: [string, string][] = [];
  const dev = opts.extensionDevelopmentPath === undefined ? server.extensionPath : opts.extensionDevelopmentPath;
  if (dev) payload.push(['extensionDevelopmentPath', server.remoteUri(dev)]);
  if (opts.extensionTestsPath) payload.push(['extensionTestsPath', server.remoteUri(opts.extensionTestsPath)]);
  if (opts.extensionEnvironment) payload.push(['extensionEnvironment', JSON.stringify(opts.extensionEnvironment)]);
  if (opts.openFile) payload.push(['openFile', server.remoteUri(opts.openFile)]);
  const params = new URLSearchParams();
  const folder = opts.folder ?? server.workspace;
  if (folder) params.set('folder', folder);
  if (payload.length) params.set('payload', JSON.stringify(payload));
  const q = params.toString();
  return `${server.url}/${q ? `?${q}` : ''}`;
}

export interface OpenWorkbenchOptions extends WorkbenchUrlOptions {
  /** Milliseconds to wait for the workbench. Default 60 s. */
  timeoutMs?: number;
  /** Wait for the extension host to be connected (default true; false for extension test runs). */
  waitForExtensionHost?: boolean;
  /** Name for the page's console log file in .test-results/vscode/logs. */
  name?: string;
}

/** Console output of each page we opened, saved to .test-results/vscode/logs/<name>-browser.log. */
export function captureConsole(page: Page, name: string): { text(): string } {
  ensureDir(path.join(resultsDir, 'logs'));
  const file = path.join(resultsDir, 'logs', `${slug(name)}-browser.log`);
  const stream = fs.createWriteStream(file);
  let text = '';
  const add = (s: string) => {
    text += `${s}\n`;
    stream.write(`${s}\n`);
  };
  page.on('console', (m) => add(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => add(`[pageerror] ${e.message}`));
  page.on('close', () => stream.end());
  return { text: () => text };
}

/** Opens the workbench and waits until it is usable. Returns the URL it opened. */
export async function openWorkbench(page: Page, server: CodeServer, opts: OpenWorkbenchOptions = {}): Promise<string> {
  const url = workbenchUrl(server, opts);
  const timeout = opts.timeoutMs ?? 60_000;
  await page.goto(url, { timeout });
  await page.locator('.monaco-workbench').waitFor({ timeout });
  await page.locator('.part.statusbar').waitFor({ timeout });
  if (opts.waitForExtensionHost ?? true) {
    // The status bar's remote indicator appears once the remote connection (and extension host) is up.
    await page.locator('.part.activitybar, .part.sidebar').first().waitFor({ timeout });
  }
  return url;
}
