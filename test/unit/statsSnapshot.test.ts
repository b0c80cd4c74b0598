/**
 * Readings merged into snapshots (src/core/stats/snapshot.ts): the lab's real DR and NAT captures, host and
 * service names from the cluster file, deltas, the share-of-traffic baseline, 10,000-entry readings, any order.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { buildSnapshot, deltaRate } from '../../src/core/stats/snapshot';
import type { ShareBaseline } from '../../src/core/stats/snapshot';
import { statsTarget } from '../../src/core/stats/statsPool';
import { parseStatsReading } from '../../src/core/stats/statsReading';
import { drOutput, fixture, sectioned } from '../support/statsReadingText';

describe('stats snapshot', () => {
  test('DR capture: totals, kernel rates, ActiveConn/InActConn and weights per real server', () => {
    const reading = parseStatsReading(drOutput());
    const snap = buildSnapshot(reading, { director: 'director', time: 1_000_000, serviceNames: new Map([['tcp:10.116.0.200:80', 'http']]) });
    assert.equal(snap.services.length, 1);
    const svc = snap.services[0];
    assert.equal(svc.id, 'tcp:10.116.0.200:80');
    assert.equal(svc.label, 'TCP 10.116.0.200:80');
    assert.equal(svc.name, 'http');
    assert.equal(svc.scheduler, 'rr');
    assert.deepEqual(svc.totals, { conns: 84, inPkts: 497, outPkts: 0, inBytes: 32748, outBytes: 0 });
    assert.deepEqual(svc.rate, { cps: 4, inPps: 23, outPps: 0, inBps: 1511, outBps: 0 });
    assert.deepEqual(svc.realServers.map((r) => [r.endpoint, r.weight, r.method, r.activeConn, r.inactConn, r.totals.conns, r.rate.cps]), [
      ['10.116.0.11:80', 1, 'dr', 1, 41, 42, 2],
      ['10.116.0.12:80', 1, 'dr', 1, 41, 42, 2],
    ]);
    assert.equal(svc.activeConn, 2);
    assert.equal(svc.inactConn, 82);
    assert.equal(svc.delta, undefined, 'no delta on the first reading');
    assert.deepEqual(snap.warnings, []);
  });

  test('real servers carry the cluster file\'s host names (the panel shows rs1 · 10.116.0.11:80, as the tree does)', () => {
    const { model, diagnostics } = validateClusterFile([
      'version: 1',
      'hosts:',
      '  - { name: director, address: 10.116.0.10/24, interface: eth0 }',
      '  - { name: rs1, address: 10.116.0.11, interface: eth0 }',
      'clusters:',
      '  - name: lab-web',
      '    directors: [{ host: director }]',
      '    services:',
      '      - name: http',
      '        protocol: tcp',
      '        vip: 10.116.0.200',
      '        port: 80',
      '        scheduler: rr',
      '        realServers:',
      '          - { host: rs1, port: 80, method: dr }',
      '          - { address: 10.116.0.12, port: 80, method: dr }',
      '',
    ].join('\n'));
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
    const target = statsTarget(model, 'lab-web');
    assert.deepEqual([...target.serverHosts], [['tcp:10.116.0.200:80|10.116.0.11:80', 'rs1']]);
    const snap = buildSnapshot(parseStatsReading(drOutput()), { director: 'director', time: 0, serviceNames: target.serviceNames, serverHosts: target.serverHosts });
    const svc = snap.services[0];
    assert.deepEqual(svc.realServers.map((r) => [r.endpoint, r.host]), [['10.116.0.11:80', 'rs1'], ['10.116.0.12:80', undefined]]);
    assert.deepEqual(svc.share.rows.map((r) => [r.endpoint, r.host]), [['10.116.0.11:80', 'rs1'], ['10.116.0.12:80', undefined]]);
  });

  test('NAT capture parses too, with out-packets (replies through the director)', () => {
    const reading = parseStatsReading(sectioned([
      ['stats', fixture('nat', 'ipvsadm_-Ln_--stats_--exact.txt')], ['rate', fixture('nat', 'ipvsadm_-Ln_--rate.txt')], ['list', fixture('nat', 'ipvsadm_-Ln.txt')],
    ]));
    const snap = buildSnapshot(reading, { director: 'd', time: 0 });
    const rs = snap.services[0].realServers;
    assert.equal(rs.length, 2);
    assert.ok(rs.every((r) => r.method === 'nat' && r.totals.outPkts > 0));
  });

  test('thresholds and persistent-conn sections fill the optional columns', () => {
    const reading = parseStatsReading(sectioned([
      ['stats', fixture('dr', 'ipvsadm_-Ln_--stats_--exact.txt')], ['rate', fixture('dr', 'ipvsadm_-Ln_--rate.txt')], ['list', fixture('dr', 'ipvsadm_-Ln.txt')],
      ['thresholds', fixture('dr', 'ipvsadm_-Ln_--thresholds.txt')], ['persistent', fixture('dr', 'ipvsadm_-Ln_--persistent-conn.txt')],
    ]), ['stats', 'rate', 'list', 'thresholds', 'persistent']);
    const rs = buildSnapshot(reading, { director: 'd', time: 0 }).services[0].realServers[0];
    assert.equal(rs.upperThreshold, 0);
    assert.equal(rs.lowerThreshold, 0);
    assert.equal(typeof rs.persistConn, 'number');
  });

  test('deltas of the totals between two readings, per second', () => {
    const before = buildSnapshot(parseStatsReading(drOutput()), { director: 'd', time: 10_000 });
    const later = fixture('dr', 'ipvsadm_-Ln_--stats_--exact.txt').replace(/ 84 /, ' 94 ').replace(/(10\.116\.0\.11:80\s+)42/, '$147').replace(/(10\.116\.0\.12:80\s+)42/, '$147');
    const after = buildSnapshot(parseStatsReading(drOutput(later)), { director: 'd', time: 12_000, previous: before });
    assert.equal(after.intervalSeconds, 2);
    assert.equal(after.services[0].realServers[0].delta?.cps, 2.5);
    assert.equal(after.services[0].realServers[1].delta?.cps, 2.5);
    assert.equal(after.services[0].delta?.cps, 5);
    // Counters going backwards (ipvsadm -Z, server re-added): no delta rather than a negative one.
    assert.equal(deltaRate({ conns: 1, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0 }, { conns: 5, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0 }, 2), undefined);
  });

  test('10,000 entries: a generated --stats/--rate/-Ln reading parses and merges completely', () => {
    const services = 1000;
    const per = 9;
    const stats = ['IP Virtual Server version 1.2.1 (size=4096)', 'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes', '  -> RemoteAddress:Port'];
    const rate = ['IP Virtual Server version 1.2.1 (size=4096)', 'Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS', '  -> RemoteAddress:Port'];
    const list = ['IP Virtual Server version 1.2.1 (size=4096)', 'Prot LocalAddress:Port Scheduler Flags', '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn'];
    for (let s = 0; s < services; s++) {
      const vip = `10.${s >> 16}.${(s >> 8) & 255}.${s & 255}:80`;
      stats.push(`TCP  ${vip}  ${s * 9} 1 2 3 4`);
      rate.push(`TCP  ${vip}  ${s} 1 2 3 4`);
      list.push(`TCP  ${vip} wrr`);
      for (let r = 0; r < per; r++) {
        const rs = `172.16.${s & 255}.${r + 1}:8080`;
        stats.push(`  -> ${rs}  ${s} 1 2 3 4`);
        rate.push(`  -> ${rs}  1 1 2 3 4`);
        list.push(`  -> ${rs}  Masq ${r + 1} ${r} 0`);
      }
    }
    const reading = parseStatsReading(sectioned([['stats', stats.join('\n')], ['rate', rate.join('\n')], ['list', list.join('\n')]]));
    const snap = buildSnapshot(reading, { director: 'd', time: 0, baseline: new Map() });
    assert.equal(snap.services.length, services);
    assert.equal(snap.services.reduce((n, s) => n + 1 + s.realServers.length, 0), 10_000);
    const last = snap.services[services - 1];
    assert.equal(last.realServers[8].weight, 9);
    assert.equal(last.share.rows[8].expected, 9 / 45);
    // Speed is measured by bench/stats.bench.ts, not asserted here (shared machines vary).
  });

  test('the listings and the previous snapshot may list real servers in any order: each row gets its own numbers', () => {
    // 3 real servers (matched by scanning) and 40 (matched through a Map), one only in -Ln.
    for (const per of [3, 40]) {
      const ids = Array.from({ length: per }, (_, r) => r);
      const shuffled = (seed: number): number[] => [...ids].sort((a, b) => ((a * 7919 + seed) % per) - ((b * 7919 + seed) % per) || a - b);
      const head = (cols: string): string[] => ['IP Virtual Server version 1.2.1 (size=4096)', `Prot LocalAddress:Port ${cols}`, '  -> RemoteAddress:Port'];
      const rs = (r: number): string => `10.2.${r >> 8}.${r & 255}:${8000 + r}`;
      const reading = (tick: number): string => sectioned([
        ['stats', [...head('Conns InPkts OutPkts InBytes OutBytes'), 'TCP  10.1.0.1:80  0 0 0 0 0', ...shuffled(1 + tick).filter((r) => r !== 0).map((r) => `  -> ${rs(r)}  ${r * 100 + tick * r} 1 2 3 4`)].join('\n')],
        ['rate', [...head('CPS InPPS OutPPS InBPS OutBPS'), 'TCP  10.1.0.1:80  0 0 0 0 0', ...shuffled(5 + tick).filter((r) => r !== 0).map((r) => `  -> ${rs(r)}  ${r} 0 0 0 0`)].join('\n')],
        ['list', [...head('Scheduler Flags'), 'TCP  10.1.0.1:80 wrr', ...shuffled(9 + tick).map((r) => `  -> ${rs(r)}  Route ${r + 1} ${r * 2} ${r * 3}`)].join('\n')],
      ]);
      const first = buildSnapshot(parseStatsReading(reading(0)), { director: 'd', time: 0 });
      const second = buildSnapshot(parseStatsReading(reading(1)), { director: 'd', time: 2000, previous: first });
      const rows = second.services[0].realServers;
      assert.equal(rows.length, per);
      for (const row of rows) {
        const r = ids.find((x) => rs(x) === row.endpoint) ?? -1;
        assert.ok(r >= 0, row.endpoint);
        assert.equal(row.weight, r + 1, row.endpoint);
        assert.equal(row.activeConn, r * 2, row.endpoint);
        assert.equal(row.inactConn, r * 3, row.endpoint);
        if (r === 0) {
          // Only in -Ln: no counters, after the --stats rows.
          assert.equal(row.totals.conns, 0);
          assert.equal(rows.indexOf(row), per - 1);
          continue;
        }
        assert.equal(row.totals.conns, r * 100 + r, row.endpoint);
        assert.equal(row.rate.cps, r, row.endpoint);
        assert.equal(row.delta?.cps, r / 2, row.endpoint);
      }
    }
  });

  test('the snapshot keeps a baseline per real server: observed counts the connections since the first reading', () => {
    const baseline: ShareBaseline = new Map();
    const first = buildSnapshot(parseStatsReading(drOutput()), { director: 'd', time: 0, baseline });
    assert.equal(first.services[0].share.basis, 'totals');
    const later = fixture('dr', 'ipvsadm_-Ln_--stats_--exact.txt').replace(/(10\.116\.0\.11:80\s+)42/, '$150').replace(/(10\.116\.0\.12:80\s+)42/, '$144');
    const second = buildSnapshot(parseStatsReading(drOutput(later)), { director: 'd', time: 2000, previous: first, baseline });
    assert.equal(second.services[0].share.basis, 'window');
    assert.equal(second.services[0].share.connections, 10);
    assert.deepEqual(second.services[0].share.rows.map((r) => r.observed), [0.8, 0.2]);
  });
});
