/**
 * What a broken or hostile director can print: every listing parser gives an error naming the line, never
 * an exception, a prototype member taken for a value, or a number outside its kernel range (issue 19,
 * issue 18 item 4). One test per finding, each from its minimal input.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LiveStateError, parseLiveState, SECTION_MARK } from '../../src/core/apply/liveState';
import type { Diagnostic } from '../../src/core/diagnostics';
import { parseConnListing, parseProcConn } from '../../src/core/ipvs/connParser';
import { parseIpvsListing } from '../../src/core/ipvs/listParser';
import { parseProcIpvs, parseProcIpvsStats } from '../../src/core/ipvs/procParser';
import { parseDaemonListing, parseTimeoutListing } from '../../src/core/ipvs/settingsParser';
import { parseRateListing, parseStatsListing } from '../../src/core/ipvs/statsParser';

const errorLines = (ds: readonly Diagnostic[]): number[] => ds.filter((d) => d.severity === 'error').map((d) => d.range.start.line);

const TUN_HEADER = [
  'IP Virtual Server version 1.2.1 (size=4096)',
  'Prot LocalAddress:Port Scheduler Flags',
  '  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn',
  'TCP  10.0.0.1:80 rr',
];

test('-Ln: a real-server row without address is an error on its line, not a TypeError', () => {
  const l = parseIpvsListing('TCP  1.1.1.1:1 rr\n  -> \n');
  assert.deepEqual(errorLines(l.diagnostics), [1]);
  assert.equal(l.table.services[0].realServers.length, 0);
});

test('--tun-info: a Tunnel row without its tunnel column is an error, not a TypeError', () => {
  const l = parseIpvsListing([...TUN_HEADER, '  -> 10.0.0.2:80                 Tunnel'].join('\n'));
  assert.deepEqual(errorLines(l.diagnostics), [4]);
  assert.equal(l.table.services[0].realServers.length, 0);
});

test('/proc/net/ip_vs: "TCP" and "->" alone are errors, not TypeErrors', () => {
  assert.deepEqual(errorLines(parseProcIpvs('TCP\n').diagnostics), [0]);
  assert.deepEqual(errorLines(parseProcIpvs('->').diagnostics), [0]);
  assert.deepEqual(errorLines(parseProcIpvs('TCP  0A000001:0050 rr\n->\n').diagnostics), [1]);
});

test('prototype names are never a protocol, a forwarding method or a checksum', () => {
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    const svc = parseIpvsListing(`${name}  10.0.0.1:80 rr\n`);
    assert.deepEqual([errorLines(svc.diagnostics), svc.table.services.length], [[0], 0], name);
    const rs = parseIpvsListing(`TCP  10.0.0.1:80 rr\n  -> 10.0.0.2:80 ${name} 1 0 0\n`);
    assert.deepEqual([errorLines(rs.diagnostics), rs.table.services[0].realServers.length], [[1], 0], name);
    const csum = parseIpvsListing([...TUN_HEADER, `  -> 10.0.0.2:80 Tunnel gre:${name} 1 0 0`].join('\n'));
    assert.deepEqual(errorLines(csum.diagnostics), [4], name);
    const proc = parseProcIpvs(`${name}  0A000001:0050 rr\n`);
    assert.deepEqual([errorLines(proc.diagnostics), proc.table.services.length], [[0], 0], name);
    const procRs = parseProcIpvs(`TCP  0A000001:0050 rr\n  -> 0A000002:0050 ${name} 1 0 0\n`);
    assert.deepEqual(errorLines(procRs.diagnostics), [1], name);
    const stats = parseStatsListing(`${name}  10.0.0.1:80 1 2 3 4 5\n`);
    assert.deepEqual([errorLines(stats.diagnostics), stats.services.length], [[0], 0], name);
    assert.deepEqual(errorLines(parseConnListing(`${name} 01:52 FIN_WAIT 10.0.0.9:5000 10.0.0.1:80 10.0.0.2:80\n`).diagnostics), [0], name);
    assert.deepEqual(errorLines(parseProcConn(`${name} 0A000009 1388 0A000001 0050 0A000002 0050 FIN_WAIT 110\n`).diagnostics), [0], name);
  }
});

test('--daemon: a setting named __proto__ is kept as a setting, never as the prototype', () => {
  const d = parseDaemonListing('master sync daemon (mcast=eth0, syncid=1, __proto__=x, constructor=y)\n');
  assert.deepEqual(d.diagnostics, []);
  const settings = d.daemons[0].settings;
  assert.equal(Object.getPrototypeOf(settings), Object.prototype);
  assert.deepEqual(Object.entries(settings), [['__proto__', 'x'], ['constructor', 'y']]);
  assert.deepEqual(errorLines(parseDaemonListing('master sync daemon (mcast=eth0, syncid=x)\n').diagnostics), [0]);
  assert.deepEqual(errorLines(parseDaemonListing('master sync daemon (mcast=eth0, syncid=256)\n').diagnostics), [0]);
});

test('--thresholds and --persistent-conn rows missing a column are errors (no undefined counters)', () => {
  const th = parseIpvsListing('Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn\nTCP  10.0.0.1:80 wrr\n  -> 10.0.0.2:80 0 0 1\n');
  assert.deepEqual(errorLines(th.diagnostics), [2]);
  assert.equal(th.table.services[0].realServers.length, 0);
  const pc = parseIpvsListing('Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn\nTCP  10.0.0.1:80 wrr\n  -> 10.0.0.2:80 1 0 1\n');
  assert.deepEqual(errorLines(pc.diagnostics), [2]);
  assert.equal(pc.table.services[0].realServers.length, 0);
  const plain = parseIpvsListing('TCP  10.0.0.1:80 wrr\n  -> 10.0.0.2:80 Route 1 0\n');
  assert.deepEqual(errorLines(plain.diagnostics), [1]);
  assert.equal(plain.table.services[0].realServers.length, 0);
});

test('-Ln: numbers outside their kernel range are errors naming the line', () => {
  const rows = [
    '  -> 10.0.0.2:80 Route 70000 0 0', // weight above 65535
    '  -> 10.0.0.2:80 Route -1 0 0',
    '  -> 10.0.0.2:80 Route 1 99999999999999999999 0', // ActiveConn beyond u32
    '  -> 10.0.0.2:80 Route 1 0 4294967296',
    '  -> [2001:db8::2]:80 Route 1 0 99999999999999999999',
  ];
  for (const row of rows) {
    const l = parseIpvsListing(`TCP  10.0.0.1:80 wrr\n${row}\n`);
    assert.deepEqual(errorLines(l.diagnostics), [1], row);
    assert.equal(l.table.services[0].realServers.length, 0, row);
  }
  const th = parseIpvsListing('Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn\nTCP  10.0.0.1:80 wrr\n  -> 10.0.0.2:80 4294967296 0 1 1\n');
  assert.deepEqual(errorLines(th.diagnostics), [2]);
  for (const line of ['FWM  99999999999999999999 wlc', 'FWM  4294967296 wlc', 'FWM  0 wlc']) {
    const l = parseIpvsListing(`${line}\n`);
    assert.deepEqual([errorLines(l.diagnostics), l.table.services.length], [[0], 0], line);
  }
  const huge = parseIpvsListing('IP Virtual Server version 1.2.1 (size=99999999999999999999)\n');
  assert.deepEqual([errorLines(huge.diagnostics), huge.size], [[0], undefined]);
});

test('-Ln: "persistent x", a bad mask, "pe" of another engine and "gue:x" are errors', () => {
  for (const flags of ['persistent x', 'persistent', 'persistent 0', 'persistent 4294967296', 'persistent 300 mask x', 'persistent 300 mask 255.0.255.0', 'pe xyz']) {
    const l = parseIpvsListing(`TCP  10.0.0.1:80 wrr ${flags}\n`);
    assert.deepEqual(errorLines(l.diagnostics), [0], flags);
    assert.equal(l.table.services.length, 0, flags);
  }
  const v6 = parseIpvsListing('TCP  [2001:db8::1]:80 wrr persistent 300 mask 129\n');
  assert.deepEqual(errorLines(v6.diagnostics), [0]);
  for (const info of ['gue:x:-c', 'gue:0:-c', 'gue:65536:-c', 'gue:6080', 'gue:6080:zz', 'gre', 'gre:x', 'zz:1']) {
    const l = parseIpvsListing([...TUN_HEADER, `  -> 10.0.0.2:80 Tunnel ${info} 1 0 0`].join('\n'));
    assert.deepEqual(errorLines(l.diagnostics), [4], info);
    assert.equal(l.table.services[0].realServers.length, 0, info);
  }
});

test('/proc/net/ip_vs: negative or too large weights and counters, "persistent x" are errors', () => {
  for (const row of ['  -> 0A000002:0050 Route -5 0 0', '  -> 0A000002:0050 Route 70000 0 0', '  -> 0A000002:0050 Route 1 -1 0', '  -> 0A000002:0050 Route 1 0 99999999999999999999']) {
    const l = parseProcIpvs(`TCP  0A000001:0050 rr\n${row}\n`);
    assert.deepEqual(errorLines(l.diagnostics), [1], row);
    assert.equal(l.table.services[0].realServers.length, 0, row);
  }
  for (const flags of ['persistent x FFFFFFFF', 'persistent 300 zz', 'persistent', 'persistent 0 FFFFFFFF']) {
    const l = parseProcIpvs(`TCP  0A000001:0050 rr ${flags}\n`);
    assert.deepEqual([errorLines(l.diagnostics), l.table.services.length], [[0], 0], flags);
  }
  const size = parseProcIpvs('IP Virtual Server version 1.2.1 (size=99999999999999999999)\n');
  assert.deepEqual([errorLines(size.diagnostics), size.size], [[0], undefined]);
});

test('--stats / --rate: counters above 2^53 (digits or K/M/G/T) are errors naming the line', () => {
  for (const row of ['TCP  10.0.0.1:80 1 2 3 99999999999999999999 5', 'TCP  10.0.0.1:80 1 2 3 4 9007199254740993', 'TCP  10.0.0.1:80 1 2 3 4 99999999T']) {
    assert.deepEqual(errorLines(parseStatsListing(`${row}\n`).diagnostics), [0], row);
    assert.deepEqual(errorLines(parseRateListing(`${row}\n`).diagnostics), [0], row);
  }
  const exact = parseStatsListing('TCP  10.0.0.1:80 1 2 3 4 9007199254740991\n');
  assert.deepEqual(exact.diagnostics, []);
  assert.equal(exact.services[0].counters.outBytes, Number.MAX_SAFE_INTEGER);
  for (const line of ['FWM  99999999999999999999 1 2 3 4 5', 'FWM  4294967296 1 2 3 4 5']) {
    assert.deepEqual(errorLines(parseStatsListing(`${line}\n`).diagnostics), [0], line);
  }
});

test('/proc/net/ip_vs_stats: a counter above 2^53 is an error', () => {
  const st = parseProcIpvsStats('   Total\n 1 2 3 FFFFFFFFFFFFFFFFFF 5\n 1 2 3 4 5\n');
  assert.ok(errorLines(st.diagnostics).includes(1), JSON.stringify(st.diagnostics));
});

test('connections: impossible expiries and unknown protocols are errors', () => {
  for (const e of ['01:60', '01:99', '99999999999999999999:00', '1:5']) {
    assert.deepEqual(errorLines(parseConnListing(`TCP ${e} FIN_WAIT 10.0.0.9:5000 10.0.0.1:80 10.0.0.2:80\n`).diagnostics), [0], e);
  }
  for (const e of ['99999999999999999999', '4294967296', '-1']) {
    assert.deepEqual(errorLines(parseProcConn(`TCP 0A000009 1388 0A000001 0050 0A000002 0050 FIN_WAIT ${e}\n`).diagnostics), [0], e);
  }
});

test('--timeout: numbers beyond the kernel range are not believed', () => {
  const t = parseTimeoutListing('Timeout (tcp tcpfin udp): 99999999999999999999 120 300\n');
  assert.equal(t.timeouts, undefined);
  assert.deepEqual(errorLines(t.diagnostics), [0]);
});

function liveOutput(sections: Record<string, string>): { stdout: string; stderr: string; exitCode: number } {
  const parts: string[] = [];
  for (const [name, text] of Object.entries(sections)) parts.push(`${SECTION_MARK} ${name}`, text, `${SECTION_MARK}-rc ${name} 0`);
  parts.push(`${SECTION_MARK} end`);
  return { stdout: parts.join('\n'), stderr: '', exitCode: 0 };
}

const SAVE = '-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -g -w 1';

test('live state: a malformed listing is a LiveStateError naming the command and line, never a TypeError', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['row without address', { save: SAVE, thresholds: 'TCP  10.0.0.1:80 rr\n  -> ', list: '' }, /ipvsadm -Ln --thresholds.*line 2/],
    ['counter above 2^53', { save: SAVE, thresholds: '', list: 'TCP  10.0.0.1:80 rr\n  -> 10.0.0.2:80 Route 1 0 99999999999999999999' }, /ipvsadm -Ln\b.*line 2/],
    ['NaN persistence', { save: SAVE, thresholds: '', list: 'TCP  10.0.0.1:80 rr persistent x' }, /ipvsadm -Ln\b.*line 1/],
    ['prototype method', { save: SAVE, thresholds: '', list: 'TCP  10.0.0.1:80 rr\n  -> 10.0.0.2:80 constructor 1 0 0' }, /ipvsadm -Ln\b.*line 2/],
  ];
  for (const [what, sections, message] of cases) {
    assert.throws(() => parseLiveState(liveOutput(sections)), (err: unknown) => err instanceof LiveStateError && message.test(err.message), what);
  }
  const ok = parseLiveState(liveOutput({ save: SAVE, thresholds: '', list: 'TCP  10.0.0.1:80 rr\n  -> 10.0.0.2:80 Route 1 3 4' }));
  assert.deepEqual([...ok.counters.values()], [{ activeConn: 3, inactConn: 4 }]);
});

test('the strict reading still takes every real capture of the lab: -Ln, --thresholds, --tun-info', () => {
  const dir = [join(__dirname, '..', '..', '..'), process.cwd()].map((r) => join(r, 'test', 'fixtures', 'ipvs', 'lab')).find((p) => existsSync(p)) ?? '';
  for (const f of ['ipvsadm_-Ln.txt', 'ipvsadm_-Ln_--thresholds.txt', 'ipvsadm_-Ln_--tun-info.txt']) {
    const l = parseIpvsListing(readFileSync(join(dir, f), 'utf8'));
    assert.deepEqual(l.diagnostics, [], f);
    assert.equal(l.table.services.reduce((n, s) => n + s.realServers.length, 0), 11, f);
  }
  const tun = parseIpvsListing(readFileSync(join(dir, 'ipvsadm_-Ln_--tun-info.txt'), 'utf8'));
  const tunnels = tun.table.services.flatMap((s) => s.realServers).filter((rs) => rs.method === 'tun').map((rs) => rs.tunnel);
  assert.deepEqual(tunnels, [
    { type: 'gue', port: 6080, checksum: 'csum' }, { type: 'gre', checksum: 'nocsum' }, { type: 'ipip' },
    { type: 'gue', port: 6081, checksum: 'remcsum' }, { type: 'ipip' },
  ]);
});

test('counters up to 2^53 − 1 are read exactly, in hex and decimal, with or without leading zeros', () => {
  const st = parseProcIpvsStats(' 1FFFFFFFFFFFFF 0000000000000000002 3 4 5\n 20000000000000 2 3 4 5\n');
  assert.deepEqual(st.totals, { conns: Number.MAX_SAFE_INTEGER, inPkts: 2, outPkts: 3, inBytes: 4, outBytes: 5 });
  assert.deepEqual(errorLines(st.diagnostics), [1, 0]); // 2^53 refused; then only one row of counters
  const l = parseIpvsListing('TCP  10.0.0.1:80 wrr\n  -> 10.0.0.2:80 Route 00001 0004294967295 0\n');
  assert.deepEqual(l.diagnostics, []);
  assert.deepEqual(l.counters[0].realServers[0], { address: '10.0.0.2', port: 80, activeConn: 4294967295, inactConn: 0 });
});
