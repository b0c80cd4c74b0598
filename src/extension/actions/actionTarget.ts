/**
 * What every host action of the Clusters view starts from: the services it may use (ActionContext) and the
 * cluster it is about (ActionTarget: resolved from a tree node, a CodeLens argument, the editor or a quick
 * pick, loaded and valid, with the SSH pool of its file). One file per action sits beside this one.
 */
import * as vscode from 'vscode';
import { localHolder } from '../../core/apply/remoteLock';
import type { LoadedCluster } from '../../core/operations/clusterSelection';
import { previewDirectors } from '../../core/operations/directorPreview';
import type { DirectorPreview } from '../../core/operations/directorPreview';
import type { SshPool } from '../../core/ssh/connectionPool';
import type { ClusterRef } from '../../shared/statsProtocol';
import type { ClusterWorkspace } from '../clusterWorkspace';
import type { LiveStates } from '../liveStates';
import type { LvsLog } from '../log';
import type { SshService } from '../ssh/sshService';
import { resolveCluster } from '../targets';
import type { PlanDocuments } from './planDocuments';

export const SHOW_LOG = 'Show Log';

/** The extension's services an action may use. */
export interface ActionContext {
  workspace: ClusterWorkspace;
  live: LiveStates;
  ssh: () => SshService;
  log: LvsLog;
  docs: PlanDocuments;
}

/** The cluster an action works on: loaded (valid), its file's SSH pool, its file's workspace-relative name. */
export interface ActionTarget {
  key: ClusterRef;
  loaded: LoadedCluster;
  pool: SshPool;
  fileLabel: string;
}

export function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

export async function resolveTarget(ctx: ActionContext, arg: unknown, purpose: string): Promise<ActionTarget | undefined> {
  const key = await resolveCluster(arg, ctx.workspace, purpose);
  if (!key) return undefined;
  const loaded = ctx.live.load(key);
  if (typeof loaded === 'string') {
    void vscode.window.showErrorMessage(`${purpose}: ${loaded}`);
    return undefined;
  }
  const entry = ctx.workspace.get(key.file);
  if (!entry) return undefined;
  return { key, loaded, pool: ctx.ssh().poolFor(entry.uri, entry.model), fileLabel: vscode.workspace.asRelativePath(entry.uri) };
}

/** The remote lock's holder line for actions started in VS Code. */
export function holderName(cluster: string): string {
  return localHolder('VS Code (LVS)', cluster);
}

/** Every director's live table and plan, with progress; remembered for the tree. */
export async function readPreviews(ctx: ActionContext, t: ActionTarget, title: string): Promise<DirectorPreview[]> {
  const previews = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${title}: reading ${plural(t.loaded.cluster.directors.length, 'director')} of ${t.key.cluster}…` },
    () => previewDirectors(t.pool, t.loaded),
  );
  ctx.live.remember(t.key, t.loaded, previews);
  return previews;
}

/** Directors that could not be read: logged, announced ("Nothing was changed"); true when there are any. */
export async function reportUnreachable(ctx: ActionContext, previews: DirectorPreview[], what: string): Promise<boolean> {
  const bad = previews.filter((p) => p.error !== undefined);
  if (bad.length === 0) return false;
  for (const p of bad) ctx.log.error(`${p.host}: cannot read the live table: ${p.error ?? ''}`);
  const choice = await vscode.window.showErrorMessage(
    `${what}: ${bad.map((p) => `${p.host} could not be read (${p.error ?? ''})`).join('; ')}. Nothing was changed.`, SHOW_LOG);
  if (choice) ctx.log.show();
  return true;
}
