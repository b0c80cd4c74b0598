/** CodeLenses above each cluster of a cluster file: Plan, Apply, Statistics, Prepare hosts (trusted workspaces). */
import * as vscode from 'vscode';
import type { ClusterWorkspace } from './clusterWorkspace';

export class ClusterCodeLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly workspace: ClusterWorkspace) {
    this.sub = vscode.Disposable.from(
      workspace.onDidChange(() => this.changed.fire()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
    );
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.isTrusted) return [];
    const entry = this.workspace.get(document.uri);
    if (!entry || entry.errors.length > 0) return [];
    const out: vscode.CodeLens[] = [];
    for (const c of entry.model.clusters) {
      const range = new vscode.Range(c.range.start.line, 0, c.range.start.line, 0);
      const arg = { file: document.uri.toString(), cluster: c.name };
      out.push(
        new vscode.CodeLens(range, { title: '$(diff) Plan', command: 'lvs.plan', arguments: [arg], tooltip: `Preview what Apply would change on the directors of ${c.name}` }),
        new vscode.CodeLens(range, { title: '$(play) Apply', command: 'lvs.apply', arguments: [arg], tooltip: `Apply ${c.name} to its directors (shows the plan first)` }),
        new vscode.CodeLens(range, { title: '$(graph) Statistics', command: 'lvs.showStats', arguments: [arg], tooltip: `Live connection statistics of ${c.name}` }),
        new vscode.CodeLens(range, { title: '$(tools) Prepare hosts', command: 'lvs.prepareHosts', arguments: [arg], tooltip: 'VIPs, ARP sysctls, loopback aliases, modules — checked first, changed only if needed' }),
      );
    }
    return out;
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
