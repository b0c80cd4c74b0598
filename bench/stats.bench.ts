/**
 * Live statistics: parse of a 10,000-entry `ipvsadm -Ln --stats --exact` output (goal ≤ 10 ms), the whole
 * reading (three listings, sectioned) merged into a snapshot, and a webview update of 1,000 rows measured
 * in Chromium (Debian's /usr/bin/chromium, headless, the harness' offline flags; goal ≤ 16 ms): the
 * bundled dist/webview/main.js in a page whose stub host posts protocol messages; performance.now() in
 * the page around the message handler, with a forced layout.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { parseStatsListing } from '../src/core/ipvs/statsParser';
import { buildSnapshot } from '../src/core/stats/snapshot';
import { parseStatsReading } from '../src/core/stats/statsReading';
import { snapshotOf } from '../test/support/statsSnapshots';
import { CHROMIUM_ARGS } from '../test/vscode/harness/browser';
import type { BenchResult } from './benchTypes';
import { coldMs, medianMs } from './benchTypes';
import { listing, sectioned } from './generators';

/** Runs in the page (browser JavaScript, kept as text: the root tsconfig has no DOM types). */
const IN_PAGE = `(all) => {
  const post = (data) => window.dispatchEvent(new MessageEvent('message', { data }));
  post({ type: 'init', ref: { file: 'bench', cluster: 'bench' }, directors: ['director'], intervalSeconds: 2, paused: false });
  post({ type: 'snapshot', snapshot: all[0] });
  const app = window.lvsStatsApp;
  const whole = [];
  const table = [];
  const tableScript = [];
  for (let i = 1; i < all.length; i++) {
    const t0 = performance.now();
    post({ type: 'snapshot', snapshot: all[i] });
    void document.body.offsetHeight; // include style and layout
    whole.push(performance.now() - t0);
  }
  for (let i = 1; i < all.length; i++) {
    const t0 = performance.now();
    app.table.update(all[(i * 5) % all.length]);
    const t1 = performance.now();
    void document.body.offsetHeight;
    table.push(performance.now() - t0);
    tableScript.push(t1 - t0);
  }
  const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return { whole: med(whole.slice(3)), table: med(table.slice(3)), tableScript: med(tableScript.slice(3)), rows: app.table.rowCount() };
}`;

async function webviewBench(): Promise<BenchResult[]> {
  const bundle = path.resolve(__dirname, '..', '..', 'dist', 'webview', 'main.js');
  if (!fs.existsSync(bundle)) return [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lvs-stats-bench-'));
  const html = path.join(dir, 'bench.html');
  fs.writeFileSync(html, `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${pathToFileURL(bundle.replace(/\.js$/, '.css')).href}"></head>
<body><div id="app"></div><script>
window.__posted = [];
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => undefined });
</script><script src="${pathToFileURL(bundle).href}"></script></body></html>`);
  const browser = await chromium.launch({ executablePath: process.env.LVS_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.route(/^(https?|wss?):\/\//, (route) => route.abort('blockedbyclient'));
    await page.goto(pathToFileURL(html).href);
    await page.waitForFunction('window.lvsStatsApp !== undefined');
    // 100 services × 9 real servers + 100 service rows = 1,000 rows.
    const snaps = Array.from({ length: 24 }, (_, i) => snapshotOf(100, 9, i));
    const times = (await page.evaluate(`(${IN_PAGE})(${JSON.stringify(snaps)})`)) as { whole: number; table: number; tableScript: number; rows: number };
    if (times.rows !== 1000) throw new Error(`the table has ${times.rows} rows, not 1,000`);
    return [
      // A breakdown of the last figure: its script part (sort, cell writes); the rest is style and layout.
      { name: 'webview: table update, 1,000 rows: script only (sort + writes, before layout)', unit: 'ms', median: times.tableScript },
      // These two stay the last lines.
      { name: 'webview: snapshot message, 1,000 rows (table + KPIs + share + charts, with layout)', unit: 'ms', median: times.whole, goal: '≤ 16 ms' },
      { name: 'webview: table update only, 1,000 rows (with layout)', unit: 'ms', median: times.table, goal: '≤ 16 ms' },
    ];
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult[]> {
  const stats = listing('stats', 1000, 9); // 10,000 entries
  const reading = sectioned(1000, 9);
  const parsed = parseStatsReading(reading);
  // Steady state, as the poller's parser is after its first ticks (warmed up for 1 s: the optimized code
  // must have landed); the first parse of a fresh process is printed on its own line.
  const parseMs = await medianMs(() => parseStatsListing(stats), 15, 10, 1000);
  return [
    { name: 'parse --stats --exact, 10,000 entries', unit: 'ms', median: parseMs, goal: '≤ 10 ms' },
    { name: 'the same parse as the first call of a fresh process (cold JIT; median of 5 processes)', unit: 'ms', median: coldMs('stats') },
    { name: 'reading: split + parse --stats, --rate, -Ln (10,000 entries each)', unit: 'ms', median: await medianMs(() => parseStatsReading(reading), 9, 5, 1000), baseline: { name: 'parse --stats alone', median: parseMs } },
    { name: 'merge into a snapshot (deltas, share), 10,000 entries', unit: 'ms', median: await medianMs(() => buildSnapshot(parsed, { director: 'd', time: 0, baseline: new Map() }), 9, 5, 1000) },
    ...(await webviewBench()),
  ];
}
