/**
 * UI tests of the Clusters view (docs/extension.md, "The Clusters view"), no lab needed:
 *  - a workspace with two cluster files (lvs.yaml with the clusters `web` and `mail`, edge/edge.lvs.yaml with
 *    `edge`): the LVS activity-bar icon opens the view; rows file → cluster → director + services → real
 *    servers with the labels and descriptions of the contract; the context menus follow the contextValues;
 *    typing in the open editor (unsaved) and changing a file on disk update the tree; clicking a row reveals
 *    its line; the extension's activation time as "Show Running Extensions" reports it (printed);
 *  - a workspace with no cluster file: the welcome view's "Create Cluster File" writes lvs.yaml, opens it, and
 *    the tree lists its cluster.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'mocha';
import { repoRoot, workspaceFixturesDir } from '../harness/paths';
import { useSession } from '../harness/session';
import type { TreeRow, Workbench } from '../harness/workbench';

function requireBuild(): void {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run npm run build first');
}

const find = (rows: TreeRow[], label: string) => rows.find((r) => r.label === label);
const has = (label: string) => (rows: TreeRow[]) => rows.some((r) => r.label === label);

/** The Clusters tree's rows once `pred` holds (30 s). */
function expandedClusters(wb: Workbench, pred: (rows: TreeRow[]) => boolean): Promise<TreeRow[]> {
  return wb.waitForClusterRows(pred, 'the expected rows', 30_000);
}

describe('Clusters view: two cluster files, three clusters (UI)', function () {
  this.timeout(120_000);
  const session = useSession(() => {
    requireBuild();
    return {
      name: 'clusters-tree',
      workspace: path.join(workspaceFixturesDir, 'lvs-multi'),
      extensionPath: repoRoot,
      ready: (wb) => wb.waitForActivityBarItem('LVS'),
    };
  });

  it('the LVS activity-bar icon opens the Clusters view: file → cluster → director and services → real servers', async () => {
    const { wb } = session();
    const rows = await expandedClusters(wb, (r) => ['lvs.yaml', 'edge/edge.lvs.yaml', 'web', 'mail', 'edge', '192.168.118.4:443 DR w=2'].every((l) => has(l)(r)));
    assert.match(await wb.sidebarTitle(), /LVS|CLUSTERS/i);
    const byLabel = (l: string) => {
      const r = find(rows, l);
      assert.ok(r, `no row "${l}"; rows: ${JSON.stringify(rows.map((x) => x.label))}`);
      return r;
    };
    // Files at the top level, with their cluster counts.
    assert.equal(byLabel('lvs.yaml').level, 1);
    assert.match(byLabel('lvs.yaml').description ?? '', /^2 clusters\b/);
    assert.equal(byLabel('edge/edge.lvs.yaml').level, 1);
    assert.match(byLabel('edge/edge.lvs.yaml').description ?? '', /^1 cluster\b/);
    // Clusters under their file.
    for (const c of ['web', 'mail', 'edge']) assert.equal(byLabel(c).level, 2, `cluster ${c}`);
    assert.match(byLabel('web').description ?? '', /^1 director · 1 service\b/);
    // Director and services under the cluster.
    assert.equal(byLabel('node3').level, 3);
    assert.match(byLabel('node3').description ?? '', /^director · 192\.168\.116\.3\b/);
    assert.equal(byLabel('mx-dir').level, 3);
    assert.equal(byLabel('TCP 192.168.116.200:80 rr').level, 3);
    assert.match(byLabel('TCP 192.168.116.200:80 rr').description ?? '', /^http\b/);
    assert.equal(byLabel('TCP 192.168.117.25:25 wlc').level, 3);
    assert.equal(byLabel('TCP 192.168.118.200:443 sh').level, 3);
    // Real servers under their service.
    for (const rs of ['192.168.116.4:80 DR w=1', '192.168.116.5:80 DR w=1', '192.168.117.10:25 DR w=3', '192.168.117.11:25 DR w=1', '192.168.118.4:443 DR w=2']) {
      assert.equal(byLabel(rs).level, 4, `real server ${rs}`);
    }
    assert.match(byLabel('192.168.116.4:80 DR w=1').description ?? '', /^node1\b/);
    assert.match(byLabel('192.168.117.10:25 DR w=3').description ?? '', /^mx1\b/);
    // Order: each cluster's rows follow it (web's service before mail's).
    const labels = rows.map((r) => r.label);
    assert.ok(labels.indexOf('web') < labels.indexOf('TCP 192.168.116.200:80 rr'));
    assert.ok(labels.indexOf('TCP 192.168.116.200:80 rr') < labels.indexOf('mail'));
    assert.ok(labels.indexOf('mail') < labels.indexOf('TCP 192.168.117.25:25 wlc'));
  });

  it('context menus follow the contextValues: cluster actions, host actions only where a host is named, no drain before live state', async () => {
    const { wb } = session();
    await expandedClusters(wb, has('192.168.118.4:443 DR w=2'));
    const cluster = await wb.contextMenuItems(wb.treeRow('web'));
    for (const item of ['Plan (Preview Changes)', 'Apply to Directors', 'Refresh Live State', 'Show Connection Statistics', 'Prepare Hosts…', 'Tear Down Host Preparation…', 'Reveal in Cluster File']) {
      assert.ok(cluster.includes(item), `cluster menu lacks "${item}": ${JSON.stringify(cluster)}`);
    }
    assert.deepEqual(await wb.inlineActions(wb.treeRow('web')).then((a) => ['Plan (Preview Changes)', 'Apply to Directors', 'Refresh Live State'].filter((x) => !a.includes(x))), [], 'inline Plan/Apply/Refresh on the cluster row');
    const director = await wb.contextMenuItems(wb.treeRow('node3'));
    for (const item of ['Prepare Hosts…', 'Open SSH Terminal', 'Reveal in Cluster File']) assert.ok(director.includes(item), `director menu lacks "${item}": ${JSON.stringify(director)}`);
    assert.ok(!director.includes('Apply to Directors'), `director menu: ${JSON.stringify(director)}`);
    const rs = await wb.contextMenuItems(wb.treeRow('192.168.116.4:80 DR w=1'));
    for (const item of ['Prepare Hosts…', 'Open SSH Terminal', 'Reveal in Cluster File']) assert.ok(rs.includes(item), `real server menu lacks "${item}": ${JSON.stringify(rs)}`);
    // Not live yet: nothing to drain, restore or re-weight.
    for (const item of ['Drain Real Server', 'Restore Real Server', 'Set Real Server Weight…']) assert.ok(!rs.includes(item), `real server menu offers "${item}" before any live state: ${JSON.stringify(rs)}`);
    // A real server given by address (no host of the file): no SSH terminal.
    const bare = await wb.contextMenuItems(wb.treeRow('192.168.118.4:443 DR w=2'));
    assert.ok(bare.includes('Reveal in Cluster File'), JSON.stringify(bare));
    assert.ok(!bare.includes('Open SSH Terminal'), `a bare-address real server offers an SSH terminal: ${JSON.stringify(bare)}`);
    // The service row: reveal only.
    const svc = await wb.contextMenuItems(wb.treeRow('TCP 192.168.116.200:80 rr'));
    assert.ok(svc.includes('Reveal in Cluster File'), JSON.stringify(svc));
    assert.ok(!svc.includes('Apply to Directors') && !svc.includes('Open SSH Terminal'), JSON.stringify(svc));
    // View title: Refresh (trusted workspace) and Validate All.
    const title = await wb.viewTitleActions();
    assert.ok(title.includes('Refresh Live State') && title.includes('Validate All Cluster Files'), `view title actions: ${JSON.stringify(title)}`);
  });

  it('clicking a real server row reveals its lines in the cluster file', async () => {
    const { wb } = session();
    await expandedClusters(wb, has('192.168.117.11:25 DR w=1'));
    const text = fs.readFileSync(path.join(session().workspace, 'lvs.yaml'), 'utf8').split('\n');
    const line = text.findIndex((l) => /^\s+- host: mx2$/.test(l)) + 1;
    assert.ok(line > 0);
    await wb.treeRow('192.168.117.11:25 DR w=1').locator('.label-name').click();
    await wb.activeTab('lvs.yaml').waitFor({ timeout: 20_000 });
    await wb.page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${line}, Col \\d+`) }).first().waitFor({ timeout: 10_000 }).catch(async () => {
      const status = await wb.page.locator('.statusbar-item').allInnerTexts();
      throw new Error(`the cursor is not on line ${line} (- host: mx2 of smtp); status bar: ${JSON.stringify(status)}`);
    });
  });

  it('typing a new real server into the open (unsaved) editor adds its row; changing a file on disk updates its row', async () => {
    const { wb, page, workspace } = session();
    await wb.openFile('lvs.yaml');
    const lines = (await fs.promises.readFile(path.join(workspace, 'lvs.yaml'), 'utf8')).split('\n');
    const node2Line = lines.findIndex((l) => l === '          - host: node2') + 1;
    assert.ok(node2Line > 0);
    // Add a real server to `web` in front of node2's entry, as typed text: Home puts the cursor before "- host",
    // the new entry ends with a newline (the editor keeps the line's indentation for node2).
    await wb.goToLine(node2Line);
    await page.keyboard.press('Home');
    await page.keyboard.insertText('- { address: 192.168.116.9, port: 80, method: dr, weight: 2 }\n');
    await page.keyboard.press('Escape');
    assert.match(await wb.editorText(), /^ {10}- \{ address: 192\.168\.116\.9, port: 80, method: dr, weight: 2 \}\n {10}- host: node2$/m);
    let rows = await expandedClusters(wb, has('192.168.116.9:80 DR w=2'));
    const labels = rows.map((r) => r.label);
    assert.equal(find(rows, '192.168.116.9:80 DR w=2')?.level, 4);
    assert.ok(
      labels.indexOf('192.168.116.4:80 DR w=1') < labels.indexOf('192.168.116.9:80 DR w=2') && labels.indexOf('192.168.116.9:80 DR w=2') < labels.indexOf('192.168.116.5:80 DR w=1'),
      `the new server is listed under web, between node1 and node2: ${JSON.stringify(labels)}`,
    );
    await wb.screenshot('clusters-tree-after-edit');
    // Revert the editor: the row goes away again.
    await wb.runCommand('File: Revert File');
    rows = await expandedClusters(wb, (r) => !has('192.168.116.9:80 DR w=2')(r) && has('192.168.116.5:80 DR w=1')(r));
    // A change on disk (file watcher, file not open): edge's weight 2 → 5.
    const edge = path.join(workspace, 'edge', 'edge.lvs.yaml');
    fs.writeFileSync(edge, fs.readFileSync(edge, 'utf8').replace('weight: 2', 'weight: 5'));
    rows = await expandedClusters(wb, has('192.168.118.4:443 DR w=5'));
    assert.ok(!has('192.168.118.4:443 DR w=2')(rows));
    // A new cluster file on disk appears as a new top-level row.
    fs.copyFileSync(edge, path.join(workspace, 'extra.lvs.yaml'));
    rows = await expandedClusters(wb, has('extra.lvs.yaml'));
    assert.equal(find(rows, 'extra.lvs.yaml')?.level, 1);
  });

  it('reports the extension activation time (Developer: Show Running Extensions)', async () => {
    const { wb, page } = session();
    await wb.runCommand('Developer: Show Running Extensions');
    // The row names the extension by its id in a development host (no gallery metadata), else its display name.
    const row = page.locator('.editor-group-container.active .monaco-list-row', { hasText: /vscode-lvs\.vscode-lvs|LVS Cluster Manager/ }).first();
    await row.waitFor({ timeout: 20_000 });
    const text = (await row.innerText()).replace(/\s+/g, ' ').trim();
    const m = /(Startup Activation|Activation):\s*(\d+)\s*ms/.exec(text);
    assert.ok(m, `no activation time on the Running Extensions row: "${text}"`);
    console.log(`    LVS Cluster Manager, ${m[1]} (Running Extensions, code-server; code loading + activate()): ${m[2]} ms`);
    await wb.screenshot('running-extensions');
    await wb.runCommand('View: Close All Editors');
  });
});

describe('Clusters view: workspace with no cluster file (UI)', function () {
  this.timeout(120_000);
  const session = useSession(() => {
    requireBuild();
    return {
      name: 'clusters-welcome',
      workspace: path.join(workspaceFixturesDir, 'lvs-empty'),
      extensionPath: repoRoot,
      ready: (wb) => wb.waitForActivityBarItem('LVS'),
    };
  });

  it('shows the welcome view; "Create Cluster File" writes lvs.yaml, opens it, and the tree lists its cluster', async () => {
    const { wb, workspace } = session();
    await wb.openViewContainer('LVS');
    const button = wb.welcomeButton('Create Cluster File');
    await button.waitFor({ timeout: 30_000 });
    assert.match(await wb.sidebar.locator('.welcome-view-content').first().innerText(), /No cluster file/);
    await wb.screenshot('clusters-welcome');
    assert.ok(!fs.existsSync(path.join(workspace, 'lvs.yaml')));
    await button.click();
    await wb.activeTab('lvs.yaml').waitFor({ timeout: 20_000 });
    const t0 = Date.now();
    while (!fs.existsSync(path.join(workspace, 'lvs.yaml'))) {
      if (Date.now() - t0 > 10_000) throw new Error('lvs.yaml was not written to the workspace folder');
      await wb.page.waitForTimeout(200);
    }
    assert.match(fs.readFileSync(path.join(workspace, 'lvs.yaml'), 'utf8'), /^version: 1$/m);
    const rows = await expandedClusters(wb, (r) => has('lvs.yaml')(r) && has('web')(r) && has('TCP 192.168.116.200:80 rr')(r));
    assert.equal(find(rows, 'web')?.level, 2);
    assert.equal(await wb.welcomeButton('Create Cluster File').isVisible(), false, 'the welcome content is gone');
  });
});
