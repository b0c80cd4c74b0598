/** Plan: a diff editor per live table (live ↔ the file's table), details, and a summary offering Apply. */
import * as vscode from 'vscode';
import { liveRulesText, previewHasChanges, previewText } from '../../core/operations/directorPreview';
import type { DirectorPreview } from '../../core/operations/directorPreview';
import { tableRulesText } from '../../core/plan/ipvsadmLines';
import { planSummary } from '../../core/plan/planRender';
import { plural, readPreviews, reportUnreachable, resolveTarget } from './actionTarget';
import type { ActionContext } from './actionTarget';
import { applyAction } from './applyAction';
import { keepalivedPlanAction } from './keepalivedActions';

export async function planAction(ctx: ActionContext, arg?: unknown): Promise<void> {
  const t = await resolveTarget(ctx, arg, 'Plan');
  if (!t) return;
  if (t.loaded.cluster.engine === 'keepalived') return keepalivedPlanAction(ctx, t, applyAction);
  const previews = await readPreviews(ctx, t, 'Plan');
  for (const p of previews) ctx.log.block(`[plan ${t.key.cluster}] ${previewText(p)}`);
  const readable = previews.filter((p) => p.plan);
  const desiredText = tableRulesText(t.loaded.desired);
  // Directors with the same live table share one diff.
  const groups = new Map<string, DirectorPreview[]>();
  for (const p of readable) {
    const text = liveRulesText(p);
    groups.set(text, [...(groups.get(text) ?? []), p]);
  }
  const right = ctx.docs.set(`/${t.key.cluster}/${t.fileLabel.replace(/\//g, '_')}.ipvsadm`, desiredText);
  for (const [text, group] of groups) {
    const hosts = group.map((g) => g.host).join(', ');
    const left = ctx.docs.set(`/${t.key.cluster}/${hosts.replace(/[ ,/]+/g, '_')} live.ipvsadm`, text);
    await vscode.commands.executeCommand('vscode.diff', left, right, `${t.key.cluster}: ${hosts} (live) ↔ ${t.fileLabel}`, { preview: false });
  }
  const details = ctx.docs.set(`/${t.key.cluster}/plan.txt`, `Plan for cluster ${t.key.cluster} (${t.fileLabel}), read ${new Date().toLocaleString()}\n\n${previews.map(previewText).join('\n')}`);
  if (await reportUnreachable(ctx, previews, `Plan for ${t.key.cluster}`)) return;
  const summary = readable.map((p) => {
    if (!previewHasChanges(p)) return `${p.host}: matches the file`;
    const s = planSummary(p.plan!);
    const parts = [`${s.add} to add`, `${s.change} to change`, `${s.drain} to drain`, `${s.delete} to delete`];
    if (p.sysctls.length) parts.push(plural(p.sysctls.length, 'sysctl'));
    return `${p.host}: ${parts.join(', ')}`;
  }).join(' · ');
  const changes = readable.some(previewHasChanges);
  const actions = changes ? ['Apply', 'Show Plan Details'] : ['Show Plan Details'];
  const choice = await vscode.window.showInformationMessage(`Plan for ${t.key.cluster} — ${summary}`, ...actions);
  if (choice === 'Apply') await applyAction(ctx, { file: t.key.file, cluster: t.key.cluster });
  else if (choice === 'Show Plan Details') await vscode.window.showTextDocument(details, { preview: false });
}
