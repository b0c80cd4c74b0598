import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** One figure printed by `npm run bench`: a median in ms, optionally against a named baseline. */
export interface BenchResult {
  name: string;
  unit: 'ms';
  median: number;
  baseline?: { name: string; median: number };
  /** How the ratio to the baseline reads: `slower` prints median/baseline (default, e.g. 1.05×
   *  the bare parse), `faster` prints baseline/median (e.g. 274× faster than one call per line). */
  ratio?: 'slower' | 'faster';
  /** The goal in words, e.g. "≤ 1.2× the bare parse" or "≤ 10 ms". */
  goal?: string;
}

/**
 * Runs `fn` `warmup` times (and, with `warmupMs`, for at least that long: V8's optimizing compiler works in
 * the background and may land its code only after a few hundred ms, later on a busy machine), then `runs`
 * times, and returns the median wall time in ms.
 */
export async function medianMs(fn: () => unknown, runs = 7, warmup = 2, warmupMs = 0): Promise<number> {
  const warmUntil = performance.now() + warmupMs;
  for (let i = 0; i < warmup || performance.now() < warmUntil; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * The first call of a fresh Node.js process (interpreter and JIT warm-up included): bench/coldRun.ts
 * builds the input, times one call and prints it; median of `processes` runs.
 */
export function coldMs(kind: 'stats' | 'plan', processes = 5): number {
  const times: number[] = [];
  for (let i = 0; i < processes; i++) {
    const r = spawnSync(process.execPath, [join(__dirname, 'coldRun.js'), kind], { encoding: 'utf8' });
    const ms = Number(r.stdout.trim());
    if (r.status !== 0 || !Number.isFinite(ms)) throw new Error(`bench/coldRun ${kind} failed: ${r.stderr || r.stdout}`);
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
