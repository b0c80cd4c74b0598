/**
 * Seeded fuzz targets, one per ipvs parser (issue 19): real outputs from the fixtures, mutated token by
 * token with what a broken or hostile director could print (prototype names, huge and negative numbers,
 * missing and extra columns, truncated lines). Each parser must never throw and must return only values
 * in their kernel ranges (safe integers, known names), explaining the rest with errors; the rules
 * renderer must be a fixed point (render(parse(render(t))) is render(t)). Fixed seeds and bounded counts:
 * the same inputs on every run, a few hundred milliseconds per target.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LiveStateError, parseLiveState, SECTION_MARK } from '../../src/core/apply/liveState';
import type { Diagnostic } from '../../src/core/diagnostics';
import type { ConnectionTable } from '../../src/core/ipvs/connParser';
import { parseConnListing, parseProcConn } from '../../src/core/ipvs/connParser';
import type { IpvsListing } from '../../src/core/ipvs/listParser';
import { parseIpvsListing } from '../../src/core/ipvs/listParser';
import { parseProcIpvs, parseProcIpvsStats } from '../../src/core/ipvs/procParser';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import { renderRules } from '../../src/core/ipvs/rulesRenderer';
import { parseDaemonListing, parseTimeoutListing } from '../../src/core/ipvs/settingsParser';
import type { StatsListing } from '../../src/core/ipvs/statsParser';
import { parseRateListing, parseStatsListing } from '../../src/core/ipvs/statsParser';
import type { IpvsRealServer, IpvsTable, ServiceKey } from '../../src/core/ipvs/types';
import { SCHED_FLAGS, SCHEDULERS } from '../../src/core/ipvs/types';

const U32 = 0xffffffff;
const fixtures = [join(__dirname, '..', '..', '..'), process.cwd()].map((r) => join(r, 'test', 'fixtures', 'ipvs')).find((p) => existsSync(p)) ?? '';

/** Every line of every fixture whose name matches. */
function fixtureLines(match: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const dir of ['dr', 'nat', 'lab']) {
    for (const f of readdirSync(join(fixtures, dir))) if (match(f)) out.push(...readFileSync(join(fixtures, dir, f), 'utf8').split('\n'));
  }
  return out;
}

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n: number): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const HOSTILE = [
  '', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '->', 'TCP', 'UDP', 'SCTP', 'FWM', 'IPv6',
  '99999999999999999999', '9007199254740993', '4294967296', '65536', '70000', '-1', '0', '1', 'x', 'NaN', 'Infinity', '1e5', '0x10',
  'persistent', 'mask', 'pe', 'sip', 'ops', 'Route', 'Masq', 'Tunnel', 'Local', 'gue:x:-c', 'gue:6080:+c', 'gre:toString', 'ipip', 'n/a',
  '10.0.0.1:80', '[2001:db8::1]:80', '[::1', '1.2.3.4:', ':80', '999K', '12345678901234T', '(sh-port,constructor)', 'rr', 'sh', 'wlc',
  '0A000001:0050', '[2001:0db8:0000:0000:0000:0000:0000:0001]:0050', 'FFFFFFFF', '01:60', '1:99', 'mcast=eth0', 'syncid=999', '__proto__=x',
  'Timeout', '(tcp', 'tcpfin', 'udp):', 'IP Virtual Server version 1.2.1 (size=99999999999999999999)', '\u0131', '\r',
];

/** A mutated listing: lines of the seed corpus, some of their tokens replaced, dropped, doubled or cut. */
function mutate(rnd: (n: number) => number, corpus: readonly string[]): string {
  const lines: string[] = [];
  const count = 1 + rnd(12);
  for (let l = 0; l < count; l++) {
    const line = corpus[rnd(corpus.length)] ?? '';
    const lead = /^\s*/.exec(line)?.[0] ?? '';
    let tokens = line.trim().split(/\s+/);
    const edits = rnd(4);
    for (let e = 0; e < edits; e++) {
      const k = rnd(tokens.length + 1);
      switch (rnd(5)) {
        case 0: tokens[k] = HOSTILE[rnd(HOSTILE.length)]; break;
        case 1: tokens.splice(k, 1); break;
        case 2: tokens.splice(k, 0, HOSTILE[rnd(HOSTILE.length)]); break;
        case 3: tokens = tokens.slice(0, k); break;
        default: tokens[k] = `${tokens[k] ?? ''}${HOSTILE[rnd(HOSTILE.length)]}`;
      }
    }
    lines.push(lead + tokens.join(' '.repeat(1 + rnd(3))));
  }
  return lines.join(rnd(8) === 0 ? '\r\n' : '\n') + (rnd(2) === 0 ? '\n' : '');
}

function inRange(x: unknown, min: number, max: number, what: string): void {
  assert.ok(typeof x === 'number' && Number.isSafeInteger(x) && x >= min && x <= max, `${what} = ${String(x)}`);
}

function checkDiagnostics(ds: readonly Diagnostic[], text: string): void {
  const lines = text.split('\n').length;
  for (const d of ds) {
    assert.ok(d.range.start.line >= 0 && d.range.start.line < lines, `diagnostic line ${d.range.start.line} of ${lines}`);
    assert.equal(typeof d.message, 'string');
  }
}

function checkKey(key: ServiceKey): void {
  assert.ok(key.family === 'inet' || key.family === 'inet6', `family ${String(key.family)}`);
  if (key.kind === 'fwmark') { inRange(key.fwmark, 1, U32, 'fwmark'); return; }
  assert.ok(key.protocol === 'tcp' || key.protocol === 'udp' || key.protocol === 'sctp', `protocol ${String(key.protocol)}`);
  assert.equal(typeof key.address, 'string');
  inRange(key.port, 0, 65535, 'service port');
}

function checkServer(rs: IpvsRealServer): void {
  assert.equal(typeof rs.address, 'string');
  inRange(rs.port, 0, 65535, 'port');
  assert.ok(['dr', 'nat', 'tun'].includes(rs.method), `method ${String(rs.method)}`);
  inRange(rs.weight, 0, 65535, 'weight');
  inRange(rs.upperThreshold, 0, U32, 'upper threshold');
  inRange(rs.lowerThreshold, 0, U32, 'lower threshold');
  if (rs.tunnel) {
    assert.ok(['ipip', 'gue', 'gre'].includes(rs.tunnel.type), `tunnel ${String(rs.tunnel.type)}`);
    if (rs.tunnel.port !== undefined) inRange(rs.tunnel.port, 1, 65535, 'tunnel port');
    if (rs.tunnel.checksum !== undefined) assert.ok(['nocsum', 'csum', 'remcsum'].includes(rs.tunnel.checksum), `checksum ${String(rs.tunnel.checksum)}`);
  }
}

function checkTable(t: IpvsTable): void {
  for (const s of t.services) {
    checkKey(s.key);
    assert.ok((SCHEDULERS as readonly string[]).includes(s.scheduler), `scheduler ${String(s.scheduler)}`);
    for (const f of s.schedFlags) assert.ok((SCHED_FLAGS as readonly string[]).includes(f), `flag ${String(f)}`);
    if (s.persistence) {
      inRange(s.persistence.timeout, 1, U32, 'persistence timeout');
      assert.equal(typeof s.persistence.netmask, 'string');
    }
    assert.ok(s.pe === undefined || s.pe === 'sip');
    for (const rs of s.realServers) checkServer(rs);
  }
}

function checkListing(l: IpvsListing, text: string): void {
  checkDiagnostics(l.diagnostics, text);
  checkTable(l.table);
  if (l.size !== undefined) inRange(l.size, 1, U32, 'size');
  assert.equal(l.counters.length, l.table.services.length);
  l.counters.forEach((c, i) => {
    assert.equal(c.realServers.length, l.table.services[i].realServers.length);
    for (const r of c.realServers) {
      inRange(r.activeConn, 0, U32, 'ActiveConn');
      inRange(r.inactConn, 0, U32, 'InActConn');
      if (r.persistConn !== undefined) inRange(r.persistConn, 0, U32, 'PersistConn');
    }
  });
}

function checkStats<C extends object>(l: StatsListing<C>, text: string): void {
  checkDiagnostics(l.diagnostics, text);
  for (const s of l.services) {
    checkKey(s.key);
    for (const row of [s, ...s.realServers]) for (const v of Object.values(row.counters)) inRange(v, 0, Number.MAX_SAFE_INTEGER, 'counter');
    for (const rs of s.realServers) inRange(rs.port, 0, 65535, 'port');
  }
}

function checkConnections(c: ConnectionTable, text: string): void {
  checkDiagnostics(c.diagnostics, text);
  for (const x of c.connections) {
    assert.ok(['TCP', 'UDP', 'SCTP'].includes(x.protocol), `protocol ${x.protocol}`);
    for (const ep of [x.client, x.virtual, x.destination]) inRange(ep.port, 0, 65535, 'port');
    inRange(x.expires, 0, U32, 'expires');
  }
}

/** Runs `count` mutated inputs of `corpus` through `check`, reporting the first failing input. */
function fuzz(seed: number, count: number, corpus: readonly string[], check: (text: string) => void): void {
  const rnd = prng(seed);
  for (let i = 0; i < count; i++) {
    const text = mutate(rnd, corpus);
    try {
      check(text);
    } catch (err) {
      throw new Error(`input #${i} ${JSON.stringify(text)}: ${(err as Error).stack ?? String(err)}`);
    }
  }
}

const N = 3000;
const listingCorpus = fixtureLines((f) => f.startsWith('ipvsadm_-L') && !f.includes('--stats') && !f.includes('--rate') && f !== 'ipvsadm_-Lnc.txt');

test('fuzz parseIpvsListing (-Ln, --thresholds, --persistent-conn, --tun-info)', () => {
  fuzz(1901, N, listingCorpus, (text) => checkListing(parseIpvsListing(text), text));
});

test('fuzz parseStatsListing and parseRateListing', () => {
  const corpus = fixtureLines((f) => f.includes('--stats') || f.includes('--rate'));
  fuzz(1902, N, corpus, (text) => {
    checkStats(parseStatsListing(text), text);
    checkStats(parseRateListing(text), text);
  });
});

test('fuzz parseProcIpvs and parseProcIpvsStats', () => {
  fuzz(1903, N, fixtureLines((f) => f === 'proc_net_ip_vs.txt'), (text) => checkListing(parseProcIpvs(text), text));
  fuzz(1904, N, fixtureLines((f) => f === 'proc_net_ip_vs_stats.txt'), (text) => {
    const st = parseProcIpvsStats(text);
    checkDiagnostics(st.diagnostics, text);
    for (const v of [...Object.values(st.totals), ...Object.values(st.rates)]) inRange(v, 0, Number.MAX_SAFE_INTEGER, 'counter');
  });
});

test('fuzz parseConnListing and parseProcConn', () => {
  fuzz(1905, N, fixtureLines((f) => f === 'ipvsadm_-Lnc.txt'), (text) => checkConnections(parseConnListing(text), text));
  fuzz(1906, N, fixtureLines((f) => f === 'proc_net_ip_vs_conn.txt'), (text) => checkConnections(parseProcConn(text), text));
});

test('fuzz parseTimeoutListing and parseDaemonListing', () => {
  const corpus = [...fixtureLines((f) => f.includes('--timeout')), 'master sync daemon (mcast=eth0, syncid=1)', 'backup sync daemon (mcast=eth1, syncid=2, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)'];
  fuzz(1907, N, corpus, (text) => {
    const t = parseTimeoutListing(text);
    checkDiagnostics(t.diagnostics, text);
    if (t.timeouts) for (const v of Object.values(t.timeouts)) inRange(v, 0, U32, 'timeout');
    const d = parseDaemonListing(text);
    checkDiagnostics(d.diagnostics, text);
    for (const x of d.daemons) {
      inRange(x.syncId, 0, 255, 'syncid');
      assert.equal(Object.getPrototypeOf(x.settings), Object.prototype);
      for (const v of Object.values(x.settings)) assert.equal(typeof v, 'string');
    }
  });
});

test('fuzz parseLiveState: a LiveStateError or a sane state, never another exception', () => {
  const rnd = prng(1908);
  const save = fixtureLines((f) => f.startsWith('ipvsadm-save_-n'));
  const list = fixtureLines((f) => f === 'ipvsadm_-Ln.txt');
  const thresholds = fixtureLines((f) => f === 'ipvsadm_-Ln_--thresholds.txt');
  const whole = (dir: string, file: string): string => readFileSync(join(fixtures, dir, file), 'utf8');
  /** Each section either the real capture or a mutation of it. */
  const either = (real: string, corpus: readonly string[]): string => (rnd(2) === 0 ? real : mutate(rnd, corpus));
  let believed = 0;
  for (let i = 0; i < 1000; i++) {
    const sections: [string, string][] = [['save', either(whole('lab', 'ipvsadm-save_-n.txt'), save)],
      ['thresholds', either(whole('lab', 'ipvsadm_-Ln_--thresholds.txt'), thresholds)], ['list', either(whole('lab', 'ipvsadm_-Ln.txt'), list)],
      ['timeout', mutate(rnd, fixtureLines((f) => f.includes('--timeout')))], ['sysctl', `/proc/sys/net/ipv4/vs/${HOSTILE[rnd(HOSTILE.length)]}:${HOSTILE[rnd(HOSTILE.length)]}`]];
    if (rnd(3) === 0) sections.splice(rnd(sections.length), 1);
    const stdout = sections.map(([n, t]) => `${SECTION_MARK} ${n}\n${t}\n${SECTION_MARK}-rc ${n} ${rnd(10) === 0 ? HOSTILE[rnd(HOSTILE.length)] : '0'}`).join('\n');
    try {
      const s = parseLiveState({ stdout, stderr: '', exitCode: 0 });
      checkTable(s.table);
      for (const c of s.counters.values()) { inRange(c.activeConn, 0, U32, 'ActiveConn'); inRange(c.inactConn, 0, U32, 'InActConn'); }
      for (const v of Object.values(s.sysctls)) inRange(v, -2147483648, 2147483647, 'sysctl');
      assert.equal(Object.getPrototypeOf(s.sysctls), Object.prototype);
      believed++;
    } catch (err) {
      if (!(err instanceof LiveStateError)) throw new Error(`input #${i} ${JSON.stringify(stdout)}: ${(err as Error).stack ?? String(err)}`);
    }
  }
  assert.ok(believed > 0, 'some mutated outputs are still readable');
});

/** Random rules lines from ipvsadm's vocabulary, with hostile arguments. */
function randomRules(rnd: (n: number) => number): string {
  const commands = ['-A', '-E', '-D', '-a', '-e', '-d', '-C', '-Z'];
  const services = ['-t 10.0.0.1:80', '-u 10.0.0.1:53', '--sctp-service 10.0.0.1:3868', '-t [2001:db8::1]:80', '-f 1', '-f 2 -6', '-t web:http', '-t 10.0.0.1:0'];
  const servers = ['10.0.0.2', '10.0.0.3:8080', '[2001:db8::2]:80', '[a00:1:1::]:81', '10.0.0.1:81', 'rs1:80'];
  const options = ['-s rr', '-s sh', '-s mh', '-s wlc', '-p', '-p 60', '-M 255.255.255.0', '-M 64', '--pe sip', '-o', '-b sh-port', '-b flag-1,flag-3',
    '-g', '-m', '-i', '-w 0', '-w 65535', '-x 10', '-y 5', '--tun-type gue', '--tun-port 6080', '--tun-csum', '--tun-type gre', '--tun-remcsum', '--tun-type ipip'];
  const lines: string[] = [];
  if (rnd(4) === 0) {
    // one fwmark service with TUN servers of both families, whose addresses share their first 32 bits
    lines.push('-A -f 1 -s rr');
    const tun = ['10.0.0.1:81', '10.0.0.1:79', '[a00:1:1::]:80', '[a00:1::]:82', '[a00:1:0:1::]:78', '10.0.0.2:80', '[::1]:80'];
    for (let k = rnd(6); k >= 0; k--) lines.push(`-a -f 1 -r ${tun[rnd(tun.length)]} -i -w 1`);
  }
  const count = 1 + rnd(25);
  for (let l = 0; l < count; l++) {
    const parts = [commands[rnd(commands.length)], services[rnd(services.length)]];
    if (rnd(3) !== 0) parts.push('-r', servers[rnd(servers.length)]);
    for (let o = rnd(5); o > 0; o--) parts.push(rnd(6) === 0 ? HOSTILE[rnd(HOSTILE.length)] : options[rnd(options.length)]);
    lines.push(parts.join(' '));
  }
  return `${lines.join('\n')}\n`;
}

test('fuzz parseRules and the renderer: sane table, render a fixed point that parses without error', () => {
  const rnd = prng(1909);
  for (let i = 0; i < N; i++) {
    const text = rnd(2) === 0 ? randomRules(rnd) : mutate(rnd, fixtureLines((f) => f.startsWith('ipvsadm-save')));
    try {
      const parsed = parseRules(text);
      checkDiagnostics(parsed.diagnostics, text);
      checkTable(parsed.table);
      const once = renderRules(parsed.table);
      const again = parseRules(once);
      assert.deepEqual(again.diagnostics.filter((d) => d.severity === 'error'), [], once);
      assert.equal(renderRules(again.table), once);
    } catch (err) {
      throw new Error(`input #${i} ${JSON.stringify(text)}: ${(err as Error).stack ?? String(err)}`);
    }
  }
});
