/**
 * The statistics panels, one per cluster: creates or reveals a panel, connects it to a StatsPoller over an
 * SshPool built from the cluster file, polls only while the panel is visible and not paused, and answers the
 * webview's requests (retry, pause, connection table pages). Registered lazily by extension.ts; the
 * WebviewPanelSerializer brings panels back after a window reload.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ConnectionTable } from '../../core/ipvs/connParser';
import { connectionsCommand, pageConnections } from '../../core/stats/connections';
import { StatsPoller } from '../../core/stats/statsPoller';
import { statsTarget } from '../../core/stats/statsPool';
import { statsReadingCommand } from '../../core/stats/statsReading';
import type { SshPool } from '../../core/ssh/connectionPool';
import type { ClusterRef, HostToWebviewMessage, WebviewToHostMessage } from '../../shared/statsProtocol';
import { isWebviewToHostMessage, STATS_VIEW_TYPE } from '../../shared/statsProtocol';
import type { ClusterWorkspace } from '../clusterWorkspace';
import { resolveCluster } from '../targets';
import type { LvsLog } from '../log';
import type { SshService } from '../ssh/sshService';

/** Where a panel writes its lines (the LVS log). */
interface LineLog { appendLine(line: string): void }

export function statsSettings(): { intervalSeconds: number; thresholds: boolean; persistentConn: boolean } {
  const c = vscode.workspace.getConfiguration('lvs.stats');
  return {
    intervalSeconds: Math.max(1, c.get<number>('intervalSeconds', 2)),
    thresholds: c.get<boolean>('thresholds', false),
    persistentConn: c.get<boolean>('persistentConn', false),
  };
}

function nonce(): string {
  return randomBytes(18).toString('base64').replace(/[+/=]/g, (c) => ({ '+': '-', '/': '_', '=': '' })[c] ?? '');
}

export function statsHtml(webview: vscode.Webview, bundleDir: vscode.Uri): string {
  const n = nonce();
  const js = webview.asWebviewUri(vscode.Uri.joinPath(bundleDir, 'main.js'));
  const css = webview.asWebviewUri(vscode.Uri.joinPath(bundleDir, 'main.css'));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `style-src ${webview.cspSource} 'nonce-${n}'`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${n}" href="${css.toString()}">
<title>LVS statistics</title>
</head>
<body>
<div id="app"></div>
<script nonce="${n}" src="${js.toString()}"></script>
</body>
</html>`;
}

class StatsPanel implements vscode.Disposable {
  private unsubscribe?: () => void;
  private paused = false;
  private readonly disposables: vscode.Disposable[] = [];
  private connCache = new Map<string, { table: ConnectionTable; fetchedAt: number }>();

  constructor(
    readonly ref: ClusterRef,
    readonly panel: vscode.WebviewPanel,
    private readonly poller: StatsPoller,
    private readonly pool: SshPool,
    private readonly log: LineLog,
    onDispose: () => void,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => { if (isWebviewToHostMessage(m)) void this.onMessage(m); }),
      panel.onDidChangeViewState(() => this.updatePolling()),
      panel.onDidDispose(() => { this.dispose(); onDispose(); }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('lvs.stats.intervalSeconds')) this.poller.setIntervalMs(statsSettings().intervalSeconds * 1000);
      }),
    );
    this.updatePolling();
  }

  private post(m: HostToWebviewMessage): void {
    void this.panel.webview.postMessage(m);
  }

  /** Poll only while the panel is visible and not paused. */
  private updatePolling(): void {
    const want = this.panel.visible && !this.paused;
    if (want && !this.unsubscribe) {
      this.log.appendLine(`[${this.ref.cluster}] polling every ${this.poller.interval / 1000} s`);
      this.unsubscribe = this.poller.subscribe({
        snapshot: (snapshot) => this.post({ type: 'snapshot', snapshot }),
        status: (status) => {
          if (status.state === 'error') this.log.appendLine(`[${this.ref.cluster}] ${status.director}: ${status.error ?? ''} (failure ${status.failures})`);
          this.post({ type: 'status', status });
        },
      });
    } else if (!want && this.unsubscribe) {
      this.unsubscribe();
      delete this.unsubscribe;
      this.log.appendLine(`[${this.ref.cluster}] polling stopped (${this.paused ? 'paused' : 'panel hidden'})`);
    }
  }

  private async onMessage(m: WebviewToHostMessage): Promise<void> {
    switch (m.type) {
      case 'ready': {
        this.post({ type: 'init', ref: this.ref, directors: this.poller.directors, intervalSeconds: this.poller.interval / 1000, paused: this.paused });
        for (const d of this.poller.directors) {
          const h = this.poller.history(d);
          if (h && h.pointCount() > 0) this.post({ type: 'history', director: d, series: h.toJSON() });
          const last = this.poller.lastSnapshot(d);
          if (last) this.post({ type: 'snapshot', snapshot: last });
          const st = this.poller.status(d);
          if (st) this.post({ type: 'status', status: st });
        }
        break;
      }
      case 'pause':
      case 'resume':
        this.paused = m.type === 'pause';
        this.updatePolling();
        this.post({ type: 'paused', paused: this.paused });
        break;
      case 'retry':
        this.poller.retry(m.director);
        break;
      case 'connections': {
        try {
          let cached = this.connCache.get(m.director);
          if (m.refresh || !cached) {
            const table = await this.pool.run(m.director, connectionsCommand());
            cached = { table, fetchedAt: Date.now() };
            this.connCache.set(m.director, cached);
          }
          this.post({ type: 'connections', page: pageConnections(cached.table, { director: m.director, filter: m.filter, page: m.page, pageSize: m.pageSize, fetchedAt: cached.fetchedAt }) });
        } catch (err) {
          this.post({ type: 'connectionsError', director: m.director, error: err instanceof Error ? err.message : String(err) });
        }
        break;
      }
    }
  }

  dispose(): void {
    this.unsubscribe?.();
    delete this.unsubscribe;
    this.poller.dispose();
    // The pool is the extension's, shared with the other actions: its idle timer closes the connections.
    this.connCache = new Map();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

export class StatsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, StatsPanel>();
  private readonly log: LineLog;
  private readonly bundleDir: vscode.Uri;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly workspace: ClusterWorkspace,
    private readonly ssh: () => SshService,
    log: LvsLog,
  ) {
    this.log = { appendLine: (line) => log.info(`[stats] ${line}`) };
    this.bundleDir = vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview');
  }

  /** `lvs.showStats`. */
  async show(arg?: unknown): Promise<void> {
    const ref = await resolveCluster(arg, this.workspace, 'Show connection statistics');
    if (!ref) return;
    const key = `${ref.file}#${ref.cluster}`;
    const existing = this.panels.get(key);
    if (existing) { existing.panel.reveal(); return; }
    const panel = vscode.window.createWebviewPanel(STATS_VIEW_TYPE, `LVS: ${ref.cluster}`, vscode.ViewColumn.Active, this.webviewOptions());
    await this.attach(panel, ref);
  }

  /** The WebviewPanelSerializer's half: a panel restored after a window reload. */
  async revive(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const ref = (state as { ref?: ClusterRef } | undefined)?.ref;
    if (!ref || typeof ref.file !== 'string' || typeof ref.cluster !== 'string') { panel.dispose(); return; }
    panel.webview.options = this.webviewOptions();
    await this.attach(panel, ref);
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [this.bundleDir], retainContextWhenHidden: false };
  }

  private async attach(panel: vscode.WebviewPanel, ref: ClusterRef): Promise<void> {
    const key = `${ref.file}#${ref.cluster}`;
    // The workspace's validated model of the file (the same one the tree and every action use); a panel
    // revived after a window reload may come before the first scan of the cluster files.
    await this.workspace.ready();
    const entry = this.workspace.get(ref.file);
    const where = vscode.workspace.asRelativePath(vscode.Uri.parse(ref.file));
    const problem = !entry ? `${where} is not a cluster file of this workspace.`
      : entry.errors.length > 0 ? `${where} has ${entry.errors.length} error(s): fix them before showing statistics.`
        : !entry.model.clusters.some((c) => c.name === ref.cluster) ? `No cluster '${ref.cluster}' in ${where}.` : undefined;
    if (!entry || problem) {
      panel.dispose();
      void vscode.window.showErrorMessage(problem ?? `${where}: no cluster file.`);
      return;
    }
    const model = entry.model;
    const target = statsTarget(model, ref.cluster);
    const pool = this.ssh().poolFor(vscode.Uri.parse(ref.file), model);
    const settings = statsSettings();
    const command = statsReadingCommand({ thresholds: settings.thresholds, persistentConn: settings.persistentConn });
    const poller = new StatsPoller({
      directors: target.directors,
      intervalMs: settings.intervalSeconds * 1000,
      serviceNames: target.serviceNames,
      serverHosts: target.serverHosts,
      read: (director) => pool.run(director, command),
    });
    panel.title = `LVS: ${ref.cluster}`;
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'lvs-file.svg');
    panel.webview.html = statsHtml(panel.webview, this.bundleDir);
    this.panels.set(key, new StatsPanel(ref, panel, poller, pool, this.log, () => this.panels.delete(key)));
  }

  dispose(): void {
    for (const p of this.panels.values()) p.panel.dispose();
    this.panels.clear();
  }
}
