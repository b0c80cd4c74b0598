/** Choosing the cluster of a file (core/operations/clusterSelection.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadClusterText, selectCluster } from '../../src/core/operations/clusterSelection';
import { CLASSIC_DR_EXAMPLE } from '../builders/clusterFileText';
import { loaded } from '../support/operationsFixtures';

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
