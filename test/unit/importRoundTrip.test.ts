/**
 * Import round trips: random live tables (the plan property's generator) read from one or two directors
 * → import → the cluster file validates with zero errors and its desired tables render exactly the live
 * tables (`ipvsadm -S -n` text, and with thresholds); ipvsadm rules fixtures → import → 0 errors → the
 * same rules.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { desiredTable } from '../../src/core/clusterFile/desiredTable';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import type { ClusterFile } from '../../src/core/clusterFile/types';
import { emptyHostState } from '../../src/core/hostprep/hostState';
import type { HostAddress } from '../../src/core/hostprep/hostState';
import { draftFromFacts } from '../../src/core/import/draftFromFacts';
import type { ImportedMachine } from '../../src/core/import/draftFromFacts';
import { draftFromRules } from '../../src/core/import/draftFromRules';
import { importText } from '../../src/core/import/importText';
import { renderRules } from '../../src/core/ipvs/rulesRenderer';
import type { IpvsService, IpvsTable } from '../../src/core/ipvs/types';
import { tableRulesText } from '../../src/core/plan/ipvsadmLines';
import { ipvsTableArb } from '../builders/ipvsTableArbitrary';

const addr = (dev: string, address: string, prefix: number, label?: string): HostAddress => {
  const a: HostAddress = { dev, family: address.includes(':') ? 'inet6' : 'inet', address, prefix };
  if (a.family === 'inet') a.label = label ?? dev;
  return a;
};

function director(name: string, table: IpvsTable, own: string[]): ImportedMachine {
  const state = emptyHostState();
  state.addresses.push(addr('eth0', own[0], 24), addr('eth0', own[1], 64));
  for (const s of table.services) if (s.key.kind === 'addr' && !state.addresses.some((a) => s.key.kind === 'addr' && a.address === s.key.address)) state.addresses.push(addr('eth0', s.key.address, s.key.family === 'inet' ? 32 : 128));
  return { name, ssh: { host: name }, sshComments: [], facts: { state, table, ipvsSysctls: { expire_nodest_conn: 1, expire_quiescent_template: 1 } } };
}

function realServerHost(name: string, addresses: string[]): ImportedMachine {
  const state = emptyHostState();
  for (const a of addresses) state.addresses.push(addr('eth0', a, a.includes(':') ? 64 : 24));
  return { name, ssh: {}, sshComments: [], facts: { state, ipvsSysctls: {} } };
}

function validated(text: string): ClusterFile {
  const v = validateClusterFile(text);
  assert.deepEqual(v.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`), [], text);
  return v.model;
}

/** Every service the file gives to `host`, over all its clusters. */
function tableOf(model: ClusterFile, host: string): IpvsTable {
  const services: IpvsService[] = [];
  for (const c of model.clusters) if (c.directors.some((d) => d.host === host)) services.push(...desiredTable(model, c.name).services);
  return { services };
}

test('property: a random live table → import → validates with 0 errors, renders the live table', () => {
  fc.assert(fc.property(ipvsTableArb, fc.boolean(), (live, withHost) => {
    const hosts = withHost ? [realServerHost('rs1', ['10.0.1.1', '2001:db8::11']), realServerHost('rs3', ['10.0.1.3'])] : [];
    const draft = draftFromFacts({ directors: [director('lvs1', live, ['10.0.0.100', '2001:db8::100'])], hosts, header: [] });
    const result = importText(draft);
    const model = validated(result.text);
    assert.equal(renderRules(tableOf(model, 'lvs1')), renderRules(live));
    assert.equal(tableRulesText(tableOf(model, 'lvs1')), tableRulesText(live));
    assert.ok(model.clusters.length <= 1);
  }), { numRuns: 300 });
});

test('property: two directors with one table → one cluster with both; each renders its live table', () => {
  fc.assert(fc.property(ipvsTableArb, (live) => {
    const draft = draftFromFacts({
      directors: [director('lvs1', live, ['10.0.0.100', '2001:db8::100']), director('lvs2', live, ['10.0.0.101', '2001:db8::101'])],
      hosts: [], header: [],
    });
    const model = validated(importText(draft).text);
    if (live.services.length > 0) assert.deepEqual(model.clusters.map((c) => [c.name, c.directors.map((d) => d.host)]), [['lvs1-lvs2', ['lvs1', 'lvs2']]]);
    for (const d of ['lvs1', 'lvs2']) assert.equal(tableRulesText(tableOf(model, d)), tableRulesText(live));
  }), { numRuns: 100 });
});

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'ipvs');

for (const dir of readdirSync(FIXTURES).filter((d) => existsSync(join(FIXTURES, d, 'ipvsadm-save_-n.txt')))) {
  test(`rules fixture ${dir}/ipvsadm-save_-n.txt → import → 0 errors → render = the rules`, () => {
    const rules = readFileSync(join(FIXTURES, dir, 'ipvsadm-save_-n.txt'), 'utf8');
    const r = draftFromRules(rules, { cluster: dir, source: 'ipvsadm-save_-n.txt' });
    assert.ok(r.ok);
    const model = validated(importText(r.draft).text);
    assert.equal(renderRules(desiredTable(model, dir)), rules);
  });
  const named = join(FIXTURES, dir, 'ipvsadm-save.txt');
  if (existsSync(named)) {
    test(`rules fixture ${dir}/ipvsadm-save.txt (host names, not -n) → refused with a clear error`, () => {
      const r = draftFromRules(readFileSync(named, 'utf8'), { cluster: dir });
      assert.ok(!r.ok);
      assert.deepEqual(r.diagnostics.map((d) => d.code), ['IMPORT001']);
      assert.match(r.diagnostics[0].message, /name hosts instead of addresses \(vip, rs1, rs2\).*ipvsadm-save -n/);
    });
  }
}
