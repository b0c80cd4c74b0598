/**
 * The statistics webview on its own (UI, no VS Code, no lab): the bundle dist/webview/main.js in Chromium,
 * in a page whose stub acquireVsCodeApi records the posted messages and the saved state, the same page the
 * bench (bench/stats.bench.ts) measures. Checks what the fast update path must keep: 1,000 rows of which
 * only those on screen are in the DOM, with the right texts after updates, scrolling, sorting; unchanged
 * values not rewritten; the share view updated in place; charts drawn once on screen; pause; the state
 * saved and restored. Nothing here asserts on time.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'mocha';
import type { Page } from 'playwright-core';
import { bytes, bytesRate, compactNumber } from '../../../src/shared/statsFormat';
import type { DirectorSnapshot, HostToWebviewMessage, RealServerStats, ServiceStats, WebviewState } from '../../../src/shared/statsProtocol';
import { snapshotOf } from '../../support/statsSnapshots';
import { launchBrowser } from '../harness/browser';
import type { Browser } from '../harness/browser';
import { repoRoot } from '../harness/paths';

const bundle = path.join(repoRoot, 'dist', 'webview', 'main.js');

/** The texts a row must show, as statsTable.ts formats them. */
function expectedCells(r: ServiceStats | RealServerStats): string[] {
  const svc = 'realServers' in r;
  return [
    svc ? `${r.label}${r.name ? ` · ${r.name}` : ''}${r.scheduler ? ` · ${r.scheduler}` : ''}` : r.host !== undefined ? `${r.host} · ${r.endpoint}` : r.endpoint,
    svc || r.weight === undefined ? '' : String(r.weight),
    String(r.activeConn), String(r.inactConn),
    compactNumber(r.rate.cps), compactNumber(r.rate.inPps), compactNumber(r.rate.outPps), bytesRate(r.rate.inBps), bytesRate(r.rate.outBps),
    compactNumber(r.totals.conns), bytes(r.totals.inBytes), bytes(r.totals.outBytes),
  ];
}

interface RenderedRow { id: string; cls: string; cells: string[] }

/** The table's rows in the DOM, and where the viewport is. */
async function renderedRows(page: Page): Promise<{ rows: RenderedRow[]; firstIndex: number; writes: number; rowCount: number }> {
  return page.evaluate(`(() => {
    const trs = [...document.querySelectorAll('.stats-table tbody tr')];
    return {
      rows: trs.map((tr) => ({ id: tr.dataset.id, cls: tr.className, cells: [...tr.children].map((td) => td.textContent) })),
      firstIndex: trs.length ? Number(trs[0].getAttribute('aria-rowindex')) - 2 : -1,
      writes: window.lvsStatsApp.table.lastWrites,
      rowCount: window.lvsStatsApp.table.rowCount(),
    };
  })()`);
}

/** The snapshot's rows in the order the table shows them for the default sort (address, ascending). */
function rowsInOrder(snap: DirectorSnapshot): (ServiceStats | RealServerStats)[] {
  return snap.services.flatMap((s) => [s, ...s.realServers]);
}

describe('stats webview (UI, the bundle in Chromium with a stub host)', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let dir: string;

  before(async function () {
    if (!fs.existsSync(bundle)) throw new Error('dist/webview/main.js is missing: run npm run build first');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lvs-ui-stats-webview-'));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A page with the panel, its host stub starting from `state` (what getState returns). */
  async function openPanel(state?: WebviewState): Promise<Page> {
    const html = path.join(dir, `panel-${Date.now()}-${Math.floor(performance.now())}.html`);
    fs.writeFileSync(html, `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${pathToFileURL(bundle.replace(/\.js$/, '.css')).href}"></head>
<body><div id="app"></div><script>
window.__posted = [];
window.__state = ${JSON.stringify(state ?? null)} ?? undefined;
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => window.__state, setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); } });
</script><script src="${pathToFileURL(bundle).href}"></script></body></html>`);
    const page = await (browser as Browser).newPage();
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.goto(pathToFileURL(html).href);
    await page.waitForFunction('window.lvsStatsApp !== undefined');
    return page;
  }

  const post = (page: Page, m: HostToWebviewMessage) => page.evaluate(`window.dispatchEvent(new MessageEvent('message', { data: ${JSON.stringify(m)} }))`);
  const init = (page: Page) => post(page, { type: 'init', ref: { file: 'file:///w/lvs.yaml', cluster: 'bench' }, directors: ['director'], intervalSeconds: 2, paused: false });
  /** A fresh panel, initialised and showing `snap`. */
  const panelWith = async (snap: DirectorSnapshot): Promise<{ page: Page; snap: DirectorSnapshot }> => {
    const page = await openPanel();
    await init(page);
    await post(page, { type: 'snapshot', snapshot: snap });
    return { page, snap };
  };

  it('holds 1,000 rows, puts only those on screen in the DOM, and shows their values', async () => {
    const { page, snap } = await panelWith(snapshotOf(100, 9, 0));
    const t = await renderedRows(page);
    assert.equal(t.rowCount, 1000);
    assert.ok(t.rows.length > 20 && t.rows.length < 50, `${t.rows.length} rows in the DOM`);
    assert.equal(await page.locator('.stats-table').getAttribute('aria-rowcount'), '1001');
    const all = rowsInOrder(snap);
    t.rows.forEach((row, i) => {
      const want = all[t.firstIndex + i];
      assert.equal(row.id, want.id);
      assert.equal(row.cls, 'realServers' in want ? 'service' : 'real-server');
      assert.deepEqual(row.cells, expectedCells(want));
    });
    assert.equal(await page.locator('#kpi-count .kpi-value').innerText(), '100 / 900');
    await page.close();
  });

  it('rewrites only the cells whose value changed, and follows the data on every update', async () => {
    const { page, snap } = await panelWith(snapshotOf(100, 9, 0));
    await post(page, { type: 'snapshot', snapshot: { ...snap, time: snap.time + 2000 } });
    assert.equal((await renderedRows(page)).writes, 0, 'the same values again: nothing written');
    const one = structuredClone(snap);
    one.time += 4000;
    one.services[0].realServers[1].rate.cps = 12_345;
    await post(page, { type: 'snapshot', snapshot: one });
    let t = await renderedRows(page);
    assert.equal(t.writes, 1);
    assert.equal(t.rows.find((r) => r.id === one.services[0].realServers[1].id)?.cells[4], '12.3K');
    for (const tick of [1, 7, 3]) {
      const next = snapshotOf(100, 9, tick);
      await post(page, { type: 'snapshot', snapshot: next });
      t = await renderedRows(page);
      const all = rowsInOrder(next);
      t.rows.forEach((row, i) => assert.deepEqual(row.cells, expectedCells(all[t.firstIndex + i]), `tick ${tick}, row ${t.firstIndex + i}`));
    }
    await page.close();
  });

  it('renders the rows scrolled into view', async () => {
    const { page, snap } = await panelWith(snapshotOf(100, 9, 2));
    await page.evaluate('window.scrollTo(0, 13000)');
    await page.waitForFunction('Number(document.querySelector(".stats-table tbody tr").getAttribute("aria-rowindex")) > 400');
    const t = await renderedRows(page);
    const all = rowsInOrder(snap);
    t.rows.forEach((row, i) => assert.deepEqual(row.cells, expectedCells(all[t.firstIndex + i])));
    // The row under the viewport's middle is the one the padding above it says.
    const middle = (await page.evaluate('document.elementFromPoint(800, 500).closest("tr").dataset.id')) as string;
    assert.ok(t.rows.some((r) => r.id === middle));
    await page.close();
  });

  it('sorts by a column header, services first and real servers within each, and saves the sort', async () => {
    const { page, snap } = await panelWith(snapshotOf(100, 9, 5));
    await page.locator('th[data-key="cps"]').click();
    assert.equal(await page.locator('th[data-key="cps"]').getAttribute('aria-sort'), 'descending');
    assert.equal(await page.locator('th[data-key="endpoint"]').getAttribute('aria-sort'), 'none');
    const order = (s: DirectorSnapshot, sign: number) => [...s.services].sort((a, b) => sign * (a.rate.cps - b.rate.cps))
      .flatMap((svc) => [svc, ...[...svc.realServers].sort((a, b) => sign * (a.rate.cps - b.rate.cps))]);
    const check = async (s: DirectorSnapshot, sign: number) => {
      const t = await renderedRows(page);
      const want = order(s, sign);
      t.rows.forEach((row, i) => {
        // Ties may come in any order: compare the values, and the kind of row.
        assert.equal(row.cells[4], expectedCells(want[t.firstIndex + i])[4]);
        assert.equal(row.cls, 'realServers' in want[t.firstIndex + i] ? 'service' : 'real-server');
      });
    };
    await check(snap, -1);
    const next = snapshotOf(100, 9, 6);
    await post(page, { type: 'snapshot', snapshot: next });
    await check(next, -1);
    await page.locator('th[data-key="cps"]').click();
    assert.equal(await page.locator('th[data-key="cps"]').getAttribute('aria-sort'), 'ascending');
    await check(next, 1);
    const state = (await page.evaluate('window.__state')) as WebviewState;
    assert.deepEqual(state.sort, { key: 'cps', descending: false });
    await page.close();
  });

  it('updates the share of traffic in place, and draws the charts once they are on screen', async () => {
    const page = await openPanel();
    await init(page);
    await post(page, { type: 'snapshot', snapshot: snapshotOf(100, 9, 0) });
    // The charts were on screen until this first snapshot: drawn once. Now 1,000 rows push them far below
    // the viewport (the observer reports it at the next frame): later snapshots are kept, not drawn.
    const framesDrawn = `window.lvsStatsApp.cpsChart.plot?.data[0].length ?? 0`;
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    const drawn = (await page.evaluate(framesDrawn)) as number;
    await post(page, { type: 'snapshot', snapshot: snapshotOf(100, 9, 1) });
    await post(page, { type: 'snapshot', snapshot: snapshotOf(100, 9, 2) });
    assert.equal(await page.evaluate(framesDrawn), drawn, 'no chart drawn off screen');
    await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
    await page.waitForFunction(`${framesDrawn} === 3`);
    await page.locator('.chart .uplot canvas').first().waitFor();
    assert.equal(await page.locator('.chart .uplot').count(), 2);
    assert.equal(await page.locator('.chart').first().locator('.u-legend .u-series').count(), 25, 'time + 24 real servers');
    await page.evaluate('window.scrollTo(0, 0)');
    await page.locator('[data-tab="share"]').click();
    await page.locator('.share-card').nth(99).waitFor({ state: 'attached' });
    await page.evaluate('document.querySelector(".share-row").__kept = true');
    await post(page, { type: 'snapshot', snapshot: snapshotOf(100, 9, 4) });
    const first = (await page.evaluate(`(() => { const r = document.querySelector('.share-row'); return { kept: r.__kept === true, id: r.dataset.id, observed: r.querySelector('.share-num').textContent, width: r.querySelector('.bar.observed').style.width }; })()`)) as { kept: boolean; id: string; observed: string; width: string };
    assert.deepEqual(first, { kept: true, id: 'svc0|10.1.0.0:80', observed: '44% observed', width: '44.44%' });
    assert.match(await page.locator('.share-sub').first().innerText(), /104 new connections/);
    // Real servers with a host name in the cluster file are named like the tree names them.
    assert.deepEqual(await page.locator('.share-card').first().locator('.share-name').evaluateAll((els) => els.slice(0, 2).map((e) => e.textContent)), ['web0 · 10.1.0.0:80', '10.1.0.1:80']);
    assert.equal(await page.locator('.share-card').count(), 100);
    // Fewer services: the cards follow.
    await post(page, { type: 'snapshot', snapshot: snapshotOf(3, 2, 5) });
    assert.equal(await page.locator('.share-card').count(), 3);
    assert.equal(await page.locator('.share-row').count(), 6);
    await page.close();
  });

  it('pauses, and restores its tab, sort and chart history from the saved state', async () => {
    const page = await openPanel();
    await init(page);
    for (let tick = 0; tick < 4; tick++) await post(page, { type: 'snapshot', snapshot: snapshotOf(2, 3, tick) });
    await page.locator('.chart .uplot canvas').first().waitFor();
    await page.locator('#pause').click();
    assert.deepEqual(await page.evaluate('window.__posted.at(-1)'), { type: 'pause' });
    await post(page, { type: 'paused', paused: true });
    assert.equal((await page.locator('#pause').innerText()).trim(), 'Resume');
    assert.match(await page.locator('.director').first().innerText(), /paused/);
    await page.locator('th[data-key="conns"]').click();
    await page.locator('[data-tab="share"]').click();
    await page.evaluate('window.lvsStatsApp.save()');
    const state = (await page.evaluate('window.__state')) as WebviewState;
    assert.equal(state.tab, 'share');
    assert.deepEqual(state.sort, { key: 'conns', descending: true });
    assert.deepEqual(state.history.director.map((s) => [s.id, s.points.length]), snapshotOf(2, 3, 0).services.flatMap((s) => s.realServers.map((r) => [r.id, 4])));
    await page.close();

    const again = await openPanel(state);
    assert.equal(await again.locator('th[data-key="conns"]').getAttribute('aria-sort'), 'descending');
    assert.equal(await again.locator('vscode-tabs').getAttribute('selected-index'), '1');
    await init(again);
    await post(again, { type: 'snapshot', snapshot: snapshotOf(2, 3, 4) });
    await again.locator('.share-row').nth(5).waitFor();
    await again.locator('[data-tab="services"]').click();
    await again.locator('.chart .uplot canvas').first().waitFor();
    // Four restored points and the new one, per series.
    const points = (await again.evaluate(`window.lvsStatsApp.history.framesOf('director').length`)) as number;
    assert.equal(points, 5);
    await again.close();
  });

  it('saves the chart history of the charted real servers only (at most 24 series)', async () => {
    const page = await openPanel();
    await init(page);
    for (let tick = 0; tick < 3; tick++) await post(page, { type: 'snapshot', snapshot: snapshotOf(100, 9, tick) });
    await page.evaluate('window.lvsStatsApp.save()');
    const state = (await page.evaluate('window.__state')) as WebviewState;
    const want = snapshotOf(100, 9, 0).services.flatMap((s) => s.realServers.map((r) => r.id)).slice(0, 24);
    assert.deepEqual(state.history.director.map((s) => s.id), want);
    assert.ok(state.history.director.every((s) => s.points.length === 3));
    await page.close();
  });
});
