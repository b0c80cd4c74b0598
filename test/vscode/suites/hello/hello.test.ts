/**
 * Harness self-test (extension host): proves that code-server loads an extension under development,
 * activates it on workspaceContains, runs its commands, and publishes its diagnostics — with the
 * throwaway fixture extension test/vscode/fixtures/helloExtension, independent of our own extension.
 */
import * as assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { codeOf, replaceText, waitFor, waitForDiagnostics, waitForNoDiagnostics, workspaceFile } from '../helpers';

const ID = 'vscode-lvs-test.hello-fixture';

describe('harness self-test: hello fixture extension', () => {
  it('is loaded as the extension under development and activates on workspaceContains', async () => {
    const ext = vscode.extensions.getExtension(ID);
    assert.ok(ext, `extension ${ID} is not loaded`);
    await waitFor(() => ext.isActive, 'activation on workspaceContains:**/*.hello');
  });

  it('runs its command and returns its value', async () => {
    const n = await vscode.commands.executeCommand<number>('hello.sayHello');
    assert.equal(typeof n, 'number');
    assert.ok(n >= 1);
    const all = await vscode.commands.getCommands(true);
    assert.ok(all.includes('hello.openPanel'));
  });

  it('publishes a diagnostic at the right line with its code, and clears it when the text is fixed', async () => {
    const uri = workspaceFile('sample.hello');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const [d] = await waitForDiagnostics(uri, (x) => codeOf(x) === 'HELLO001', 'HELLO001 on sample.hello');
    assert.equal(d.range.start.line, 2);
    assert.equal(d.range.start.character, 13);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    await replaceText(doc, doc.getText().replace('BAD', 'good'));
    await waitForNoDiagnostics(uri, (x) => codeOf(x) === 'HELLO001', 'HELLO001 to clear');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('sees the workspace the runner opened and the environment it passed', () => {
    assert.ok(process.env.LVS_VSCODE_TEST_RESULTS, 'LVS_VSCODE_TEST_RESULTS reaches the extension host');
    assert.equal(vscode.workspace.workspaceFolders?.length, 1);
    assert.equal(vscode.workspace.isTrusted, true);
  });
});
