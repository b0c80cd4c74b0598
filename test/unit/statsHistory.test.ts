/** Bounded memory: ring buffers and the per-real-server history never grow past their capacity. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RingBuffer } from '../../src/core/stats/ringBuffer';
import { StatsHistory } from '../../src/core/stats/statsHistory';
import type { DirectorSnapshot, RealServerStats } from '../../src/shared/statsProtocol';

test('ring buffer: 1e6 pushes, size and allocation stay at the capacity, oldest first', () => {
  const r = new RingBuffer<number>(300);
  for (let i = 0; i < 1e6; i++) r.push(i);
  assert.equal(r.size, 300);
  assert.equal(r.allocated, 300);
  const a = r.toArray();
  assert.equal(a.length, 300);
  assert.equal(a[0], 1e6 - 300);
  assert.equal(a[299], 1e6 - 1);
  assert.equal(r.last(), 1e6 - 1);
  r.clear();
  assert.equal(r.size, 0);
  assert.throws(() => new RingBuffer(0), RangeError);
});

test('ring buffer below capacity keeps everything in order', () => {
  const r = new RingBuffer<string>(4);
  ['a', 'b', 'c'].forEach((x) => r.push(x));
  assert.deepEqual(r.toArray(), ['a', 'b', 'c']);
  r.push('d');
  r.push('e');
  assert.deepEqual(r.toArray(), ['b', 'c', 'd', 'e']);
});

function rs(id: string, cps: number): RealServerStats {
  const zero = { cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };
  return { id, endpoint: id, activeConn: 0, inactConn: 0, totals: { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0 }, rate: { ...zero, cps, inBps: 10, outBps: 5 }, approximate: false };
}

function snap(time: number, ids: string[]): DirectorSnapshot {
  return {
    director: 'd', time, warnings: [],
    services: [{ id: 's', label: 's', activeConn: 0, inactConn: 0, totals: { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0 }, rate: { cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 }, approximate: false, realServers: ids.map((i) => rs(i, time)), share: { basis: 'totals', connections: 0, rows: [], maxDeviation: 0 } }],
  };
}

test('history: 1e6 snapshots of 3 real servers hold exactly capacity points per series', () => {
  const h = new StatsHistory({ capacity: 120 });
  for (let i = 0; i < 1e6; i++) h.add(snap(i * 2000, ['a', 'b', 'c']));
  assert.equal(h.seriesCount(), 3);
  assert.equal(h.pointCount(), 360);
  const a = h.toJSON().find((s) => s.id === 'a');
  assert.equal(a?.points.length, 120);
  assert.equal(a?.points[119].t, (1e6 - 1) * 2);
  assert.equal(a?.points[0].bps, 15);
});

test('history: real servers that come and go do not accumulate series', () => {
  const h = new StatsHistory({ capacity: 10, forgetAfterTicks: 5 });
  for (let i = 0; i < 10_000; i++) h.add(snap(i, [`rs-${i}`, 'stable']));
  assert.ok(h.seriesCount() <= 7, `series: ${h.seriesCount()}`);
  assert.ok(h.toJSON().some((s) => s.id === 'stable'));
});
