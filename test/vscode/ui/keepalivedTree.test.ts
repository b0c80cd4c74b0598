/**
 * UI test of the Clusters view for a keepalived cluster against the real lab: `lab-ha` (lab/out/lvs-ha.yaml:
 * director + director2 as a VRRP pair, HTTP checks on rs1 and rs2) prepared and applied with lvsctl, then
 * **Refresh Live State** in the workbench: the cluster row names the engine and the master, director is MASTER
 * holding the VIP, director2 BACKUP, rs1 and rs2 UP; rs1's web server stopped → after Refresh rs1 is DOWN with
 * the failed check and the cluster counts one real server down (screenshot keepalived-tree.png; with
 * LVS_DOCS_SCREENSHOTS=1 also copied to docs/screenshots/). Skips outside CI when the lab is not running.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'mocha';
import { main } from '../../../src/cli/lvsctl';
import { captureConsole, launchBrowser, openWorkbench } from '../harness/browser';
import type { Browser } from '../harness/browser';
import { startCodeServer } from '../harness/codeServer';
import type { CodeServer } from '../harness/codeServer';
import { repoRoot, workspaceFixturesDir } from '../harness/paths';
import { Workbench } from '../harness/workbench';
import type { TreeRow } from '../harness/workbench';
import { labPaths, labRun, resetLab } from '../../support/lab';

const CLUSTER = 'lab-ha';
const RS1 = '10.116.0.11:80 DR w=1';
const RS2 = '10.116.0.12:80 DR w=1';

function labRunning(): boolean {
  return spawnSync('bash', [labPaths().labScript, 'status'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
}

async function lvsctl(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(args, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (out += s) } });
  return { code, out };
}

const row = (rows: TreeRow[], label: string) => rows.find((r) => r.label === label);
const desc = (rows: TreeRow[], label: string) => row(rows, label)?.description ?? '';

describe('Clusters view of a keepalived cluster against the lab (UI)', function () {
  this.timeout(300_000);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench | undefined;
  let scratch: string | undefined;
  const bench = (): Workbench => {
    if (!wb) throw new Error('the VS Code session did not start (see the before-all hook failure)');
    return wb;
  };

  /** Refresh Live State until the tree's rows satisfy `pred` (at most `rounds` refreshes). */
  async function refreshUntil(pred: (rows: TreeRow[]) => boolean, what: string, rounds = 20): Promise<TreeRow[]> {
    let last: TreeRow[] = [];
    for (let i = 0; i < rounds; i++) {
      await bench().runCommand('LVS: Refresh Live State');
      try {
        return await bench().waitForClusterRows(pred, what, 6_000, 500);
      } catch {
        last = await bench().waitForClusterRows(() => true, 'the rows', 6_000, 500);
      }
    }
    assert.fail(`${what}: not shown after ${rounds} refreshes; rows: ${JSON.stringify(last.map((r) => [r.label, r.description]))}`);
  }

  before(async function () {
    this.timeout(400_000);
    if (process.env.CI !== 'true' && !labRunning()) {
      console.log(`    (skipped: the lab at ${labPaths().outDir} is not running; start it with lab/lab.sh up)`);
      this.skip();
    }
    await resetLab();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lvs-ui-keepalived-'));
    const haFile = path.join(path.dirname(labPaths().lvsYaml), 'lvs-ha.yaml');
    const trust = ['--trust-store', path.join(scratch, 'trust')];
    const prep = await lvsctl(['prepare', haFile, '--no-persist', ...trust]);
    assert.equal(prep.code, 0, prep.out);
    const apply = await lvsctl(['apply', haFile, '--yes', ...trust]);
    assert.equal(apply.code, 0, apply.out);
    const workspace = path.join(scratch, 'lab');
    fs.cpSync(path.join(workspaceFixturesDir, 'stats-lab'), workspace, { recursive: true });
    fs.copyFileSync(haFile, path.join(workspace, 'lvs.yaml'));
    server = await startCodeServer({ workspace, extensionPath: repoRoot, name: 'ui-keepalived-tree', settings: { 'workbench.colorTheme': 'Default Dark Modern' } });
    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1600, height: 1000 });
    captureConsole(page, 'ui-keepalived-tree');
    await openWorkbench(page, server);
    wb = new Workbench(page);
    await wb.waitForActivityBarItem('LVS');
    await wb.openViewContainer('LVS');
    await wb.setSidebarWidth(620);
  });

  afterEach(async function () {
    const t = this.currentTest;
    if (wb && t && (t.state === 'failed' || process.env.LVS_SCREENSHOTS === 'all')) {
      const file = await wb.screenshot(`${t.state === 'failed' ? 'FAILED-' : ''}${t.fullTitle()}`).catch(() => undefined);
      if (file) console.log(`    screenshot: ${path.relative(process.cwd(), file)}`);
    }
  });

  after(async function () {
    this.timeout(120_000);
    await browser?.close();
    await server?.stop();
    if (scratch && process.env.LVS_KEEP_SCRATCH !== '1') fs.rmSync(scratch, { recursive: true, force: true });
    if (server) await resetLab();
  });

  it('Refresh: the engine and the master on the cluster, director MASTER with the VIP, director2 BACKUP, rs1 and rs2 UP', async () => {
    const first = await bench().waitForClusterRows((r) => [CLUSTER, 'director', 'director2', RS1, RS2].every((l) => row(r, l)), 'the lab-ha cluster listed', 60_000, 500);
    assert.match(desc(first, CLUSTER), /^2 directors · 1 service · keepalived$/);
    const rows = await refreshUntil((r) => /MASTER director$/.test(desc(r, CLUSTER)) && /· BACKUP ·/.test(desc(r, 'director2')) && desc(r, RS1) === 'rs1 · UP' && desc(r, RS2) === 'rs2 · UP',
      'director MASTER, director2 BACKUP, rs1 and rs2 UP');
    assert.equal(desc(rows, CLUSTER), '2 directors · 1 service · keepalived · MASTER director');
    assert.equal(desc(rows, 'director'), 'director · 10.116.0.10 · MASTER · priority 150 · holds 10.116.0.201');
    assert.equal(desc(rows, 'director2'), 'director · 10.116.0.13 · BACKUP · priority 140');
  });

  it('rs1\'s web server stopped: after Refresh rs1 is DOWN with the failed check, the cluster counts it (screenshot keepalived-tree.png)', async () => {
    const pid = /pid=(\d+)/.exec(await labRun('rs1', 'ss -Hltnp "sport = :80"'))?.[1];
    assert.ok(pid, 'rs1 runs a web server');
    await labRun('rs1', `kill ${pid}`);
    try {
      const rows = await refreshUntil((r) => desc(r, RS1) === 'rs1 · DOWN: HTTP_GET / failed' && /1 real server down$/.test(desc(r, CLUSTER)), 'rs1 DOWN');
      assert.equal(desc(rows, RS2), 'rs2 · UP');
      assert.equal(desc(rows, CLUSTER), '2 directors · 1 service · keepalived · MASTER director · 1 real server down');
      await bench().page.mouse.move(1200, 600);
      const file = await bench().screenshot('keepalived-tree');
      console.log(`    screenshot: ${path.relative(process.cwd(), file)}`);
      if (process.env.LVS_DOCS_SCREENSHOTS === '1') {
        fs.mkdirSync(path.join(repoRoot, 'docs', 'screenshots'), { recursive: true });
        fs.copyFileSync(file, path.join(repoRoot, 'docs', 'screenshots', path.basename(file)));
      }
    } finally {
      await labRun('rs1', 'busybox httpd -p 80 -h /var/www/html');
    }
  });
});
