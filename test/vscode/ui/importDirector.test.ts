/**
 * "LVS: Import Cluster from Director…" in the workbench against the real lab: the director holds a
 * hand-made DR service; the command's input boxes get the director's ssh destination (no ssh config: the
 * lab key is in an ssh-agent started for the test, the host key is confirmed in the extension's modal, as
 * for every host action), and the imported cluster file opens beside, written into the workspace, valid,
 * with the director's table. Skips outside CI when the lab is not running.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import { desiredTable } from '../../../src/core/clusterFile/desiredTable';
import { validateClusterFile } from '../../../src/core/clusterFile/validate';
import { renderRules } from '../../../src/core/ipvs/rulesRenderer';
import { captureConsole, launchBrowser, openWorkbench } from '../harness/browser';
import type { Browser } from '../harness/browser';
import { startCodeServer } from '../harness/codeServer';
import type { CodeServer } from '../harness/codeServer';
import { repoRoot } from '../harness/paths';
import { Workbench } from '../harness/workbench';
import { LAB_ADDR, labPaths, labRun, resetLab } from '../../support/lab';

const VIP = LAB_ADDR.vip;
const LAB_TIMEOUT = 90_000;

function labRunning(): boolean {
  return spawnSync('bash', [labPaths().labScript, 'status'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
}

/** An ssh-agent of our own holding the lab key; stopped by its pid. */
function startAgent(): { socket: string; pid: number } {
  const out = spawnSync('ssh-agent', ['-s'], { encoding: 'utf8' }).stdout;
  const socket = /SSH_AUTH_SOCK=([^;]+);/.exec(out)?.[1];
  const pid = Number(/SSH_AGENT_PID=(\d+);/.exec(out)?.[1]);
  if (!socket || !pid) throw new Error(`ssh-agent -s printed: ${out}`);
  const add = spawnSync('ssh-add', [labPaths().identityFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, encoding: 'utf8' });
  if (add.status !== 0) { process.kill(pid); throw new Error(`ssh-add: ${add.stderr}`); }
  return { socket, pid };
}

describe('LVS: Import Cluster from Director… (UI, lab)', function () {
  this.timeout(6 * 60_000);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let agent: { socket: string; pid: number } | undefined;
  let scratch: string | undefined;

  before(async function () {
    if (!labRunning()) {
      if (process.env.CI === 'true') throw new Error('the lab is not running (CI=true: not skipping)');
      this.skip();
    }
    await resetLab();
    await labRun('director', `ip addr add ${VIP}/32 dev eth0 && ipvsadm -A -t ${VIP}:80 -s rr && ipvsadm -a -t ${VIP}:80 -r ${LAB_ADDR.rs1}:80 -g -w 1 && ipvsadm -a -t ${VIP}:80 -r ${LAB_ADDR.rs2}:80 -g -w 2`);
    agent = startAgent();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (agent) process.kill(agent.pid);
    if (scratch && process.env.LVS_KEEP_SCRATCH !== '1') fs.rmSync(scratch, { recursive: true, force: true });
    if (labRunning()) await resetLab();
  });

  it('asks for the destination, confirms the host key, writes and opens a valid cluster file of the director', async () => {
    if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run npm run build first');
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lvs-ui-import-'));
    const workspace = path.join(scratch, 'adopt');
    fs.mkdirSync(workspace);
    server = await startCodeServer({ workspace, extensionPath: repoRoot, name: 'ui-import', env: { SSH_AUTH_SOCK: agent?.socket ?? '' } });
    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1600, height: 1000 });
    captureConsole(page, 'ui-import');
    await openWorkbench(page, server);
    const wb = new Workbench(page);
    await wb.waitForCommand('LVS: Import Cluster from Director…');

    const port = fs.readFileSync(path.join(labPaths().outDir, 'lab.env'), 'utf8').match(/^P_director=(\d+)$/m)?.[1];
    assert.ok(port, 'lab.env names the director port');
    const destination = `ssh://root@127.0.0.1:${port}`;
    await wb.runCommand('LVS: Import Cluster from Director…');
    const input = wb.quickInput.locator('input.input');
    await input.waitFor({ state: 'visible', timeout: LAB_TIMEOUT });
    await input.fill(destination);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-title', { hasText: '(2/2)' }).waitFor({ state: 'visible', timeout: LAB_TIMEOUT });
    await page.keyboard.press('Enter');

    const d = await wb.waitForDialog(LAB_TIMEOUT);
    assert.match(`${d.message}\n${d.detail}`, /SHA256:/);
    await wb.clickDialogButton('Trust and Connect');

    const file = path.join(workspace, '127.0.0.1.lvs.yaml');
    const t0 = Date.now();
    while (!fs.existsSync(file)) {
      if (Date.now() - t0 > LAB_TIMEOUT) throw new Error(`${file} was not written; tabs: ${JSON.stringify(await wb.tabLabels())}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const text = fs.readFileSync(file, 'utf8');
    const v = validateClusterFile(text);
    assert.deepEqual(v.diagnostics.filter((x) => x.severity === 'error'), [], text);
    assert.equal(renderRules(desiredTable(v.model, '127.0.0.1')), `-A -t ${VIP}:80 -s rr\n-a -t ${VIP}:80 -r ${LAB_ADDR.rs1}:80 -g -w 1\n-a -t ${VIP}:80 -r ${LAB_ADDR.rs2}:80 -g -w 2\n`);
    assert.deepEqual(v.model.hosts.map((h) => [h.name, h.ssh]), [['127.0.0.1', { user: 'root', port: Number(port) }]]);
    const t1 = Date.now();
    while (!(await wb.tabLabels()).some((l) => l.includes('127.0.0.1.lvs.yaml'))) {
      if (Date.now() - t1 > 30_000) throw new Error(`the imported file did not open; tabs: ${JSON.stringify(await wb.tabLabels())}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    await wb.screenshot('import-director');
  });
});
