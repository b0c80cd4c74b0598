/**
 * UI tests of Plan and Apply for a cluster with `engine: keepalived`, against the real lab (docs/ha.md). The
 * workspace holds $LVS_LAB_OUT/lvs-ha.yaml as lvs.yaml (cluster `lab-ha`: directors `director` and
 * `director2` as a VRRP pair, VIP 10.116.0.201:80 rr, HTTP checks on rs1 and rs2). From the lab's boot state
 * (no keepalived running, no keepalived.conf):
 *   Plan → a diff editor per director (no live keepalived.conf ↔ the one rendered from the file), a summary;
 *   Apply → a modal without the ipvsadm engine's "Roll Back Unless Kept", then the result naming the VIP
 *   holder; keepalived runs on both directors, `director` holds the VIP, the client's requests reach rs1 and
 *   rs2, and no ipvsadm line was written by the extension (the table is keepalived's);
 *   Plan again → every director runs the file's configuration, nothing to apply.
 * Skips outside CI when the lab is not running.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'mocha';
import { captureConsole, launchBrowser, openWorkbench } from '../harness/browser';
import type { Browser } from '../harness/browser';
import { startCodeServer } from '../harness/codeServer';
import type { CodeServer } from '../harness/codeServer';
import { repoRoot, workspaceFixturesDir } from '../harness/paths';
import { Workbench } from '../harness/workbench';
import type { TreeRow } from '../harness/workbench';
import { LAB_ADDR, labPaths, labRun, resetLab } from '../../support/lab';

const VIP = '10.116.0.201';
const CLUSTER = 'lab-ha';
const LAB_TIMEOUT = 120_000;
const RS_PREP = `sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2 && ip addr replace ${VIP}/32 dev lo`;

function labRunning(): boolean {
  return spawnSync('bash', [labPaths().labScript, 'status'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
}

const row = (rows: TreeRow[], label: string) => rows.find((r) => r.label === label);

async function curlVip(n: number): Promise<string[]> {
  const out = await labRun('client', `for i in $(seq ${n}); do curl -s --connect-timeout 1 -m 3 http://${VIP}/ || echo FAIL; done`, { timeoutMs: 120_000 });
  return out.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** Polls `cmd` on `host` until `pred` holds (bounded). */
async function labUntil(host: Parameters<typeof labRun>[0], cmd: string, pred: (out: string) => boolean, what: string, polls = 60): Promise<string> {
  let out = '';
  for (let i = 0; i < polls; i++) {
    out = await labRun(host, cmd);
    if (pred(out)) return out;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${what}: \`${cmd}\` on ${host} prints:\n${out}`);
}

describe('keepalived cluster: Plan and Apply in the workbench (UI, lab)', function () {
  this.timeout(300_000);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wbv: Workbench | undefined;
  let scratch = '';
  const wb = () => {
    if (!wbv) throw new Error('the VS Code session did not start (see the before-all hook failure)');
    return wbv;
  };

  before(async function () {
    this.timeout(400_000);
    if (process.env.CI !== 'true' && !labRunning()) {
      console.log(`    (skipped: the lab at ${labPaths().outDir} is not running; start it with lab/lab.sh up)`);
      this.skip();
    }
    if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run npm run build first');
    await resetLab();
    // The real servers as Prepare leaves them (docs/hostprep.md); the directors stay at boot state: the VIP is keepalived's.
    await Promise.all([labRun('rs1', RS_PREP), labRun('rs2', RS_PREP)]);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lvs-ui-keepalived-'));
    const workspace = path.join(scratch, 'lab');
    fs.cpSync(path.join(workspaceFixturesDir, 'stats-lab'), workspace, { recursive: true });
    fs.writeFileSync(path.join(workspace, 'lvs.yaml'), fs.readFileSync(path.join(labPaths().outDir, 'lvs-ha.yaml'), 'utf8'));
    server = await startCodeServer({ workspace, extensionPath: repoRoot, name: 'ui-keepalived', settings: { 'workbench.colorTheme': 'Default Dark Modern' } });
    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1600, height: 1000 });
    captureConsole(page, 'ui-keepalived');
    await openWorkbench(page, server);
    wbv = new Workbench(page);
    await wbv.waitForActivityBarItem('LVS');
    await wbv.openViewContainer('LVS');
    await wbv.setSidebarWidth(520);
  });

  afterEach(async function () {
    const t = this.currentTest;
    if (wbv && t && (t.state === 'failed' || process.env.LVS_SCREENSHOTS === 'all')) {
      const file = await wbv.screenshot(`${t.state === 'failed' ? 'FAILED-' : ''}${t.fullTitle()}`).catch(() => undefined);
      if (file) console.log(`    screenshot: ${path.relative(process.cwd(), file)}`);
    }
  });

  after(async function () {
    this.timeout(120_000);
    await browser?.close();
    await server?.stop();
    if (scratch && process.env.LVS_KEEP_SCRATCH !== '1') fs.rmSync(scratch, { recursive: true, force: true });
    // keepalived keeps running on the directors otherwise; the next file starts from the boot state.
    if (wbv) await resetLab();
  });

  it('Plan opens the keepalived.conf diff of each director (none live ↔ rendered) and a summary offering Apply', async () => {
    await wb().waitForClusterRows((r) => [CLUSTER, 'director', 'director2'].every((l) => row(r, l)), 'the keepalived cluster listed', LAB_TIMEOUT, 500);
    await wb().clickInlineAction(wb().treeRow(CLUSTER), 'Plan (Preview Changes)');
    await wb().page.locator('.editor-group-container.active .monaco-diff-editor').first().waitFor({ timeout: LAB_TIMEOUT });
    const title = await wb().activeTabTitle();
    assert.match(title, /lab-ha: director2? \/etc\/keepalived\/keepalived\.conf \(none\) ↔ rendered from lvs\.yaml/, `diff tab title: ${title}`);
    let sides = await wb().diffEditorSides();
    for (let i = 0; i < 30 && !sides.modified.includes('virtual_server'); i++) {
      await wb().page.waitForTimeout(300);
      sides = await wb().diffEditorSides();
    }
    assert.match(sides.modified, new RegExp(`^virtual_server ${VIP.replace(/\./g, '\\.')} 80 \\{`, 'm'), `right side:\n${sides.modified}`);
    assert.match(sides.modified, /^vrrp_instance /m, `right side:\n${sides.modified}`);
    assert.match(sides.modified, /HTTP_GET/, `right side:\n${sides.modified}`);
    assert.equal(sides.original.trim(), '', `left side (no live keepalived.conf):\n${sides.original}`);
    const n = await wb().waitForNotification(/^Plan for lab-ha \(keepalived\)/, LAB_TIMEOUT);
    assert.match(n.message, /director: keepalived\.conf to write, keepalived to start/, n.message);
    assert.match(n.message, /director2: keepalived\.conf to write, keepalived to start/, n.message);
    const buttons = await wb().notificationButtons(/^Plan for lab-ha/);
    assert.ok(buttons.includes('Apply') && buttons.includes('Show Plan Details'), JSON.stringify(buttons));
    await wb().screenshot('keepalived-plan-diff');
    await wb().clearNotifications();
    assert.equal((await labRun('director', 'test -e /etc/keepalived/keepalived.conf && echo yes || echo no')).trim(), 'no', 'Plan wrote nothing');
  });

  it('Apply asks in a modal, writes and starts keepalived on both directors; director holds the VIP, rs1 and rs2 answer', async () => {
    await wb().runCommand('View: Close All Editors');
    await wb().clickInlineAction(wb().treeRow(CLUSTER), 'Apply to Directors');
    const d = await wb().waitForDialog(LAB_TIMEOUT);
    assert.match(d.message, /^Apply cluster lab-ha \(engine keepalived\) to director, director2\?$/, d.message);
    assert.match(d.detail, /keepalived -t/, d.detail);
    assert.ok(d.buttons.includes('Apply') && !d.buttons.includes('Apply, Roll Back Unless Kept'), JSON.stringify(d.buttons));
    await wb().clickDialogButton('Apply');
    const n = await wb().waitForNotification(/^Applied lab-ha|^Apply of lab-ha/, LAB_TIMEOUT);
    assert.match(n.message, /^Applied lab-ha with keepalived: director: applied · director2: applied\. VIPs held by director\./, n.message);
    assert.equal(n.severity, 'info', n.message);
    await wb().screenshot('keepalived-apply-done');
    await wb().clearNotifications();
    for (const h of ['director', 'director2'] as const) {
      assert.match(await labRun(h, 'pidof keepalived || echo none'), /^\d+/, `keepalived runs on ${h}`);
      assert.match(await labRun(h, 'head -3 /etc/keepalived/keepalived.conf'), new RegExp(`^# lvsctl-managed: cluster=lab-ha director=${h}$`, 'm'), `${h}: the managed header`);
    }
    await labUntil('director', 'ip -o addr show dev eth0', (o) => o.includes(` ${VIP}/32 `), 'director holds the VIP');
    assert.doesNotMatch(await labRun('director2', 'ip -o addr show dev eth0'), new RegExp(` ${VIP.replace(/\./g, '\\.')}/32 `), 'director2 (BACKUP) does not hold the VIP');
    await labUntil('director', `ipvsadm -Ln -t ${VIP}:80`, (o) => o.includes(`${LAB_ADDR.rs1}:80`) && o.includes(`${LAB_ADDR.rs2}:80`), 'keepalived\'s checks put rs1 and rs2 in');
    const answers = await curlVip(6);
    assert.deepEqual(new Set(answers), new Set(['rs1', 'rs2']), `the VIP answers: ${JSON.stringify(answers)}`);
  });

  it('Plan again: every director runs the file\'s configuration, nothing to apply', async () => {
    await wb().runCommand('View: Close All Editors');
    await wb().clickInlineAction(wb().treeRow(CLUSTER), 'Plan (Preview Changes)');
    const n = await wb().waitForNotification(/^Plan for lab-ha \(keepalived\)/, LAB_TIMEOUT);
    assert.match(n.message, /director: runs the file's configuration · director2: runs the file's configuration/, n.message);
    assert.ok(!(await wb().notificationButtons(/^Plan for lab-ha/)).includes('Apply'), 'nothing to apply');
    await wb().clearNotifications();
  });
});
