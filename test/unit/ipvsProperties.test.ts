/** Property tests: random IPVS tables → render → parse gives the table back; rendering is idempotent and sorted. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseAddress } from '../../src/core/ipvs/address';
import { compareRealServers, compareServices, sortTable } from '../../src/core/ipvs/ipvsOrder';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import { renderRules } from '../../src/core/ipvs/rulesRenderer';
import { canonicalSchedFlags, printedSchedFlags } from '../../src/core/ipvs/schedulers';
import type { AddressFamily, IpvsRealServer, IpvsService, IpvsTable, Protocol, ServiceKey } from '../../src/core/ipvs/types';
import { realServerKeyString, SCHEDULERS, serviceKeyString } from '../../src/core/ipvs/types';

const canon = (a: string): string => parseAddress(a)?.text ?? a;
const addressOf = (family: AddressFamily): fc.Arbitrary<string> => (family === 'inet' ? fc.ipV4() : fc.ipV6()).map(canon);
const family = fc.constantFrom<AddressFamily>('inet', 'inet6');
const port = fc.integer({ min: 0, max: 65535 });

const serviceKey: fc.Arbitrary<ServiceKey> = fc.oneof(
  family.chain((f) => fc.record({
    kind: fc.constant('addr' as const), protocol: fc.constantFrom<Protocol>('tcp', 'udp', 'sctp'), address: addressOf(f), port, family: fc.constant(f),
  })),
  fc.record({ kind: fc.constant('fwmark' as const), fwmark: fc.integer({ min: 1, max: 0xffffffff }), family }),
);

function realServer(key: ServiceKey): fc.Arbitrary<IpvsRealServer> {
  return fc.constantFrom('dr', 'nat', 'tun').chain((method) => {
    const fam = method === 'tun' ? family : fc.constant(key.family);
    return fam.chain((f) => fc.record({
      address: addressOf(f),
      port: key.kind === 'addr' && method !== 'nat' ? fc.constant(key.port) : port,
      family: fc.constant(f),
      method: fc.constant(method as IpvsRealServer['method']),
      weight: fc.integer({ min: 0, max: 65535 }),
      upperThreshold: fc.constant(0),
      lowerThreshold: fc.constant(0),
      tunnel: method !== 'tun' ? fc.constant(undefined) : fc.oneof(
        fc.constant({ type: 'ipip' as const }),
        fc.record({ type: fc.constant('gue' as const), port: fc.integer({ min: 1, max: 65535 }), checksum: fc.constantFrom('nocsum' as const, 'csum' as const, 'remcsum' as const) }),
        fc.record({ type: fc.constant('gre' as const), checksum: fc.constantFrom('nocsum' as const, 'csum' as const, 'remcsum' as const) }),
      ),
    })).map((rs) => {
      if (rs.tunnel === undefined) delete rs.tunnel;
      return rs as IpvsRealServer;
    });
  });
}

const service: fc.Arbitrary<IpvsService> = serviceKey.chain((key) => fc.record({
  scheduler: fc.constantFrom(...SCHEDULERS),
  bits: fc.integer({ min: 0, max: 7 }),
  persistent: key.kind === 'addr' && key.port === 0 ? fc.constant(true) : fc.boolean(),
  timeout: fc.integer({ min: 1, max: 86400 * 31 }),
  netmask: key.family === 'inet' ? fc.ipV4() : fc.integer({ min: 1, max: 128 }).map(String),
  pe: fc.boolean(),
  onePacket: key.kind === 'fwmark' || key.protocol === 'udp' ? fc.boolean() : fc.constant(false),
  realServers: fc.uniqueArray(realServer(key), { maxLength: 6, selector: realServerKeyString }),
}).map((r) => {
  const s: IpvsService = { key, scheduler: r.scheduler, schedFlags: canonicalSchedFlags(r.scheduler, printedSchedFlags(r.scheduler, r.bits)), onePacket: r.onePacket, realServers: r.realServers };
  if (r.persistent) s.persistence = { timeout: r.timeout, netmask: r.netmask };
  if (r.pe) s.pe = 'sip';
  return s;
}));

// JSON round trip: plain prototypes (fc.record builds null-prototype objects) and no undefined fields
const table: fc.Arbitrary<IpvsTable> = fc.uniqueArray(service, { maxLength: 8, selector: (s) => serviceKeyString(s.key) })
  .map((services) => JSON.parse(JSON.stringify({ services })) as IpvsTable);

test('render → parse gives the (sorted) table back, without errors', () => {
  fc.assert(fc.property(table, (t) => {
    const text = renderRules(t);
    const parsed = parseRules(text);
    assert.deepEqual(parsed.diagnostics.filter((d) => d.severity === 'error'), [], text);
    assert.deepEqual(parsed.table, sortTable(t));
  }), { numRuns: 300 });
});

test('render is idempotent and lists in ipvsadm order (every adjacent pair compares <= 0)', () => {
  fc.assert(fc.property(table, (t) => {
    const once = renderRules(t);
    const back = parseRules(once).table;
    assert.equal(renderRules(back), once);
    for (let i = 1; i < back.services.length; i++) assert.ok(compareServices(back.services[i - 1], back.services[i]) <= 0);
    for (const s of back.services) for (let i = 1; i < s.realServers.length; i++) assert.ok(compareRealServers(s.realServers[i - 1], s.realServers[i]) <= 0);
  }), { numRuns: 300 });
});

test('sorting a table twice changes nothing', () => {
  fc.assert(fc.property(table, (t) => {
    assert.deepEqual(sortTable(sortTable(t)), sortTable(t));
  }), { numRuns: 200 });
});
