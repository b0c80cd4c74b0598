/**
 * Which cluster `lvs.showStats` is about: the cluster under the cursor of a cluster file in the editor,
 * else a quick pick over the clusters of the workspace's (valid) cluster files; one cluster: no question.
 */
import * as vscode from 'vscode';
import { validateClusterFile } from '../../core/clusterFile/validate';
import type { ClusterRef } from '../../shared/statsProtocol';
import { CLUSTER_FILE_GLOBS, settingGlobPatterns } from '../fileMatcher';
import { clusterGlobs } from '../settings';

async function clustersOf(uri: vscode.Uri): Promise<{ names: string[]; ranges: { name: string; start: number; end: number }[]; errors: number }> {
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const { model, diagnostics } = validateClusterFile(text);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return {
    names: model.clusters.map((c) => c.name),
    ranges: model.clusters.map((c) => ({ name: c.name, start: c.range.start.line, end: c.range.end.line })),
    errors,
  };
}

export async function pickCluster(arg?: unknown): Promise<ClusterRef | undefined> {
  // From the Clusters view or a CodeLens: `{ file, cluster }`.
  const given = arg as Partial<ClusterRef> | undefined;
  if (given && typeof given === 'object' && typeof given.file === 'string' && typeof given.cluster === 'string') return { file: given.file, cluster: given.cluster };
  const editor = vscode.window.activeTextEditor;
  const argUri = arg instanceof vscode.Uri ? arg : undefined;
  // From the editor (context menu, or the palette while a cluster file is active): the cluster under the cursor.
  if (editor && (!argUri || argUri.toString() === editor.document.uri.toString())) {
    const doc = editor.document;
    if (doc.languageId === 'lvs-cluster' || /(^|\/)(lvs|[^/]*\.lvs)\.ya?ml$/.test(doc.uri.path)) {
      const { model, diagnostics } = validateClusterFile(doc.getText());
      if (!diagnostics.some((d) => d.severity === 'error')) {
        const line = editor.selection.active.line;
        const under = model.clusters.find((c) => c.range.start.line <= line && line <= c.range.end.line);
        const only = model.clusters.length === 1 ? model.clusters[0] : undefined;
        const c = under ?? only;
        if (c) return { file: doc.uri.toString(), cluster: c.name };
      }
    }
  }
  const patterns: vscode.GlobPattern[] = [...CLUSTER_FILE_GLOBS, ...settingGlobPatterns(clusterGlobs())];
  const found = new Map<string, vscode.Uri>();
  for (const p of patterns) for (const u of await vscode.workspace.findFiles(p, '**/node_modules/**', 200)) found.set(u.toString(), u);
  if (argUri) found.set(argUri.toString(), argUri);
  const items: (vscode.QuickPickItem & { ref: ClusterRef })[] = [];
  let broken = 0;
  for (const uri of [...found.values()].sort((a, b) => a.path.localeCompare(b.path))) {
    let info;
    try { info = await clustersOf(uri); } catch { continue; }
    if (info.errors > 0) { broken++; continue; }
    for (const name of info.names) items.push({ label: name, description: vscode.workspace.asRelativePath(uri), ref: { file: uri.toString(), cluster: name } });
  }
  if (items.length === 0) {
    void vscode.window.showWarningMessage(broken > 0
      ? `No valid cluster file in the workspace (${broken} with errors: fix them first, see the Problems panel).`
      : 'No cluster file in the workspace (lvs.yaml, *.lvs.yaml).');
    return undefined;
  }
  if (items.length === 1) return items[0].ref;
  const pick = await vscode.window.showQuickPick(items, { title: 'Show connection statistics of which cluster?', matchOnDescription: true });
  return pick?.ref;
}
