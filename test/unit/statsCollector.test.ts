/**
 * The collector's reading: the sectioned output of one exec, parsed with the real captures of the lab
 * (test/fixtures/ipvs/{dr,nat}), merged into snapshots (deltas, share of traffic), and large generated tables.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { connectionsCommand, pageConnections } from '../../src/core/stats/connections';
import { parseConnListing } from '../../src/core/ipvs/connParser';
import { buildSnapshot, deltaRate } from '../../src/core/stats/snapshot';
import type { ShareBaseline } from '../../src/core/stats/snapshot';
import { shareOfTraffic } from '../../src/core/stats/shareOfTraffic';
import { parseStatsReading, readingScript, splitSections, statsReadingCommand, StatsReadingError } from '../../src/core/stats/statsReading';
import type { SectionName } from '../../src/core/stats/statsReading';
import { commandLine } from '../../src/core/ssh/remoteCommand';
import { statsTarget } from '../../src/core/stats/statsPool';
import { validateClusterFile } from '../../src/core/clusterFile/validate';

const FIX = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'ipvs');
const fixture = (mode: string, name: string): string => readFileSync(join(FIX, mode, name), 'utf8');

function sectioned(parts: [SectionName, string, number?][]): string {
  return parts.map(([n, t, st]) => `@@lvs-stats begin ${n}\n${t}${t.endsWith('\n') ? '' : '\n'}@@lvs-stats end ${n} ${st ?? 0}\n`).join('');
}

function drOutput(stats = fixture('dr', 'ipvsadm_-Ln_--stats_--exact.txt')): string {
  return sectioned([['stats', stats], ['rate', fixture('dr', 'ipvsadm_-Ln_--rate.txt')], ['list', fixture('dr', 'ipvsadm_-Ln.txt')]]);
}

describe('stats reading (one exec, sectioned)', () => {
  test('the command is one sh -c script with the three listings, privileged, with a short timeout', () => {
    const cmd = statsReadingCommand();
    assert.equal(cmd.argv[0], 'sh');
    assert.equal(cmd.argv[1], '-c');
    assert.equal(cmd.argv.length, 3);
    assert.match(cmd.argv[2], /ipvsadm -Ln --stats --exact/);
    assert.match(cmd.argv[2], /ipvsadm -Ln --rate --exact/);
    assert.match(cmd.argv[2], /ipvsadm -Ln 2>&1/);
    assert.doesNotMatch(cmd.argv[2], /thresholds|persistent/);
    assert.equal(cmd.privileged, true);
    assert.ok((cmd.timeoutMs ?? 0) <= 15_000);
    assert.match(commandLine(cmd.argv, 'non-interactive'), /^sudo -n -- sh -c '/);
    const more = readingScript(['stats', 'rate', 'list', 'thresholds', 'persistent']);
    assert.match(more, /--thresholds/);
    assert.match(more, /--persistent-conn/);
  });

  test('the script really produces what the parser splits (run by a local sh with a fake ipvsadm)', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, writeFileSync, chmodSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'fake-ipvsadm-'));
    writeFileSync(join(dir, 'ipvsadm'), `#!/bin/sh\ncase "$*" in\n*--stats*) cat '${join(FIX, 'dr', 'ipvsadm_-Ln_--stats_--exact.txt')}';;\n*--rate*) cat '${join(FIX, 'dr', 'ipvsadm_-Ln_--rate.txt')}';;\n*) cat '${join(FIX, 'dr', 'ipvsadm_-Ln.txt')}';;\nesac\n`);
    chmodSync(join(dir, 'ipvsadm'), 0o755);
    const cmd = statsReadingCommand();
    const stdout = execFileSync(cmd.argv[0], cmd.argv.slice(1), { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: 'utf8' });
    const r = cmd.parse({ stdout, stderr: '', exitCode: 0 });
    assert.equal(r.stats.services[0].realServers.length, 2);
    assert.equal(r.rate.services[0].counters.cps, 4);
    assert.equal(r.list.table.services[0].scheduler, 'rr');
  });

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

  test('a failing section surfaces ipvsadm\'s own message; a missing section is an error', () => {
    const out = sectioned([['stats', 'Can\'t initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?', 2], ['rate', ''], ['list', '']]);
    assert.throws(() => parseStatsReading(out), (e: Error) => e instanceof StatsReadingError && /exited with 2: Can't initialize ipvs/.test(e.message));
    assert.throws(() => parseStatsReading(sectioned([['stats', '', 127], ['rate', ''], ['list', '']])), /not installed/);
    assert.throws(() => parseStatsReading('sudo: a password is required\n'), /no 'stats' section/);
    assert.equal(splitSections(drOutput()).size, 3);
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
});

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

describe('connection table on demand', () => {
  test('ipvsadm -Lnc once, then filter and pages of it', () => {
    assert.deepEqual(connectionsCommand().argv, ['ipvsadm', '-Lnc']);
    const table = parseConnListing(fixture('dr', 'ipvsadm_-Lnc.txt'));
    const all = pageConnections(table, { director: 'd', filter: '', page: 0, pageSize: 10, fetchedAt: 1 });
    assert.equal(all.total, table.connections.length);
    assert.equal(all.rows.length, 10);
    const est = pageConnections(table, { director: 'd', filter: 'established', page: 0, pageSize: 10, fetchedAt: 1 });
    assert.ok(est.matched >= 1 && est.rows.every((r) => r.state === 'ESTABLISHED'));
    const rs1 = pageConnections(table, { director: 'd', filter: '10.116.0.11:80 fin', page: 99, pageSize: 5, fetchedAt: 1 });
    assert.ok(rs1.matched > 0);
    assert.equal(rs1.page, Math.ceil(rs1.matched / 5) - 1, 'a page past the end shows the last page');
    assert.ok(rs1.rows.every((r) => r.destination === '10.116.0.11:80' && r.state === 'FIN_WAIT'));
  });
});
