/**
 * plan/apply: planning 10,000 desired vs 10,000 live entries with 1% changed (goal ≤ 20 ms); and, when the
 * lab is up (LVS_LAB_OUT), applying 1,000 services × 4 real servers from empty as ONE `ipvsadm -R` batch vs
 * one `ipvsadm` exec per line (goal ≥ 20×). The per-line baseline runs 200 lines and is extrapolated to
 * 5,000 lines (printed as such), to keep the run bounded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tableLines, tableRulesText } from '../src/core/plan/ipvsadmLines';
import { planTable } from '../src/core/plan/planTable';
import type { BenchResult } from './benchTypes';
import { coldMs, medianMs } from './benchTypes';
import { bigTable } from './generators';

function ssh(outDir: string, command: string, input?: string): { ms: number; ok: boolean; stderr: string } {
  const t0 = process.hrtime.bigint();
  // One multiplexed SSH connection for every exec (as SshPool reuses one connection per host).
  const mux = ['-o', 'ControlMaster=auto', '-o', `ControlPath=${join(outDir, '.bench-mux-%C')}`, '-o', 'ControlPersist=120'];
  const r = spawnSync('ssh', ['-F', join(outDir, 'ssh_config'), ...mux, '-o', 'BatchMode=yes', 'director', command], { input: input ?? '', encoding: 'utf8', timeout: 600_000 });
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
