/**
 * UI test of the statistics panel against the real lab: the workspace is generated at test time from
 * $LVS_LAB_OUT/lvs.yaml, DR is set up on the lab by plain commands, `LVS: Show Connection Statistics`
 * opens the panel, curl traffic from `client` makes the rows and charts move; hiding the panel stops the
 * polling (readings counted on the director itself: its ipvsadm is wrapped, in its own mount namespace only,
 * by a script that counts the `--rate` listings each reading makes), showing it again resumes and restores
 * the state. Skips outside CI when the lab is not running.
 * Screenshots: .test-results/vscode/screenshots/stats-*.png.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { launchBrowser, openWorkbench, captureConsole } from '../harness/browser';
import type { Browser } from '../harness/browser';
import { startCodeServer } from '../harness/codeServer';
import type { CodeServer } from '../harness/codeServer';
import { repoRoot, workspaceFixturesDir } from '../harness/paths';
import { Workbench } from '../harness/workbench';
import { LAB_ADDR, labPaths, labRun } from '../../support/lab';

const VIP = LAB_ADDR.vip;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function labRunning(): boolean {
  const p = labPaths();
  return spawnSync('bash', [p.labScript, 'status'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
}

/**
 * Readings counted where they happen: a bind mount (private to the director's mount namespace; lab reset
 * drops it) puts a wrapper over /usr/sbin/ipvsadm that appends a line for each `--rate` listing — one per
 * statistics reading (the live-state read of the tree and the test's own commands list no rates).
 */
const COUNTER = '/tmp/lvs-stats-readings';
const WRAP = [
  'set -e',
  'cp /usr/sbin/ipvsadm /tmp/ipvsadm.real',
  `printf '%s\\n' '#!/bin/sh' 'case " $* " in *" --rate "*) echo . >> ${COUNTER} ;; esac' 'exec /tmp/ipvsadm.real "$@"' > /tmp/ipvsadm.counting`,
  'chmod 755 /tmp/ipvsadm.counting',
  `: > ${COUNTER}`,
  'mount --bind /tmp/ipvsadm.counting /usr/sbin/ipvsadm',
].join('\n');
const UNWRAP = 'umount /usr/sbin/ipvsadm 2>/dev/null; rm -f /tmp/ipvsadm.counting /tmp/ipvsadm.real; true';

async function readingCount(): Promise<number> {
  return Number((await labRun('director', `wc -l < ${COUNTER}`)).trim());
}

describe('stats panel (UI, real lab)', function () {
  this.timeout(240_000);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench;
  let scratch: string;
  let traffic: ChildProcess | undefined;

  before(async function () {
    this.timeout(300_000);
    if (process.env.CI !== 'true' && !labRunning()) {
      console.log(`    (skipped: the lab at ${labPaths().outDir} is not running; start it with lab/lab.sh up)`);
      this.skip();
    }
    if (!fs.existsSync(path.join(repoRoot, 'dist', 'webview', 'main.js'))) throw new Error('dist/webview/main.js is missing: run npm run build first');
    // DR on the lab, by plain commands (idempotent).
    await Promise.all([
      labRun('director', `ipvsadm -C && (ip addr replace ${VIP}/32 dev eth0) && ipvsadm -A -t ${VIP}:80 -s rr && ` +
        `ipvsadm -a -t ${VIP}:80 -r ${LAB_ADDR.rs1}:80 -g -w 1 && ipvsadm -a -t ${VIP}:80 -r ${LAB_ADDR.rs2}:80 -g -w 1`),
      ...(['rs1', 'rs2'] as const).map((h) => labRun(h, 'sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 ' +
        `net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2 && ip addr replace ${VIP}/32 dev lo`)),
    ]);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lvs-ui-stats-'));
    const workspace = path.join(scratch, 'stats-lab');
    fs.cpSync(path.join(workspaceFixturesDir, 'stats-lab'), workspace, { recursive: true });
    fs.copyFileSync(labPaths().lvsYaml, path.join(workspace, 'lvs.yaml'));
    await labRun('director', UNWRAP);
    await labRun('director', WRAP);
    server = await startCodeServer({
      workspace, extensionPath: repoRoot, name: 'ui-stats',
      settings: { 'lvs.stats.intervalSeconds': 1, 'workbench.colorTheme': 'Default Dark Modern' },
    });
    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1600, height: 1000 });
    captureConsole(page, 'ui-stats');
    await openWorkbench(page, server);
    wb = new Workbench(page);
    await wb.waitForCommand('LVS: Show Connection Statistics');
  });

  after(async function () {
    this.timeout(60_000);
    if (traffic && traffic.exitCode === null) traffic.kill('SIGTERM');
    await browser?.close();
    await server?.stop();
    await labRun('director', UNWRAP).catch(() => undefined);
    if (scratch && process.env.LVS_KEEP_SCRATCH !== '1') fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('opens the stats panel for the lab cluster: rows, KPIs and charts move while traffic flows', async () => {
    await wb.runCommand('LVS: Show Connection Statistics');
    const frame = wb.webview();
    await frame.locator('tr.real-server').nth(1).waitFor({ timeout: 60_000 });
    assert.match(await frame.locator('h1.title').innerText(), /lab-web/);
    // Named as the Clusters tree names them: the cluster file's host, then the address.
    assert.deepEqual((await frame.locator('tr.real-server td:first-child').allInnerTexts()).map((t) => t.trim()).sort(), [`rs1 · ${LAB_ADDR.rs1}:80`, `rs2 · ${LAB_ADDR.rs2}:80`]);
    assert.match(await frame.locator('tr.service td:first-child').innerText(), /TCP 10\.116\.0\.200:80 · http · rr/);
    const connsCol = 10; // 1-based nth-child of "Conns"
    const conns = async () => (await frame.locator(`tr.real-server td:nth-child(${connsCol})`).allInnerTexts()).map((t) => Number(t.replace(/[^\d.]/g, '')));
    const before = await conns();
    // Traffic: a curl every 100 ms from the client for ~60 s.
    const p = labPaths();
    traffic = spawn('ssh', ['-F', p.sshConfig, '-o', 'BatchMode=yes', 'client', `for i in $(seq 400); do curl -s -m 2 -o /dev/null http://${VIP}/; sleep 0.1; done`], { stdio: 'ignore' });
    const deadline = Date.now() + 60_000;
    let now = before;
    while (Date.now() < deadline) {
      await sleep(1000);
      now = await conns();
      const cps = await frame.locator('#kpi-cps .kpi-value').innerText();
      if (now[0] >= before[0] + 10 && now[1] >= before[1] + 10 && !/^0\//.test(cps)) break;
    }
    assert.ok(now[0] >= before[0] + 10 && now[1] >= before[1] + 10, `conns did not grow on both real servers: ${before} → ${now}`);
    await frame.locator('.chart .uplot canvas').first().waitFor({ timeout: 10_000 });
    assert.equal(await frame.locator('.chart .uplot').count(), 2);
    assert.ok((await frame.locator('.chart').first().locator('.u-legend .u-series').count()) >= 3, 'time + 2 real servers in the legend');
    await sleep(4000); // a few more points on the charts
    await wb.screenshot('stats-panel-overview');
    // Sorting by a column keeps the rows and marks the header.
    await frame.locator('th[data-key="cps"]').click();
    assert.equal(await frame.locator('th[data-key="cps"]').getAttribute('aria-sort'), 'descending');
    // Share of traffic: rr with equal weights → 50/50.
    await frame.locator('[data-tab="share"]').click();
    await frame.locator('.share-row').nth(1).waitFor();
    const shares = await frame.locator('.share-row .share-num:not(.muted)').allInnerTexts();
    assert.equal(shares.length, 2);
    for (const s of shares) { const v = Number(s.replace(/[^\d.]/g, '')); assert.ok(v >= 40 && v <= 60, `share ${s}`); }
    await wb.screenshot('stats-panel-share');
    // Connections on demand, filtered.
    await frame.locator('[data-tab="connections"]').click();
    await frame.locator('#conn-filter input').fill(`${LAB_ADDR.rs1}:80`).catch(async () => frame.locator('#conn-filter').fill(`${LAB_ADDR.rs1}:80`));
    await frame.locator('#conn-load').click();
    await frame.locator('.conn-table tbody tr td', { hasText: `${LAB_ADDR.rs1}:80` }).first().waitFor({ timeout: 30_000 });
    assert.match(await frame.locator('.conn-info').innerText(), /entries match/);
    assert.equal(await frame.locator('.conn-table tbody tr td', { hasText: `${LAB_ADDR.rs2}:80` }).count(), 0);
    await wb.screenshot('stats-panel-connections');
    await frame.locator('[data-tab="services"]').click();
  });

  it('stops polling while the panel is hidden, resumes and restores its state when shown again', async () => {
    const frame = wb.webview();
    await frame.locator('tr.real-server').first().waitFor();
    // A reading is one SSH exec; the next starts 1 s after the previous one ended (slow on a loaded machine).
    const running = await readingCount();
    await sleep(8000);
    assert.ok(await readingCount() >= running + 1, `polling while visible: ${running} → ${await readingCount()} execs`);
    // Hide it: open the cluster file in the same editor group.
    await wb.openFile('lvs.yaml');
    await sleep(4000); // a reading in flight may still finish
    const hidden = await readingCount();
    await sleep(8000);
    assert.equal(await readingCount(), hidden, 'no SSH exec while the panel is hidden');
    // Show it again: polling resumes, the webview comes back with its rows and chart history.
    await wb.page.locator('.tabs-container .tab', { hasText: 'LVS: lab-web' }).click();
    const again = wb.webview();
    await again.locator('tr.real-server').nth(1).waitFor({ timeout: 30_000 });
    await again.locator('.chart .uplot canvas').first().waitFor({ timeout: 10_000 });
    await sleep(8000);
    assert.ok(await readingCount() >= hidden + 1, `polling resumed: ${hidden} → ${await readingCount()} execs`);
    // Pause stops it too, resume restarts.
    await again.locator('#pause').click();
    await sleep(4000);
    const paused = await readingCount();
    await sleep(6000);
    assert.equal(await readingCount(), paused, 'no exec while paused');
    assert.match(await again.locator('.director').first().innerText(), /paused/);
    await again.locator('#pause').click();
    await sleep(8000);
    assert.ok(await readingCount() > paused, `resumed: ${paused} → ${await readingCount()} execs`);
    await wb.screenshot('stats-panel-restored');
  });
});
