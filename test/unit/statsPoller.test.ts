/**
 * The polling controller with a fake clock and a fake reader (the real SSH reader is exercised by
 * test/lab/stats.test.ts): polls only while subscribed, interval ≥ 1 s, back-off on errors with the error
 * surfaced, retry, readings of a stopped run dropped.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Clock } from '../../src/core/stats/statsPoller';
import { clampIntervalMs, StatsPoller } from '../../src/core/stats/statsPoller';
import { parseStatsReading } from '../../src/core/stats/statsReading';
import type { StatsReading } from '../../src/core/stats/statsReading';
import type { DirectorSnapshot, DirectorStatus } from '../../src/shared/statsProtocol';

const FIX = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'ipvs', 'dr');
const READING_TEXT = ['ipvsadm_-Ln_--stats_--exact.txt', 'ipvsadm_-Ln_--rate.txt', 'ipvsadm_-Ln.txt']
  .map((f, i) => `@@lvs-stats begin ${['stats', 'rate', 'list'][i]}\n${readFileSync(join(FIX, f), 'utf8')}@@lvs-stats end ${['stats', 'rate', 'list'][i]} 0\n`).join('');

class FakeClock implements Clock {
  time = 1_000_000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  now(): number { return this.time; }
  setTimeout(fn: () => void, ms: number): () => void {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, id });
    return () => { this.timers = this.timers.filter((t) => t.id !== id); };
  }
  pending(): number { return this.timers.length; }
  /** Advances time, firing due timers in order, letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      this.timers.sort((a, b) => a.at - b.at);
      const t = this.timers[0];
      if (!t || t.at > end) break;
      this.timers.shift();
      this.time = t.at;
      t.fn();
    }
    this.time = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}

function fakeReader(fail: (call: number, director: string) => boolean = () => false) {
  const calls: string[] = [];
  return {
    calls,
    read: async (director: string): Promise<StatsReading> => {
      calls.push(director);
      if (fail(calls.length, director)) throw new Error(`${director}: connect ECONNREFUSED 127.0.0.1:22`);
      return parseStatsReading(READING_TEXT);
    },
  };
}

test('interval: default 2 s, never below 1 s', () => {
  assert.equal(clampIntervalMs(undefined), 2000);
  assert.equal(clampIntervalMs(10), 1000);
  assert.equal(clampIntervalMs(5000), 5000);
  assert.equal(clampIntervalMs(Number.NaN), 2000);
});

test('polls only while subscribed: one read per director per tick, none after the last unsubscribe', async () => {
  const clock = new FakeClock();
  const r = fakeReader();
  const p = new StatsPoller({ directors: ['d1', 'd2'], read: r.read, intervalMs: 2000, clock });
  await clock.advance(10_000);
  assert.equal(r.calls.length, 0, 'nothing without a subscriber');
  const snaps: DirectorSnapshot[] = [];
  const a = p.subscribe({ snapshot: (s) => snaps.push(s) });
  const b = p.subscribe({});
  await clock.advance(0);
  assert.deepEqual(r.calls, ['d1', 'd2']);
  await clock.advance(2000);
  assert.equal(r.calls.length, 4);
  await clock.advance(6000);
  assert.equal(r.calls.length, 10);
  assert.equal(snaps.length, 10);
  assert.equal(snaps[2].intervalSeconds, 2);
  a();
  await clock.advance(4000);
  assert.equal(r.calls.length, 14, 'still one subscriber');
  b();
  assert.equal(clock.pending(), 0, 'no timer left');
  await clock.advance(60_000);
  assert.equal(r.calls.length, 14, 'stopped');
  assert.equal(p.status('d1')?.state, 'paused');
  assert.equal(p.readsStarted, 14);
  p.subscribe({});
  await clock.advance(0);
  assert.equal(r.calls.length, 16, 'resumes with a new subscriber');
  p.dispose();
  assert.equal(clock.pending(), 0);
});

test('exponential back-off on errors, the error surfaced; recovery resets it', async () => {
  const clock = new FakeClock();
  let down = true;
  const attemptTimes: number[] = [];
  const r = fakeReader(() => { attemptTimes.push(clock.time); return down; });
  const p = new StatsPoller({ directors: ['d'], read: r.read, intervalMs: 1000, maxBackoffMs: 16_000, clock });
  const statuses: DirectorStatus[] = [];
  p.subscribe({ status: (s) => statuses.push(s) });
  await clock.advance(100_000);
  // attempts at 0, then +2 s, +4 s, +8 s, +16 s, +16 s, … (interval × 2^failures, capped)
  const gaps = attemptTimes.slice(1).map((t, i) => t - attemptTimes[i]);
  assert.deepEqual(gaps.slice(0, 6), [2000, 4000, 8000, 16000, 16000, 16000]);
  const last = statuses[statuses.length - 1];
  assert.equal(last.state, 'error');
  assert.match(last.error ?? '', /ECONNREFUSED/);
  assert.ok(last.failures >= 6);
  assert.equal(last.nextAttempt, attemptTimes[attemptTimes.length - 1] + 16000);
  // retry: at once, not after the back-off
  down = false;
  const before = r.calls.length;
  p.retry();
  await clock.advance(0);
  assert.equal(r.calls.length, before + 1);
  assert.equal(p.status('d')?.state, 'ok');
  assert.equal(p.status('d')?.failures, 0);
  await clock.advance(1000);
  assert.equal(r.calls.length, before + 2, 'back to the normal interval');
  p.dispose();
});

test('one failing director does not slow the other', async () => {
  const clock = new FakeClock();
  const r = fakeReader((_, d) => d === 'bad');
  const p = new StatsPoller({ directors: ['good', 'bad'], read: r.read, intervalMs: 1000, clock });
  p.subscribe({});
  await clock.advance(10_000);
  const good = r.calls.filter((d) => d === 'good').length;
  const bad = r.calls.filter((d) => d === 'bad').length;
  assert.equal(good, 11);
  assert.ok(bad <= 4, `bad: ${bad}`);
  assert.equal(p.status('good')?.state, 'ok');
  assert.equal(p.status('bad')?.state, 'error');
  p.dispose();
});

test('a reading in flight when the last subscriber leaves is dropped, and no timer is set by it', async () => {
  const clock = new FakeClock();
  let release: (() => void) | undefined;
  const p = new StatsPoller({
    directors: ['d'], clock, intervalMs: 1000,
    read: () => new Promise<StatsReading>((res) => { release = () => res(parseStatsReading(READING_TEXT)); }),
  });
  const snaps: DirectorSnapshot[] = [];
  const off = p.subscribe({ snapshot: (s) => snaps.push(s) });
  await clock.advance(0);
  off();
  release?.();
  await clock.advance(5000);
  assert.equal(snaps.length, 0);
  assert.equal(clock.pending(), 0);
  assert.equal(p.lastSnapshot('d'), undefined);
});

test('history stays bounded however long the poller runs', async () => {
  const clock = new FakeClock();
  const r = fakeReader();
  const p = new StatsPoller({ directors: ['d'], read: r.read, intervalMs: 1000, clock, historyCapacity: 50 });
  p.subscribe({});
  await clock.advance(500_000);
  assert.equal(r.calls.length, 501);
  assert.equal(p.history('d')?.pointCount(), 100, '2 real servers × 50 points');
  p.dispose();
});
