/**
 * Our extension in a real VS Code extension host (workspace fixture: test/vscode/fixtures/workspaces/lvs-broken,
 * whose lvs.yaml sets `scheduler: wrrr` on one line and whose clusters/edge.lvs.yaml sets `scheduler: leastconn`).
 * Written against the extension's contract: language `lvs-cluster` for lvs.yaml and *.lvs.yaml, diagnostic
 * collection `lvs` with codes LVSnnn, quick fixes, command `lvs.validateAll`, activation on
 * workspaceContains:**\/lvs.yaml. They do not depend on the exact code number or message wording.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { closeAllEditors, codeOf, replaceText, waitFor, waitForDiagnostics, waitForNoDiagnostics, workspaceFile } from '../helpers';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string };
const EXTENSION_ID = `${pkg.publisher}.${pkg.name}`;
const LVS_CODE = /^LVS\d{3}$/;
const BAD_SCHEDULER = /^\s*scheduler:\s*wrrr\s*$/;

function schedulerLine(doc: vscode.TextDocument, pattern: RegExp): number {
  for (let i = 0; i < doc.lineCount; i++) if (pattern.test(doc.lineAt(i).text)) return i;
  throw new Error(`no line matching ${pattern} in ${doc.uri.fsPath}`);
}

/** The diagnostic for the unknown scheduler: an LVS code, on the scheduler's line. */
function isSchedulerDiagnostic(line: number) {
  return (d: vscode.Diagnostic) => LVS_CODE.test(codeOf(d)) && d.range.start.line === line;
}

async function openClusterFile(): Promise<{ doc: vscode.TextDocument; line: number }> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile('lvs.yaml'));
  await vscode.window.showTextDocument(doc);
  return { doc, line: schedulerLine(doc, BAD_SCHEDULER) };
}

describe('LVS extension in the extension host', function () {
  this.timeout(60_000);

  afterEach(async () => {
    await closeAllEditors();
  });

  it('activates when a workspace with lvs.yaml opens (before any file is opened)', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded (is ${repoRoot} the extension development path?)`);
    await waitFor(() => ext.isActive, `${EXTENSION_ID} to activate on workspaceContains:**/lvs.yaml`, 20_000);
  });

  it('gives lvs.yaml the lvs-cluster language', async () => {
    const { doc } = await openClusterFile();
    assert.equal(doc.languageId, 'lvs-cluster');
  });

  it('reports the unknown scheduler at its line, with an LVS code', async () => {
    const { doc, line } = await openClusterFile();
    const [d] = await waitForDiagnostics(doc.uri, isSchedulerDiagnostic(line), `an LVSnnn diagnostic on line ${line + 1}`);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error, `severity of ${JSON.stringify(d)}`);
    assert.match(codeOf(d), LVS_CODE);
    const text = doc.lineAt(line).text;
    // The range points into the scheduler's line, at the key or the bad value.
    assert.ok(d.range.start.character >= text.indexOf('scheduler'), `range ${JSON.stringify(d.range)} on "${text}"`);
    assert.ok(d.range.end.character <= text.length || d.range.end.line > line);
    assert.match(d.message, /wrrr|scheduler/i);
  });

  it('offers a quick fix for the scheduler that replaces wrrr with a known scheduler', async () => {
    const { doc, line } = await openClusterFile();
    const [d] = await waitForDiagnostics(doc.uri, isSchedulerDiagnostic(line), 'the scheduler diagnostic');
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      d.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fixes = (actions ?? []).filter((a): a is vscode.CodeAction => typeof (a as vscode.Command).command !== 'string');
    const titles = fixes.map((a) => a.title);
    const fix = fixes.find((a) => /\bwrr\b/.test(a.title) || (a.edit && JSON.stringify(a.edit.entries()).includes('"wrr"')));
    assert.ok(fix, `no quick fix suggesting "wrr"; offered: ${JSON.stringify(titles)}`);
    assert.ok(fix.edit, `quick fix "${fix.title}" has no edit`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.lineAt(line).text, /scheduler:\s*wrr\s*$/);
    await waitForNoDiagnostics(doc.uri, isSchedulerDiagnostic(line), 'the scheduler diagnostic to clear after the quick fix');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('clears the diagnostic when the text is fixed, and reports it again when broken again', async () => {
    const { doc, line } = await openClusterFile();
    await waitForDiagnostics(doc.uri, isSchedulerDiagnostic(line), 'the scheduler diagnostic');
    const broken = doc.getText();
    await replaceText(doc, broken.replace(/scheduler: wrrr/, 'scheduler: rr'));
    await waitForNoDiagnostics(doc.uri, isSchedulerDiagnostic(line), 'the scheduler diagnostic to clear');
    assert.equal(
      vscode.languages.getDiagnostics(doc.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length,
      0,
      `errors left: ${JSON.stringify(vscode.languages.getDiagnostics(doc.uri))}`,
    );
    await replaceText(doc, broken);
    await waitForDiagnostics(doc.uri, isSchedulerDiagnostic(line), 'the diagnostic to come back');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('"LVS: Validate All Cluster Files" reports problems in cluster files that are not open', async () => {
    const all = await vscode.commands.getCommands(true);
    assert.ok(all.includes('lvs.validateAll'), 'command lvs.validateAll is not registered');
    await vscode.commands.executeCommand('lvs.validateAll');
    const edge = workspaceFile('clusters', 'edge.lvs.yaml');
    const text = Buffer.from(await vscode.workspace.fs.readFile(edge)).toString('utf8');
    const line = text.split('\n').findIndex((l) => /^\s*scheduler:\s*leastconn\s*$/.test(l));
    assert.ok(line >= 0);
    await waitForDiagnostics(edge, isSchedulerDiagnostic(line), `an LVSnnn diagnostic on line ${line + 1} of clusters/edge.lvs.yaml`);
  });
});
