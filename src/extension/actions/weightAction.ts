/** Drain / Restore / Set Weight of a real server: the live weight on every director, under the apply lock. */
import * as vscode from 'vscode';
import { poolLink } from '../../core/apply/applyDirector';
import { serverViewKey } from '../../core/operations/clusterLiveView';
import { checkWeight, setServerWeight, weightResultText } from '../../core/operations/serverWeight';
import type { WeightResult } from '../../core/operations/serverWeight';
import { isClusterNode } from '../targets';
import type { ClusterNode } from '../tree/clusterNodes';
import { holderName, resolveTarget, SHOW_LOG } from './actionTarget';
import type { ActionContext } from './actionTarget';
import { keepalivedWeightRefusal } from './keepalivedActions';

export async function weightAction(ctx: ActionContext, arg: unknown, mode: 'drain' | 'restore' | 'ask'): Promise<void> {
  if (!isClusterNode(arg) || arg.kind !== 'server') {
    void vscode.window.showInformationMessage('Choose a real server in the Clusters view (right-click → Drain, Restore or Set Weight).');
    return;
  }
  const node: Extract<ClusterNode, { kind: 'server' }> = arg;
  const t = await resolveTarget(ctx, { file: node.file, cluster: node.cluster }, 'Set weight');
  if (!t) return;
  if (t.loaded.cluster.engine === 'keepalived') {
    void vscode.window.showWarningMessage(keepalivedWeightRefusal(t.key.cluster));
    return;
  }
  let weight: number;
  if (mode === 'drain') weight = 0;
  else if (mode === 'restore') weight = node.weight;
  else {
    const rec = ctx.live.get(t.key);
    const current = rec?.view.servers.get(serverViewKey(node.service, node.server))?.weights[0];
    const answer = await vscode.window.showInputBox({
      title: `Weight of ${node.server} (${t.key.cluster}, ${node.service})`,
      prompt: `Live weight on every director (0 drains it). The file says ${node.weight}; Apply would restore that.`,
      value: String(current ?? node.weight),
      validateInput: (v) => (/^\d+$/.test(v.trim()) ? checkWeight(Number(v.trim())) : 'a whole number from 0 to 65535'),
    });
    if (answer === undefined) return;
    weight = Number(answer.trim());
  }
  const what = mode === 'drain' ? 'Draining' : mode === 'restore' ? 'Restoring' : 'Setting weight of';
  const results: WeightResult[] = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${what} ${node.server}…` },
    () => Promise.all(t.loaded.cluster.directors.map((d) => setServerWeight(poolLink(t.pool, d.host), { service: node.service, server: node.server, weight }, { cluster: t.key.cluster, holder: holderName(t.key.cluster) }))),
  );
  for (const r of results) ctx.log.info(`[weight ${t.key.cluster}] ${weightResultText(r)}${r.line ? ` (${r.line})` : ''}`);
  // The tree shows the new state before the result is announced (and before anything clicks on it again).
  await ctx.live.refresh(t.key);
  const failed = results.filter((r) => r.outcome === 'failed' || r.outcome === 'absent');
  if (failed.length) {
    const c = await vscode.window.showErrorMessage(failed.map(weightResultText).join('; '), SHOW_LOG);
    if (c) ctx.log.show();
  } else {
    const verb = mode === 'drain' ? `drained (weight 0): established connections finish, no new ones arrive` : mode === 'restore' ? `restored to weight ${weight}` : `set to weight ${weight}`;
    void vscode.window.showInformationMessage(`${node.server} ${verb} on ${results.map((r) => r.host).join(', ')}.`);
  }
}
