/**
 * The Clusters view: a TreeDataProvider over ClusterWorkspace (structure) and LiveStates (state). Ids are
 * stable, so rows update in place; a live-state change refreshes only its cluster's node, a file change only
 * its file's node. contextValues are `;`-separated flags (docs/extension.md) that package.json menus match.
 */
import * as vscode from 'vscode';
import type { ClusterFileEntry, ClusterWorkspace } from '../clusterWorkspace';
import type { LiveStates } from '../liveStates';
import { serverViewKey } from '../../core/operations/clusterLiveView';
import type { ClusterNode } from './clusterNodes';
import { clusterChildren, clusterNodeId, serviceChildren } from './clusterNodes';

export const CLUSTERS_VIEW_ID = 'lvs.clusters';

const color = {
  ok: new vscode.ThemeColor('testing.iconPassed'),
  warn: new vscode.ThemeColor('list.warningForeground'),
  error: new vscode.ThemeColor('list.errorForeground'),
  muted: new vscode.ThemeColor('disabledForeground'),
};

/** `error: <first message>` (+N more), short enough for a row's description. */
function errorSummary(errors: readonly string[]): string {
  const first = errors[0].length > 60 ? `${errors[0].slice(0, 59)}…` : errors[0];
  return `error: ${first}${errors.length > 1 ? ` (+${errors.length - 1} more)` : ''}`;
}

export class ClustersTree implements vscode.TreeDataProvider<ClusterNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ClusterNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The nodes last handed to VS Code, by id: refreshes must name those objects. */
  private readonly shown = new Map<string, ClusterNode>();
  private readonly subscriptions: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly workspace: ClusterWorkspace,
    private readonly live: LiveStates,
  ) {
    this.subscriptions.push(
      workspace.onDidChange((uri) => {
        const node = uri ? this.shown.get(uri.toString()) : undefined;
        this.changed.fire(node && workspace.get(uri!) ? node : undefined);
      }),
      live.onDidChange((key) => {
        const node = this.shown.get(clusterNodeId(key.file, key.cluster));
        if (node) this.changed.fire(node);
      }),
    );
  }

  private remember(nodes: ClusterNode[]): ClusterNode[] {
    for (const n of nodes) this.shown.set(n.id, n);
    return nodes;
  }

  getChildren(node?: ClusterNode): ClusterNode[] {
    if (!node) return this.remember(this.workspace.files().map((f) => ({ kind: 'file', id: f.uri.toString(), file: f.uri.toString() })));
    const entry = this.workspace.get(node.file);
    if (!entry) return [];
    switch (node.kind) {
      case 'file':
        return this.remember(entry.model.clusters.map((c) => ({ kind: 'cluster', id: clusterNodeId(node.file, c.name), file: node.file, cluster: c.name, range: c.range })));
      case 'cluster': {
        const c = entry.model.clusters.find((x) => x.name === node.cluster);
        return c ? this.remember(clusterChildren(node.file, entry.model, c, entry.errors)) : [];
      }
      case 'service':
        return this.remember(serviceChildren(entry.model, node, entry.errors));
      default:
        return [];
    }
  }

  getParent(node: ClusterNode): ClusterNode | undefined {
    if (node.kind === 'file') return undefined;
    if (node.kind === 'cluster') return this.shown.get(node.file);
    if (node.kind === 'server') return this.shown.get(node.id.slice(0, node.id.lastIndexOf('/r/')));
    return this.shown.get(clusterNodeId(node.file, node.cluster));
  }

  getTreeItem(node: ClusterNode): vscode.TreeItem {
    const entry = this.workspace.get(node.file);
    switch (node.kind) {
      case 'file': return this.fileItem(node, entry);
      case 'cluster': return this.clusterItem(node, entry);
      case 'director': return this.directorItem(node);
      case 'service': return this.serviceItem(node);
      case 'server': return this.serverItem(node);
    }
  }

  private reveal(node: ClusterNode): vscode.Command {
    return { command: 'lvs.revealInFile', title: 'Reveal in Cluster File', arguments: [node] };
  }

  private fileItem(node: Extract<ClusterNode, { kind: 'file' }>, entry: ClusterFileEntry | undefined): vscode.TreeItem {
    const uri = vscode.Uri.parse(node.file);
    const item = new vscode.TreeItem(vscode.workspace.asRelativePath(uri), vscode.TreeItemCollapsibleState.Expanded);
    item.id = node.id;
    item.resourceUri = uri;
    const clusters = entry?.model.clusters.length ?? 0;
    const errors = entry?.errors.length ?? 0;
    item.description = errors > 0 ? `${errors} error${errors === 1 ? '' : 's'}` : `${clusters} cluster${clusters === 1 ? '' : 's'}`;
    item.tooltip = errors > 0 ? `${errors} error${errors === 1 ? '' : 's'}: host actions are off until the file is valid (see the Problems panel)` : uri.fsPath;
    item.iconPath = errors > 0 ? new vscode.ThemeIcon('error', color.error) : vscode.ThemeIcon.File;
    item.contextValue = errors > 0 ? 'lvs.file;errors;' : 'lvs.file;';
    item.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
    return item;
  }

  private clusterItem(node: Extract<ClusterNode, { kind: 'cluster' }>, entry: ClusterFileEntry | undefined): vscode.TreeItem {
    const item = new vscode.TreeItem(node.cluster, vscode.TreeItemCollapsibleState.Expanded);
    item.id = node.id;
    const spec = entry?.model.clusters.find((c) => c.name === node.cluster);
    const d = spec?.directors.length ?? 0;
    const s = spec?.services.length ?? 0;
    const keepalived = spec?.engine === 'keepalived';
    const shape = `${d} director${d === 1 ? '' : 's'} · ${s} service${s === 1 ? '' : 's'}${keepalived ? ' · keepalived' : ''}`;
    const key = { file: node.file, cluster: node.cluster };
    const rec = this.live.get(key);
    const flags = ['lvs.cluster'];
    const tip = new vscode.MarkdownString(`**${node.cluster}** — ${shape}\n\n`);
    if (this.live.isReading(key)) {
      item.description = `${shape} · reading…`;
      item.iconPath = new vscode.ThemeIcon('loading~spin');
    } else if (!rec) {
      item.description = shape;
      item.iconPath = new vscode.ThemeIcon('server-environment');
      tip.appendMarkdown('Live state not read yet: **Refresh** reads every director (one SSH command each).');
    } else if (rec.ha) {
      flags.push('live', 'keepalived');
      const ha = rec.ha;
      const read = ha.directors.filter((x) => x.role !== undefined).length;
      const down = new Set(ha.services.flatMap((sv) => sv.realServers.filter((r) => r.verdicts.some((v) => v.verdict === 'down')).map((r) => `${sv.service} ${r.server}`))).size;
      const parts = [shape];
      if (read === 0) parts.push('unreachable');
      else if (ha.masters.length === 1) parts.push(`MASTER ${ha.masters[0]}`);
      else if (ha.masters.length === 0) parts.push('no MASTER');
      else parts.push(`split brain: ${ha.masters.length} MASTERs`);
      if (down > 0) parts.push(`${down} real server${down === 1 ? '' : 's'} down`);
      if (read > 0 && read < ha.directors.length) parts.push(`${ha.directors.length - read} unreadable`);
      item.description = parts.join(' · ');
      const bad = read === 0 || ha.masters.length !== 1;
      if (read === 0) flags.push('unreachable');
      item.iconPath = bad ? new vscode.ThemeIcon('error', color.error) : down > 0 || read < ha.directors.length ? new vscode.ThemeIcon('warning', color.warn) : new vscode.ThemeIcon('pass', color.ok);
      for (const dir of ha.directors) {
        tip.appendMarkdown(`- \`${dir.host}\`: ${dir.role !== undefined ? `${dir.role}, priority ${dir.effectivePriority ?? dir.priority ?? '?'}${dir.heldVips.length ? `, holds ${dir.heldVips.join(', ')}` : ''}` : `unreadable — ${dir.error ?? ''}`}\n`);
      }
      tip.appendMarkdown(`\nkeepalived's state (its data dumps), read ${rec.readAt.toLocaleTimeString()}.`);
    } else {
      flags.push('live');
      const v = rec.view;
      const changes = v.directors.reduce((n, x) => n + x.changes, 0);
      if (v.reachable === 0) {
        flags.push('unreachable');
        item.description = `${shape} · unreachable`;
        item.iconPath = new vscode.ThemeIcon('error', color.error);
      } else if (v.drift) {
        flags.push('drift');
        item.description = `${shape} · drift: ${changes} change${changes === 1 ? '' : 's'}`;
        item.iconPath = new vscode.ThemeIcon('warning', color.warn);
      } else {
        item.description = `${shape} · ${v.reachable < v.directors.length ? `${v.directors.length - v.reachable} unreachable` : 'in sync'}`;
        item.iconPath = new vscode.ThemeIcon(v.reachable < v.directors.length ? 'warning' : 'pass', v.reachable < v.directors.length ? color.warn : color.ok);
      }
      for (const dir of v.directors) {
        tip.appendMarkdown(`- \`${dir.host}\`: ${dir.reachable ? (dir.changes ? `${dir.changes} change${dir.changes === 1 ? '' : 's'} to apply` : 'matches the file') : `unreachable — ${dir.error ?? ''}`}${dir.foreign.length ? ` · foreign services: ${dir.foreign.join(', ')}` : ''}\n`);
      }
      tip.appendMarkdown(`\nRead ${rec.readAt.toLocaleTimeString()}.`);
    }
    item.tooltip = tip;
    item.contextValue = `${flags.join(';')};`;
    item.command = this.reveal(node);
    return item;
  }

  private directorItem(node: Extract<ClusterNode, { kind: 'director' }>): vscode.TreeItem {
    const item = new vscode.TreeItem(node.host, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    const rec = this.live.get(node);
    const dir = rec?.view.directors.find((x) => x.host === node.host);
    const parts = ['director'];
    if (node.address) parts.push(node.address);
    const flags = ['lvs.director', 'host'];
    const ha = rec?.ha?.directors.find((x) => x.host === node.host);
    if (ha) {
      if (ha.role !== undefined) {
        flags.push('live', `vrrp-${ha.role.toLowerCase()}`);
        parts.push(ha.role, `priority ${ha.effectivePriority ?? ha.priority ?? '?'}`);
        if (ha.heldVips.length > 0) parts.push(`holds ${ha.heldVips.join(', ')}`);
        item.iconPath = new vscode.ThemeIcon(ha.role === 'MASTER' ? 'star-full' : 'server', ha.role === 'MASTER' ? color.ok : ha.role === 'BACKUP' ? color.muted : color.error);
      } else {
        flags.push('unreachable');
        parts.push(`unreadable: ${ha.error ?? ''}`);
        item.iconPath = new vscode.ThemeIcon('debug-disconnect', color.error);
      }
      item.description = parts.join(' · ');
      item.tooltip = ha.role !== undefined
        ? `Director ${node.host}: VRRP ${ha.role}${ha.masterRouter ? ` (hears master ${ha.masterRouter})` : ''}${ha.since !== undefined ? ` since ${new Date(ha.since * 1000).toLocaleString()}` : ''}`
        : `${node.host}: ${ha.error ?? 'not read'}`;
      item.contextValue = `${flags.join(';')};`;
      item.command = this.reveal(node);
      return item;
    }
    if (!dir) {
      item.iconPath = new vscode.ThemeIcon('server');
    } else if (dir.reachable) {
      flags.push('live');
      parts.push(dir.changes ? `reachable · ${dir.changes} change${dir.changes === 1 ? '' : 's'} to apply` : 'reachable');
      item.iconPath = new vscode.ThemeIcon('server', dir.changes ? color.warn : color.ok);
    } else {
      flags.push('unreachable');
      parts.push(`unreachable: ${dir.error ?? ''}`);
      item.iconPath = new vscode.ThemeIcon('debug-disconnect', color.error);
    }
    item.description = parts.join(' · ');
    item.tooltip = dir && !dir.reachable ? `${node.host} could not be read: ${dir.error ?? ''}` : `Director ${node.host}${node.address ? ` (${node.address})` : ''}`;
    item.contextValue = `${flags.join(';')};`;
    item.command = this.reveal(node);
    return item;
  }

  private serviceItem(node: Extract<ClusterNode, { kind: 'service' }>): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = node.id;
    const rec = this.live.get(node);
    const sv = rec?.view.services.get(node.service);
    const parts: string[] = node.name !== undefined ? [node.name] : [];
    const flags = ['lvs.service'];
    let icon = new vscode.ThemeIcon('globe');
    if (sv && rec && rec.view.reachable > 0) {
      flags.push('live');
      if (sv.drift.length > 0) {
        flags.push('drift');
        parts.push(sv.presentOn === 0 ? `missing on ${rec.view.directors.filter((d) => d.reachable).map((d) => d.host).join(', ')}` : sv.drift.join('; '));
        icon = new vscode.ThemeIcon('globe', color.warn);
      }
    }
    if (node.errors?.length) {
      flags.push('errors');
      parts.unshift(errorSummary(node.errors));
      icon = new vscode.ThemeIcon('error', color.error);
    }
    item.description = parts.join(' · ');
    item.tooltip = new vscode.MarkdownString(`\`${node.service}\`${node.name ? ` (${node.name})` : ''}${node.errors?.length ? `\n\nErrors in the file:\n${node.errors.map((e) => `- ${e}`).join('\n')}` : ''}${sv?.drift.length ? `\n\nDiffers from the file:\n${sv.drift.map((d) => `- ${d}`).join('\n')}` : ''}`);
    item.iconPath = icon;
    item.contextValue = `${flags.join(';')};`;
    item.command = this.reveal(node);
    return item;
  }

  private serverItem(node: Extract<ClusterNode, { kind: 'server' }>): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    const rec = this.live.get(node);
    const v = rec && rec.view.reachable > 0 ? rec.view.servers.get(serverViewKey(node.service, node.server)) : undefined;
    const parts: string[] = node.host !== undefined ? [node.host] : [];
    const flags = ['lvs.realServer'];
    if (node.host !== undefined) flags.push('host');
    let icon = new vscode.ThemeIcon('vm');
    const tip = new vscode.MarkdownString(`Real server \`${node.server}\` of \`${node.service}\`${node.host ? ` (host \`${node.host}\`)` : ''}, weight ${node.weight} in the file`);
    const verdicts = rec?.ha?.services.find((sv) => sv.service === node.service)?.realServers.find((r) => r.server === node.server)?.verdicts;
    if (verdicts && verdicts.length > 0) {
      // Not `live`/`serving`: Drain and Set Weight write ipvsadm lines, and keepalived owns this table.
      flags.push('keepalived');
      const down = verdicts.filter((x) => x.verdict === 'down');
      if (down.length > 0) {
        flags.push('checkDown');
        const details = [...new Set(down.map((x) => x.detail ?? ''))].filter(Boolean);
        parts.push(`DOWN${down.length < verdicts.length ? ` on ${down.map((x) => x.director).join(', ')}` : ''}${details.length ? `: ${details.join('; ')}` : ''}`);
        icon = new vscode.ThemeIcon('vm-outline', color.error);
      } else if (verdicts.every((x) => x.verdict === 'up')) {
        flags.push('checkUp');
        parts.push('UP');
        icon = new vscode.ThemeIcon('vm-active', color.ok);
      } else {
        parts.push(verdicts.map((x) => `${x.director}: ${x.verdict === 'unchecked' ? 'not checked' : x.verdict}`).join(', '));
        icon = new vscode.ThemeIcon('vm', color.muted);
      }
      tip.appendMarkdown(`\n\nkeepalived's checkers:\n${verdicts.map((x) => `- \`${x.director}\`: ${x.verdict}${x.detail ? ` (${x.detail})` : ''}, ${x.inTable ? 'in' : 'out of'} the table`).join('\n')}`);
    } else if (v) {
      if (v.presentOn === 0) {
        flags.push('drift');
        parts.push('missing');
        icon = new vscode.ThemeIcon('vm-outline', color.warn);
      } else {
        flags.push('live');
        if (v.weights.some((w) => w > 0)) flags.push('serving');
        if (v.drained) {
          flags.push('drained');
          parts.push(`drained (live w=${v.weights.join('/')})`);
          icon = new vscode.ThemeIcon('debug-pause', color.warn);
        } else {
          icon = new vscode.ThemeIcon('vm-active', v.drift.length ? color.warn : color.ok);
        }
        if (v.drift.length > 0 && !v.drained) flags.push('drift');
        parts.push(`${v.activeConn} active · ${v.inactConn} inactive`);
      }
      if (v.drift.length > 0) tip.appendMarkdown(`\n\nDiffers from the file:\n${v.drift.map((d) => `- ${d}`).join('\n')}`);
      tip.appendMarkdown(`\n\nLive: ${v.activeConn} active, ${v.inactConn} inactive connections; weight ${v.weights.join(' / ') || '—'}`);
    }
    if (node.errors?.length) {
      flags.push('errors');
      parts.unshift(errorSummary(node.errors));
      icon = new vscode.ThemeIcon('error', color.error);
      tip.appendMarkdown(`\n\nErrors in the file:\n${node.errors.map((e) => `- ${e}`).join('\n')}`);
    }
    item.description = parts.join(' · ');
    item.tooltip = tip;
    item.iconPath = icon;
    item.contextValue = `${flags.join(';')};`;
    item.command = this.reveal(node);
    return item;
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}
