/** Refresh: reads the live state of clusters for the tree (a node's cluster, a file's clusters, or all). */
import * as vscode from 'vscode';
import { isClusterNode, resolveCluster } from '../targets';
import type { ActionContext } from './actionTarget';

/** A node or `{file, cluster}`: that cluster (a file node: its clusters); nothing (view title, palette): every cluster. */
export async function refreshAction(ctx: ActionContext, arg?: unknown): Promise<void> {
  await ctx.workspace.ready();
  let keys = ctx.live.allKeys();
  if (isClusterNode(arg)) keys = keys.filter((k) => k.file === arg.file && (arg.kind === 'file' || k.cluster === arg.cluster));
  else if (arg !== undefined) {
    const key = await resolveCluster(arg, ctx.workspace, 'Refresh live state');
    keys = key ? [key] : [];
  }
  if (keys.length === 0) return;
  await vscode.window.withProgress({ location: { viewId: 'lvs.clusters' } }, () => Promise.all(keys.map((k) => ctx.live.refresh(k))));
}
