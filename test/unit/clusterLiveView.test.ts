/** The tree's live view of a cluster (core/operations/clusterLiveView.ts): drift, connections, drained and missing servers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterLiveView, serverViewKey } from '../../src/core/operations/clusterLiveView';
import { planDirector } from '../../src/core/operations/directorPreview';
import { counterKey } from '../../src/core/plan/planTable';
import { live, loaded, MATCHING, SVC } from '../support/operationsFixtures';

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
