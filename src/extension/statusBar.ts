/**
 * A status-bar item while a cluster file is the active editor: its clusters, its errors, and drift of the
 * clusters whose live state is known. Clicking it opens the Clusters view.
 */
import * as vscode from 'vscode';
import type { ClusterWorkspace } from './clusterWorkspace';
import type { LiveStates } from './liveStates';

export class ClusterStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lvs.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subs: vscode.Disposable[];

  constructor(private readonly workspace: ClusterWorkspace, private readonly live: LiveStates) {
    this.item.name = 'LVS Cluster File';
    this.item.command = 'workbench.view.extension.lvs';
    this.subs = [
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      workspace.onDidChange(() => this.update()),
      live.onDidChange(() => this.update()),
    ];
    this.update();
  }

  private update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const entry = doc ? this.workspace.get(doc.uri) : undefined;
    if (!entry) { this.item.hide(); return; }
    const clusters = entry.model.clusters;
    const parts = [`$(server-environment) ${clusters.length === 1 ? clusters[0].name : `${clusters.length} clusters`}`];
    const tip = [`${vscode.workspace.asRelativePath(entry.uri)}: ${clusters.map((c) => c.name).join(', ') || 'no cluster'}`];
    this.item.backgroundColor = undefined;
    if (entry.errors.length > 0) {
      parts.push(`$(error) ${entry.errors.length}`);
      tip.push(`${entry.errors.length} error${entry.errors.length === 1 ? '' : 's'} (Problems panel)`);
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      const drifting: string[] = [];
      const unreachable: string[] = [];
      for (const c of clusters) {
        const rec = this.live.get({ file: entry.uri.toString(), cluster: c.name });
        if (!rec) continue;
        if (rec.view.drift) drifting.push(c.name);
        if (rec.view.reachable < rec.view.directors.length) unreachable.push(c.name);
      }
      if (drifting.length) { parts.push('$(warning) drift'); tip.push(`Live table differs from the file: ${drifting.join(', ')} (Plan shows how)`); this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground'); }
      if (unreachable.length) { parts.push('$(debug-disconnect) unreachable'); tip.push(`A director could not be read: ${unreachable.join(', ')}`); }
    }
    this.item.text = parts.join('  ');
    this.item.tooltip = `${tip.join('\n')}\nClick to open the Clusters view.`;
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
