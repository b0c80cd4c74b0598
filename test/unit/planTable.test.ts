/** The plan: minimal ordered steps between a desired and a live IPVS table; drains; foreign services; rendering. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { desiredTable } from '../../src/core/clusterFile/desiredTable';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import { renderRules } from '../../src/core/ipvs/rulesRenderer';
import { planJson, planRulesText, renderPlanText } from '../../src/core/plan/planRender';
import { counterKey, planTable } from '../../src/core/plan/planTable';
import type { PlanOptions, ServerCounters } from '../../src/core/plan/planTypes';
import { rulesTable } from '../support/ipvsFixtures';

const table = rulesTable;

const BASE = `-A -t 10.0.0.1:80 -s rr
-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 1
-a -t 10.0.0.1:80 -r 10.0.1.2:80 -g -w 1
`;

function plan(desired: string, live: string, options: PlanOptions = {}, counters?: Map<string, ServerCounters>) {
  return planTable(table(desired), counters ? { table: table(live), counters } : { table: table(live) }, options);
}

/** The plan's lines, applied to the live table by the in-memory ipvsadm, must give the desired table. */
function assertConverges(desired: string, live: string, options: PlanOptions = {}): void {
  const p = plan(desired, live, { force: true, ...options });
  const out = parseRules(planRulesText(p), { initialTable: table(live) });
  assert.deepEqual(out.lines.filter((l) => l.error).map((l) => l.error), []);
  assert.equal(renderRules(out.table), renderRules(table(desired)));
  assert.deepEqual(planTable(table(desired), { table: out.table }, { force: true, ...options }).steps, []);
}

test('identical tables: empty plan', () => {
  const p = plan(BASE, BASE);
  assert.deepEqual(p.steps, []);
  assert.match(renderPlanText(p), /No changes/);
  assert.deepEqual(planJson('d', p).steps, []);
});

test('a weight change is exactly one complete -e step', () => {
  const p = plan(BASE.replace('10.0.1.2:80 -g -w 1', '10.0.1.2:80 -g -w 3'), BASE);
  assert.equal(p.steps.length, 1);
  assert.equal(p.steps[0].op, 'edit-server');
  assert.equal(p.steps[0].line, '-e -t 10.0.0.1:80 -r 10.0.1.2:80 -g -w 3 -x 0 -y 0');
  assert.deepEqual(p.steps[0].changes, [{ field: 'weight', from: '1', to: '3' }]);
});

test('from empty: add service first, then its real servers; converges', () => {
  const p = plan(BASE, '');
  assert.deepEqual(p.steps.map((s) => s.op), ['add-service', 'add-server', 'add-server']);
  assert.equal(p.steps[0].line, '-A -t 10.0.0.1:80 -s rr');
  assertConverges(BASE, '');
});

test('scheduler switch is one -E carrying every setting (persistence kept)', () => {
  const live = BASE.replace('-s rr', '-s rr -p 600 -M 255.255.255.0');
  const want = BASE.replace('-s rr', '-s wlc -p 600 -M 255.255.255.0');
  const p = plan(want, live);
  assert.equal(p.steps.length, 1);
  assert.equal(p.steps[0].line, '-E -t 10.0.0.1:80 -s wlc -p 600 -M 255.255.255.0');
  assertConverges(want, live);
});

test('persistence on and off; one-packet, pe sip and flags', () => {
  const on = BASE.replace('-s rr', '-s rr -p 300');
  assert.equal(plan(on, BASE).steps[0].line, '-E -t 10.0.0.1:80 -s rr -p 300');
  assert.equal(plan(BASE, on).steps[0].line, '-E -t 10.0.0.1:80 -s rr');
  assertConverges(on, BASE);
  assertConverges(BASE, on);
  const udp = '-A -u 10.0.0.1:5060 -s sh -p 60 --pe sip -o -b sh-port\n';
  assert.equal(plan(udp, '-A -u 10.0.0.1:5060 -s rr\n').steps[0].line, '-E -u 10.0.0.1:5060 -s sh -p 60 --pe sip -o -b sh-port');
  assertConverges(udp, '-A -u 10.0.0.1:5060 -s rr\n');
});

test('a VIP, port or protocol change is delete + add', () => {
  const moved = BASE.replace(/10\.0\.0\.1:80/g, '10.0.0.1:8080').replace(/10\.0\.1\.(\d):80/g, '10.0.1.$1:8080');
  // Not created by lvsctl: the old service is foreign (kept). Created by lvsctl (managed): deleted once idle.
  const p = plan(moved, BASE, {}, new Map());
  assert.deepEqual(p.steps.map((s) => s.op), ['add-service', 'add-server', 'add-server']);
  assert.equal(p.foreign[0].service, 'tcp:10.0.0.1:80');
  const idle = plan(moved, BASE, { managed: new Set(['tcp:10.0.0.1:80']), force: true });
  assert.deepEqual(idle.steps.map((s) => s.op), ['add-service', 'add-server', 'add-server', 'delete-service']);
  const q = plan(moved, BASE, { managed: new Set(['tcp:10.0.0.1:80']) });
  assert.deepEqual(q.steps.map((s) => s.op), ['add-service', 'add-server', 'add-server', 'drain-server', 'drain-server']);
  assertConverges(moved, BASE, { managed: new Set(['tcp:10.0.0.1:80']) });
});

test('forwarding method change is an -e; NAT port mapping; TUN options', () => {
  const nat = BASE.replace('10.0.1.1:80 -g', '10.0.1.1:80 -m');
  assert.equal(plan(nat, BASE).steps[0].line, '-e -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 1 -x 0 -y 0');
  const tun = BASE.replace('10.0.1.1:80 -g', '10.0.1.1:80 -i --tun-type gue --tun-port 6080 --tun-csum');
  const p = plan(tun, BASE);
  assert.equal(p.steps[0].line, '-e -t 10.0.0.1:80 -r 10.0.1.1:80 -i -w 1 -x 0 -y 0 --tun-type gue --tun-port 6080 --tun-csum');
  assertConverges(tun, BASE);
  assertConverges(nat, tun);
});

test('thresholds: a -e keeps them, a change to them is one step', () => {
  const live = BASE.replace('10.0.1.1:80 -g -w 1', '10.0.1.1:80 -g -w 1 -x 100 -y 10');
  const want = BASE.replace('10.0.1.1:80 -g -w 1', '10.0.1.1:80 -g -w 4 -x 100 -y 10');
  assert.equal(plan(want, live).steps[0].line, '-e -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 4 -x 100 -y 10');
  const p = plan(live, BASE);
  assert.deepEqual(p.steps[0].changes, [{ field: 'upper threshold', from: '0', to: '100' }, { field: 'lower threshold', from: '0', to: '10' }]);
  assertConverges(live, BASE);
});

test('IPv6 and fwmark services (IPv4 and IPv6 marks)', () => {
  const want = `-A -t [2001:db8::1]:443 -s wrr
-a -t [2001:db8::1]:443 -r [2001:db8::11]:443 -g -w 2
-A -f 5 -6 -s rr -p 60
-a -f 5 -6 -r [2001:db8::12]:0 -g -w 1
-A -f 6 -s rr
-a -f 6 -r 10.0.1.1:0 -m -w 1
`;
  const p = plan(want, '');
  assert.ok(p.steps.some((s) => s.line === '-A -f 5 -6 -s rr -p 60'));
  assert.ok(p.steps.some((s) => s.line === '-a -t [2001:db8::1]:443 -r [2001:db8::11]:443 -g -w 2 -x 0 -y 0'));
  assertConverges(want, '');
  assertConverges('', want, { prune: true });
});

test('drain: a removed busy real server gets weight 0 first and stays pending; an idle one is deleted', () => {
  const want = '-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 1\n';
  const key = table(BASE).services[0].key;
  const busy = new Map([[counterKey(key, { address: '10.0.1.2', port: 80, family: 'inet' }), { activeConn: 2, inactConn: 5 }]]);
  const p = plan(want, BASE, {}, busy);
  assert.deepEqual(p.steps.map((s) => [s.op, s.line]), [['drain-server', '-e -t 10.0.0.1:80 -r 10.0.1.2:80 -g -w 0 -x 0 -y 0']]);
  assert.equal(p.pending.length, 1);
  assert.match(renderPlanText(p), /2 active, 5 inactive/);
  // Already drained and still busy: no step, still pending.
  const drained = BASE.replace('10.0.1.2:80 -g -w 1', '10.0.1.2:80 -g -w 0');
  const q = plan(want, drained, {}, busy);
  assert.deepEqual(q.steps, []);
  assert.equal(q.pending.length, 1);
  // Idle: deleted at once.
  const idle = new Map([[counterKey(key, { address: '10.0.1.2', port: 80, family: 'inet' }), { activeConn: 0, inactConn: 0 }]]);
  assert.deepEqual(plan(want, drained, {}, idle).steps.map((s) => s.line), ['-d -t 10.0.0.1:80 -r 10.0.1.2:80']);
  // force: at once.
  assert.deepEqual(plan(want, BASE, { force: true }, busy).steps.map((s) => s.op), ['delete-server']);
  // Unknown counters (saved -S file): drained.
  assert.deepEqual(plan(want, BASE).steps.map((s) => s.op), ['drain-server']);
});

test('a real server kept at weight 0 in the file is an ordinary edit (quiesced), not a drain', () => {
  const p = plan(BASE.replace('10.0.1.2:80 -g -w 1', '10.0.1.2:80 -g -w 0'), BASE);
  assert.deepEqual(p.steps.map((s) => s.op), ['edit-server']);
  assert.deepEqual(p.pending, []);
});

test('UDP real servers are deleted at once (nothing to drain)', () => {
  const live = '-A -u 10.0.0.1:53 -s rr\n-a -u 10.0.0.1:53 -r 10.0.1.1:53 -g -w 1\n-a -u 10.0.0.1:53 -r 10.0.1.2:53 -g -w 1\n';
  const want = '-A -u 10.0.0.1:53 -s rr\n-a -u 10.0.0.1:53 -r 10.0.1.1:53 -g -w 1\n';
  assert.deepEqual(plan(want, live).steps.map((s) => s.op), ['delete-server']);
});

test('foreign services are listed and kept; prune deletes them; managed ones are removed', () => {
  const foreign = '-A -t 10.9.9.9:22 -s rr\n-a -t 10.9.9.9:22 -r 10.0.1.1:22 -g -w 1\n';
  const p = plan(BASE, BASE + foreign);
  assert.deepEqual(p.steps, []);
  assert.deepEqual(p.foreign, [{ service: 'tcp:10.9.9.9:22', realServers: 1, pruned: false }]);
  assert.match(renderPlanText(p), /foreign service tcp:10\.9\.9\.9:22 .* kept/);
  const q = plan(BASE, BASE + foreign, { prune: true, force: true });
  assert.deepEqual(q.steps.map((s) => s.line), ['-D -t 10.9.9.9:22']);
  assert.equal(q.foreign[0].pruned, true);
  const r = plan(BASE, BASE + foreign, { managed: new Set(['tcp:10.9.9.9:22']), force: true });
  assert.deepEqual(r.foreign, []);
  assert.deepEqual(r.steps.map((s) => s.op), ['delete-service']);
});

test('step order: adds, edits, server adds, server edits, drains, deletes', () => {
  const live = `-A -t 10.0.0.1:80 -s rr
-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 1
-a -t 10.0.0.1:80 -r 10.0.1.2:80 -g -w 1
-A -t 10.0.0.2:80 -s rr
`;
  const want = `-A -t 10.0.0.1:80 -s wrr
-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 5
-a -t 10.0.0.1:80 -r 10.0.1.3:80 -g -w 1
-A -t 10.0.0.3:80 -s rr
`;
  const p = plan(want, live, { managed: new Set(['tcp:10.0.0.2:80']) });
  assert.deepEqual(p.steps.map((s) => s.op), ['add-service', 'edit-service', 'add-server', 'edit-server', 'drain-server', 'delete-service']);
  const j = planJson('director', p);
  assert.deepEqual(Object.keys(j.steps[0]).sort(), ['line', 'op', 'service']);
  assert.equal(j.host, 'director');
  assert.match(renderPlanText(p), /^ {2}\+ add service tcp:10\.0\.0\.3:80$/m);
  assert.match(renderPlanText(p), /^ {2}~ edit service tcp:10\.0\.0\.1:80: scheduler rr → wrr$/m);
  assert.match(renderPlanText(p), /Plan: 2 to add, 2 to change, 1 to drain, 1 to delete\./);
});

test('the lab cluster file: desired table planned from empty gives the lab DR service', () => {
  const yaml = `version: 1
hosts:
  - { name: director, address: 10.116.0.10 }
  - { name: rs1, address: 10.116.0.11 }
  - { name: rs2, address: 10.116.0.12 }
clusters:
  - name: lab-web
    directors: [{ host: director }]
    services:
      - { protocol: tcp, vip: 10.116.0.200, port: 80, scheduler: rr, realServers: [{ host: rs1 }, { host: rs2 }] }
`;
  const { model } = validateClusterFile(yaml);
  const p = planTable(desiredTable(model, 'lab-web'), { table: { services: [] } });
  assert.equal(planRulesText(p), '-A -t 10.116.0.200:80 -s rr\n-a -t 10.116.0.200:80 -r 10.116.0.11:80 -g -w 1 -x 0 -y 0\n-a -t 10.116.0.200:80 -r 10.116.0.12:80 -g -w 1 -x 0 -y 0\n');
});

