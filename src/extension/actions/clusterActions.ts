/**
 * The host actions of a cluster, each driving the same core as lvsctl: Refresh, Plan (diff editor + summary),
 * Apply (modal with the plan, cancellable progress that rolls back, result with "Show Log"), Prepare /
 * Teardown (dry run, modal, progress), Drain / Restore / Set weight (live, every director). Every remote
 * step and result goes to the LVS log.
 */
import { hostname, userInfo } from 'node:os';
import * as vscode from 'vscode';
import type { ApplyEvent, DirectorResult } from '../../core/apply/applyDirector';
import { poolLink } from '../../core/apply/applyDirector';
import { holderInfo } from '../../core/apply/remoteLock';
import { formatFinding } from '../../core/doctor/finding';
import { doctorChecks, runDoctor } from '../../core/doctor/runDoctor';
import { hostRequirements } from '../../core/hostprep/hostRequirements';
import { runPreparation } from '../../core/hostprep/runHostPlan';
import type { HostReport } from '../../core/hostprep/runHostPlan';
import { applyCluster, applyResultText, overallStatus } from '../../core/operations/applyCluster';
import type { LoadedCluster } from '../../core/operations/clusterSelection';
import { liveRulesText, previewDirectors, previewHasChanges, previewSummaryLines, previewText } from '../../core/operations/directorPreview';
import type { DirectorPreview } from '../../core/operations/directorPreview';
import { formatReport, prepareSummaryLines } from '../../core/operations/prepareReport';
import { checkWeight, setServerWeight, weightResultText } from '../../core/operations/serverWeight';
import type { WeightResult } from '../../core/operations/serverWeight';
import { planSummary } from '../../core/plan/planRender';
import { tableRulesText } from '../../core/plan/ipvsadmLines';
import type { SshPool } from '../../core/ssh/connectionPool';
import type { ClusterWorkspace } from '../clusterWorkspace';
import type { ClusterKey, LiveStates } from '../liveStates';
import type { LvsLog } from '../log';
import { applySettings, sshSettings } from '../settings';
import type { SshService } from '../ssh/sshService';
import { isClusterNode, resolveCluster } from '../targets';
import type { ClusterNode } from '../tree/clusterNodes';
import type { PlanDocuments } from './planDocuments';

const SHOW_LOG = 'Show Log';

interface Target {
  key: ClusterKey;
  loaded: LoadedCluster;
  pool: SshPool;
  fileLabel: string;
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

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

export class ClusterActions {
  constructor(
    private readonly workspace: ClusterWorkspace,
    private readonly live: LiveStates,
    private readonly ssh: () => SshService,
    private readonly log: LvsLog,
    private readonly docs: PlanDocuments,
  ) {}

  private async target(arg: unknown, purpose: string): Promise<Target | undefined> {
    const key = await resolveCluster(arg, this.workspace, purpose);
    if (!key) return undefined;
    const loaded = this.live.load(key);
    if (typeof loaded === 'string') {
      void vscode.window.showErrorMessage(`${purpose}: ${loaded}`);
      return undefined;
    }
    const entry = this.workspace.get(key.file);
    if (!entry) return undefined;
    return { key, loaded, pool: this.ssh().poolFor(entry.uri, entry.model), fileLabel: vscode.workspace.asRelativePath(entry.uri) };
  }

  private holder(cluster: string): string {
    return holderInfo({ user: userInfo().username, localHost: hostname(), pid: process.pid, cluster }).replace(/^lvsctl/, 'VS Code (LVS)');
  }

  private async readPreviews(t: Target, title: string): Promise<DirectorPreview[]> {
    const previews = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `${title}: reading ${plural(t.loaded.cluster.directors.length, 'director')} of ${t.key.cluster}…` },
      () => previewDirectors(t.pool, t.loaded),
    );
    this.live.remember(t.key, t.loaded, previews);
    return previews;
  }

  private async unreachable(previews: DirectorPreview[], what: string): Promise<boolean> {
    const bad = previews.filter((p) => p.error !== undefined);
    if (bad.length === 0) return false;
    for (const p of bad) this.log.error(`${p.host}: cannot read the live table: ${p.error ?? ''}`);
    const choice = await vscode.window.showErrorMessage(
      `${what}: ${bad.map((p) => `${p.host} could not be read (${p.error ?? ''})`).join('; ')}. Nothing was changed.`, SHOW_LOG);
    if (choice) this.log.show();
    return true;
  }

  /** A node or `{file, cluster}`: that cluster (a file node: its clusters); nothing (view title, palette): every cluster. */
  async refresh(arg?: unknown): Promise<void> {
    await this.workspace.ready();
    let keys = this.live.allKeys();
    if (isClusterNode(arg)) keys = keys.filter((k) => k.file === arg.file && (arg.kind === 'file' || k.cluster === arg.cluster));
    else if (arg !== undefined) {
      const key = await resolveCluster(arg, this.workspace, 'Refresh live state');
      keys = key ? [key] : [];
    }
    if (keys.length === 0) return;
    await vscode.window.withProgress({ location: { viewId: 'lvs.clusters' } }, () => Promise.all(keys.map((k) => this.live.refresh(k))));
  }

  async plan(arg?: unknown): Promise<void> {
    const t = await this.target(arg, 'Plan');
    if (!t) return;
    const previews = await this.readPreviews(t, 'Plan');
    for (const p of previews) this.log.block(`[plan ${t.key.cluster}] ${previewText(p)}`);
    const readable = previews.filter((p) => p.plan);
    const desiredText = tableRulesText(t.loaded.desired);
    // Directors with the same live table share one diff.
    const groups = new Map<string, DirectorPreview[]>();
    for (const p of readable) {
      const text = liveRulesText(p);
      groups.set(text, [...(groups.get(text) ?? []), p]);
    }
    const right = this.docs.set(`/${t.key.cluster}/${t.fileLabel.replace(/\//g, '_')}.ipvsadm`, desiredText);
    for (const [text, group] of groups) {
      const hosts = group.map((g) => g.host).join(', ');
      const left = this.docs.set(`/${t.key.cluster}/${hosts.replace(/[ ,/]+/g, '_')} live.ipvsadm`, text);
      await vscode.commands.executeCommand('vscode.diff', left, right, `${t.key.cluster}: ${hosts} (live) ↔ ${t.fileLabel}`, { preview: false });
    }
    const details = this.docs.set(`/${t.key.cluster}/plan.txt`, `Plan for cluster ${t.key.cluster} (${t.fileLabel}), read ${new Date().toLocaleString()}\n\n${previews.map(previewText).join('\n')}`);
    if (await this.unreachable(previews, `Plan for ${t.key.cluster}`)) return;
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
    if (choice === 'Apply') await this.apply({ file: t.key.file, cluster: t.key.cluster });
    else if (choice === 'Show Plan Details') await vscode.window.showTextDocument(details, { preview: false });
  }

  async apply(arg?: unknown): Promise<void> {
    const t = await this.target(arg, 'Apply');
    if (!t) return;
    const settings = applySettings();
    const previews = await this.readPreviews(t, 'Apply');
    if (await this.unreachable(previews, `Apply ${t.key.cluster}`)) return;
    if (!previews.some(previewHasChanges)) {
      void vscode.window.showInformationMessage(`${t.key.cluster}: nothing to do — every director matches ${t.fileLabel}.`);
      return;
    }
    const planText = previews.map(previewText).join('\n');
    this.log.block(`[apply ${t.key.cluster}] plan:\n${planText}`);
    let confirmWithin: number | undefined;
    if (settings.confirm) {
      const details = this.docs.set(`/${t.key.cluster}/plan.txt`, `Plan for cluster ${t.key.cluster} (${t.fileLabel}), read ${new Date().toLocaleString()}\n\n${planText}`);
      const ok = await vscode.window.showWarningMessage(
        `Apply cluster ${t.key.cluster} to ${previews.map((p) => p.host).join(', ')}?`,
        { modal: true, detail: `${previewSummaryLines(previews).join('\n')}\n\nAny failure, or Cancel while it runs, restores each director's table as it was.` },
        'Apply', APPLY_UNLESS_KEPT, 'Show Plan Details',
      );
      if (ok === 'Show Plan Details') await vscode.window.showTextDocument(details, { preview: false });
      if (ok !== 'Apply' && ok !== APPLY_UNLESS_KEPT) { this.log.info(`[apply ${t.key.cluster}] not confirmed`); return; }
      if (ok === APPLY_UNLESS_KEPT) confirmWithin = CONFIRM_WITHIN_SECONDS;
    }
    const results = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Applying ${t.key.cluster}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => { this.log.warn(`[apply ${t.key.cluster}] cancelled by the user: rolling back`); controller.abort(); });
        try {
          return await applyCluster(t.pool, t.loaded, previews, {
            drainTimeoutMs: settings.drainTimeoutSeconds * 1000,
            persist: settings.persist,
            holder: this.holder(t.key.cluster),
            signal: controller.signal,
            ...(confirmWithin !== undefined ? { confirmWithinSeconds: confirmWithin, confirm: () => keepOrRollBack(t.key.cluster, CONFIRM_WITHIN_SECONDS) } : {}),
            onEvent: (e) => {
              const text = `${e.host}: ${phaseText(e)}`;
              this.log.info(`[apply ${t.key.cluster}] ${text}`);
              progress.report({ message: text });
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );
    for (const r of results) this.log.block(`[apply ${t.key.cluster}] ${applyResultText(r)}`, r.status === 'applied' || r.status === 'unchanged' ? 'info' : 'error');
    // The tree shows the new state before the result is announced (and before anything clicks on it again).
    await this.live.refresh(t.key);
    await this.report(t.key.cluster, results);
  }

  private async report(cluster: string, results: DirectorResult[]): Promise<void> {
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
    if (choice === SHOW_LOG) this.log.show();
  }

  async prepare(arg?: unknown, teardown = false): Promise<void> {
    const verb = teardown ? 'Tear down' : 'Prepare';
    const t = await this.target(arg, `${verb} hosts`);
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
    const run = <T>(host: string, cmd: import('../../core/ssh/remoteCommand').RemoteCommand<T>): Promise<T> => t.pool.run(host, cmd);
    const options = { teardown, persist: true, init: 'auto' as const, concurrency: sshSettings().concurrency };
    const dry = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `${verb}: checking ${plural(reqs.length, 'host')}…` },
      () => runPreparation(run, reqs, { ...options, dryRun: true }),
    );
    const dryText = dry.map(formatReport).join('\n\n');
    this.log.block(`[${teardown ? 'teardown' : 'prepare'} ${t.key.cluster}] dry run:\n${dryText}`);
    const failed = dry.filter((r) => r.error);
    if (failed.length === dry.length) {
      const c = await vscode.window.showErrorMessage(`${verb}: ${failed.map((r) => `${r.host}: ${r.error ?? ''}`).join('; ')}`, SHOW_LOG);
      if (c) this.log.show();
      return;
    }
    const toChange = dry.filter((r) => r.steps.some((s) => s.outcome === 'will change'));
    if (toChange.length === 0) {
      const manual = dry.filter((r) => !r.ok);
      const msg = teardown ? `Nothing to tear down on ${reqs.map((r) => r.host).join(', ')}.` : `${plural(dry.length - manual.length, 'host')} already prepared${manual.length ? `; ${manual.map((r) => r.host).join(', ')} need attention` : ''}.`;
      const c = await (manual.length ? vscode.window.showWarningMessage(msg, SHOW_LOG) : vscode.window.showInformationMessage(msg, SHOW_LOG));
      if (c) this.log.show();
      return;
    }
    const details = this.docs.set(`/${t.key.cluster}/${teardown ? 'teardown' : 'prepare'}.txt`, `${verb} hosts of cluster ${t.key.cluster} (${t.fileLabel}): what would change, read ${new Date().toLocaleString()}\n\n${dryText}\n`);
    const ok = await vscode.window.showWarningMessage(
      `${verb} ${toChange.map((r) => r.host).join(', ')}?`,
      { modal: true, detail: prepareSummaryLines(dry).join('\n') },
      verb, 'Show Details',
    );
    if (ok === 'Show Details') await vscode.window.showTextDocument(details, { preview: false });
    if (ok !== verb) return;
    const reports: HostReport[] = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `${verb === 'Prepare' ? 'Preparing' : 'Tearing down'} ${plural(reqs.length, 'host')}` },
      (progress) => runPreparation(run, reqs, {
        ...options, dryRun: false,
        onHostDone: (r) => { progress.report({ message: `${r.host}: ${r.ok ? 'done' : 'needs attention'}`, increment: 100 / reqs.length }); },
      }),
    );
    for (const r of reports) this.log.block(`[${teardown ? 'teardown' : 'prepare'} ${t.key.cluster}] ${formatReport(r)}`, r.ok ? 'info' : 'error');
    // The tree shows the new state before the result is announced (and before anything clicks on it again).
    await this.live.refresh(t.key);
    const bad = reports.filter((r) => !r.ok);
    const changed = reports.filter((r) => r.steps.some((s) => s.outcome === 'changed')).length;
    const c = bad.length
      ? await vscode.window.showErrorMessage(`${verb}: ${bad.map((r) => `${r.host} ${r.error ? `failed: ${r.error}` : 'needs attention'}`).join('; ')} (${changed} changed).`, SHOW_LOG)
      : await vscode.window.showInformationMessage(`${verb === 'Prepare' ? 'Prepared' : 'Tore down'} ${plural(reports.length, 'host')} (${changed} changed).`, SHOW_LOG);
    if (c) this.log.show();
  }

  /** The doctor's read-only checks of every host of the cluster; findings in a document and the log. */
  async doctor(arg?: unknown): Promise<void> {
    const t = await this.target(arg, 'Doctor');
    if (!t) return;
    const findings = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Doctor: checking the hosts of ${t.key.cluster} (read-only)…` },
      () => runDoctor((host, cmd) => t.pool.run(host, cmd), t.loaded.model, t.key.cluster, { persist: applySettings().persist }),
    );
    const errors = findings.filter((f) => f.severity === 'error').length;
    const warnings = findings.filter((f) => f.severity === 'warning').length;
    const head = `Doctor for cluster ${t.key.cluster} (${t.fileLabel}), ${new Date().toLocaleString()}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(findings.length - errors - warnings, 'note')}`;
    const text = `${head}\n\n${findings.length ? findings.map(formatFinding).join('\n\n') : 'No finding: every host is as the cluster needs it.'}\n`;
    this.log.block(`[doctor ${t.key.cluster}] ${text}`, errors ? 'warn' : 'info');
    const doc = this.docs.set(`/${t.key.cluster}/doctor.txt`, text);
    const summary = errors || warnings
      ? `Doctor for ${t.key.cluster}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')} — ${findings.slice(0, 2).map((f) => `${f.host}: ${f.title}`).join('; ')}${findings.length > 2 ? '; …' : ''}`
      : `Doctor for ${t.key.cluster}: no problem found on ${plural(doctorChecks(t.loaded.model, t.key.cluster).length, 'host')}.`;
    const show = 'Show Findings';
    const choice = errors
      ? await vscode.window.showErrorMessage(summary, show)
      : warnings ? await vscode.window.showWarningMessage(summary, show) : await vscode.window.showInformationMessage(summary, show);
    if (choice === show) await vscode.window.showTextDocument(doc, { preview: false });
  }

  async setWeight(arg: unknown, mode: 'drain' | 'restore' | 'ask'): Promise<void> {
    if (!isClusterNode(arg) || arg.kind !== 'server') {
      void vscode.window.showInformationMessage('Choose a real server in the Clusters view (right-click → Drain, Restore or Set Weight).');
      return;
    }
    const node: Extract<ClusterNode, { kind: 'server' }> = arg;
    const t = await this.target({ file: node.file, cluster: node.cluster }, 'Set weight');
    if (!t) return;
    let weight: number;
    if (mode === 'drain') weight = 0;
    else if (mode === 'restore') weight = node.weight;
    else {
      const rec = this.live.get(t.key);
      const current = rec?.view.servers.get(`${node.service} ${node.server}`)?.weights[0];
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
      () => Promise.all(t.loaded.cluster.directors.map((d) => setServerWeight(poolLink(t.pool, d.host), { service: node.service, server: node.server, weight }, { cluster: t.key.cluster, holder: this.holder(t.key.cluster) }))),
    );
    for (const r of results) this.log.info(`[weight ${t.key.cluster}] ${weightResultText(r)}${r.line ? ` (${r.line})` : ''}`);
    // The tree shows the new state before the result is announced (and before anything clicks on it again).
    await this.live.refresh(t.key);
    const failed = results.filter((r) => r.outcome === 'failed' || r.outcome === 'absent');
    if (failed.length) {
      const c = await vscode.window.showErrorMessage(failed.map(weightResultText).join('; '), SHOW_LOG);
      if (c) this.log.show();
    } else {
      const verb = mode === 'drain' ? `drained (weight 0): established connections finish, no new ones arrive` : mode === 'restore' ? `restored to weight ${weight}` : `set to weight ${weight}`;
      void vscode.window.showInformationMessage(`${node.server} ${verb} on ${results.map((r) => r.host).join(', ')}.`);
    }
  }
}
