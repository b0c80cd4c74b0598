/** The in-place `a.b.c.d:port` reader of the listing parsers: accepts exactly what ipvsadm -n prints, declines the rest. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listingBytes, scanIPv4Endpoint, scannedEndpoint } from '../../src/core/ipvs/endpointScan';
import { parseIpvsListing } from '../../src/core/ipvs/listParser';
import { parseStatsListing } from '../../src/core/ipvs/statsParser';
import { parseListedEndpoint } from '../../src/core/ipvs/listingAddress';

const scan = (token: string): { address: string; port: number } | undefined => {
  const text = `  -> ${token}   1 2`;
  return scanIPv4Endpoint(text, listingBytes(text), 5, 5 + token.length) ? { ...scannedEndpoint } : undefined;
};

test('reads canonical IPv4 endpoints in place, within the given span', () => {
  assert.deepEqual(scan('10.116.0.200:80'), { address: '10.116.0.200', port: 80 });
  assert.deepEqual(scan('0.0.0.0:0'), { address: '0.0.0.0', port: 0 });
  assert.deepEqual(scan('255.255.255.255:65535'), { address: '255.255.255.255', port: 65535 });
  assert.deepEqual(scan('172.16.3.9:8080'), { address: '172.16.3.9', port: 8080 });
});

test('declines what it does not read exactly, leaving it to parseListedEndpoint', () => {
  for (const token of [
    '[2001:db8::1]:80', 'web1:80', '10.0.0.1:http', '010.0.0.1:80', '10.0.0.1:080', '256.0.0.1:80', '10.0.0.1:65536',
    '10.0.0:80', '10.0.0.1.5:80', '10.0.0.1', '10.0.0.1:', ':80', '10..0.1:80', '10:0.0.1:80', '10.0.0.1:123456', '1.2.3.4:8x',
  ]) {
    assert.equal(scan(token), undefined, token);
  }
  // What it declines, the general parser still reads where ipvsadm could print it.
  assert.equal(parseListedEndpoint('10.0.0.1:080', 'tcp')?.port, 80);
  assert.equal(parseListedEndpoint('[2001:db8::1]:80', 'tcp')?.address, '2001:db8::1');
});

test('agrees with parseListedEndpoint on every address it accepts', () => {
  let seed = 7;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return Math.floor((seed / 2147483648) * n); };
  for (let i = 0; i < 2000; i++) {
    const token = `${rnd(256)}.${rnd(256)}.${rnd(256)}.${rnd(256)}:${rnd(65536)}`;
    const general = parseListedEndpoint(token, 'tcp');
    assert.deepEqual(scan(token), general && { address: general.address, port: general.port }, token);
  }
});

test('a generated `ipvsadm -Ln` listing reads back exactly the values written, odd lines explained', () => {
  let seed = 11;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return Math.floor((seed / 2147483648) * n); };
  const methods = [['Route', 'dr'], ['Masq', 'nat'], ['Tunnel', 'tun'], ['Local', 'dr']] as const;
  const lines = ['IP Virtual Server version 1.2.1 (size=4096)', 'Prot LocalAddress:Port Scheduler Flags', '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn'];
  const expected: { address: string; port: number; method: string; weight: number; active: number; inact: number }[][] = [];
  for (let s = 0; s < 50; s++) {
    lines.push(`TCP  10.0.${s}.1:${80 + s} wlc`);
    const rows: (typeof expected)[number] = [];
    for (let r = 0; r < 1 + rnd(8); r++) {
      const [word, method] = methods[rnd(4)];
      const row = { address: `172.${rnd(256)}.${rnd(256)}.${rnd(256)}`, port: rnd(65536), method, weight: rnd(65536), active: rnd(1e9), inact: rnd(1e6) };
      const gap = (): string => ' '.repeat(1 + rnd(6));
      lines.push(`  -> ${row.address}:${row.port}${gap()}${word}${gap()}${row.weight}${gap()}${row.active}${gap()}${row.inact}${rnd(5) === 0 ? '\r' : ''}`);
      rows.push(row);
    }
    expected.push(rows);
  }
  lines.push('TCP  10.9.9.9:80 rr', '  -> 10.1.1.1:80    Route   x   0   0', '  -> 10.1.1.2:80    Bridge  1   0   0', '  -> 10.1.1.3:80    Route   1   0');
  const listing = parseIpvsListing(`${lines.join('\n')}\n`);
  const got = listing.table.services.slice(0, 50).map((svc, i) => svc.realServers.map((rs, j) => {
    const cols = listing.counters[i].realServers[j];
    assert.equal(rs.family, 'inet');
    assert.deepEqual(rs.tunnel, rs.method === 'tun' ? { type: 'ipip' } : undefined);
    return { address: rs.address, port: rs.port, method: rs.method, weight: rs.weight, active: cols.activeConn, inact: cols.inactConn };
  }));
  assert.deepEqual(got, expected);
  assert.deepEqual(listing.diagnostics.map((d) => [d.range.start.line, d.message]), [
    [lines.length - 3, "Weight 'x' is not a number in 0…65535."],
    [lines.length - 2, "Unknown forwarding method 'Bridge'."],
    [lines.length - 1, 'Expected 6 columns, found 5.'],
  ]);
});

test('a code unit above 0xFF is never read as the byte it ends in (the parsers read bytes by position)', () => {
  // U+0131 ends in 0x31 ('1'), U+0120 in 0x20 (a blank): neither may pass for one.
  assert.deepEqual([...listingBytes('a\u0131b\u0120c')], [0x61, 0xff, 0x62, 0xff, 0x63]);
  const stats = parseStatsListing('Prot LocalAddress:Port Conns InPkts OutPkts InBytes OutBytes\n  -> RemoteAddress:Port\nTCP  10.0.0.1:80  1\u0131 2 3 4 5\n');
  assert.deepEqual(stats.services, []);
  assert.deepEqual(stats.diagnostics.map((d) => d.message), ['Missing or unreadable counters.']);
  const list = parseIpvsListing('Prot LocalAddress:Port Scheduler Flags\nTCP  10.0.0.1:80 rr\n  -> 10.0.0.2:8\u01200     Route   1      0          0\n');
  assert.deepEqual(list.table.services[0].realServers, []);
  assert.match(list.diagnostics[0]?.message ?? '', /Unreadable address/);
});
