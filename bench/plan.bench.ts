/**
 * plan/apply: planning 10,000 desired vs 10,000 live entries with 1% changed (goal ≤ 20 ms); and, when the
 * lab is up (LVS_LAB_OUT), on the lab's real IPVS with 1,000 services × 4 real servers (5,000 lines):
 *
 * - ONE `ipvsadm -R` batch vs one `ipvsadm` exec per line (goal ≥ 20×; the per-line baseline runs 200 lines
 *   and is extrapolated to 5,000, printed as such, to keep the run bounded);
 * - lvsctl's own plan and apply (the CLI's path in-process: the preview's live read, then applyDirector
 *   with it as the expected state, under the guardian) against floors measured in the same run: a bare
 *   `ipvsadm -R` of the same lines over one ssh (apply from empty, goal ≤ 1.3×) and one full `ipvsadm -S -n`
 *   listing (one change ≤ 1.5×, no-op apply and plan ≤ 1.2×). Floors and operations interleaved in each of 3
 *   rounds (LVS_BENCH_ROUNDS); medians.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { applyDirector, poolLink } from '../src/core/apply/applyDirector';
import type { LiveState } from '../src/core/apply/liveState';
import { liveStateCommand } from '../src/core/apply/liveState';
import { validateClusterFile } from '../src/core/clusterFile/validate';
import type { IpvsTable } from '../src/core/ipvs/types';
import { openSshSession } from '../src/cli/sshSession';
import { tableLines, tableRulesText } from '../src/core/plan/ipvsadmLines';
import { planTable } from '../src/core/plan/planTable';
import type { BenchResult } from './benchTypes';
import { coldMs, medianMs } from './benchTypes';
import { bigTable } from './generators';

function ssh(outDir: string, command: string, input?: string): { ms: number; ok: boolean; stderr: string } {
  const t0 = process.hrtime.bigint();
  // One multiplexed SSH connection for every exec (as SshPool reuses one connection per host).
  const mux = ['-o', 'ControlMaster=auto', '-o', `ControlPath=${join(outDir, '.bench-mux-%C')}`, '-o', 'ControlPersist=120'];
  const r = spawnSync('ssh', ['-F', join(outDir, 'ssh_config'), ...mux, '-o', 'BatchMode=yes', 'director', command], { input: input ?? '', encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 30 });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, ok: r.status === 0, stderr: r.stderr };
}

export async function run(): Promise<BenchResult[]> {
  // 1,000 services × 10 real servers = 10,000 entries; 1% of the weights differ.
  const desired = bigTable(1000, 10, 0.01);
  const live = bigTable(1000, 10);
  const steps = planTable(desired, { table: live }).steps.length;
  const results: BenchResult[] = [
    { name: `plan 10,000 desired vs 10,000 live entries, 1% changed (${steps} steps)`, unit: 'ms', median: await medianMs(() => planTable(desired, { table: live }), 15, 10, 1000), goal: '≤ 20 ms' },
    { name: 'the same plan as the first call of a fresh process (cold JIT; median of 5 processes)', unit: 'ms', median: coldMs('plan') },
  ];

  const outDir = process.env.LVS_LAB_OUT ?? join(__dirname, '..', '..', 'lab', 'out');
  const up = existsSync(join(outDir, 'ssh_config')) && ssh(outDir, 'true').ok;
  if (!up) {
    console.log(`(apply batch vs per-line: skipped, no lab answering at ${outDir}; start one with lab/lab.sh up)`);
    return results;
  }
  const table = bigTable(1000, 4);
  const text = tableRulesText(table); // 5,000 lines
  const lines = tableLines(table);
  ssh(outDir, 'ipvsadm -C');
  const batch = ssh(outDir, 'ipvsadm -R', text);
  if (!batch.ok) throw new Error(`ipvsadm -R failed: ${batch.stderr}`);
  ssh(outDir, 'ipvsadm -C');
  // Per line: one exec per ipvsadm call on the same (multiplexed) connection, as a controller without
  // batching would do; 200 lines measured.
  const sample = 200;
  let perLineMs = 0;
  for (const line of lines.slice(0, sample)) {
    const r = ssh(outDir, `ipvsadm ${line}`);
    if (!r.ok) throw new Error(`ipvsadm ${line}: ${r.stderr}`);
    perLineMs += r.ms;
  }
  ssh(outDir, 'ipvsadm -C');
  const extrapolated = (perLineMs / sample) * lines.length;
  results.push(...await lvsctlFigures(outDir, table, text));
  results.push({
    name: `apply 1,000 services × 4 real servers from empty (${lines.length} lines) as one ipvsadm -R batch over SSH`,
    unit: 'ms',
    median: batch.ms,
    baseline: { name: `one ipvsadm exec per line on a reused SSH connection (${sample} lines measured, extrapolated to ${lines.length})`, median: extrapolated },
    ratio: 'faster',
    goal: '≥ 20× faster than one call per line',
  });
  return results;
}

/** Rounds of the lab figures (each measures every floor and operation once); `LVS_BENCH_ROUNDS` overrides. */
const ROUNDS = Math.max(1, Number(process.env.LVS_BENCH_ROUNDS ?? 3) || 3);

function median(xs: readonly number[]): number {
  const t = [...xs].sort((a, b) => a - b);
  return t.length % 2 ? t[(t.length - 1) / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** lvsctl's plan and apply on the 5,000-line table against the floors of the same run. */
async function lvsctlFigures(outDir: string, table: IpvsTable, text: string): Promise<BenchResult[]> {
  const cluster = 'bench-plan';
  const model = validateClusterFile(readFileSync(join(outDir, 'lvs.yaml'), 'utf8')).model;
  const pool = openSshSession(model, { trustStore: join(mkdtempSync(join(tmpdir(), 'lvs-bench-')), 'known_hosts') }).pool;
  const reset = (): void => { ssh(outDir, `ipvsadm -C; rm -f /var/lib/vscode-lvs/ipvs/${cluster}.services`); };
  const plan = async (desired: IpvsTable): Promise<{ live: LiveState; steps: number }> => {
    const live = await pool.run('director', liveStateCommand(cluster));
    return { live, steps: planTable(desired, { table: live.table, counters: live.counters }, { managed: live.managed, prune: true, force: true }).steps.length };
  };
  // As lvsctl apply does: the preview; nothing more when it has nothing to do.
  const apply = async (desired: IpvsTable): Promise<void> => {
    const { live, steps } = await plan(desired);
    if (steps === 0) return;
    const r = await applyDirector(poolLink(pool, 'director'), { cluster, desired, holder: 'npm run bench -- plan', expected: live, force: true, prune: true });
    if (r.status !== 'applied' && r.status !== 'unchanged') throw new Error(`bench apply: ${r.status}: ${r.error ?? ''}`);
  };
  try {
    await pool.run('director', liveStateCommand(cluster)); // connect once (OpenSSH's mux is warm too)
    // Interleaved: each round measures every floor next to the operation it is compared with, so a load
    // change on the machine moves both (medians of the rounds).
    const changed: IpvsTable = { services: table.services.map((s, i) => (i === 0 ? { ...s, realServers: s.realServers.map((rs, j) => (j === 0 ? { ...rs, weight: 7 } : rs)) } : s)) };
    const t = { bare: [] as number[], listing: [] as number[], proc: [] as number[], fromEmpty: [] as number[], oneChange: [] as number[], noop: [] as number[], plan: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      reset();
      const r = ssh(outDir, 'ipvsadm -R', text);
      if (!r.ok) throw new Error(r.stderr);
      t.bare.push(r.ms);
      reset();
      t.fromEmpty.push(await timed(() => apply(table)));
      // The floors bring their output to this machine, as lvsctl must.
      t.listing.push(ssh(outDir, 'ipvsadm -S -n').ms);
      t.oneChange.push(await timed(() => apply(changed)));
      t.proc.push(ssh(outDir, 'cat /proc/net/ip_vs').ms);
      t.noop.push(await timed(() => apply(changed)));
      t.listing.push(ssh(outDir, 'ipvsadm -S -n').ms);
      t.plan.push(await timed(() => plan(changed)));
    }
    const listing = { name: 'one full ipvsadm -S -n listing of the table, brought over one ssh exec', median: median(t.listing) };
    return [
      { name: `floor: cat /proc/net/ip_vs of the 5,000-line table over ssh (what the stale-plan check reads)`, unit: 'ms', median: median(t.proc) },
      { name: 'lvsctl apply from an empty table (5,000 lines; preview read, guardian, batch, read back, commit)', unit: 'ms', median: median(t.fromEmpty), baseline: { name: 'a bare ipvsadm -R of the same lines over one ssh', median: median(t.bare) }, goal: '≤ 1.3× the bare ipvsadm -R' },
      { name: 'lvsctl apply of ONE weight change on the 5,000-line table', unit: 'ms', median: median(t.oneChange), baseline: listing, goal: '≤ 1.5× one full listing' },
      { name: 'lvsctl apply with nothing to change (5,000 lines)', unit: 'ms', median: median(t.noop), baseline: listing, goal: '≤ 1.2× one full listing' },
      { name: 'lvsctl plan (the live read and the plan, 5,000 lines)', unit: 'ms', median: median(t.plan), baseline: listing, goal: '≤ 1.2× one full listing' },
    ];
  } finally {
    reset();
    pool.close();
  }
}
