/**
 * Plan and Apply of a cluster with `engine: keepalived` (planAction and applyAction hand such clusters over
 * here): keepalived owns that cluster's IPVS services and VIPs, so the ipvsadm engine never writes them.
 * Plan: a diff editor per director (its live keepalived.conf ↔ the one rendered from the file) and a summary.
 * Apply: the plan in a modal (a keepalived.conf lvsctl did not write is replaced only on "Take Over and
 * Apply"), then every director in the core's order: write, `keepalived -t`, swap, reload, read back,
 * restore the previous file on any failure (docs/ha.md).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { applyKeepalivedCluster, keepalivedPoolLink, keepalivedResultText } from '../../core/keepalived/applyKeepalivedCluster';
import type { KeepalivedApplyResult } from '../../core/keepalived/applyKeepalivedCluster';
import type { KeepalivedDirectorPlan } from '../../core/keepalived/keepalivedPlan';
import { keepalivedPlanHasChanges, keepalivedPlanText, normaliseConf, previewKeepalivedDirectors } from '../../core/keepalived/keepalivedPlan';
import { KEEPALIVED_CONF } from '../../core/keepalived/keepalivedRemote';
import { holderName, plural, SHOW_LOG } from './actionTarget';
import type { ActionContext, ActionTarget } from './actionTarget';

const APPLY = 'Apply';
const TAKE_OVER = 'Take Over and Apply';
const DETAILS = 'Show Plan Details';
/** How long Apply waits for another apply's lock on a director. */
const LOCK_WAIT_SECONDS = 30;

/** Every director's keepalived state and plan, with progress. */
async function readKeepalivedPlans(t: ActionTarget, title: string): Promise<KeepalivedDirectorPlan[]> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${title}: reading keepalived on ${plural(t.loaded.cluster.directors.length, 'director')} of ${t.key.cluster}…` },
    () => previewKeepalivedDirectors(t.pool, t.loaded.model, t.key.cluster, path.basename(t.fileLabel)),
  );
}

/** One director's plan in a few words (the summary message and the modal). */
export function keepalivedPlanSummary(p: KeepalivedDirectorPlan): string {
  if (p.error !== undefined) return `${p.host}: not read (${p.error})`;
  if (p.missingBinary) return `${p.host}: keepalived is not installed`;
  const parts: string[] = [];
  if (p.confDiff !== '') {
    const changed = p.confDiff.split('\n').filter((l) => /^[+-](?![+-]{2} )/.test(l)).length;
    parts.push(p.live?.conf === undefined ? 'keepalived.conf to write' : `keepalived.conf: ${plural(changed, 'line')} to change`);
  }
  if (p.foreignConf !== undefined) parts.push(`the live file is ${p.foreignConf}`);
  if (p.notRunning) parts.push('keepalived to start');
  return `${p.host}: ${parts.length ? parts.join(', ') : 'runs the file\'s configuration'}`;
}

function planDetails(ctx: ActionContext, t: ActionTarget, plans: KeepalivedDirectorPlan[]): vscode.Uri {
  return ctx.docs.set(`/${t.key.cluster}/plan.txt`,
    `Plan for cluster ${t.key.cluster} (${t.fileLabel}, engine keepalived), read ${new Date().toLocaleString()}\n\n${plans.map(keepalivedPlanText).join('\n')}`);
}

/** Directors that could not be read, or cannot run keepalived: announced, "Nothing was changed"; true when any. */
async function reportBlocked(ctx: ActionContext, plans: KeepalivedDirectorPlan[], what: string): Promise<boolean> {
  const bad = plans.filter((p) => p.error !== undefined || p.missingBinary);
  if (bad.length === 0) return false;
  for (const p of bad) ctx.log.error(`${keepalivedPlanSummary(p)}`);
  const choice = await vscode.window.showErrorMessage(`${what}: ${bad.map(keepalivedPlanSummary).join('; ')}. Nothing was changed.`, SHOW_LOG);
  if (choice) ctx.log.show();
  return true;
}

export async function keepalivedPlanAction(ctx: ActionContext, t: ActionTarget, apply: (ctx: ActionContext, arg: unknown) => Promise<void>): Promise<void> {
  const plans = await readKeepalivedPlans(t, 'Plan');
  for (const p of plans) ctx.log.block(`[plan ${t.key.cluster}] ${keepalivedPlanText(p)}`);
  for (const p of plans.filter((x) => x.error === undefined)) {
    const live = ctx.docs.set(`/${t.key.cluster}/${p.host}/live/keepalived.conf`, p.live?.conf === undefined ? '' : normaliseConf(p.live.conf));
    const rendered = ctx.docs.set(`/${t.key.cluster}/${p.host}/rendered/keepalived.conf`, normaliseConf(p.conf));
    const none = p.live?.conf === undefined ? ' (none)' : '';
    await vscode.commands.executeCommand('vscode.diff', live, rendered, `${t.key.cluster}: ${p.host} ${KEEPALIVED_CONF}${none} ↔ rendered from ${t.fileLabel}`, { preview: false });
  }
  const details = planDetails(ctx, t, plans);
  if (await reportBlocked(ctx, plans, `Plan for ${t.key.cluster}`)) return;
  const changes = plans.some(keepalivedPlanHasChanges);
  const choice = await vscode.window.showInformationMessage(`Plan for ${t.key.cluster} (keepalived) — ${plans.map(keepalivedPlanSummary).join(' · ')}`,
    ...(changes ? [APPLY, DETAILS] : [DETAILS]));
  if (choice === APPLY) await apply(ctx, { file: t.key.file, cluster: t.key.cluster });
  else if (choice === DETAILS) await vscode.window.showTextDocument(details, { preview: false });
}

export async function keepalivedApplyAction(ctx: ActionContext, t: ActionTarget, confirm: boolean): Promise<void> {
  const plans = await readKeepalivedPlans(t, 'Apply');
  const planText = plans.map(keepalivedPlanText).join('\n');
  ctx.log.block(`[apply ${t.key.cluster}] plan:\n${planText}`);
  if (await reportBlocked(ctx, plans, `Apply ${t.key.cluster}`)) return;
  if (!plans.some(keepalivedPlanHasChanges)) {
    void vscode.window.showInformationMessage(`${t.key.cluster}: nothing to do — every director runs the keepalived configuration of ${t.fileLabel}.`);
    return;
  }
  const foreign = plans.filter((p) => p.foreignConf !== undefined);
  // A file lvsctl did not write is never replaced without the user saying so, even with confirmation off.
  if (confirm || foreign.length > 0) {
    const details = planDetails(ctx, t, plans);
    const takeOverText = foreign.length
      ? `\n\n${foreign.map((p) => `${p.host}: ${KEEPALIVED_CONF} is ${p.foreignConf ?? ''}`).join('\n')}\n"${TAKE_OVER}" replaces it (kept as ${KEEPALIVED_CONF}.lvsctl-prev until the apply is done).`
      : '';
    const ok = await vscode.window.showWarningMessage(
      `Apply cluster ${t.key.cluster} (engine keepalived) to ${plans.map((p) => p.host).join(', ')}?`,
      {
        modal: true,
        detail: `${plans.map(keepalivedPlanSummary).join('\n')}${takeOverText}\n\nEach director checks the new file with keepalived -t before it replaces the old one; a failed check, reload or read back restores the file it had.`,
      },
      foreign.length ? TAKE_OVER : APPLY, DETAILS,
    );
    if (ok === DETAILS) await vscode.window.showTextDocument(details, { preview: false });
    if (ok !== APPLY && ok !== TAKE_OVER) { ctx.log.info(`[apply ${t.key.cluster}] not confirmed`); return; }
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Applying ${t.key.cluster} (keepalived)`, cancellable: false },
    (progress) => applyKeepalivedCluster((h) => keepalivedPoolLink(t.pool, h), t.loaded.model, t.key.cluster, plans, {
      takeOver: foreign.length > 0,
      holder: holderName(t.key.cluster),
      lockWaitSeconds: LOCK_WAIT_SECONDS,
      onEvent: (host, phase, detail) => {
        const text = `${host}: ${phase}${detail ? ` (${detail})` : ''}`;
        ctx.log.info(`[apply ${t.key.cluster}] ${text}`);
        progress.report({ message: text });
      },
    }),
  );
  for (const r of result.directors) {
    const ok = r.status === 'applied' || r.status === 'unchanged';
    ctx.log.block(`[apply ${t.key.cluster}] ${keepalivedResultText(r)}`, ok ? 'info' : 'error');
  }
  await ctx.live.refresh(t.key);
  await reportKeepalivedApply(ctx, t.key.cluster, result);
}

/** The message that ends an apply: who holds the VIPs and what the checks hold out, or what failed. */
export function keepalivedApplyMessage(cluster: string, result: KeepalivedApplyResult): { level: 'info' | 'error'; text: string } {
  const each = result.directors.map((r) => `${r.host}: ${r.status}`).join(' · ');
  const failed = result.directors.filter((r) => r.status !== 'applied' && r.status !== 'unchanged');
  if (failed.length === 0) {
    const down = Object.entries(result.down).filter(([, d]) => d.length).map(([h, d]) => `${h}: ${d.join(', ')} out by keepalived's checks`);
    const vip = result.vipHolders.length ? ` VIPs held by ${result.vipHolders.join(', ')}.` : '';
    return { level: 'info', text: `Applied ${cluster} with keepalived: ${each}.${vip}${down.length ? ` ${down.join('; ')}.` : ''}` };
  }
  const why = failed.map((r) => `${r.host}: ${r.error ?? r.status}${r.rollbackError ? `; rollback: ${r.rollbackError}` : ''}`).join('; ');
  if (failed.some((r) => r.status === 'rollback-failed')) {
    return { level: 'error', text: `Apply of ${cluster} FAILED and restoring the previous keepalived.conf failed too (${each}). ${why}` };
  }
  return { level: 'error', text: `Apply of ${cluster} failed; every director runs the keepalived.conf it had (${each}). ${why}` };
}

async function reportKeepalivedApply(ctx: ActionContext, cluster: string, result: KeepalivedApplyResult): Promise<void> {
  const m = keepalivedApplyMessage(cluster, result);
  const choice = m.level === 'info' ? await vscode.window.showInformationMessage(m.text, SHOW_LOG) : await vscode.window.showErrorMessage(m.text, SHOW_LOG);
  if (choice === SHOW_LOG) ctx.log.show();
}

/** Drain/Restore/Set Weight write ipvsadm weights; keepalived owns them in a keepalived cluster and would fight. */
export function keepalivedWeightRefusal(cluster: string): string {
  return `${cluster} is run by keepalived: its checkers own the real servers' weights, so a weight set with ipvsadm would be overwritten. ` +
    'Change the weight in the cluster file and Apply, or stop the server\'s service so its check takes it out (docs/ha.md).';
}
