/**
 * Prepare Hosts / Tear Down: choose the hosts (the node's, or a pick), a dry run, a modal naming what would
 * change, then the run with progress and — for a Prepare that includes a director — the ARP check
 * (core/operations/prepareCluster.ts, the same use case as `lvsctl prepare`).
 */
import * as vscode from 'vscode';
import { hostRequirements } from '../../core/hostprep/hostRequirements';
import { formatArpVerdict, prepareCluster } from '../../core/operations/prepareCluster';
import { formatReport, prepareSummaryLines } from '../../core/operations/prepareReport';
import type { HostRunner } from '../../core/ssh/remoteCommand';
import { sshSettings } from '../settings';
import { isClusterNode } from '../targets';
import { plural, resolveTarget, SHOW_LOG } from './actionTarget';
import type { ActionContext } from './actionTarget';

export async function prepareAction(ctx: ActionContext, arg?: unknown, teardown = false): Promise<void> {
  const verb = teardown ? 'Tear down' : 'Prepare';
  const t = await resolveTarget(ctx, arg, `${verb} hosts`);
  if (!t) return;
  let reqs = hostRequirements(t.loaded.model, t.key.cluster);
  if (isClusterNode(arg) && (arg.kind === 'director' || arg.kind === 'server')) {
    const host = arg.host;
    if (host === undefined) {
      void vscode.window.showWarningMessage(`${verb}: this real server names no host of the file (only an address), so there is nothing to connect to.`);
      return;
    }
    reqs = reqs.filter((r) => r.host === host);
  } else {
    const directors = new Set(t.loaded.cluster.directors.map((d) => d.host));
    const pick = await vscode.window.showQuickPick([
      { label: `All hosts of ${t.key.cluster}`, hosts: reqs.map((r) => r.host) },
      { label: 'Directors', hosts: reqs.filter((r) => directors.has(r.host)).map((r) => r.host) },
      { label: 'Real servers', hosts: reqs.filter((r) => !directors.has(r.host)).map((r) => r.host) },
    ].filter((i) => i.hosts.length > 0).map((i) => ({ ...i, description: i.hosts.join(', ') })), { title: `${verb} which hosts of ${t.key.cluster}?` });
    if (!pick) return;
    reqs = reqs.filter((r) => pick.hosts.includes(r.host));
  }
  if (reqs.length === 0) { void vscode.window.showInformationMessage(`${verb}: no host to work on.`); return; }
  const run: HostRunner = (host, cmd) => t.pool.run(host, cmd);
  const options = { teardown, persist: true, init: 'auto' as const, concurrency: sshSettings().concurrency };
  const dry = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${verb}: checking ${plural(reqs.length, 'host')}…` },
    async () => (await prepareCluster(run, t.loaded.model, t.key.cluster, reqs, { ...options, dryRun: true })).reports,
  );
  const dryText = dry.map(formatReport).join('\n\n');
  ctx.log.block(`[${teardown ? 'teardown' : 'prepare'} ${t.key.cluster}] dry run:\n${dryText}`);
  const failed = dry.filter((r) => r.error);
  if (failed.length === dry.length) {
    const c = await vscode.window.showErrorMessage(`${verb}: ${failed.map((r) => `${r.host}: ${r.error ?? ''}`).join('; ')}`, SHOW_LOG);
    if (c) ctx.log.show();
    return;
  }
  const toChange = dry.filter((r) => r.steps.some((s) => s.outcome === 'will change'));
  if (toChange.length === 0) {
    const manual = dry.filter((r) => !r.ok);
    const msg = teardown ? `Nothing to tear down on ${reqs.map((r) => r.host).join(', ')}.` : `${plural(dry.length - manual.length, 'host')} already prepared${manual.length ? `; ${manual.map((r) => r.host).join(', ')} need attention` : ''}.`;
    const c = await (manual.length ? vscode.window.showWarningMessage(msg, SHOW_LOG) : vscode.window.showInformationMessage(msg, SHOW_LOG));
    if (c) ctx.log.show();
    return;
  }
  const details = ctx.docs.set(`/${t.key.cluster}/${teardown ? 'teardown' : 'prepare'}.txt`, `${verb} hosts of cluster ${t.key.cluster} (${t.fileLabel}): what would change, read ${new Date().toLocaleString()}\n\n${dryText}\n`);
  const ok = await vscode.window.showWarningMessage(
    `${verb} ${toChange.map((r) => r.host).join(', ')}?`,
    { modal: true, detail: prepareSummaryLines(dry).join('\n') },
    verb, 'Show Details',
  );
  if (ok === 'Show Details') await vscode.window.showTextDocument(details, { preview: false });
  if (ok !== verb) return;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${verb === 'Prepare' ? 'Preparing' : 'Tearing down'} ${plural(reqs.length, 'host')}` },
    (progress) => prepareCluster(run, t.loaded.model, t.key.cluster, reqs, {
      ...options, dryRun: false,
      onHostDone: (r) => { progress.report({ message: `${r.host}: ${r.ok ? 'done' : 'needs attention'}`, increment: 100 / reqs.length }); },
    }),
  );
  const { reports } = result;
  const tag = `[${teardown ? 'teardown' : 'prepare'} ${t.key.cluster}]`;
  for (const r of reports) ctx.log.block(`${tag} ${formatReport(r)}`, r.ok ? 'info' : 'error');
  for (const a of result.arp) ctx.log.block(`${tag} ${formatArpVerdict(a)}`, a.verdict.kind === 'others-answer' ? 'error' : 'info');
  for (const e of result.arpErrors) ctx.log.block(`${tag} ARP check from ${e.director} failed: ${e.error}`, 'error');
  // The tree shows the new state before the result is announced (and before anything clicks on it again).
  await ctx.live.refresh(t.key);
  const bad = reports.filter((r) => !r.ok);
  const arpBad = result.arp.filter((a) => a.verdict.kind === 'others-answer');
  const changed = reports.filter((r) => r.steps.some((s) => s.outcome === 'changed')).length;
  const arpText = result.arp.length || result.arpErrors.length
    ? ` ${[...result.arp.map(formatArpVerdict), ...result.arpErrors.map((e) => `ARP check from ${e.director} failed: ${e.error}`)].join('; ')}.`
    : '';
  const c = bad.length || arpBad.length
    ? await vscode.window.showErrorMessage(`${verb}: ${[...bad.map((r) => `${r.host} ${r.error ? `failed: ${r.error}` : 'needs attention'}`), ...(bad.length ? [] : ['hosts prepared'])].join('; ')} (${changed} changed).${arpText}`, SHOW_LOG)
    : await vscode.window.showInformationMessage(`${verb === 'Prepare' ? 'Prepared' : 'Tore down'} ${plural(reports.length, 'host')} (${changed} changed).${arpText}`, SHOW_LOG);
  if (c) ctx.log.show();
}
