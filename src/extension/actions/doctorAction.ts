/** Run Doctor: the read-only checks of every host of a cluster; findings in a document and the log. */
import * as vscode from 'vscode';
import { formatFinding } from '../../core/doctor/finding';
import { doctorChecks, runDoctor } from '../../core/doctor/runDoctor';
import { applySettings } from '../settings';
import { plural, resolveTarget } from './actionTarget';
import type { ActionContext } from './actionTarget';

export async function doctorAction(ctx: ActionContext, arg?: unknown): Promise<void> {
  const t = await resolveTarget(ctx, arg, 'Doctor');
  if (!t) return;
  const findings = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Doctor: checking the hosts of ${t.key.cluster} (read-only)…` },
    () => runDoctor((host, cmd) => t.pool.run(host, cmd), t.loaded.model, t.key.cluster, { persist: applySettings().persist }),
  );
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const head = `Doctor for cluster ${t.key.cluster} (${t.fileLabel}), ${new Date().toLocaleString()}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(findings.length - errors - warnings, 'note')}`;
  const text = `${head}\n\n${findings.length ? findings.map(formatFinding).join('\n\n') : 'No finding: every host is as the cluster needs it.'}\n`;
  ctx.log.block(`[doctor ${t.key.cluster}] ${text}`, errors ? 'warn' : 'info');
  const doc = ctx.docs.set(`/${t.key.cluster}/doctor.txt`, text);
  const summary = errors || warnings
    ? `Doctor for ${t.key.cluster}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')} — ${findings.slice(0, 2).map((f) => `${f.host}: ${f.title}`).join('; ')}${findings.length > 2 ? '; …' : ''}`
    : `Doctor for ${t.key.cluster}: no problem found on ${plural(doctorChecks(t.loaded.model, t.key.cluster).length, 'host')}.`;
  const show = 'Show Findings';
  const choice = errors
    ? await vscode.window.showErrorMessage(summary, show)
    : warnings ? await vscode.window.showWarningMessage(summary, show) : await vscode.window.showInformationMessage(summary, show);
  if (choice === show) await vscode.window.showTextDocument(doc, { preview: false });
}
