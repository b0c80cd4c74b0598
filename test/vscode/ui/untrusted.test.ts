/**
 * UI test of Restricted Mode (docs/extension.md, "Workspace trust"): code-server started without
 * --disable-workspace-trust, the user answers VS Code's trust prompt with "No". Diagnostics still appear and the
 * Clusters view still lists the clusters; every action that touches a host is absent from the tree's inline
 * buttons, context menus and view title; run from the palette, Apply says it is disabled in an untrusted
 * workspace and offers "Manage Workspace Trust". Workspace: fixtures/workspaces/lvs-broken (scheduler wrrr).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'mocha';
import { repoRoot, workspaceFixturesDir } from '../harness/paths';
import { useSession } from '../harness/session';
import type { TreeRow } from '../harness/workbench';

const HOST_ACTIONS = [
  'Plan (Preview Changes)',
  'Apply to Directors',
  'Refresh Live State',
  'Show Connection Statistics',
  'Prepare Hosts…',
  'Tear Down Host Preparation…',
  'Drain Real Server',
  'Restore Real Server',
  'Set Real Server Weight…',
  'Open SSH Terminal',
];

describe('Restricted Mode: untrusted workspace (UI)', function () {
  this.timeout(120_000);
  const session = useSession(() => {
    if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run npm run build first');
    return {
      name: 'untrusted',
      workspace: path.join(workspaceFixturesDir, 'lvs-broken'),
      extensionPath: repoRoot,
      trust: false,
      ready: async (wb) => {
        // VS Code asks whether to trust the folder: the user says no.
        const d = await wb.waitForDialog(60_000);
        assert.match(`${d.message} ${d.detail}`, /trust/i);
        await wb.clickDialogButton(/No, I don.t trust/);
        await wb.waitForActivityBarItem('LVS');
      },
    };
  });

  it('runs in Restricted Mode, and diagnostics still appear for the cluster file', async () => {
    const { wb, page } = session();
    await page.locator('.statusbar-item, .window-title, .titlebar', { hasText: /Restricted Mode/i }).first().waitFor({ timeout: 20_000 });
    await wb.openFile('lvs.yaml');
    const rows = await wb.waitForProblems((r) => r.some((p) => p.file === 'lvs.yaml' && /^LVS\d{3}$/.test(p.code ?? '') && /wrrr|scheduler/i.test(p.message)), 'the wrrr scheduler error', 30_000);
    assert.ok(rows.some((p) => p.severity === 'error'));
  });

  it('the Clusters view still lists the clusters of both cluster files', async () => {
    const { wb } = session();
    await wb.openViewContainer('LVS');
    const want = ['lvs.yaml', 'clusters/edge.lvs.yaml', 'web', 'node3', '192.168.116.4:80 DR w=1'];
    const t0 = Date.now();
    let rows: TreeRow[] = [];
    for (;;) {
      await wb.expandAllTreeRows();
      rows = await wb.treeRows();
      if (want.every((l) => rows.some((r) => r.label === l))) break;
      if (Date.now() - t0 > 30_000) throw new Error(`the tree lacks ${JSON.stringify(want.filter((l) => !rows.some((r) => r.label === l)))}; rows: ${JSON.stringify(rows.map((r) => r.label))}`);
      await wb.page.waitForTimeout(300);
    }
    // The service with the wrrr error shows the error, not a scheduler (the model's default) nobody wrote.
    const svc = rows.find((r) => r.label.startsWith('TCP 192.168.116.200:80') && r.level === 3);
    assert.ok(svc, `no service row: ${JSON.stringify(rows.map((r) => r.label))}`);
    assert.equal(svc.label, 'TCP 192.168.116.200:80', 'no scheduler on a service whose scheduler is wrong');
    assert.match(svc.description ?? '', /^error: .*wrrr/, `the row says what is wrong: ${JSON.stringify(svc)}`);
    await wb.screenshot('untrusted-tree');
  });

  it('shows no host action in the tree: no inline buttons, none in the context menus, no Refresh in the view title', async () => {
    const { wb } = session();
    await wb.openViewContainer('LVS');
    await wb.expandAllTreeRows();
    for (const label of ['web', 'node3', '192.168.116.4:80 DR w=1']) {
      const row = wb.treeRow(label);
      const inline = await wb.inlineActions(row);
      assert.deepEqual(inline.filter((a) => HOST_ACTIONS.includes(a)), [], `inline actions on "${label}": ${JSON.stringify(inline)}`);
      const menu = await wb.contextMenuItems(row);
      assert.deepEqual(menu.filter((a) => HOST_ACTIONS.includes(a)), [], `context menu of "${label}": ${JSON.stringify(menu)}`);
      // What needs no host stays.
      assert.ok(menu.includes('Reveal in Cluster File'), `context menu of "${label}" lacks Reveal in Cluster File: ${JSON.stringify(menu)}`);
    }
    const title = await wb.viewTitleActions();
    assert.ok(!title.includes('Refresh Live State'), `view title actions: ${JSON.stringify(title)}`);
    assert.ok(title.includes('Validate All Cluster Files'), `view title actions: ${JSON.stringify(title)}`);
  });

  it('"LVS: Apply to Directors" from the palette says it is disabled in an untrusted workspace and offers Manage Workspace Trust', async () => {
    const { wb } = session();
    await wb.runCommand('LVS: Apply to Directors');
    const n = await wb.waitForNotification(/disabled in an untrusted workspace/i);
    assert.match(n.message, /apply/i);
    assert.ok((await wb.notificationButtons(/disabled in an untrusted workspace/i)).includes('Manage Workspace Trust'));
    await wb.screenshot('untrusted-apply');
    await wb.clearNotifications();
    // Nothing was attempted: no modal asking to confirm an apply.
    assert.equal(await wb.dialog.isVisible(), false);
  });
});
