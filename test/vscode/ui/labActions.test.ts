/**
 * UI tests of the Clusters view's actions against the real lab (docs/extension.md, "Actions"). The workspace
 * is generated at test time from $LVS_LAB_OUT/lvs.yaml (cluster `lab-web`: director `director`, VIP
 * 10.116.0.200:80 rr, DR real servers rs1 and rs2). The lab starts from its boot state (`lab.sh reset`: no
 * VIP, no sysctls, empty IPVS table); every change is made through the workbench and checked on the hosts
 * with plain commands:
 *   Refresh → the director is reachable, the service is missing (drift);
 *   Plan → a diff editor per director (live ↔ desired ipvsadm lines) and a summary;
 *   Prepare Hosts… → arp_ignore/arp_announce and the VIP on lo of rs1/rs2, the VIP on the director;
 *   Apply → modal, progress, result message; the VIP serves rs1 and rs2 to the client; a new plan is empty;
 *   Drain / Restore → live weight 0 / back on the director, "drained" in the tree.
 * A second session answers a host-key prompt through the modal (empty trust store, strictHostKeyChecking ask).
 * Screenshots: .test-results/vscode/screenshots/{tree,plan-diff,apply-done}.png (LVS_DOCS_SCREENSHOTS=1 also
 * copies them to docs/screenshots/). Skips outside CI when the lab is not running.
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
import type { ProblemRow, TreeRow } from '../harness/workbench';
import { LAB_ADDR, labPaths, labRun, resetLab } from '../../support/lab';

const VIP = LAB_ADDR.vip;
const CLUSTER = 'lab-web';
const SERVICE = `TCP ${VIP}:80 rr`;
const RS1 = `${LAB_ADDR.rs1}:80 DR w=1`;
const RS2 = `${LAB_ADDR.rs2}:80 DR w=1`;
const LAB_TIMEOUT = 90_000;

function labRunning(): boolean {
  return spawnSync('bash', [labPaths().labScript, 'status'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
}

/** A scratch workspace holding the lab's cluster file, optionally rewritten. */
function labWorkspace(name: string, transform: (yaml: string) => string = (y) => y): { scratch: string; workspace: string } {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `lvs-ui-${name}-`));
  const workspace = path.join(scratch, 'lab');
  fs.cpSync(path.join(workspaceFixturesDir, 'stats-lab'), workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'lvs.yaml'), transform(fs.readFileSync(labPaths().lvsYaml, 'utf8')));
  // An operator's own keepalived.conf (language keepalived by its folder), for Check on Director.
  fs.mkdirSync(path.join(workspace, 'keepalived'));
  fs.copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'keepalived', 'check', 'broken.conf'), path.join(workspace, 'keepalived', 'keepalived.conf'));
  return { scratch, workspace };
}

interface LabSession {
  server: CodeServer;
  browser: Browser;
  wb: Workbench;
  scratch: string;
  close(): Promise<void>;
}

async function openLabSession(name: string, transform?: (yaml: string) => string): Promise<LabSession> {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run npm run build first');
  const { scratch, workspace } = labWorkspace(name, transform);
  const server = await startCodeServer({
    workspace,
    extensionPath: repoRoot,
    name: `ui-${name}`,
    settings: { 'workbench.colorTheme': 'Default Dark Modern' },
  });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1600, height: 1000 });
    captureConsole(page, `ui-${name}`);
    await openWorkbench(page, server);
    const wb = new Workbench(page);
    await wb.waitForActivityBarItem('LVS');
    await wb.openViewContainer('LVS');
    await wb.setSidebarWidth(520);
    return {
      server, browser, wb, scratch,
      close: async () => {
        await browser.close();
        await server.stop();
        if (process.env.LVS_KEEP_SCRATCH !== '1') fs.rmSync(scratch, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await browser.close();
    await server.stop();
    throw err;
  }
}

/** The Clusters tree's rows once `pred` holds (lab actions can take long). */
function clusterRows(wb: Workbench, pred: (rows: TreeRow[]) => boolean, what: string, timeoutMs = LAB_TIMEOUT): Promise<TreeRow[]> {
  return wb.waitForClusterRows(pred, what, timeoutMs, 500);
}

const row = (rows: TreeRow[], label: string) => rows.find((r) => r.label === label);
const desc = (rows: TreeRow[], label: string) => row(rows, label)?.description ?? '';

/** Polls a lab command until its output satisfies `pred`. */
async function labUntil(host: Parameters<typeof labRun>[0], cmd: string, pred: (out: string) => boolean, what: string, timeoutMs = 60_000): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const out = await labRun(host, cmd);
    if (pred(out)) return out;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what} on ${host}; \`${cmd}\` prints:\n${out}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The weight of a real server of the VIP in `ipvsadm -Ln` output, or undefined when it is not listed. */
function liveWeight(ipvsadmLn: string, rs: string): number | undefined {
  const m = new RegExp(`->\\s+${rs.replace(/\./g, '\\.')}:80\\s+\\S+\\s+(\\d+)`).exec(ipvsadmLn);
  return m ? Number(m[1]) : undefined;
}

async function curlVip(n: number): Promise<string[]> {
  const out = await labRun('client', `for i in $(seq ${n}); do curl -s -m 5 http://${VIP}/ || echo FAIL; done`, { timeoutMs: 120_000 });
  return out.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** Clicks the first button of the modal that is not Cancel (the action's confirmation). */
async function confirmModal(wb: Workbench, button: RegExp): Promise<{ message: string; detail: string; buttons: string[] }> {
  const d = await wb.waitForDialog(LAB_TIMEOUT);
  const label = d.buttons.find((b) => button.test(b));
  assert.ok(label, `the modal "${d.message}" has no button matching ${button}: ${JSON.stringify(d.buttons)}`);
  await wb.clickDialogButton(label);
  return d;
}

function docsCopy(file: string): void {
  if (process.env.LVS_DOCS_SCREENSHOTS !== '1') return;
  const dir = path.join(repoRoot, 'docs', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(file, path.join(dir, path.basename(file)));
}

describe('Clusters view actions against the lab (UI)', function () {
  this.timeout(240_000);
  let s: LabSession | undefined;
  const wb = () => {
    if (!s) throw new Error('the VS Code session did not start (see the before-all hook failure)');
    return s.wb;
  };

  before(async function () {
    this.timeout(400_000);
    if (process.env.CI !== 'true' && !labRunning()) {
      console.log(`    (skipped: the lab at ${labPaths().outDir} is not running; start it with lab/lab.sh up)`);
      this.skip();
    }
    await resetLab();
    // Boot state, as the tests below assume it.
    await labRun('director', 'ipvsadm -C');
    s = await openLabSession('lab-actions');
  });

  afterEach(async function () {
    const t = this.currentTest;
    if (s && t && (t.state === 'failed' || process.env.LVS_SCREENSHOTS === 'all')) {
      const file = await s.wb.screenshot(`${t.state === 'failed' ? 'FAILED-' : ''}${t.fullTitle()}`).catch(() => undefined);
      if (file) console.log(`    screenshot: ${path.relative(process.cwd(), file)}`);
    }
  });

  after(async function () {
    this.timeout(60_000);
    await s?.close();
  });

  it('Refresh Live State: the director is reachable, the service is missing on it, the cluster drifts', async () => {
    // The tree lists the cluster from the file (no live state yet), then Refresh reads the director.
    const first = await clusterRows(wb(), (r) => [CLUSTER, 'director', SERVICE, RS1, RS2].every((l) => row(r, l)), 'the lab cluster listed');
    assert.doesNotMatch(desc(first, 'director'), /reachable/);
    await wb().runCommand('LVS: Refresh Live State');
    const rows = await clusterRows(wb(), (r) => /drift/.test(desc(r, CLUSTER)), 'the cluster drifts (live state read)');
    assert.match(desc(rows, CLUSTER), /^1 director · 1 service · drift: \d+ change/);
    assert.match(desc(rows, 'director'), /^director · 10\.116\.0\.10 · reachable\b/);
    assert.match(desc(rows, SERVICE), /^http · missing on director$/);
    assert.match(desc(rows, RS1), /^rs1 · missing$/);
  });

  it('Plan opens a diff editor: live table (empty) on the left, the desired ipvsadm lines on the right, and a summary', async () => {
    await clusterRows(wb(), (r) => row(r, CLUSTER) !== undefined, 'the lab cluster listed');
    await wb().clickInlineAction(wb().treeRow(CLUSTER), 'Plan (Preview Changes)');
    await wb().page.locator('.editor-group-container.active .monaco-diff-editor').first().waitFor({ timeout: LAB_TIMEOUT });
    const title = await wb().activeTabTitle();
    assert.match(title, new RegExp(CLUSTER), `diff tab title: ${title}`);
    assert.match(title, /director/, `diff tab title: ${title}`);
    let sides = await wb().diffEditorSides();
    const t0 = Date.now();
    while (!sides.modified.includes(`-A -t ${VIP}:80 -s rr`) && Date.now() - t0 < 10_000) {
      await wb().page.waitForTimeout(300);
      sides = await wb().diffEditorSides();
    }
    assert.match(sides.modified, new RegExp(`^-A -t ${VIP}:80 -s rr$`, 'm'), `right side:\n${sides.modified}`);
    assert.match(sides.modified, new RegExp(`^-a -t ${VIP}:80 -r ${LAB_ADDR.rs1}:80 -g -w 1( |$)`, 'm'), `right side:\n${sides.modified}`);
    assert.match(sides.modified, new RegExp(`^-a -t ${VIP}:80 -r ${LAB_ADDR.rs2}:80 -g -w 1( |$)`, 'm'), `right side:\n${sides.modified}`);
    assert.doesNotMatch(sides.original, new RegExp(`-A -t ${VIP}:80`), `left side (live, empty table):\n${sides.original}`);
    const n = await wb().waitForNotification(/\d+ to add/, LAB_TIMEOUT);
    assert.match(n.message, /3 to add/);
    const buttons = await wb().notificationButtons(/\d+ to add/);
    assert.ok(buttons.includes('Apply') && buttons.includes('Show Plan Details'), `summary buttons: ${JSON.stringify(buttons)}`);
    await wb().page.waitForTimeout(500);
    const file = await wb().screenshot('plan-diff');
    docsCopy(file);
    await wb().clearNotifications();
  });

  it('Prepare Hosts… on the cluster: a dry run, then a modal naming the hosts, its buttons on screen; Cancel changes nothing', async () => {
    await clusterRows(wb(), (r) => row(r, CLUSTER) !== undefined, 'the lab cluster listed');
    await wb().runContextMenuItem(wb().treeRow(CLUSTER), 'Prepare Hosts…');
    await wb().pickQuickItem(`All hosts of ${CLUSTER}`, /Prepare which hosts/);
    const d = await wb().waitForDialog(LAB_TIMEOUT);
    const text = `${d.message}\n${d.detail}`;
    try {
      assert.match(d.message, /director, rs1, rs2/, `the modal names every host that would change: ${d.message}`);
      assert.deepEqual(d.buttons.filter((b) => /^(Prepare|Cancel)$/.test(b)).sort(), ['Cancel', 'Prepare'], JSON.stringify(d.buttons));
      // A person must be able to click them: the dialog fits the window.
      const viewport = wb().page.viewportSize();
      for (const label of ['Prepare', 'Cancel']) {
        const box = await wb().dialog.locator('.dialog-buttons .monaco-button', { hasText: label }).first().boundingBox();
        assert.ok(box && viewport && box.y >= 0 && box.y + box.height <= viewport.height,
          `the "${label}" button is outside the window (${JSON.stringify(box)} in ${JSON.stringify(viewport)}); the dry-run detail has ${d.detail.split('\n').length} lines:\n${text.slice(0, 400)}…`);
      }
    } finally {
      await wb().page.keyboard.press('Escape');
      await wb().dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    }
    assert.equal((await labRun('rs1', 'sysctl -n net.ipv4.conf.all.arp_ignore')).trim(), '0', 'Cancel changed nothing');
  });

  it('Prepare Hosts… on each host (dry run, modal, Prepare) sets arp_ignore/arp_announce and the VIP on lo of rs1 and rs2, and the VIP on the director', async () => {
    for (const h of ['rs1', 'rs2'] as const) {
      assert.equal((await labRun(h, 'sysctl -n net.ipv4.conf.all.arp_ignore')).trim(), '0', `${h} starts at the kernel default`);
      assert.doesNotMatch(await labRun(h, 'ip -4 addr show dev lo'), new RegExp(VIP.replace(/\./g, '\\.')));
    }
    await clusterRows(wb(), (r) => [CLUSTER, 'director', RS1, RS2].every((l) => row(r, l)), 'the lab cluster listed');
    for (const [label, host] of [['director', 'director'], [RS1, 'rs1'], [RS2, 'rs2']] as const) {
      await wb().clearNotifications();
      await wb().page.mouse.move(5, 500);
      // The menu of a host row (no cluster actions in it): the right click hit the row meant.
      await wb().runContextMenuItem(wb().treeRow(label), 'Prepare Hosts…', (labels) =>
        assert.ok(labels.includes('Open SSH Terminal') && !labels.includes('Apply to Directors'), `context menu of ${label}: ${JSON.stringify(labels)}`));
      const d = await confirmModal(wb(), /^Prepare$/);
      assert.match(d.message, new RegExp(`^Prepare ${host}\\?$`), d.message);
      if (host !== 'director') assert.match(d.detail, new RegExp(`^${host} \\(dr real server of lab-web\\): \\d+ changes — net\\.ipv4\\.conf\\.all\\.arp_ignore`), `the dry run lists what would change:\n${d.detail}`);
      const done = await wb().waitForNotification(/^Prepared 1 host|^Prepare: /, LAB_TIMEOUT);
      assert.match(done.message, /^Prepared 1 host \(1 changed\)/, done.message);
      assert.equal(done.severity, 'info', done.message);
      // The director's Prepare ends with the ARP check from the director, as lvsctl prepare does (the real
      // servers do not hold the VIP yet, so no other MAC answers for it).
      if (host === 'director') assert.match(done.message, new RegExp(`ARP check from director: ${VIP.replace(/\./g, '\\.')} is answered by no other host`), done.message);
      else assert.doesNotMatch(done.message, /ARP check/, `a real server's Prepare sends no ARP probe: ${done.message}`);
      // The tree re-reads the cluster after each action: let it settle before the next right click.
      await clusterRows(wb(), (r) => !/reading/.test(desc(r, CLUSTER)), 'the tree settled after the prepare');
    }
    for (const h of ['rs1', 'rs2'] as const) {
      assert.match(await labRun(h, 'sysctl -n net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce'), /^1\s+2\s*$/, `${h}: arp_ignore=1 arp_announce=2`);
      assert.match(await labRun(h, 'ip -4 addr show dev lo'), new RegExp(`${VIP.replace(/\./g, '\\.')}/32`), `${h}: the VIP on lo`);
    }
    assert.match(await labRun('director', 'ip -4 addr show dev eth0'), new RegExp(VIP.replace(/\./g, '\\.')), 'the VIP on the director');
    await wb().clearNotifications();
  });

  it('Apply asks in a modal, ends with a result offering Show Log, and the VIP serves rs1 and rs2; a new plan has nothing to do', async () => {
    await labRun('director', 'ipvsadm -C');
    await wb().runCommand('View: Close All Editors');
    await clusterRows(wb(), (r) => row(r, CLUSTER) !== undefined, 'the lab cluster listed');
    await wb().clickInlineAction(wb().treeRow(CLUSTER), 'Apply to Directors');
    const d = await confirmModal(wb(), /^Apply$/);
    assert.ok(d.buttons.includes('Apply, Roll Back Unless Kept'), `the modal also offers an apply the directors roll back unless kept: ${JSON.stringify(d.buttons)}`);
    assert.match(`${d.message}\n${d.detail}`, new RegExp(`${VIP.replace(/\./g, '\\.')}:80`), `the modal shows the plan: ${d.message}\n${d.detail}`);
    const n = await wb().waitForNotification(/^Applied |fail|roll/i, LAB_TIMEOUT);
    assert.match(n.message, new RegExp(`^Applied ${CLUSTER}`), `apply result: ${n.message}`);
    assert.equal(n.severity, 'info', `apply result: ${n.message}`);
    assert.ok((await wb().notificationButtons(/^Applied /)).includes('Show Log'), 'the result offers Show Log');
    // The tree reads the director again after the apply: in sync.
    await clusterRows(wb(), (r) => /in sync/.test(desc(r, CLUSTER)), 'the cluster in sync after the apply');
    await wb().page.mouse.move(900, 500);
    await wb().waitForNotification(/^Applied /);
    const file = await wb().screenshot('apply-done');
    docsCopy(file);
    const table = await labRun('director', 'ipvsadm -Ln');
    assert.equal(liveWeight(table, LAB_ADDR.rs1), 1, table);
    assert.equal(liveWeight(table, LAB_ADDR.rs2), 1, table);
    const answers = await curlVip(6);
    assert.ok(answers.includes('rs1') && answers.includes('rs2'), `the VIP answers: ${JSON.stringify(answers)}`);
    assert.ok(!answers.includes('FAIL'), `the VIP answers: ${JSON.stringify(answers)}`);
    await wb().clearNotifications();
    // Plan again: nothing to do, the tree says in sync.
    await wb().runCommand('View: Close All Editors');
    await wb().runCommand('LVS: Plan (Preview Changes)');
    const again = await wb().waitForNotification(new RegExp(`^Plan for ${CLUSTER}`), LAB_TIMEOUT);
    assert.match(again.message, /director: matches the file/, again.message);
    assert.doesNotMatch(again.message, /[1-9]\d* to (add|change|drain|delete)/, again.message);
    assert.ok(!(await wb().notificationButtons(new RegExp(`^Plan for ${CLUSTER}`))).includes('Apply'), 'nothing to apply');
    await wb().clearNotifications();
    await clusterRows(wb(), (r) => /in sync/.test(desc(r, CLUSTER)), 'the cluster in sync');
  });

  it('the tree shows the live state: reachable director, connections per real server (screenshot tree.png)', async () => {
    await curlVip(6);
    await wb().runCommand('View: Close All Editors');
    await wb().runCommand('LVS: Refresh Live State');
    const rows = await clusterRows(wb(), (r) => /\d+ active · \d+ inactive/.test(desc(r, RS1)) && /\d+ active · \d+ inactive/.test(desc(r, RS2)) && /in sync/.test(desc(r, CLUSTER)), 'connection counts on both real servers');
    const inactive = [RS1, RS2].map((l) => Number(/(\d+) inactive/.exec(desc(rows, l))?.[1] ?? '0'));
    assert.ok(inactive[0] + inactive[1] > 0, `the curl connections are counted: ${JSON.stringify(rows.map((r) => [r.label, r.description]))}`);
    await wb().expandAllTreeRows();
    await wb().page.mouse.move(900, 500);
    const file = await wb().screenshot('tree');
    docsCopy(file);
  });

  it('Drain sets the live weight to 0 on the director and the tree says drained; Restore puts the weight back', async () => {
    await wb().runCommand('View: Close All Editors');
    await clusterRows(wb(), (r) => /active/.test(desc(r, RS1)), 'rs1 live');
    await wb().clickInlineAction(wb().treeRow(RS1), 'Drain Real Server');
    await labUntil('director', 'ipvsadm -Ln', (o) => liveWeight(o, LAB_ADDR.rs1) === 0, 'rs1 weight 0', LAB_TIMEOUT);
    assert.equal(liveWeight(await labRun('director', 'ipvsadm -Ln'), LAB_ADDR.rs2), 1, 'rs2 untouched');
    await clusterRows(wb(), (r) => /drained/.test(desc(r, RS1)), 'rs1 drained in the tree');
    // Drained: the VIP sends new connections to rs2 only.
    const answers = await curlVip(4);
    assert.deepEqual([...new Set(answers)], ['rs2'], `answers while rs1 is drained: ${JSON.stringify(answers)}`);
    await wb().clickInlineAction(wb().treeRow(RS1), 'Restore Real Server');
    await labUntil('director', 'ipvsadm -Ln', (o) => liveWeight(o, LAB_ADDR.rs1) === 1, 'rs1 weight back to 1', LAB_TIMEOUT);
    await clusterRows(wb(), (r) => !/drained/.test(desc(r, RS1)) && /active/.test(desc(r, RS1)), 'rs1 no longer drained in the tree');
  });

  it('Run Doctor from the cluster menu: a read-only check of every host, a summary, the findings in a document', async () => {
    await wb().runCommand('View: Close All Editors');
    await wb().clearNotifications();
    const before = await labRun('director', 'ipvsadm -S -n');
    await wb().runContextMenuItem(wb().treeRow(CLUSTER), 'Run Doctor (Read-Only Checks)');
    const n = await wb().waitForNotification(new RegExp(`^Doctor for ${CLUSTER}: `), LAB_TIMEOUT);
    // The cluster was prepared and applied above: nothing may be an error.
    assert.notEqual(n.severity, 'error', n.message);
    await wb().clickNotificationButton(new RegExp(`^Doctor for ${CLUSTER}: `), 'Show Findings');
    let text = '';
    for (let i = 0; i < 100 && !/^Doctor for cluster lab-web/.test(text); i++) {
      await new Promise((r) => setTimeout(r, 200));
      text = await wb().editorText();
    }
    assert.match(text, /^Doctor for cluster lab-web/, `the findings document: ${text}`);
    assert.match(text, /0 errors/, text);
    assert.equal(await labRun('director', 'ipvsadm -S -n'), before, 'the doctor changed nothing');
  });

  it("Check keepalived.conf on Director…: the director's own keepalived -t puts its messages on the open file's lines in the Problems panel; an edit clears them", async () => {
    await wb().runCommand('View: Close All Editors');
    await wb().clearNotifications();
    await wb().openFile('keepalived/keepalived.conf');
    // lab-web has one director: the check runs there without a pick.
    await wb().runCommand('LVS: Check keepalived.conf on Director…');
    const n = await wb().waitForNotification(/^director: keepalived -t: /, LAB_TIMEOUT);
    assert.equal(n.severity, 'error', n.message);
    assert.match(n.message, /exit 5/, n.message);
    const fromDirector = (rows: ProblemRow[]) => rows.filter((r) => r.source?.startsWith('keepalived -t on director'));
    const rows = fromDirector(await wb().waitForProblems((rs) => fromDirector(rs).length >= 7, "the director's messages", LAB_TIMEOUT));
    const at = (line: number) => rows.filter((r) => r.line === line).map((r) => `${r.severity}: ${r.message}`);
    assert.ok(at(7).includes("error: number '300' outside range [1, 255]"), JSON.stringify(rows));
    assert.ok(at(16).includes("error: Invalid lvs_scheduler 'nonsense' - ignoring"), JSON.stringify(rows));
    assert.ok(at(6).some((m) => /^warning: WARNING - interface eth9/.test(m)), JSON.stringify(rows));
    const file = await wb().screenshot('keepalived-check-on-director');
    docsCopy(file);
    assert.equal((await labRun('director', 'ls -a /etc/keepalived | grep -c lvsctl-check || true')).trim(), '0', 'the private file is removed');
    await wb().goToLine(1);
    await wb().type('# ');
    await wb().waitForProblems((rs) => fromDirector(rs).length === 0, 'the messages cleared after an edit', 10_000);
  });
});

describe('Host-key prompt answered in the workbench (UI, lab)', function () {
  this.timeout(240_000);
  let s: LabSession | undefined;

  before(async function () {
    this.timeout(300_000);
    if (process.env.CI !== 'true' && !labRunning()) {
      console.log(`    (skipped: the lab at ${labPaths().outDir} is not running; start it with lab/lab.sh up)`);
      this.skip();
    }
    // The lab's hosts without their known_hosts file, asking: the trust store (under the scratch
    // XDG_CONFIG_HOME) starts empty, so the first connection must ask.
    s = await openLabSession('lab-hostkey', (yaml) =>
      yaml.replace(/, knownHostsFile: [^,}]+/g, '').replace(/strictHostKeyChecking: "yes"/g, 'strictHostKeyChecking: ask'));
  });

  afterEach(async function () {
    const t = this.currentTest;
    if (s && t && t.state === 'failed') {
      const file = await s.wb.screenshot(`FAILED-${t.fullTitle()}`).catch(() => undefined);
      if (file) console.log(`    screenshot: ${path.relative(process.cwd(), file)}`);
    }
  });

  after(async function () {
    this.timeout(60_000);
    await s?.close();
  });

  it('Refresh asks about the unknown host key in a modal with its SHA256 fingerprint; accepting connects and remembers it', async () => {
    if (!s) throw new Error('no session');
    const { wb, server } = s;
    const yaml = fs.readFileSync(path.join(server.workspace ?? '', 'lvs.yaml'), 'utf8');
    assert.doesNotMatch(yaml, /knownHostsFile/);
    assert.match(yaml, /strictHostKeyChecking: ask/);
    // The director's real fingerprint, as OpenSSH computes it from the lab's key.
    const known = fs.readFileSync(labPaths().knownHosts, 'utf8').split('\n').find((l) => l.startsWith(`[127.0.0.1]:${/port: (\d+)/.exec(yaml)?.[1]}`) && /ssh-ed25519/.test(l));
    assert.ok(known, 'the lab known_hosts lists the director');
    const fp = spawnSync('ssh-keygen', ['-l', '-f', '-'], { input: known, encoding: 'utf8' }).stdout;
    const sha = /SHA256:[A-Za-z0-9+/]+/.exec(fp)?.[0];
    assert.ok(sha, `ssh-keygen -l: ${fp}`);

    await clusterRows(wb, (r) => row(r, 'director') !== undefined, 'the lab cluster listed');
    await wb.runCommand('LVS: Refresh Live State');
    const d = await wb.waitForDialog(LAB_TIMEOUT);
    const text = `${d.message}\n${d.detail}`;
    assert.match(text, /SHA256:/, text);
    await wb.screenshot('host-key-prompt');
    const accept = d.buttons.find((b) => /accept|trust|connect|yes|continue/i.test(b) && !/cancel|reject|no\b/i.test(b));
    assert.ok(accept, `no accept button: ${JSON.stringify(d.buttons)}`);
    // The lab's hosts have only an ed25519 key: the modal shows exactly its fingerprint.
    assert.ok(text.includes(sha), `fingerprint ${sha} not in: ${text}`);
    await wb.clickDialogButton(accept);
    await clusterRows(wb, (r) => /reachable/.test(desc(r, 'director')) && !/unreachable/.test(desc(r, 'director')), 'the director reachable');
    const store = path.join(server.scratchDir, 'config', 'vscode-lvs', 'known_hosts');
    assert.ok(fs.existsSync(store), `trust store ${store} was not written`);
    assert.match(fs.readFileSync(store, 'utf8'), /127\.0\.0\.1/);
  });

  it('a second Refresh does not ask again', async () => {
    if (!s) throw new Error('no session');
    const { wb } = s;
    await wb.clearNotifications();
    await wb.runCommand('LVS: Refresh Live State');
    // Wait for the refresh to finish (the director's row is reachable again after the refresh) while watching for a dialog.
    const t0 = Date.now();
    while (Date.now() - t0 < 15_000) {
      assert.equal(await wb.dialog.isVisible(), false, 'a host-key question was asked again');
      await wb.page.waitForTimeout(500);
    }
    await clusterRows(wb, (r) => /reachable/.test(desc(r, 'director')) && !/unreachable/.test(desc(r, 'director')), 'the director reachable');
    assert.equal(await wb.dialog.isVisible(), false, 'a host-key question was asked again');
  });
});



