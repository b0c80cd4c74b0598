/**
 * What an action is about, from however it was invoked: a Clusters-tree node, a CodeLens/command argument
 * `{ file, cluster }`, a file Uri (editor context menu), or nothing (the palette: the cluster under the cursor
 * of the active cluster file, else a quick pick; one cluster in the workspace: no question).
 */
import * as vscode from 'vscode';
import type { ClusterWorkspace } from './clusterWorkspace';
import type { ClusterRef } from '../shared/statsProtocol';
import type { ClusterNode } from './tree/clusterNodes';

export function isClusterNode(arg: unknown): arg is ClusterNode {
  return typeof arg === 'object' && arg !== null && typeof (arg as ClusterNode).kind === 'string' && typeof (arg as ClusterNode).file === 'string';
}

function isClusterRef(arg: unknown): arg is ClusterRef {
  return typeof arg === 'object' && arg !== null && typeof (arg as ClusterRef).file === 'string' && typeof (arg as ClusterRef).cluster === 'string';
}

export async function resolveCluster(arg: unknown, workspace: ClusterWorkspace, purpose: string): Promise<ClusterRef | undefined> {
  if (isClusterRef(arg)) return { file: arg.file, cluster: arg.cluster };
  await workspace.ready();
  const argUri = arg instanceof vscode.Uri ? arg : undefined;
  const editor = vscode.window.activeTextEditor;
  const doc = editor?.document;
  if (doc && (!argUri || argUri.toString() === doc.uri.toString())) {
    const entry = workspace.get(doc.uri);
    if (entry) {
      const line = editor.selection.active.line;
      const under = entry.model.clusters.find((c) => c.range.start.line <= line && line <= c.range.end.line);
      const c = under ?? (entry.model.clusters.length === 1 ? entry.model.clusters[0] : undefined);
      if (c) return { file: doc.uri.toString(), cluster: c.name };
    }
  }
  const files = argUri ? workspace.files().filter((f) => f.uri.toString() === argUri.toString()) : workspace.files();
  const items = files.flatMap((f) => f.model.clusters.map((c) => ({
    label: c.name,
    description: vscode.workspace.asRelativePath(f.uri),
    detail: f.errors.length ? `$(error) ${f.errors.length} error${f.errors.length === 1 ? '' : 's'} in the file` : undefined,
    key: { file: f.uri.toString(), cluster: c.name },
  })));
  if (items.length === 0) {
    const choice = await vscode.window.showWarningMessage('No cluster in this workspace: a cluster file (lvs.yaml, *.lvs.yaml) describes them.', 'Create Cluster File');
    if (choice) await vscode.commands.executeCommand('lvs.createClusterFile');
    return undefined;
  }
  if (items.length === 1) return items[0].key;
  const pick = await vscode.window.showQuickPick(items, { title: `${purpose}: which cluster?`, matchOnDescription: true });
  return pick?.key;
}
