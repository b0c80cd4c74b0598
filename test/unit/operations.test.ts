/** The operations shared by lvsctl and the extension: cluster selection, live view of a cluster, weight changes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LiveState } from '../../src/core/apply/liveState';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import { applyResultText, overallStatus } from '../../src/core/operations/applyCluster';
import { loadClusterText, selectCluster } from '../../src/core/operations/clusterSelection';
import type { LoadedCluster } from '../../src/core/operations/clusterSelection';
import { clusterLiveView, serverViewKey } from '../../src/core/operations/clusterLiveView';
import { planDirector, previewHasChanges, previewSummaryLines, previewText } from '../../src/core/operations/directorPreview';
import { prepareSummaryLines } from '../../src/core/operations/prepareReport';
import { checkWeight, findServer, weightLine } from '../../src/core/operations/serverWeight';
import { counterKey } from '../../src/core/plan/planTable';
import { CLASSIC_DR_EXAMPLE } from '../builders/clusterFileText';

function loaded(text = CLASSIC_DR_EXAMPLE, name?: string): LoadedCluster {
  const s = loadClusterText(text, name);
  assert.ok(s.ok, s.ok ? '' : s.message);
  return s.loaded;
}

function live(rules: string, counters: Record<string, [number, number]> = {}): LiveState {
  const r = parseRules(rules);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  const map = new Map<string, { activeConn: number; inactConn: number }>();
  for (const [k, [a, i]] of Object.entries(counters)) map.set(k, { activeConn: a, inactConn: i });
  return { saveText: rules, table: r.table, counters: map, sysctls: { expire_nodest_conn: 1, expire_quiescent_template: 1 }, managed: new Set() };
}

const MATCHING = '-A -t 192.168.116.200:80 -s rr\n-a -t 192.168.116.200:80 -r 192.168.116.4:80 -g -w 1\n-a -t 192.168.116.200:80 -r 192.168.116.5:80 -g -w 1\n';
const SVC = 'tcp:192.168.116.200:80';

test('selectCluster: the only cluster, a named one, and clear refusals', () => {
  const two = CLASSIC_DR_EXAMPLE + CLASSIC_DR_EXAMPLE.slice(CLASSIC_DR_EXAMPLE.indexOf('  - name: web')).replace('name: web', 'name: api').replace('192.168.116.200', '192.168.116.201');
  const one = loaded();
  assert.equal(one.cluster.name, 'web');
  assert.equal(one.desired.services.length, 1);
  const s = loadClusterText(two.replace(/^clusters:\n([\s\S]*)clusters:\n/m, 'clusters:\n$1'), undefined, 'lvs.yaml');
  assert.equal(s.ok, false);
  if (!s.ok) {
    assert.equal(s.reason, 'ambiguous');
    assert.match(s.message, /lvs\.yaml defines 2 clusters \(web, api\)/);
  }
  const m = one.model;
  const unknown = selectCluster(m, 'nope', 'lvs.yaml');
  assert.ok(!unknown.ok && unknown.reason === 'unknown' && /no cluster 'nope' in lvs\.yaml \(it has: web\)/.test(unknown.message));
  const broken = loadClusterText(CLASSIC_DR_EXAMPLE.replace('scheduler: rr', 'scheduler: fastest'), undefined);
  assert.ok(!broken.ok && broken.reason === 'errors' && broken.errors.length === 1, JSON.stringify(broken));
});

test('clusterLiveView: matching director → no drift, connections summed, not drained', () => {
  const l = loaded();
  const c = { [counterKey(l.desired.services[0].key, { address: '192.168.116.4', port: 80, family: 'inet' })]: [3, 7] as [number, number] };
  const view = clusterLiveView(l, [planDirector('node3', l, live(MATCHING, c))]);
  assert.equal(view.drift, false);
  assert.equal(view.reachable, 1);
  assert.deepEqual(view.directors, [{ host: 'node3', reachable: true, changes: 0, foreign: [] }]);
  const rs1 = view.servers.get(serverViewKey(SVC, '192.168.116.4:80'));
  assert.deepEqual(rs1, { presentOn: 1, weights: [1], desiredWeight: 1, activeConn: 3, inactConn: 7, drained: false, drift: [] });
  assert.deepEqual(view.services.get(SVC), { presentOn: 1, drift: [] });
});

test('clusterLiveView: a drained server, a missing one, a foreign service and an unreachable director', () => {
  const l = loaded();
  const drifted = '-A -t 192.168.116.200:80 -s wlc\n-a -t 192.168.116.200:80 -r 192.168.116.4:80 -g -w 0\n-A -t 10.9.9.9:22 -s rr\n';
  const view = clusterLiveView(l, [planDirector('node3', l, live(drifted)), { host: 'node9', sysctls: [], error: 'connect ECONNREFUSED' }]);
  assert.equal(view.drift, true);
  assert.equal(view.reachable, 1);
  assert.deepEqual(view.directors[1], { host: 'node9', reachable: false, error: 'connect ECONNREFUSED', changes: 0, foreign: [] });
  assert.deepEqual(view.directors[0].foreign, ['tcp:10.9.9.9:22']);
  const rs1 = view.servers.get(serverViewKey(SVC, '192.168.116.4:80'));
  assert.equal(rs1?.drained, true);
  assert.deepEqual(rs1?.drift, ['node3: weight 0 → 1']);
  const rs2 = view.servers.get(serverViewKey(SVC, '192.168.116.5:80'));
  assert.equal(rs2?.presentOn, 0);
  assert.deepEqual(rs2?.drift, ['node3: missing']);
  assert.deepEqual(view.services.get(SVC)?.drift, ['node3: scheduler wlc → rr']);
});

test('planDirector/previewText: what would change, sysctls included', () => {
  const l = loaded();
  const p = planDirector('node3', l, { ...live(''), sysctls: {} });
  assert.ok(previewHasChanges(p));
  const text = previewText(p);
  assert.match(text, /^node3:\n/);
  assert.match(text, /sysctl net\.ipv4\.vs\.expire_nodest_conn: unset → 1/);
  assert.match(text, /-A -t 192\.168\.116\.200:80 -s rr/);
  assert.equal(previewHasChanges(planDirector('node3', l, live(MATCHING))), false);
  assert.match(previewText({ host: 'node3', sysctls: [], error: 'timed out' }), /cannot read the live table: timed out/);
});

test('weightLine keeps every live field but the weight (ipvsadm -e resets what it is not given)', () => {
  const t = parseRules('-A -t 10.0.0.1:80 -s wrr\n-a -t 10.0.0.1:80 -r 10.0.1.1:80 -i -w 5 --tun-type gue --tun-port 6080 --tun-csum\n-a -t 10.0.0.1:80 -r 10.0.1.2:8080 -m -w 3 -x 100 -y 10\n').table;
  const tun = findServer(t, 'tcp:10.0.0.1:80', '10.0.1.1:80');
  assert.ok(tun);
  assert.equal(weightLine(tun.service, tun.server, 0), '-e -t 10.0.0.1:80 -r 10.0.1.1:80 -i -w 0 -x 0 -y 0 --tun-type gue --tun-port 6080 --tun-csum');
  const nat = findServer(t, 'tcp:10.0.0.1:80', '10.0.1.2:8080');
  assert.ok(nat);
  assert.equal(weightLine(nat.service, nat.server, 7), '-e -t 10.0.0.1:80 -r 10.0.1.2:8080 -m -w 7 -x 100 -y 10');
  assert.equal(findServer(t, 'tcp:10.0.0.1:80', '10.0.1.3:80'), undefined);
  assert.equal(checkWeight(0), undefined);
  assert.equal(checkWeight(65535), undefined);
  for (const bad of [-1, 65536, 1.5, Number.NaN]) assert.match(checkWeight(bad) ?? '', /whole number from 0 to 65535/);
});

test('applyResultText and overallStatus: the worst outcome wins, failures name the line', () => {
  const base = { steps: [], drainDeletes: [], pending: [], sysctls: [] };
  const ok = { ...base, host: 'lb1', status: 'applied' as const };
  const bad = { ...base, host: 'lb2', status: 'rolled-back' as const, error: 'line 2 of 3 failed', failedLine: { index: 1, line: '-a -t 1.2.3.4:80 -r 224.0.0.1:80 -g -w 1', message: 'Invalid operation' } };
  assert.equal(overallStatus([ok, bad]), 'rolled-back');
  assert.equal(overallStatus([ok, { ...base, host: 'lb3', status: 'unchanged' }]), 'applied');
  assert.match(applyResultText(bad), /lb2: FAILED, rolled back to the snapshot: line 2 of 3 failed\n {2}failing line 2: -a -t 1\.2\.3\.4:80 -r 224\.0\.0\.1:80 -g -w 1\n {2}ipvsadm said: Invalid operation/);
});

test('previewSummaryLines: counts per director, then the exact lines while they fit, then how many more', () => {
  const l = loaded();
  const empty = planDirector('node3', l, { ...live(''), sysctls: {} });
  assert.deepEqual(previewSummaryLines([empty]), [
    'node3: 3 to add, 0 to change, 0 to drain, 0 to delete, 2 sysctls',
    '',
    'sysctl net.ipv4.vs.expire_nodest_conn=1',
    'sysctl net.ipv4.vs.expire_quiescent_template=1',
    '-A -t 192.168.116.200:80 -s rr',
    '-a -t 192.168.116.200:80 -r 192.168.116.4:80 -g -w 1 -x 0 -y 0',
    '-a -t 192.168.116.200:80 -r 192.168.116.5:80 -g -w 1 -x 0 -y 0',
  ]);
  const short = previewSummaryLines([empty, planDirector('node4', l, live(MATCHING)), { host: 'node5', sysctls: [], error: 'timed out' }], 6);
  assert.deepEqual(short, [
    'node3: 3 to add, 0 to change, 0 to drain, 0 to delete, 2 sysctls',
    'node4: matches the file',
    'node5: cannot be read (timed out)',
    '',
    'node3  sysctl net.ipv4.vs.expire_nodest_conn=1',
    'node3  sysctl net.ipv4.vs.expire_quiescent_template=1',
    '… 3 more (Show Plan Details)',
  ]);
});

test('prepareSummaryLines: one line per host that changes, the rest together, bounded', () => {
  const step = (title: string, outcome: 'will change' | 'already done') => ({ id: title, title, why: '', outcome, actions: [] });
  const report = (host: string, roles: string[], titles: string[], done = 0) => ({
    host, roles, mode: 'prepare' as const, dryRun: true, ok: true, execs: 1,
    steps: [...titles.map((t) => step(t, 'will change')), ...Array.from({ length: done }, (_, i) => step(`done ${i}`, 'already done'))],
  });
  const reports = [report('director', ['director'], ['VIP 10.116.0.200/32 on eth0', 'ipvs modules loaded']), report('rs1', ['DR real server'], ['arp_ignore=1 on all'], 2), report('rs2', ['DR real server'], [], 4)];
  assert.deepEqual(prepareSummaryLines(reports), [
    'director (director): 2 changes — VIP 10.116.0.200/32 on eth0; ipvs modules loaded',
    'rs1 (DR real server): 1 change — arp_ignore=1 on all',
    'rs2: nothing to change',
  ]);
  const many = Array.from({ length: 20 }, (_, i) => report(`rs${i}`, [], ['x'.repeat(200)]));
  const lines = prepareSummaryLines(many, 5);
  assert.equal(lines.length, 5);
  assert.equal(lines[4], '… 16 more hosts');
  assert.ok(lines.every((x) => x.length <= 110), lines.join('\n'));
});
