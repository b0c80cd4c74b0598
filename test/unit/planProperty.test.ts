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
import type { IpvsTable } from '../../src/core/ipvs/types';
import { realServerKeyString, serviceKeyString } from '../../src/core/ipvs/types';
import { tableRulesText } from '../../src/core/plan/ipvsadmLines';
import { planRulesText } from '../../src/core/plan/planRender';
import { counterKey, planTable } from '../../src/core/plan/planTable';
import { rollbackPlan } from '../../src/core/apply/applyDirector';
import type { ServerCounters } from '../../src/core/plan/planTypes';
import { ipvsTableArb as tableArb } from '../builders/ipvsTableArbitrary';

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
