/**
 * "LVS: Check keepalived.conf on Director…": the open keepalived.conf checked by a director's own
 * `keepalived -t` (core/keepalived/confCheckOnHost.ts). The directors offered are those of the workspace's
 * cluster files, keepalived clusters first; the connection is the extension's SSH layer with that file's host
 * settings. keepalived's messages become diagnostics on their lines (source `keepalived -t`, kept apart from
 * the editor's own checks), cleared when the text changes; messages about other files (includes) or about no
 * line go to the LVS log and the result message.
 */
import * as vscode from 'vscode';
import { checkConfOnHostCommand, confCheckFindings } from '../../core/keepalived/confCheckOnHost';
import { toDiagnostic } from '../convert';
import type { ActionContext } from './actionTarget';

interface DirectorPick extends vscode.QuickPickItem {
  host: string;
  file: vscode.Uri;
}

/** Every director of the workspace's cluster files, once per (file, host), keepalived clusters first. */
function directorPicks(ctx: ActionContext): DirectorPick[] {
  const picks: (DirectorPick & { rank: number })[] = [];
  for (const entry of ctx.workspace.files()) {
    const roles = new Map<string, { clusters: string[]; keepalived: boolean }>();
    for (const c of entry.model.clusters) {
      for (const d of c.directors) {
        const r = roles.get(d.host) ?? { clusters: [], keepalived: false };
        r.clusters.push(c.name);
        r.keepalived ||= c.engine === 'keepalived';
        roles.set(d.host, r);
      }
    }
    for (const [host, r] of roles) {
      picks.push({
        host, file: entry.uri, rank: r.keepalived ? 0 : 1,
        label: host,
        description: `director of ${r.clusters.join(', ')}${r.keepalived ? ' (keepalived)' : ''}`,
        detail: vscode.workspace.asRelativePath(entry.uri),
      });
    }
  }
  return picks.sort((a, b) => a.rank - b.rank || a.label.localeCompare(b.label)).map(({ rank: _rank, ...p }) => p);
}

export class ConfCheckResults implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('keepalived -t');
  private readonly subscription = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.contentChanges.length > 0) this.collection.delete(e.document.uri);
  });

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}

export async function checkConfOnDirectorAction(ctx: ActionContext, results: ConfCheckResults, arg?: unknown): Promise<void> {
  const active = vscode.window.activeTextEditor?.document;
  const doc = arg instanceof vscode.Uri ? await vscode.workspace.openTextDocument(arg)
    : active?.languageId === 'keepalived' ? active : undefined;
  if (!doc) {
    void vscode.window.showInformationMessage('Open a keepalived.conf first: the check runs on its text.');
    return;
  }
  const picks = directorPicks(ctx);
  if (picks.length === 0) {
    void vscode.window.showInformationMessage('No director in the cluster files of this workspace: the check runs on a director a cluster file names.');
    return;
  }
  const pick = picks.length === 1 ? picks[0] : await vscode.window.showQuickPick(picks, {
    title: `Check ${vscode.workspace.asRelativePath(doc.uri)} on Director`,
    placeHolder: 'The director whose keepalived -t checks the text (nothing is reloaded)',
    matchOnDescription: true,
  });
  if (!pick) return;
  const entry = ctx.workspace.get(pick.file);
  if (!entry) return;
  const text = doc.getText();
  const name = vscode.workspace.asRelativePath(doc.uri);
  ctx.log.info(`[check] ${name} on ${pick.host}: keepalived -t`);
  let check;
  try {
    check = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `keepalived -t on ${pick.host}…` },
      () => ctx.ssh().poolFor(entry.uri, entry.model).run(pick.host, checkConfOnHostCommand(text)),
    );
  } catch (err) {
    const message = `Check on ${pick.host} failed: ${(err as Error).message}`;
    ctx.log.error(`[check] ${message}`);
    void vscode.window.showErrorMessage(message);
    return;
  }
  if (doc.getText() !== text) {
    void vscode.window.showWarningMessage(`${name} changed during the check on ${pick.host}; run it again.`);
    return;
  }
  const findings = confCheckFindings(check, text);
  results.collection.set(doc.uri, findings.diagnostics.map((d) => {
    const v = toDiagnostic(d);
    v.source = `keepalived -t on ${pick.host}`;
    v.code = undefined;
    return v;
  }));
  for (const d of findings.diagnostics) ctx.log.info(`[check] ${pick.host}: ${name}:${d.range.start.line + 1}: ${d.message}`);
  for (const m of findings.elsewhere) ctx.log.info(`[check] ${pick.host}: ${m}`);
  const message = `${pick.host}: ${findings.summary}${findings.elsewhere.length ? ` — ${findings.elsewhere[0]}${findings.elsewhere.length > 1 ? ` (+${findings.elsewhere.length - 1} in the LVS log)` : ''}` : ''}`;
  ctx.log.info(`[check] ${message}`);
  if (check.exitCode === 0 && findings.diagnostics.length === 0 && findings.elsewhere.length === 0) void vscode.window.showInformationMessage(message);
  else if (check.exitCode === 0) void vscode.window.showWarningMessage(message);
  else void vscode.window.showErrorMessage(message);
}
