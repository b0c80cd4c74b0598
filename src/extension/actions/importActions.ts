/**
 * "LVS: Import Cluster from Director…" and "Import as Cluster File": the core's import (src/core/import)
 * behind VS Code's input boxes, progress and messages. Connections go through the extension's SSH layer
 * (its prompts, trust store and log); the new cluster file is written next to its source (the rules file,
 * or the workspace folder), never over an existing file, and opened beside the current editor. Warnings
 * and notes go to the LVS log and are comments in the file.
 */
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { draftFromRules } from '../../core/import/draftFromRules';
import { importDirectors, ImportUsageError } from '../../core/import/importDirectors';
import { parseDestination } from '../../core/import/importNames';
import { importText } from '../../core/import/importText';
import { importKeepalivedConfs } from '../../core/import/keepalivedImport';
import { classifyFile } from '../../core/fileKinds';
import { LOCAL_FILES } from '../keepalivedIncludes';
import type { ImportResult } from '../../core/import/importText';
import { isName } from '../../core/clusterFile/stringRules';
import type { LvsLog } from '../log';
import type { SshService } from '../ssh/sshService';

function destinations(text: string): string[] {
  return text.split(/[\s,]+/).filter((t) => t !== '');
}

function destinationProblem(text: string, required: boolean): string | undefined {
  const list = destinations(text);
  if (required && list.length === 0) return 'At least one ssh destination: [user@]host';
  const bad = list.find((d) => !parseDestination(d));
  return bad === undefined ? undefined : `'${bad}' is no ssh destination ([user@]host or ssh://[user@]host[:port])`;
}

/** `dir/base.lvs.yaml`, else `base-2.lvs.yaml`, …: the first that does not exist. */
async function freeUri(dir: vscode.Uri, base: string): Promise<vscode.Uri> {
  for (let i = 1; ; i++) {
    const uri = vscode.Uri.joinPath(dir, `${i === 1 ? base : `${base}-${i}`}.lvs.yaml`);
    try { await vscode.workspace.fs.stat(uri); } catch { return uri; }
  }
}

/** Writes the imported file (or reports why not) and opens it beside the active editor. */
async function writeResult(result: ImportResult, dir: vscode.Uri | undefined, base: string, log: LvsLog, source: string): Promise<void> {
  for (const w of result.draft.warnings) log.warn(`[import] ${w}`);
  for (const n of result.draft.notes) log.info(`[import] note: ${n}`);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    for (const d of errors) log.error(`[import] line ${d.range.start.line + 1}: ${d.code} ${d.message}`);
    void vscode.window.showErrorMessage(`The import of ${source} would not validate (${errors[0].code}: ${errors[0].message}); nothing was written.`);
    return;
  }
  let doc: vscode.TextDocument;
  if (dir) {
    const uri = await freeUri(dir, base);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(result.text));
    doc = await vscode.workspace.openTextDocument(uri);
  } else {
    doc = await vscode.workspace.openTextDocument({ language: 'lvs-cluster', content: result.text });
  }
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  const n = result.draft.warnings.length;
  const message = `Imported ${source}: ${result.draft.clusters.length} cluster${result.draft.clusters.length === 1 ? '' : 's'}${n ? `, ${n} warning${n === 1 ? '' : 's'} (comments in the file)` : ''}.`;
  log.info(`[import] ${message}`);
  if (n === 0) { void vscode.window.showInformationMessage(message); return; }
  const choice = await vscode.window.showWarningMessage(message, 'Show Log');
  if (choice) log.show();
}

export async function importFromDirector(ssh: () => SshService, log: LvsLog): Promise<void> {
  const directorText = await vscode.window.showInputBox({
    title: 'Import Cluster from Director (1/2)',
    prompt: 'SSH destination of each director, separated by spaces (resolved as ssh resolves it: your ~/.ssh/config applies)',
    placeHolder: 'root@lvs1 root@lvs2',
    ignoreFocusOut: true,
    validateInput: (v) => destinationProblem(v, true),
  });
  if (directorText === undefined) return;
  const hostText = await vscode.window.showInputBox({
    title: 'Import Cluster from Director (2/2)',
    prompt: 'Real servers to read too (optional): their ARP sysctls and VIPs decide their host preparation',
    placeHolder: 'root@rs1 root@rs2',
    ignoreFocusOut: true,
    validateInput: (v) => destinationProblem(v, false),
  });
  if (hostText === undefined) return;
  const directors = destinations(directorText);
  const hosts = destinations(hostText);
  log.info(`[import] reading ${[...directors, ...hosts].join(', ')}`);
  let imported;
  try {
    imported = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Importing from ${directors.join(', ')}…` },
      () => importDirectors({
        directors, hosts, home: homedir(), connect: ssh().connectOptions(),
        header: [`Imported by LVS: Import Cluster from Director (directors ${directors.join(' ')}${hosts.length ? `, hosts ${hosts.join(' ')}` : ''})`],
      }),
    );
  } catch (err) {
    const message = err instanceof ImportUsageError ? err.message : `Import failed: ${(err as Error).message}`;
    log.error(`[import] ${message}`);
    void vscode.window.showErrorMessage(message);
    return;
  }
  if (!imported.ok) {
    for (const f of imported.failures) log.error(`[import] ${f.host} (${f.destination}): ${f.message}`);
    const first = imported.failures[0];
    void vscode.window.showErrorMessage(`Import failed, nothing was written: ${first.destination}: ${first.message}`, 'Show Log').then((c) => { if (c) log.show(); });
    return;
  }
  const base = imported.result.draft.clusters[0]?.name ?? 'imported';
  await writeResult(imported.result, vscode.workspace.workspaceFolders?.[0]?.uri, base, log, directors.join(', '));
}

export async function importRulesFile(arg: unknown, log: LvsLog): Promise<void> {
  const active = vscode.window.activeTextEditor?.document;
  const uri = arg instanceof vscode.Uri ? arg
    : active?.languageId === 'ipvsadm-rules' || active?.languageId === 'keepalived' ? active.uri : undefined;
  if (!uri) {
    void vscode.window.showInformationMessage('Choose an ipvsadm rules file or a keepalived.conf: right-click it in the Explorer → Import as Cluster File.');
    return;
  }
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const file = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  const opened = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if ((opened?.languageId ?? (classifyFile(uri.path) === 'keepalived' ? 'keepalived' : undefined)) === 'keepalived') {
    // lvsctl import --keepalived FILE: includes followed on the local disk (not for remote or virtual files).
    const result = importKeepalivedConfs([{ path: uri.scheme === 'file' ? uri.fsPath : file, text, ...(uri.scheme === 'file' ? { fs: LOCAL_FILES } : {}) }],
      [`Imported by LVS: Import as Cluster File from ${file}`]);
    if (result.draft.clusters.length === 0) {
      for (const w of result.draft.warnings) log.warn(`[import] ${w}`);
      void vscode.window.showErrorMessage(`${file} has no virtual server a cluster file can hold (see the LVS log); nothing was written.`);
      return;
    }
    await writeResult(result, vscode.Uri.joinPath(uri, '..'), result.draft.clusters[0].name, log, file);
    return;
  }
  const stem = file.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]+/g, '-');
  const cluster = isName(stem) ? stem : 'imported';
  const r = draftFromRules(text, { cluster, source: file });
  if (!r.ok) {
    const d = r.diagnostics[0];
    log.error(`[import] ${file}: ${r.diagnostics.length} error(s), first at line ${d.range.start.line + 1}: ${d.message}`);
    void vscode.window.showErrorMessage(`${file} has errors (line ${d.range.start.line + 1}: ${d.message}); nothing was imported.`);
    return;
  }
  await writeResult(importText(r.draft), vscode.Uri.joinPath(uri, '..'), cluster, log, file);
}
