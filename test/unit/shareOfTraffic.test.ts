/** Share of traffic (src/core/stats/shareOfTraffic.ts): expected from the weights, observed from new connections. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { shareOfTraffic } from '../../src/core/stats/shareOfTraffic';

describe('share of traffic', () => {
  test('expected share from the weights, observed share of new connections since the baseline', () => {
    const s = shareOfTraffic([
      { id: 'a', endpoint: 'a', weight: 3, conns: 130, baselineConns: 100 },
      { id: 'b', endpoint: 'b', weight: 1, conns: 60, baselineConns: 50 },
    ]);
    assert.equal(s.basis, 'window');
    assert.equal(s.connections, 40);
    assert.deepEqual(s.rows.map((r) => [r.expected, r.observed]), [[0.75, 0.75], [0.25, 0.25]]);
    assert.equal(s.maxDeviation, 0);
  });

  test('a skewed scheduler shows as deviation; weight 0 (quiesced) expects nothing', () => {
    const s = shareOfTraffic([
      { id: 'a', endpoint: 'a', weight: 1, conns: 90, baselineConns: 0 },
      { id: 'b', endpoint: 'b', weight: 1, conns: 10, baselineConns: 0 },
      { id: 'c', endpoint: 'c', weight: 0, conns: 0, baselineConns: 0 },
    ]);
    assert.deepEqual(s.rows.map((r) => r.expected), [0.5, 0.5, 0]);
    assert.deepEqual(s.rows.map((r) => r.observed), [0.9, 0.1, 0]);
    assert.ok(Math.abs(s.maxDeviation - 0.4) < 1e-12);
  });

  test('no new connections yet: all-time totals; nothing at all: zeros; unknown weights count as equal', () => {
    const t = shareOfTraffic([{ id: 'a', endpoint: 'a', conns: 30 }, { id: 'b', endpoint: 'b', conns: 10 }]);
    assert.equal(t.basis, 'totals');
    assert.deepEqual(t.rows.map((r) => [r.expected, r.observed]), [[0.5, 0.75], [0.5, 0.25]]);
    const z = shareOfTraffic([{ id: 'a', endpoint: 'a', weight: 0, conns: 0 }]);
    assert.deepEqual(z.rows.map((r) => [r.expected, r.observed]), [[0, 0]]);
    assert.equal(z.maxDeviation, 0);
  });
});
