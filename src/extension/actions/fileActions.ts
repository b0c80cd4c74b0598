/** Actions on the cluster file itself: reveal a tree node's lines, create a cluster file from the example. */
import * as vscode from 'vscode';
import { EXAMPLE_CLUSTER_FILE } from '../../core/operations/exampleClusterFile';
import { isClusterNode } from '../targets';

export async function revealInFile(arg: unknown): Promise<void> {
  if (!isClusterNode(arg)) return;
  const uri = vscode.Uri.parse(arg.file);
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: false });
  if (arg.kind === 'file') return;
  const r = arg.range;
  // The node's first line selected, its whole extent revealed.
  const start = new vscode.Position(r.start.line, r.start.character);
  const firstLineEnd = doc.lineAt(Math.min(r.start.line, doc.lineCount - 1)).range.end;
  editor.selection = new vscode.Selection(start, firstLineEnd);
  editor.revealRange(new vscode.Range(start, new vscode.Position(r.end.line, r.end.character)), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

export async function createClusterFile(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showWarningMessage('Open a folder first: the cluster file is created in it.');
    return;
  }
  const uri = vscode.Uri.joinPath(folder.uri, 'lvs.yaml');
  let exists = true;
  try { await vscode.workspace.fs.stat(uri); } catch { exists = false; }
  if (!exists) await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(EXAMPLE_CLUSTER_FILE));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  if (exists) void vscode.window.showInformationMessage('lvs.yaml already exists: opened it.');
}
