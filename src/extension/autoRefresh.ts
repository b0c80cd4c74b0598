/**
 * The Clusters view's periodic refresh (`lvs.tree.autoRefreshSeconds`, off by default): only while the view
 * is visible and the workspace trusted; follows the setting, the view's visibility and a grant of trust.
 */
import * as vscode from 'vscode';
import type { LiveStates } from './liveStates';
import { autoRefreshSeconds } from './settings';

export class AutoRefresh implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly view: vscode.TreeView<unknown>, private readonly live: LiveStates) {
    this.subscriptions = [
      view.onDidChangeVisibility(() => this.schedule()),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('lvs.tree.autoRefreshSeconds')) this.schedule(); }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.schedule()),
    ];
  }

  /** (Re)starts or stops the timer for the current setting, visibility and trust. */
  schedule(): void {
    if (this.timer) { clearInterval(this.timer); this.timer = undefined; }
    const seconds = autoRefreshSeconds();
    if (seconds > 0 && this.view.visible && vscode.workspace.isTrusted) {
      this.timer = setInterval(() => { for (const k of this.live.allKeys()) void this.live.refresh(k); }, seconds * 1000);
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const d of this.subscriptions) d.dispose();
  }
}
