/**
 * The polling controller: reads every director of a cluster at an interval while someone looks.
 *
 * - Polls only while there is at least one subscriber (the webview while visible, a `--watch` terminal);
 *   the last unsubscribe stops every timer, and a reading still in flight is then dropped.
 * - One reading per director per tick (one SSH exec each, see statsReading.ts); the next tick is scheduled
 *   when the reading ends, so slow hosts never pile up executions.
 * - Interval never below 1 s (default 2 s: the kernel's rate estimator works in 2 s steps).
 * - On errors: exponential back-off per director (interval × 2^failures, capped), the error and the time of
 *   the next attempt surfaced as a status; `retry()` tries at once.
 * - A bounded history per real server (RingBuffer) and the share-of-traffic baseline per director.
 *
 * Time comes from a Clock so the tests drive it with a fake one.
 */
import type { DirectorSnapshot, DirectorStatus } from '../../shared/statsProtocol';
import type { ShareBaseline } from './snapshot';
import { buildSnapshot } from './snapshot';
import { StatsHistory } from './statsHistory';
import type { StatsReading } from './statsReading';

export interface Clock {
  now(): number;
  /** Returns a function that cancels the timer. */
  setTimeout(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

export const MIN_INTERVAL_MS = 1000;
export const DEFAULT_INTERVAL_MS = 2000;
export const DEFAULT_MAX_BACKOFF_MS = 60_000;

export interface PollerListener {
  snapshot?(snapshot: DirectorSnapshot): void;
  status?(status: DirectorStatus): void;
}

export interface PollerOptions {
  directors: readonly string[];
  /** One reading of one director (usually pool.run(director, statsReadingCommand())). */
  read(director: string): Promise<StatsReading>;
  intervalMs?: number;
  maxBackoffMs?: number;
  clock?: Clock;
  /** Cluster-file service names by service id. */
  serviceNames?: ReadonlyMap<string, string>;
  /** Cluster-file host names of the real servers by real server id. */
  serverHosts?: ReadonlyMap<string, string>;
  historyCapacity?: number;
}

interface DirectorRun {
  name: string;
  status: DirectorStatus;
  cancel?: () => void;
  inFlight: boolean;
  last?: DirectorSnapshot;
  baseline: ShareBaseline;
  history: StatsHistory;
}

export function clampIntervalMs(ms: number | undefined): number {
  if (ms === undefined || !Number.isFinite(ms)) return DEFAULT_INTERVAL_MS;
  return Math.max(MIN_INTERVAL_MS, Math.round(ms));
}

export class StatsPoller {
  private readonly listeners = new Set<PollerListener>();
  private readonly runs: DirectorRun[];
  private readonly clock: Clock;
  private intervalMs: number;
  private readonly maxBackoffMs: number;
  /** Bumped on every stop: readings of an older generation are dropped. */
  private generation = 0;
  private disposed = false;
  /** Readings started (= SSH execs), for tests and logs. */
  readsStarted = 0;

  constructor(private readonly options: PollerOptions) {
    this.clock = options.clock ?? systemClock;
    this.intervalMs = clampIntervalMs(options.intervalMs);
    this.maxBackoffMs = Math.max(this.intervalMs, options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS);
    this.runs = options.directors.map((name) => ({
      name,
      status: { director: name, state: 'idle', failures: 0 },
      inFlight: false,
      baseline: new Map(),
      history: new StatsHistory({ capacity: options.historyCapacity ?? 300 }),
    }));
  }

  get directors(): string[] {
    return this.runs.map((r) => r.name);
  }

  get interval(): number {
    return this.intervalMs;
  }

  get polling(): boolean {
    return this.listeners.size > 0 && !this.disposed;
  }

  /** Starts polling with the first subscriber; the returned function unsubscribes (the last one stops). */
  subscribe(listener: PollerListener): () => void {
    if (this.disposed) throw new Error('the stats poller is disposed');
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.start();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  setIntervalMs(ms: number): void {
    this.intervalMs = clampIntervalMs(ms);
  }

  /** Reads now (all directors, or one), cancelling a pending back-off. */
  retry(director?: string): void {
    if (!this.polling) return;
    for (const run of this.runs) {
      if (director !== undefined && run.name !== director) continue;
      if (run.inFlight) continue;
      run.cancel?.();
      delete run.cancel;
      void this.tick(run, this.generation);
    }
  }

  status(director: string): DirectorStatus | undefined {
    return this.runs.find((r) => r.name === director)?.status;
  }

  lastSnapshot(director: string): DirectorSnapshot | undefined {
    return this.runs.find((r) => r.name === director)?.last;
  }

  history(director: string): StatsHistory | undefined {
    return this.runs.find((r) => r.name === director)?.history;
  }

  /** Time until the next attempt after `failures` consecutive failures. */
  backoffMs(failures: number): number {
    return Math.min(this.maxBackoffMs, this.intervalMs * 2 ** Math.min(failures, 30));
  }

  dispose(): void {
    this.listeners.clear();
    this.stop();
    this.disposed = true;
  }

  private start(): void {
    const gen = this.generation;
    for (const run of this.runs) {
      this.setStatus(run, { ...run.status, state: 'connecting' });
      void this.tick(run, gen);
    }
  }

  private stop(): void {
    this.generation++;
    for (const run of this.runs) {
      run.cancel?.();
      delete run.cancel;
      run.inFlight = false;
      const st: DirectorStatus = { director: run.name, state: 'paused', failures: run.status.failures };
      if (run.status.lastUpdate !== undefined) st.lastUpdate = run.status.lastUpdate;
      run.status = st; // no listeners left to tell
    }
  }

  private async tick(run: DirectorRun, gen: number): Promise<void> {
    delete run.cancel;
    run.inFlight = true;
    this.readsStarted++;
    let reading: StatsReading;
    try {
      reading = await this.options.read(run.name);
    } catch (err) {
      if (gen !== this.generation) return;
      run.inFlight = false;
      const failures = run.status.failures + 1;
      const delay = this.backoffMs(failures);
      const st: DirectorStatus = {
        director: run.name, state: 'error', failures, error: err instanceof Error ? err.message : String(err), nextAttempt: this.clock.now() + delay,
      };
      if (run.status.lastUpdate !== undefined) st.lastUpdate = run.status.lastUpdate;
      this.setStatus(run, st);
      this.schedule(run, gen, delay);
      return;
    }
    if (gen !== this.generation) return;
    run.inFlight = false;
    const time = this.clock.now();
    const ctx: Parameters<typeof buildSnapshot>[1] = { director: run.name, time, baseline: run.baseline };
    if (run.last) ctx.previous = run.last;
    if (this.options.serviceNames) ctx.serviceNames = this.options.serviceNames;
    if (this.options.serverHosts) ctx.serverHosts = this.options.serverHosts;
    const snapshot = buildSnapshot(reading, ctx);
    run.last = snapshot;
    run.history.add(snapshot);
    for (const l of [...this.listeners]) l.snapshot?.(snapshot);
    this.setStatus(run, { director: run.name, state: 'ok', failures: 0, lastUpdate: time });
    this.schedule(run, gen, this.intervalMs);
  }

  private schedule(run: DirectorRun, gen: number, ms: number): void {
    if (gen !== this.generation || !this.polling) return;
    run.cancel = this.clock.setTimeout(() => void this.tick(run, gen), ms);
  }

  private setStatus(run: DirectorRun, status: DirectorStatus): void {
    run.status = status;
    for (const l of [...this.listeners]) l.status?.(status);
  }
}
