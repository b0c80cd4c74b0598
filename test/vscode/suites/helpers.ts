/** Helpers for extension-host tests (they run inside VS Code's extension host and may use `vscode`). */
import * as vscode from 'vscode';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; throws with `what` after the timeout. */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 15_000, stepMs = 100): Promise<NonNullable<T>> {
  const t0 = Date.now();
  let last: T | undefined;
  for (;;) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

/** The workspace folder the test run opened. */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return folder.uri;
}

export function workspaceFile(...segments: string[]): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...segments);
}

/** Diagnostics of a document matching a predicate, waiting until at least one (or `count`) is there. */
export async function waitForDiagnostics(
  uri: vscode.Uri,
  pred: (d: vscode.Diagnostic) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<vscode.Diagnostic[]> {
  return waitFor(() => {
    const hits = vscode.languages.getDiagnostics(uri).filter(pred);
    return hits.length ? hits : undefined;
  }, what, timeoutMs);
}

/** Waits until no diagnostic of the document matches. */
export async function waitForNoDiagnostics(uri: vscode.Uri, pred: (d: vscode.Diagnostic) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(() => vscode.languages.getDiagnostics(uri).filter(pred).length === 0, what, timeoutMs);
}

/** The code of a diagnostic as a string (VS Code allows string | number | {value, target}). */
export function codeOf(d: vscode.Diagnostic): string {
  const c = d.code;
  if (c === undefined) return '';
  return typeof c === 'object' ? String(c.value) : String(c);
}

/** Replaces a document's whole text through a WorkspaceEdit (as typing would), without saving. */
export async function replaceText(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`could not edit ${doc.uri.toString()}`);
}

/** 0-based index of the first line containing `needle`. */
export function lineOf(doc: vscode.TextDocument, needle: string): number {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(needle)) return i;
  throw new Error(`"${needle}" not found in ${doc.uri.toString()}`);
}

/** Closes all editors (between tests). */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor').then(undefined, () => undefined);
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
