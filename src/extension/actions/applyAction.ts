/**
 * Apply: the plan in a modal, then every director concurrently under a cancellable progress (Cancel rolls
 * back), each phase in the log, the result with Show Log once the tree shows the new state.
 */
import * as vscode from 'vscode';
import type { ApplyEvent, DirectorResult } from '../../core/apply/applyDirector';
import { applyCluster, applyResultText, overallStatus } from '../../core/operations/applyCluster';
import { previewHasChanges, previewSummaryLines, previewText } from '../../core/operations/directorPreview';
import { applySettings } from '../settings';
import { holderName, plural, readPreviews, reportUnreachable, resolveTarget, SHOW_LOG } from './actionTarget';
import type { ActionContext } from './actionTarget';
import { keepalivedApplyAction } from './keepalivedActions';

/** The second button of the apply confirmation: the directors roll the change back unless it is kept in time. */
const APPLY_UNLESS_KEPT = 'Apply, Roll Back Unless Kept';
const CONFIRM_WITHIN_SECONDS = 60;

/** Asked once the table is applied and verified; no answer in time is a rollback (the directors do it anyway). */
async function keepOrRollBack(cluster: string, seconds: number): Promise<'commit' | 'rollback'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((r) => { timer = setTimeout(() => r(undefined), seconds * 1000); });
  const answer = await Promise.race([vscode.window.showWarningMessage(`${cluster} is applied and verified. Keep it? Every director rolls it back by itself in ${seconds} s.`, 'Keep', 'Roll Back'), late]);
  clearTimeout(timer);
  return answer === 'Keep' ? 'commit' : 'rollback';
}

function phaseText(e: ApplyEvent): string {
  switch (e.phase) {
    case 'locked': return 'lock taken';
    case 'snapshot': return `snapshot taken (${e.detail ?? ''})`;
    case 'sysctls': return `sysctls set: ${e.detail ?? ''}`;
    case 'batch-start': return `sending ${e.detail ?? 'the batch'} (ipvsadm -R)`;
    case 'batch-done': return `batch done (${e.detail ?? ''}), reading back`;
    case 'verified': return 'read back equals the file';
    case 'drain-wait': return `draining ${e.detail ?? ''}`;
    case 'drain-delete': return 'deleting drained real servers';
    case 'rollback-start': return `FAILED (${e.detail ?? ''}); rolling back`;
    case 'rollback-done': return 'rolled back to the snapshot';
    case 'persisted': return `boot rules: ${e.detail ?? ''}`;
    case 'awaiting-confirmation': return `applied; waiting for confirmation (${e.detail ?? ''})`;
    case 'committed': return 'committed';
  }
}
export async function applyAction(ctx: ActionContext, arg?: unknown): Promise<void> {
  const t = await resolveTarget(ctx, arg, 'Apply');
  if (!t) return;
  const settings = applySettings();
  // engine: keepalived — keepalived owns the cluster's IPVS services; never written with ipvsadm.
  if (t.loaded.cluster.engine === 'keepalived') return keepalivedApplyAction(ctx, t, settings.confirm);
  const previews = await readPreviews(ctx, t, 'Apply');
  if (await reportUnreachable(ctx, previews, `Apply ${t.key.cluster}`)) return;
  if (!previews.some(previewHasChanges)) {
    void vscode.window.showInformationMessage(`${t.key.cluster}: nothing to do — every director matches ${t.fileLabel}.`);
    return;
  }
  const planText = previews.map(previewText).join('\n');
  ctx.log.block(`[apply ${t.key.cluster}] plan:\n${planText}`);
  let confirmWithin: number | undefined;
  if (settings.confirm) {
    const details = ctx.docs.set(`/${t.key.cluster}/plan.txt`, `Plan for cluster ${t.key.cluster} (${t.fileLabel}), read ${new Date().toLocaleString()}\n\n${planText}`);
    const ok = await vscode.window.showWarningMessage(
      `Apply cluster ${t.key.cluster} to ${previews.map((p) => p.host).join(', ')}?`,
      { modal: true, detail: `${previewSummaryLines(previews).join('\n')}\n\nAny failure, or Cancel while it runs, restores each director's table as it was.` },
      'Apply', APPLY_UNLESS_KEPT, 'Show Plan Details',
    );
    if (ok === 'Show Plan Details') await vscode.window.showTextDocument(details, { preview: false });
    if (ok !== 'Apply' && ok !== APPLY_UNLESS_KEPT) { ctx.log.info(`[apply ${t.key.cluster}] not confirmed`); return; }
    if (ok === APPLY_UNLESS_KEPT) confirmWithin = CONFIRM_WITHIN_SECONDS;
  }
  const results = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Applying ${t.key.cluster}`, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => { ctx.log.warn(`[apply ${t.key.cluster}] cancelled by the user: rolling back`); controller.abort(); });
      try {
        return await applyCluster(t.pool, t.loaded, previews, {
          drainTimeoutMs: settings.drainTimeoutSeconds * 1000,
          persist: settings.persist,
          holder: holderName(t.key.cluster),
          signal: controller.signal,
          ...(confirmWithin !== undefined ? { confirmWithinSeconds: confirmWithin, confirm: () => keepOrRollBack(t.key.cluster, CONFIRM_WITHIN_SECONDS) } : {}),
          onEvent: (e) => {
            const text = `${e.host}: ${phaseText(e)}`;
            ctx.log.info(`[apply ${t.key.cluster}] ${text}`);
            progress.report({ message: text });
          },
        });
      } finally {
        sub.dispose();
      }
    },
  );
  for (const r of results) ctx.log.block(`[apply ${t.key.cluster}] ${applyResultText(r)}`, r.status === 'applied' || r.status === 'unchanged' ? 'info' : 'error');
  // The tree shows the new state before the result is announced (and before anything clicks on it again).
  await ctx.live.refresh(t.key);
  await reportApply(ctx, t.key.cluster, results);
}

async function reportApply(ctx: ActionContext, cluster: string, results: DirectorResult[]): Promise<void> {
  const status = overallStatus(results);
  const each = results.map((r) => `${r.host}: ${r.status === 'applied' ? `${plural(r.steps.length, 'step')} applied` : r.status}`).join(' · ');
  let choice: string | undefined;
  if (status === 'applied' || status === 'unchanged') {
    choice = await vscode.window.showInformationMessage(`Applied ${cluster}: ${each}. Read back equals the file.`, SHOW_LOG);
  } else if (status === 'rollback-failed') {
    choice = await vscode.window.showErrorMessage(`Apply of ${cluster} FAILED and the rollback failed too (${each}): the table may be partly applied. The snapshot is in the log.`, SHOW_LOG);
  } else {
    const why = results.find((r) => r.error)?.error ?? '';
    choice = await vscode.window.showErrorMessage(`Apply of ${cluster} failed; every director is as before (${each}). ${why}`, SHOW_LOG);
  }
  if (choice === SHOW_LOG) ctx.log.show();
}
