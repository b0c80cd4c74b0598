/** Applying a cluster to its directors (core/operations/applyCluster.ts): result texts and the overall status. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyCluster, applyResultText, overallStatus } from '../../src/core/operations/applyCluster';
import { loadClusterText } from '../../src/core/operations/clusterSelection';
import { LAB_HA } from '../builders/keepalivedFiles';

test('applyResultText and overallStatus: the worst outcome wins, failures name the line', () => {
  const base = { steps: [], drainDeletes: [], pending: [], sysctls: [] };
  const ok = { ...base, host: 'lb1', status: 'applied' as const };
  const bad = { ...base, host: 'lb2', status: 'rolled-back' as const, error: 'line 2 of 3 failed', failedLine: { index: 1, line: '-a -t 1.2.3.4:80 -r 224.0.0.1:80 -g -w 1', message: 'Invalid operation' } };
  assert.equal(overallStatus([ok, bad]), 'rolled-back');
  assert.equal(overallStatus([ok, { ...base, host: 'lb3', status: 'unchanged' }]), 'applied');
  assert.match(applyResultText(bad), /lb2: FAILED, rolled back to the snapshot: line 2 of 3 failed\n {2}failing line 2: -a -t 1\.2\.3\.4:80 -r 224\.0\.0\.1:80 -g -w 1\n {2}ipvsadm said: Invalid operation/);
});

test('applyCluster refuses a cluster of engine keepalived before touching any director (keepalived owns its table)', async () => {
  const sel = loadClusterText(LAB_HA, 'lab-ha');
  assert.ok(sel.ok, sel.ok ? '' : sel.message);
  let linked = 0;
  const link = (): never => { linked++; throw new Error('no director may be reached'); };
  await assert.rejects(applyCluster({} as never, sel.loaded, [{ host: 'director', sysctls: [] }], { drainTimeoutMs: 0, persist: false, holder: 'test', link }),
    /cluster lab-ha has engine keepalived: keepalived owns its IPVS table/);
  assert.equal(linked, 0);
});
