import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { LiveState } from '../core/apply/liveState';
import { liveStateCommand } from '../core/apply/liveState';
import { sysctlChanges } from '../core/apply/sysctlSync';
import type { SysctlChange } from '../core/apply/sysctlSync';
import { desiredTable } from '../core/clusterFile/desiredTable';
import type { ClusterFile, ClusterSpec } from '../core/clusterFile/types';
import { validateClusterFile } from '../core/clusterFile/validate';
import { formatDiagnostic, hasErrors } from '../core/diagnostics';
import { parseRules } from '../core/ipvs/rulesParser';
import type { IpvsTable } from '../core/ipvs/types';
import { planJson, renderPlanText } from '../core/plan/planRender';
import { planTable } from '../core/plan/planTable';
import type { LiveTable, Plan } from '../core/plan/planTypes';
import type { SshPool } from '../core/ssh/connectionPool';
import { parseCommandArgs, UsageError } from './cliIo';
import { DEFAULT_TRUST_STORE, openSshSession } from './sshSession';
import type { CliCommand, CliIo } from './cliIo';

const USAGE = `Usage: lvsctl plan FILE [--cluster NAME] [--json] [--live SNAPSHOT] [--trust-store PATH] [--detailed-exitcode]

Reads each director's live IPVS table over SSH (one exec per director) and prints the steps that
would make it equal to the cluster file: + add, ~ edit/drain, - delete, each with its exact
ipvsadm -R line. Services on the director that the file does not declare are listed as foreign
(kept unless the cluster says prune: true).

Options:
  --cluster NAME        the cluster (needed when FILE defines more than one)
  --json                print {"directors":[{"host","steps":[{op,line,service,server?,changes?,note?}],
                        "pending":[…],"foreign":[…],"sysctls":[…]}]}; op is one of add-service,
                        edit-service, add-server, edit-server, drain-server, delete-server, delete-service
  --live SNAPSHOT       plan against a saved \`ipvsadm -S -n\` file instead of the directors (no SSH;
                        no counters, so removed real servers are drained, not deleted)
  --trust-store PATH    where accepted host keys are stored (default ~/.config/vscode-lvs/known_hosts)
  --detailed-exitcode   exit 3 when the plan has changes (0: none)

Exit codes: 0 ok, 1 the file has errors, 2 usage, 3 changes (with --detailed-exitcode),
4 a director could not be read.`;

export interface LoadedCluster {
  model: ClusterFile;
  cluster: ClusterSpec;
  desired: IpvsTable;
}

/** Reads and validates FILE and picks the cluster; prints errors and returns an exit code on failure. */
export async function loadCluster(command: string, file: string, name: string | undefined, io: CliIo): Promise<LoadedCluster | number> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd ?? process.cwd(), file), 'utf8');
  } catch (err) {
    io.stderr.write(`lvsctl ${command}: ${file}: ${(err as Error).message}\n`);
    return 2;
  }
  const { model, diagnostics } = validateClusterFile(text);
  if (hasErrors(diagnostics)) {
    for (const d of diagnostics.filter((x) => x.severity === 'error')) io.stderr.write(`${formatDiagnostic(file, d)}\n`);
    io.stderr.write(`lvsctl ${command}: ${file} has errors; nothing done\n`);
    return 1;
  }
  const names = model.clusters.map((c) => c.name);
  if (name === undefined) {
    if (names.length !== 1) {
      throw new UsageError(names.length === 0 ? `${file} defines no cluster` : `${file} defines ${names.length} clusters (${names.join(', ')}); choose one with --cluster`);
    }
    name = names[0];
  }
  const cluster = model.clusters.find((c) => c.name === name);
  if (!cluster) {
    io.stderr.write(`lvsctl ${command}: no cluster '${name}' in ${file} (it has: ${names.join(', ') || 'none'})\n`);
    return 2;
  }
  return { model, cluster, desired: desiredTable(model, cluster.name) };
}

export function defaultTrustStore(): string {
  return DEFAULT_TRUST_STORE;
}

/** A y/N question on the terminal (the caller checks for a TTY first). */
export function confirm(question: string): Promise<boolean> {
  return new Promise((done) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    rl.on('SIGINT', () => { rl.close(); done(false); });
    rl.question(question, (a) => { rl.close(); done(/^y(es)?$/i.test(a.trim())); });
  });
}

/** An SshPool over the cluster file's hosts: the same session every CLI command uses (src/cli/sshSession.ts). */
export function clusterPool(model: ClusterFile, trustStorePath: string): SshPool {
  return openSshSession(model, { trustStore: trustStorePath }).pool;
}

export interface DirectorPreview {
  host: string;
  plan?: Plan;
  sysctls: SysctlChange[];
  live?: LiveState;
  error?: string;
}

export function previewText(p: DirectorPreview): string {
  const lines = [`${p.host}:`];
  if (p.error) return `${lines[0]}\n  ! cannot read the live table: ${p.error}\n`;
  for (const c of p.sysctls) lines.push(`  ~ sysctl net.ipv4.vs.${c.name}: ${c.from ?? 'unset'} → ${c.to}`);
  return `${lines.join('\n')}\n${p.plan ? renderPlanText(p.plan) : ''}`;
}

export function previewJson(p: DirectorPreview): unknown {
  if (!p.plan) return { host: p.host, error: p.error ?? 'unknown', steps: [], pending: [], foreign: [], sysctls: [] };
  return { ...planJson(p.host, p.plan), sysctls: p.sysctls };
}

export function previewHasChanges(p: DirectorPreview): boolean {
  return (p.plan?.steps.length ?? 0) > 0 || p.sysctls.length > 0 || (p.plan?.pending.length ?? 0) > 0;
}

/** Reads every director (one exec each, concurrently) and plans. */
export async function previewDirectors(pool: SshPool, loaded: LoadedCluster, force: boolean): Promise<DirectorPreview[]> {
  const hosts = loaded.cluster.directors.map((d) => d.host);
  const outcomes = await pool.runOnHosts(hosts, () => liveStateCommand(loaded.cluster.name));
  return outcomes.map((o) => {
    if (!o.ok) return { host: o.host, sysctls: [], error: o.error.message };
    const live: LiveTable = { table: o.value.table, counters: o.value.counters };
    const plan = planTable(loaded.desired, live, { prune: loaded.cluster.prune, force, managed: o.value.managed });
    return { host: o.host, plan, sysctls: sysctlChanges(loaded.cluster.sysctls, o.value.sysctls), live: o.value };
  });
}

export const planCommand: CliCommand = {
  name: 'plan',
  summary: "show what apply would change on the cluster's directors",
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const parsed = parseCommandArgs(args, {
          cluster: { type: 'string' }, json: { type: 'boolean' }, live: { type: 'string' },
          'trust-store': { type: 'string' }, 'detailed-exitcode': { type: 'boolean' },
        });
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError('exactly one FILE is needed');
    const loaded = await loadCluster('plan', positionals[0], values.cluster, io);
    if (typeof loaded === 'number') return loaded;

    let previews: DirectorPreview[];
    if (values.live !== undefined) {
      let text: string;
      try {
        text = await readFile(resolve(io.cwd ?? process.cwd(), values.live), 'utf8');
      } catch (err) {
        io.stderr.write(`lvsctl plan: ${values.live}: ${(err as Error).message}\n`);
        return 2;
      }
      const rules = parseRules(text);
      if (hasErrors(rules.diagnostics)) {
        for (const d of rules.diagnostics.filter((x) => x.severity === 'error')) io.stderr.write(`${formatDiagnostic(values.live, d)}\n`);
        return 1;
      }
      const plan = planTable(loaded.desired, { table: rules.table }, { prune: loaded.cluster.prune });
      previews = loaded.cluster.directors.map((d) => ({ host: d.host, plan, sysctls: [] }));
    } else {
      const pool = clusterPool(loaded.model, values['trust-store'] ?? defaultTrustStore());
      try {
        previews = await previewDirectors(pool, loaded, false);
      } finally {
        pool.close();
      }
    }
    if (values.json) io.stdout.write(`${JSON.stringify({ directors: previews.map(previewJson) }, null, 2)}\n`);
    else for (const p of previews) io.stdout.write(previewText(p));
    if (previews.some((p) => p.error !== undefined)) {
      for (const p of previews) if (p.error !== undefined && values.json) io.stderr.write(`lvsctl plan: ${p.host}: ${p.error}\n`);
      return 4;
    }
    return values['detailed-exitcode'] && previews.some(previewHasChanges) ? 3 : 0;
  },
};
