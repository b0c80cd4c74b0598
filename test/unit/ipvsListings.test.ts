/** Every ipvsadm and /proc output of the real fixtures parses without error, with the numbers of the file. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConnListing, parseProcConn } from '../../src/core/ipvs/connParser';
import { parseIpvsListing } from '../../src/core/ipvs/listParser';
import { parseProcIpvs, parseProcIpvsStats } from '../../src/core/ipvs/procParser';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import { parseDaemonListing, parseTimeoutListing } from '../../src/core/ipvs/settingsParser';
import { formatLargeNumber, parseRateListing, parseStatsListing } from '../../src/core/ipvs/statsParser';
import type { Diagnostic } from '../../src/core/diagnostics';

const fixtures = [join(__dirname, '..', '..', '..'), process.cwd()].map((r) => join(r, 'test', 'fixtures', 'ipvs')).find((p) => existsSync(p)) ?? '';
const read = (dir: string, file: string): string => readFileSync(join(fixtures, dir, file), 'utf8');
const errors = (ds: Diagnostic[]): Diagnostic[] => ds.filter((d) => d.severity === 'error');

/** Which parser reads which fixture; every ipvsadm/proc file must be listed. */
function parseFixture(file: string, text: string): Diagnostic[] {
  if (file.startsWith('ipvsadm-save')) return parseRules(text).diagnostics;
  if (file === 'ipvsadm_-Lnc.txt') return parseConnListing(text).diagnostics;
  if (file.includes('--stats')) return parseStatsListing(text).diagnostics;
  if (file.includes('--rate')) return parseRateListing(text).diagnostics;
  if (file.includes('--timeout')) return parseTimeoutListing(text).diagnostics;
  if (file.includes('--daemon')) return parseDaemonListing(text).diagnostics;
  if (file.startsWith('ipvsadm_-L')) return parseIpvsListing(text).diagnostics;
  if (file === 'proc_net_ip_vs.txt') return parseProcIpvs(text).diagnostics;
  if (file === 'proc_net_ip_vs_stats.txt') return parseProcIpvsStats(text).diagnostics;
  if (file === 'proc_net_ip_vs_conn.txt') return parseProcConn(text).diagnostics;
  throw new Error(`no parser for ${file}`);
}

for (const dir of ['dr', 'nat']) {
  test(`${dir}: every ipvsadm and /proc fixture parses with no error`, () => {
    const files = readdirSync(join(fixtures, dir)).filter((f) => f.startsWith('ipvsadm') || f.startsWith('proc_'));
    assert.equal(files.length, 16);
    for (const f of files) assert.deepEqual(errors(parseFixture(f, read(dir, f))), [], f);
  });
}

test('dr: -Ln and -L', () => {
  const l = parseIpvsListing(read('dr', 'ipvsadm_-Ln.txt'));
  assert.equal(l.version, '1.2.1');
  assert.equal(l.size, 4096);
  assert.deepEqual(l.table.services[0].key, { kind: 'addr', protocol: 'tcp', address: '10.116.0.200', port: 80, family: 'inet' });
  assert.equal(l.table.services[0].scheduler, 'rr');
  assert.deepEqual(l.table.services[0].realServers.map((r) => [r.address, r.method, r.weight]), [['10.116.0.11', 'dr', 1], ['10.116.0.12', 'dr', 1]]);
  assert.deepEqual(l.counters[0].realServers.map((r) => [r.activeConn, r.inactConn]), [[1, 41], [1, 41]]);
  const names = parseIpvsListing(read('dr', 'ipvsadm_-L.txt'));
  assert.deepEqual(names.table.services[0].key, { kind: 'addr', protocol: 'tcp', address: 'vip', port: 80, family: 'inet' });
  assert.equal(names.table.services[0].realServers[1].address, 'rs2');
});

test('nat: -Ln, --thresholds, --persistent-conn', () => {
  const l = parseIpvsListing(read('nat', 'ipvsadm_-Ln.txt'));
  assert.equal(l.table.services[0].scheduler, 'wrr');
  assert.deepEqual(l.table.services[0].realServers.map((r) => [r.method, r.weight]), [['nat', 2], ['nat', 1]]);
  assert.deepEqual(l.counters[0].realServers.map((r) => r.inactConn), [37, 19]);
  const th = parseIpvsListing(read('nat', 'ipvsadm_-Ln_--thresholds.txt'));
  assert.equal(th.columns, 'thresholds');
  assert.deepEqual(th.known, { method: false, weight: false, thresholds: true, tunnel: false });
  assert.deepEqual(th.table.services[0].realServers.map((r) => [r.upperThreshold, r.lowerThreshold]), [[0, 0], [0, 0]]);
  const pc = parseIpvsListing(read('nat', 'ipvsadm_-Ln_--persistent-conn.txt'));
  assert.equal(pc.columns, 'persistent-conn');
  assert.deepEqual(pc.counters[0].realServers.map((r) => [r.persistConn, r.activeConn, r.inactConn]), [[0, 1, 37], [0, 1, 19]]);
  assert.deepEqual(pc.table.services[0].realServers.map((r) => r.weight), [2, 1]);
});

test('stats and rates of both fixtures', () => {
  const s = parseStatsListing(read('nat', 'ipvsadm_-Ln_--stats_--exact.txt'));
  assert.deepEqual(s.services[0].counters, { conns: 58, inPkts: 340, outPkts: 338, inBytes: 22400, outBytes: 29856 });
  assert.deepEqual(s.services[0].realServers[1], { address: '10.116.0.12', port: 80, family: 'inet', counters: { conns: 20, inPkts: 116, outPkts: 115, inBytes: 7636, outBytes: 10149 }, approximate: false });
  const d = parseStatsListing(read('dr', 'ipvsadm_-Ln_--stats.txt'));
  assert.equal(d.services[0].counters.inBytes, 32748);
  assert.equal(d.services[0].realServers[0].counters.conns, 42);
  const r = parseRateListing(read('dr', 'ipvsadm_-Ln_--rate.txt'));
  assert.deepEqual(r.services[0].counters, { cps: 4, inPps: 23, outPps: 0, inBps: 1511, outBps: 0 });
  assert.equal(parseRateListing(read('nat', 'ipvsadm_-Ln_--rate_after.txt')).services[0].realServers[1].counters.outBps, 306);
});

test('K/M/G/T abbreviations (print_largenum)', () => {
  const text = [
    'IP Virtual Server version 1.2.1 (size=4096)',
    'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes',
    '  -> RemoteAddress:Port',
    `TCP  10.0.0.1:80                ${formatLargeNumber(99999999)}${formatLargeNumber(123456789)}${formatLargeNumber(98765432100)}${formatLargeNumber(5e13)}${formatLargeNumber(2e14)}`,
    `FWM  5 IPv6                     ${formatLargeNumber(1)}${formatLargeNumber(2)}${formatLargeNumber(3)}${formatLargeNumber(4)}${formatLargeNumber(5)}`,
    `  -> [2001:db8::5]:0            ${formatLargeNumber(1)}${formatLargeNumber(2)}${formatLargeNumber(3)}${formatLargeNumber(4)}${formatLargeNumber(5)}`,
    '',
  ].join('\n');
  const s = parseStatsListing(text);
  assert.deepEqual(s.diagnostics, []);
  assert.deepEqual(s.services[0].counters, { conns: 99999999, inPkts: 123456000, outPkts: 98765000000, inBytes: 5e13, outBytes: 2e14 });
  assert.equal(s.services[0].approximate, true);
  assert.deepEqual(s.services[1].key, { kind: 'fwmark', fwmark: 5, family: 'inet6' });
  assert.equal(s.services[1].approximate, false);
  assert.deepEqual(s.services[1].realServers[0].address, '2001:db8::5');
});

test('10,000-entry --stats --exact output parses correctly', () => {
  const lines = ['IP Virtual Server version 1.2.1 (size=4096)', 'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes', '  -> RemoteAddress:Port'];
  for (let s = 0; s < 1000; s++) {
    lines.push(`TCP  10.0.${s >> 8}.${s & 255}:80${' '.repeat(20)}${[s, s * 2, s * 3, s * 1000, 123456789012].map((n) => ` ${String(n).padStart(8)}`).join('')}`);
    for (let r = 0; r < 9; r++) lines.push(`  -> 172.16.${s & 255}.${r}:8080 ${[r, r, r, r, 9007199254740991].map((n) => ` ${String(n).padStart(8)}`).join('')}`);
  }
  const st = parseStatsListing(lines.join('\n') + '\n');
  assert.deepEqual(st.diagnostics, []);
  assert.equal(st.services.length, 1000);
  assert.equal(st.services.reduce((n, x) => n + x.realServers.length, 0), 9000);
  assert.equal(st.services[999].counters.inBytes, 999000);
  assert.equal(st.services[999].counters.outBytes, 123456789012);
  assert.equal(st.services[5].realServers[8].counters.outBytes, 9007199254740991);
  assert.equal(st.services[5].realServers[8].address, '172.16.5.8');
});

test('listing: IPv6, fwmark, persistence, flags, tunnels', () => {
  const text = [
    'IP Virtual Server version 1.2.1 (size=4096)',
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn',
    'TCP  10.0.0.1:443 sh (sh-fallback,sh-port) persistent 300 mask 255.255.255.0',
    '  -> 10.0.0.2:443                 Tunnel  gue:6080:+c   3      0          0',
    '  -> 10.0.0.3:443                 Tunnel  ipip          1      0          0',
    'UDP  [2001:db8::1]:53 rr persistent 60 mask 64 pe sip ops',
    '  -> [2001:db8::2]:53             Masq    n/a           1      4          5',
    'FWM  7 IPv6 wlc',
  ].join('\n');
  const l = parseIpvsListing(text);
  assert.deepEqual(l.diagnostics, []);
  assert.equal(l.columns, 'tun-info');
  const [a, b, c] = l.table.services;
  assert.deepEqual(a.schedFlags, ['sh-fallback', 'sh-port']);
  assert.deepEqual(a.persistence, { timeout: 300, netmask: '255.255.255.0' });
  assert.deepEqual(a.realServers[0].tunnel, { type: 'gue', port: 6080, checksum: 'csum' });
  assert.deepEqual(a.realServers[1].tunnel, { type: 'ipip' });
  assert.deepEqual([b.persistence, b.pe, b.onePacket], [{ timeout: 60, netmask: '64' }, 'sip', true]);
  assert.deepEqual(l.counters[1].realServers[0], { address: '2001:db8::2', port: 53, activeConn: 4, inactConn: 5 });
  assert.deepEqual(c.key, { kind: 'fwmark', fwmark: 7, family: 'inet6' });
});

test('/proc/net/ip_vs, ip_vs_stats, ip_vs_conn (hex)', () => {
  const p = parseProcIpvs(read('nat', 'proc_net_ip_vs.txt'));
  assert.deepEqual(p.table.services[0].key, { kind: 'addr', protocol: 'tcp', address: '10.116.0.200', family: 'inet', port: 80 });
  // kernel order: the last added real server first
  assert.deepEqual(p.table.services[0].realServers.map((r) => [r.address, r.weight]), [['10.116.0.12', 1], ['10.116.0.11', 2]]);
  assert.deepEqual(p.counters[0].realServers.map((r) => r.inactConn), [19, 37]);
  const st = parseProcIpvsStats(read('dr', 'proc_net_ip_vs_stats.txt'));
  assert.deepEqual(st.totals, { conns: 0x54, inPkts: 0x1f1, outPkts: 0, inBytes: 0x7fec, outBytes: 0 });
  assert.deepEqual(st.rates, { cps: 2, inPps: 12, outPps: 0, inBps: 0x326, outBps: 0 });
  const c = parseProcConn(read('dr', 'proc_net_ip_vs_conn.txt'));
  assert.equal(c.connections.length, 84);
  assert.deepEqual(c.connections[0], {
    protocol: 'TCP', client: { address: '10.116.1.100', family: 'inet', port: 0xe8fc }, virtual: { address: '10.116.0.200', family: 'inet', port: 80 },
    destination: { address: '10.116.0.11', family: 'inet', port: 80 }, state: 'FIN_WAIT', expires: 110,
  });
  const persistent = parseProcIpvs('TCP  0A000001:0000 rr persistent 300 FFFFFF00\nFWM  00000005 wlc ops \n');
  assert.deepEqual(persistent.table.services[0].persistence, { timeout: 300, netmask: '255.255.255.0' });
  assert.deepEqual(persistent.table.services[1].key, { kind: 'fwmark', fwmark: 5, family: 'inet' });
  assert.equal(persistent.table.services[1].onePacket, true);
});

test('-Lnc: expiry, states, counts', () => {
  const c = parseConnListing(read('nat', 'ipvsadm_-Lnc.txt'));
  assert.equal(c.connections.length, 58);
  assert.equal(c.connections.filter((x) => x.state === 'ESTABLISHED').length, 2);
  assert.deepEqual([c.connections[0].expires, c.connections[0].client.port], [103, 36920]);
  const v6 = parseConnListing('IPVS connection entries\npro expire state       source             virtual            destination        pe name          pe_data\nUDP 00:59  UDP         [2001:db8::9]:5060 [2001:db8::1]:5060 [2001:db8::2]:5060 sip              abc123\n');
  assert.deepEqual(v6.diagnostics, []);
  assert.equal(v6.connections[0].peData, 'abc123');
  assert.equal(v6.connections[0].virtual.address, '2001:db8::1');
});

test('--timeout and --daemon', () => {
  assert.deepEqual(parseTimeoutListing(read('dr', 'ipvsadm_-L_--timeout.txt')).timeouts, { tcp: 900, tcpFin: 120, udp: 300 });
  assert.deepEqual(parseDaemonListing(read('dr', 'ipvsadm_-L_--daemon.txt')).daemons, []);
  assert.deepEqual(parseDaemonListing('master sync daemon (mcast=eth0, syncid=5, maxlen=1472)\n').daemons, [{ state: 'master', mcastInterface: 'eth0', syncId: 5, settings: { maxlen: '1472' } }]);
});
