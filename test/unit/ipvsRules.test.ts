/** Rules parser and renderer: real fixtures, ipvsadm's spelling and order, large files. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { glibcMergeSort, sortServices } from '../../src/core/ipvs/ipvsOrder';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import { renderRules } from '../../src/core/ipvs/rulesRenderer';
import type { IpvsService, IpvsTable } from '../../src/core/ipvs/types';

// out/test/unit → the repository (or the working directory, when compiled elsewhere)
const fixtures = [join(__dirname, '..', '..', '..'), process.cwd()].map((r) => join(r, 'test', 'fixtures', 'ipvs')).find((p) => existsSync(p)) ?? '';
const read = (dir: string, file: string): string => readFileSync(join(fixtures, dir, file), 'utf8');

for (const dir of ['dr', 'nat']) {
  test(`${dir}: ipvsadm-save -n round-trips byte for byte`, () => {
    const text = read(dir, 'ipvsadm-save_-n.txt');
    const parsed = parseRules(text);
    assert.deepEqual(parsed.diagnostics, []);
    assert.equal(renderRules(parsed.table), text);
  });
  test(`${dir}: ipvsadm-save (names) parses with information only and round-trips with numeric: false`, () => {
    const text = read(dir, 'ipvsadm-save.txt');
    const parsed = parseRules(text);
    assert.ok(parsed.diagnostics.length > 0);
    assert.ok(parsed.diagnostics.every((d) => d.severity === 'information' && d.code === 'IPVSADM008'));
    assert.equal(parsed.table.services[0].key.kind === 'addr' && parsed.table.services[0].key.port, 80);
    assert.equal(renderRules(parsed.table, { numeric: false }), text);
  });
}

test('dr fixture: the model', () => {
  const { table, lines } = parseRules(read('dr', 'ipvsadm-save_-n.txt'));
  assert.deepEqual(table, {
    services: [{
      key: { kind: 'addr', protocol: 'tcp', address: '10.116.0.200', port: 80, family: 'inet' },
      scheduler: 'rr', schedFlags: [], onePacket: false,
      realServers: [
        { address: '10.116.0.11', port: 80, family: 'inet', method: 'dr', weight: 1, upperThreshold: 0, lowerThreshold: 0 },
        { address: '10.116.0.12', port: 80, family: 'inet', method: 'dr', weight: 1, upperThreshold: 0, lowerThreshold: 0 },
      ],
    }],
  });
  // ranges per command and per option token
  assert.deepEqual(lines[1].range, { start: { line: 1, character: 0 }, end: { line: 1, character: 47 } });
  const r = lines[1].options.find((o) => o.spec.id === 'real-server');
  assert.deepEqual(r?.arg?.range, { start: { line: 1, character: 25 }, end: { line: 1, character: 39 } });
});

test('nat fixture: weights and NAT', () => {
  const { table } = parseRules(read('nat', 'ipvsadm-save_-n.txt'));
  assert.equal(table.services[0].scheduler, 'wrr');
  assert.deepEqual(table.services[0].realServers.map((r) => [r.address, r.method, r.weight]), [['10.116.0.11', 'nat', 2], ['10.116.0.12', 'nat', 1]]);
});

test('rendering: every field in ipvsadm -S -n spelling and option order', () => {
  const table: IpvsTable = {
    services: [
      { key: { kind: 'fwmark', fwmark: 7, family: 'inet6' }, scheduler: 'mh', schedFlags: ['flag-3', 'mh-fallback', 'mh-port'], onePacket: true, persistence: { timeout: 60, netmask: '64' }, pe: 'sip',
        realServers: [{ address: '2001:db8::2', port: 0, family: 'inet6', method: 'tun', weight: 0, upperThreshold: 0, lowerThreshold: 0, tunnel: { type: 'gre', checksum: 'remcsum' } }] },
      { key: { kind: 'addr', protocol: 'sctp', address: '10.0.0.1', port: 3868, family: 'inet' }, scheduler: 'wlc', schedFlags: [], onePacket: false, persistence: { timeout: 300, netmask: '255.255.255.0' },
        realServers: [
          { address: '10.0.0.3', port: 3868, family: 'inet', method: 'tun', weight: 5, upperThreshold: 0, lowerThreshold: 0, tunnel: { type: 'gue', port: 6080, checksum: 'csum' } },
          { address: '10.0.0.2', port: 3868, family: 'inet', method: 'tun', weight: 5, upperThreshold: 0, lowerThreshold: 0 },
        ] },
      { key: { kind: 'addr', protocol: 'udp', address: '2001:db8::1', port: 53, family: 'inet6' }, scheduler: 'rr', schedFlags: [], onePacket: true,
        realServers: [{ address: '2001:db8::53', port: 5353, family: 'inet6', method: 'nat', weight: 2, upperThreshold: 0, lowerThreshold: 0 }] },
    ],
  };
  const expected = [
    '-A --sctp-service 10.0.0.1:3868 -s wlc -p 300 -M 255.255.255.0',
    '-a --sctp-service 10.0.0.1:3868 -r 10.0.0.2:3868 -i -w 5 --tun-type ipip',
    '-a --sctp-service 10.0.0.1:3868 -r 10.0.0.3:3868 -i -w 5 --tun-type gue --tun-port 6080 --tun-csum',
    '-A -u [2001:db8::1]:53 -s rr -o',
    '-a -u [2001:db8::1]:53 -r [2001:db8::53]:5353 -m -w 2',
    '-A -f 7 -6 -s mh -p 60 -M 64 --pe sip -o -b mh-fallback,mh-port,flag-3',
    '-a -f 7 -6 -r [2001:db8::2]:0 -i -w 0 --tun-type gre --tun-remcsum',
    '',
  ].join('\n');
  assert.equal(renderRules(table), expected);
  const back = parseRules(expected);
  assert.deepEqual(back.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.equal(renderRules(back.table), expected);
  assert.equal(renderRules({ services: [] }), '');
});

test('sorting: ipvsadm compares u32 differences as int, so 192.168.0.1 lists before 10.0.0.1', () => {
  const svc = (address: string, port = 80): IpvsService => ({ key: { kind: 'addr', protocol: 'tcp', address, port, family: 'inet' }, scheduler: 'rr', schedFlags: [], onePacket: false, realServers: [] });
  const order = (s: IpvsService[]): string[] => sortServices(s).map((x) => (x.key.kind === 'addr' ? `${x.key.address}:${x.key.port}` : ''));
  assert.deepEqual(order([svc('10.0.0.1'), svc('192.168.0.1')]), ['192.168.0.1:80', '10.0.0.1:80']);
  assert.deepEqual(order([svc('10.0.0.2'), svc('10.0.0.1', 443), svc('10.0.0.1')]), ['10.0.0.1:80', '10.0.0.1:443', '10.0.0.2:80']);
  // TCP (6) before UDP (17), IPv4 before IPv6, address services before fwmark services
  const text = '-A -f 1 -s rr\n-A -u 10.0.0.1:53 -s rr\n-A -t [::1]:80 -s rr\n-A -t 10.0.0.9:80 -s rr\n';
  assert.equal(renderRules(parseRules(text).table), '-A -t 10.0.0.9:80 -s rr\n-A -u 10.0.0.1:53 -s rr\n-A -t [::1]:80 -s rr\n-A -f 1 -s rr\n');
});

test('glibc merge sort: stable, left half n/2', () => {
  const items = [3, 1, 2, 1, 3, 0].map((v, i) => ({ v, i }));
  assert.deepEqual(glibcMergeSort(items, (a, b) => a.v - b.v).map((x) => x.i), [5, 1, 3, 2, 0, 4]);
});

test('a 10,000-line rules file parses to the right table', () => {
  const lines: string[] = [];
  for (let s = 0; s < 1000; s++) {
    const vip = `10.${s >> 8}.${s & 255}.1`;
    lines.push(`-A -t ${vip}:80 -s wrr -p 120`);
    for (let r = 0; r < 9; r++) lines.push(`-a -t ${vip}:80 -r 172.16.${s & 255}.${r + 1}:8080 -m -w ${r + 1}`);
  }
  const text = lines.join('\n') + '\n';
  const parsed = parseRules(text);
  assert.deepEqual(parsed.diagnostics, []);
  assert.equal(parsed.table.services.length, 1000);
  assert.equal(parsed.table.services.reduce((n, s) => n + s.realServers.length, 0), 9000);
  assert.equal(parsed.table.services[999].realServers[8].weight, 9);
  assert.equal(renderRules(parseRules(renderRules(parsed.table)).table), renderRules(parsed.table));
});

test('-C clears, -D deletes, -d removes a real server', () => {
  const t = parseRules('-A -t 10.0.0.1:80\n-A -t 10.0.0.2:80\n-a -t 10.0.0.2:80 -r 10.0.0.5\n-a -t 10.0.0.2:80 -r 10.0.0.6\n-D -t 10.0.0.1:80\n-d -t 10.0.0.2:80 -r 10.0.0.5:80\n');
  assert.deepEqual(t.diagnostics, []);
  assert.equal(renderRules(t.table), '-A -t 10.0.0.2:80 -s wlc\n-a -t 10.0.0.2:80 -r 10.0.0.6:80 -g -w 1\n');
  assert.equal(parseRules('-A -t 10.0.0.1:80\n-C\n').table.services.length, 0);
});
