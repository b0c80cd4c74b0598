/**
 * Activation of our extension in code-server's extension host, on a workspace without cluster files:
 * nothing activates it at start-up (no `*` event), `activate()` is timed (the figure is printed in the test's
 * title, so the runner's output carries it), every contributed `lvs.*` command is registered afterwards, and
 * `lvs.createClusterFile` writes lvs.yaml into the folder and opens it as a valid cluster file.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { closeAllEditors, waitFor, workspaceFile } from '../helpers';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  publisher: string;
  name: string;
  contributes: { commands: { command: string }[] };
};
const EXTENSION_ID = `${pkg.publisher}.${pkg.name}`;

describe('activation (workspace without cluster files)', function () {
  this.timeout(60_000);

  it('is not active before anything needs it, then activates on demand (time in this title)', async function () {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    assert.equal(ext.isActive, false, 'activated at start-up in a workspace with no cluster file');
    const t0 = performance.now();
    await ext.activate();
    const ms = performance.now() - t0;
    assert.ok(ext.isActive);
    const figure = `${ms.toFixed(1)} ms`;
    console.log(`[lvs-tests] activation of ${EXTENSION_ID}: ${figure} (require + activate())`);
    if (this.test) this.test.title = `${this.test.title}: ${figure}`;
  });

  it('registers every command package.json contributes', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = pkg.contributes.commands.map((c) => c.command).filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('lvs.createClusterFile writes lvs.yaml into the folder and opens it as a cluster file without errors', async () => {
    const uri = workspaceFile('lvs.yaml');
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(uri)), 'lvs.yaml exists before the command');
    await vscode.commands.executeCommand('lvs.createClusterFile');
    const editor = await waitFor(() => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.toString() === uri.toString() ? e : undefined;
    }, 'lvs.yaml in the active editor');
    assert.equal(editor.document.languageId, 'lvs-cluster');
    await waitFor(async () => (await vscode.workspace.fs.stat(uri).then(() => true, () => false)), 'lvs.yaml on disk');
    const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    assert.match(text, /^version: 1$/m);
    assert.match(text, /^clusters:$/m);
    // Validate every cluster file now (the command resolves when done): the example has no errors.
    await vscode.commands.executeCommand('lvs.validateAll');
    const errors = vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.deepEqual(errors.map((d) => d.message), []);
    await closeAllEditors();
  });
});
