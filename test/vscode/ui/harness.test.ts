/**
 * Harness self-test (UI): drives the workbench with the throwaway fixture extension
 * test/vscode/fixtures/helloExtension — activity bar, tree rows, command palette, notifications,
 * Problems panel, typing in the editor, a webview iframe — and checks that the harness reports a failing
 * extension-host suite and can start a workspace without trust.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'mocha';
import { runExtensionHostSuite } from '../harness/extensionHost';
import { fixturesDir, helloExtensionDir, workspaceFixturesDir } from '../harness/paths';
import { openSession, useSession } from '../harness/session';

describe('harness self-test (UI, hello fixture extension)', function () {
  this.timeout(60_000);
  const session = useSession({
    name: 'hello',
    workspace: path.join(workspaceFixturesDir, 'hello'),
    extensionPath: helloExtensionDir,
    ready: (wb) => wb.waitForActivityBarItem('Hello Fixture'),
  });

  it('shows the fixture view container in the activity bar and its tree rows', async () => {
    const { wb } = session();
    const items = await wb.activityBar();
    assert.ok(items.some((i) => i.label === 'Hello Fixture'), JSON.stringify(items));
    await wb.openViewContainer('Hello Fixture');
    const rows = await wb.waitForTreeRows((r) => r.length === 3, 'Hello Items');
    assert.deepEqual(rows.map((r) => r.label), ['alpha', 'beta', 'gamma']);
    assert.deepEqual(rows.map((r) => r.description), ['row 1', 'row 2', 'row 3']);
    await wb.openViewContainer('Explorer');
  });

  it('runs a command from F1 and sees its notification', async () => {
    const { wb } = session();
    await wb.runCommand('Hello Fixture: Say Hello');
    const n = await wb.waitForNotification(/Hello from the fixture/);
    assert.equal(n.severity, 'info');
  });

  it('lists a diagnostic in the Problems panel and clears it when the user types a fix', async () => {
    const { wb } = session();
    await wb.openFile('sample.hello');
    const rows = await wb.waitForProblems((r) => r.some((p) => p.code === 'HELLO001'), 'HELLO001');
    const p = rows.find((r) => r.code === 'HELLO001');
    assert.deepEqual(
      { file: p?.file, severity: p?.severity, line: p?.line, column: p?.column, message: p?.message },
      { file: 'sample.hello', severity: 'error', line: 3, column: 14, message: 'BAD is not allowed here' },
    );
    assert.equal((await wb.statusBarProblemCounts()).errors, 1);
    await wb.screenshot('hello-problem-listed');
    // Select BAD (line 3, columns 14-16) and type over it, key by key.
    await wb.goToLine(3, 14);
    for (let i = 0; i < 3; i++) await wb.page.keyboard.press('Shift+ArrowRight');
    await wb.type('good');
    await wb.waitForProblems((r) => !r.some((x) => x.code === 'HELLO001'), 'HELLO001 to disappear');
    assert.match(await wb.editorText(), /this line is good/);
    await wb.screenshot('hello-problem-fixed');
  });

  it('reaches into a webview iframe: clicks its button and gets the message back', async () => {
    const { wb } = session();
    await wb.runCommand('Hello Fixture: Open Panel');
    const frame = wb.webview();
    await frame.locator('#title').waitFor({ timeout: 20_000 });
    assert.equal(await frame.locator('#title').innerText(), 'Hello webview');
    await frame.locator('#btn').click();
    assert.equal(await frame.locator('#count').innerText(), '1');
    await wb.waitForNotification(/Webview button clicked: 1/);
    await wb.screenshot('hello-webview');
  });
});

describe('harness self-test (runner)', function () {
  this.timeout(180_000);

  it('reports a failing extension-host test as failed, with its message', async () => {
    const r = await runExtensionHostSuite({
      suitePath: path.join(fixturesDir, 'failingSuite', 'index.js'),
      workspace: path.join(workspaceFixturesDir, 'hello'),
      extensionPath: helloExtensionDir,
      name: 'self-test-failing',
      timeoutMs: 120_000,
    });
    assert.equal(r.exitCode, 1);
    assert.equal(r.passed, 1);
    assert.equal(r.failed, 1);
    assert.match(r.failures[0]?.message ?? '', /expected by the harness self-test/);
  });

  it('starts without --disable-workspace-trust when trust is false: VS Code asks whether to trust the folder', async () => {
    const s = await openSession({
      name: 'untrusted',
      workspace: path.join(workspaceFixturesDir, 'hello'),
      extensionPath: helloExtensionDir,
      trust: false,
    });
    try {
      const dialog = s.page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30_000 });
      assert.match(await dialog.innerText(), /trust/i);
      await s.wb.screenshot('untrusted-workspace-prompt');
    } finally {
      await s.close();
    }
  });
});
