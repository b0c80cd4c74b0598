/**
 * The cluster files of the workspace and their models: found with the cluster-file globs, kept current by a
 * file watcher and by edits in open editors (the editor's text wins over the disk while a file is open).
 * Fires `onDidChange` with the file that changed. Sets the `lvs.clusterFileCount` context key (welcome view).
 */
import * as vscode from 'vscode';
import type { ClusterFile } from '../core/clusterFile/types';
import { validateClusterFile } from '../core/clusterFile/validate';
import type { Diagnostic } from '../core/diagnostics';
import { CLUSTER_FILE_GLOBS } from './fileMatcher';
import type { FileMatcher } from './fileMatcher';

export interface ClusterFileEntry {
  uri: vscode.Uri;
  model: ClusterFile;
  errors: Diagnostic[];
  /** The text the model was built from. */
  text: string;
}

const EDIT_DEBOUNCE_MS = 300;

export class ClusterWorkspace implements vscode.Disposable {
  private readonly entries = new Map<string, ClusterFileEntry>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();
  /** A file was added, changed or removed (`undefined`: maybe several). */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [this.changed];
  private watchers: vscode.Disposable[] = [];
  private readonly pendingEdits = new Map<string, NodeJS.Timeout>();
  private scanning: Promise<void> | undefined;

  constructor(private readonly matcher: FileMatcher) {
    this.subscriptions.push(
      matcher.onDidChange(() => { this.watch(); void this.rescan(); }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!this.isClusterDocument(e.document)) return;
        const key = e.document.uri.toString();
        clearTimeout(this.pendingEdits.get(key));
        this.pendingEdits.set(key, setTimeout(() => { this.pendingEdits.delete(key); this.setText(e.document.uri, e.document.getText()); }, EDIT_DEBOUNCE_MS));
      }),
      vscode.workspace.onDidOpenTextDocument((d) => { if (this.isClusterDocument(d) && d.uri.scheme === 'file') this.setText(d.uri, d.getText()); }),
      vscode.workspace.onDidCloseTextDocument((d) => { if (this.entries.has(d.uri.toString())) void this.readFromDisk(d.uri); }),
    );
    this.watch();
    void this.rescan();
  }

  /** Resolves once the first scan is done. */
  ready(): Promise<void> {
    return this.scanning ?? Promise.resolve();
  }

  files(): ClusterFileEntry[] {
    return [...this.entries.values()].sort((a, b) => a.uri.path.localeCompare(b.uri.path));
  }

  get(uri: vscode.Uri | string): ClusterFileEntry | undefined {
    return this.entries.get(typeof uri === 'string' ? uri : uri.toString());
  }

  private patterns(): vscode.GlobPattern[] {
    return [...CLUSTER_FILE_GLOBS, ...this.matcher.extraClusterPatterns()];
  }

  private isClusterDocument(d: vscode.TextDocument): boolean {
    if (d.uri.scheme !== 'file') return false;
    if (this.entries.has(d.uri.toString())) return true;
    return this.matcher.kindOf(d) === 'cluster' && vscode.workspace.getWorkspaceFolder(d.uri) !== undefined;
  }

  private watch(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    for (const pattern of this.patterns()) {
      const w = vscode.workspace.createFileSystemWatcher(pattern);
      this.watchers.push(
        w,
        w.onDidCreate((u) => void this.readFromDisk(u)),
        w.onDidChange((u) => { if (!this.openDocument(u)) void this.readFromDisk(u); }),
        w.onDidDelete((u) => this.remove(u)),
      );
    }
  }

  rescan(): Promise<void> {
    const run = (async () => {
      const found = new Map<string, vscode.Uri>();
      for (const p of this.patterns()) {
        for (const u of await vscode.workspace.findFiles(p, '**/node_modules/**', 500)) found.set(u.toString(), u);
      }
      for (const key of [...this.entries.keys()]) if (!found.has(key)) this.entries.delete(key);
      await Promise.all([...found.values()].map((u) => this.readFromDisk(u, false)));
      this.publish();
      this.changed.fire(undefined);
    })();
    this.scanning = run;
    return run;
  }

  private openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  }

  private async readFromDisk(uri: vscode.Uri, fire = true): Promise<void> {
    const open = this.openDocument(uri);
    let text: string;
    if (open) {
      text = open.getText();
    } else {
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        this.remove(uri);
        return;
      }
    }
    this.setText(uri, text, fire);
  }

  private setText(uri: vscode.Uri, text: string, fire = true): void {
    const key = uri.toString();
    const old = this.entries.get(key);
    if (old && old.text === text) return;
    const { model, diagnostics } = validateClusterFile(text);
    this.entries.set(key, { uri, model, text, errors: diagnostics.filter((d) => d.severity === 'error') });
    if (fire) {
      if (!old) this.publish();
      this.changed.fire(uri);
    }
  }

  private remove(uri: vscode.Uri): void {
    if (!this.entries.delete(uri.toString())) return;
    this.publish();
    this.changed.fire(uri);
  }

  private publish(): void {
    void vscode.commands.executeCommand('setContext', 'lvs.clusterFileCount', this.entries.size);
  }

  dispose(): void {
    for (const t of this.pendingEdits.values()) clearTimeout(t);
    for (const w of this.watchers) w.dispose();
    for (const d of this.subscriptions) d.dispose();
  }
}
