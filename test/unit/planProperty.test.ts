/**
 * Property: for random desired/live table pairs, the plan's commands applied to the live table by the
 * in-memory ipvsadm (ipvsEngine.applyCommands) — and its `ipvsadm -R` text parsed on top of the live table —
 * give exactly the desired table (with `force`), or the desired table plus drained weight-0 real servers
 * (without); and re-planning the result is empty.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { applyCommands } from '../../src/core/ipvs/ipvsEngine';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import { renderRules } from '../../src/core/ipvs/rulesRenderer';
import type { IpvsRealServer, IpvsService, IpvsTable, ServiceKey } from '../../src/core/ipvs/types';
import { realServerKeyString, serviceKeyString } from '../../src/core/ipvs/types';
import { tableRulesText } from '../../src/core/plan/ipvsadmLines';
import { planRulesText } from '../../src/core/plan/planRender';
import { counterKey, planTable } from '../../src/core/plan/planTable';
import { rollbackPlan } from '../../src/core/apply/applyDirector';
import type { ServerCounters } from '../../src/core/plan/planTypes';

const KEYS: ServiceKey[] = [
  { kind: 'addr', protocol: 'tcp', address: '10.0.0.1', port: 80, family: 'inet' },
  { kind: 'addr', protocol: 'udp', address: '10.0.0.1', port: 53, family: 'inet' },
  { kind: 'addr', protocol: 'tcp', address: '2001:db8::1', port: 443, family: 'inet6' },
  { kind: 'addr', protocol: 'sctp', address: '10.0.0.2', port: 3868, family: 'inet' },
  { kind: 'fwmark', fwmark: 5, family: 'inet' },
  { kind: 'fwmark', fwmark: 6, family: 'inet6' },
];

function server(key: ServiceKey): fc.Arbitrary<IpvsRealServer> {
  const v6 = key.family === 'inet6';
  return fc.record({
    host: fc.integer({ min: 1, max: 4 }),
    method: fc.constantFrom('dr' as const, 'nat' as const, 'tun' as const),
    weight: fc.integer({ min: 0, max: 5 }),
    upper: fc.constantFrom(0, 100),
    lower: fc.constantFrom(0, 10),
    natPort: fc.constantFrom(80, 8080),
    tunnel: fc.constantFrom(undefined, { type: 'ipip' as const }, { type: 'gue' as const, port: 6080, checksum: 'csum' as const }, { type: 'gre' as const, checksum: 'nocsum' as const }),
  }).map((r) => {
    const port = key.kind === 'fwmark' ? 0 : r.method === 'nat' ? r.natPort : key.port;
    const rs: IpvsRealServer = {
      address: v6 ? `2001:db8::1${r.host}` : `10.0.1.${r.host}`, port, family: key.family, method: r.method, weight: r.weight,
      upperThreshold: Math.max(r.upper, r.lower), lowerThreshold: r.lower,
    };
    if (r.method === 'tun') rs.tunnel = r.tunnel ?? { type: 'ipip' };
    return rs;
  });
}

const service = (key: ServiceKey): fc.Arbitrary<IpvsService> => fc.record({
  scheduler: fc.constantFrom('rr' as const, 'wlc' as const, 'sh' as const),
  flags: fc.constantFrom([] as const, ['sh-port'] as const),
  persistence: fc.option(fc.constantFrom(60, 300), { nil: undefined }),
  onePacket: fc.boolean(),
  servers: fc.uniqueArray(server(key), { maxLength: 4, selector: (rs) => realServerKeyString(rs) }),
}).map((r) => {
  const s: IpvsService = {
    key, scheduler: r.scheduler, schedFlags: r.scheduler === 'sh' ? [...r.flags] : [],
    onePacket: r.onePacket && key.kind === 'addr' && key.protocol === 'udp', realServers: r.servers,
  };
  if (r.persistence !== undefined) s.persistence = { timeout: r.persistence, netmask: key.family === 'inet6' ? '128' : '255.255.255.255' };
  return s;
});

const tableArb: fc.Arbitrary<IpvsTable> = fc.subarray(KEYS).chain((keys) => fc.tuple(...keys.map(service))).map((services) => ({ services }));

function countersArb(live: IpvsTable): fc.Arbitrary<Map<string, ServerCounters>> {
  const keys = live.services.flatMap((s) => s.realServers.map((rs) => counterKey(s.key, rs)));
  return fc.tuple(...keys.map(() => fc.constantFrom(0, 0, 3))).map((vals) => new Map(keys.map((k, i) => [k, { activeConn: vals[i], inactConn: 0 }])));
}

/** The table without the real servers (and services) that are pending deletion. */
function withoutPending(t: IpvsTable, pending: { service: string; server: string; deletesService: boolean }[]): IpvsTable {
  const gone = new Set(pending.map((p) => `${p.service} ${p.server}`));
  const goneServices = new Set(pending.filter((p) => p.deletesService).map((p) => p.service));
  return {
    services: t.services.filter((s) => !goneServices.has(serviceKeyString(s.key))).map((s) => ({
      ...s, realServers: s.realServers.filter((rs) => !gone.has(`${serviceKeyString(s.key)} ${realServerKeyString(rs)}`)),
    })),
  };
}

test('property: plan lines applied by the in-memory ipvsadm turn live into desired', () => {
  fc.assert(fc.property(tableArb, tableArb, fc.boolean(), fc.boolean(), (desired, live, force, managedAll) => {
    const managed = managedAll ? new Set(live.services.map((s) => serviceKeyString(s.key))) : new Set<string>();
    return fc.assert(fc.property(countersArb(live), (counters) => {
      const plan = planTable(desired, { table: live, counters }, { force, managed });
      const { table: out, errors } = applyCommands(live, plan.steps.map((s) => s.command));
      assert.deepEqual(errors.filter((e) => e !== undefined), []);
      // The text sent to ipvsadm -R means the same as the commands.
      const viaText = parseRules(planRulesText(plan), { initialTable: live });
      assert.equal(renderRules(viaText.table), renderRules(out));
      // Foreign services (not managed, not pruned) stay as they were.
      const desiredKeys = new Set(desired.services.map((s) => serviceKeyString(s.key)));
      const foreign = live.services.filter((s) => !desiredKeys.has(serviceKeyString(s.key)) && !managed.has(serviceKeyString(s.key)));
      const expected: IpvsTable = { services: [...desired.services, ...foreign] };
      const got = withoutPending(out, plan.pending);
      assert.equal(tableRulesText(got), tableRulesText(expected));
      if (force) assert.deepEqual(plan.pending, []);
      for (const p of plan.pending) {
        const s = out.services.find((x) => serviceKeyString(x.key) === p.service);
        assert.equal(s?.realServers.find((rs) => realServerKeyString(rs) === p.server)?.weight, 0, 'a pending real server is drained');
      }
      // Re-planning is empty (apart from pending drains).
      const again = planTable(desired, { table: out, counters }, { force: false, managed });
      assert.deepEqual(again.steps.filter((s) => s.op !== 'delete-server' && s.op !== 'delete-service'), []);
    }), { numRuns: 5 }) ?? true;
  }), { numRuns: 300 });
});

test('property: the guardian\'s rollback batch restores the snapshot from ANY prefix of the batch (a client killed mid-batch)', () => {
  fc.assert(fc.property(tableArb, tableArb, fc.boolean(), fc.nat(), (desired, live, force, cut) => {
    const all = new Set(live.services.map((s) => serviceKeyString(s.key)));
    const plan = planTable(desired, { table: live }, { force, prune: true, managed: all });
    const back = rollbackPlan(live, plan);
    const prefix = plan.steps.slice(0, plan.steps.length === 0 ? 0 : cut % (plan.steps.length + 1)).map((s) => s.command);
    const partly = applyCommands(live, prefix).table;
    // ipvsadm -R goes on after a line the kernel refuses: the in-memory engine skips it the same way.
    const restored = applyCommands(partly, back.steps.map((s) => s.command)).table;
    assert.equal(tableRulesText(restored), tableRulesText(live), `prefix ${prefix.length}/${plan.steps.length}\nrollback:\n${planRulesText(back)}`);
  }), { numRuns: 400, seed: 15 });
});
