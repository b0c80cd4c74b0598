/** lvsctl failover's plan (the track file values, the effect sentence), the remote write, and the run's order and read backs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterFile } from '../../src/core/clusterFile/types';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import type { KeepalivedClusterStatus } from '../../src/core/keepalived/keepalivedClusterStatus';
import { FailoverNotRenderedError, failoverTrackFile, planFailover, planRelease, runFailover, switchoverDone, writeFailoverValueCommand } from '../../src/core/keepalived/keepalivedFailover';
import type { RemoteCommand } from '../../src/core/ssh/remoteCommand';
import { LAB_HA } from '../builders/keepalivedFiles';

function model(text: string): ClusterFile {
  const { model: m, diagnostics } = validateClusterFile(text);
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`), []);
  return m;
}

const cluster = model(LAB_HA).clusters[0];
const VIP = '10.116.0.201';

function status(master: string): KeepalivedClusterStatus {
  return {
    cluster: 'lab-ha', services: [], masters: [master],
    directors: ['director', 'director2'].map((host) => ({ host, role: host === master ? 'MASTER' : 'BACKUP', heldVips: host === master ? [VIP] : [] })),
  };
}

describe('planFailover / planRelease', () => {
  it('raises the target one above the others\' configured priority and names the effect', () => {
    const p = planFailover(cluster, 'director2', ['director']);
    assert.deepEqual(p.writes, [{ host: 'director', value: 0 }, { host: 'director2', value: 11 }]);
    assert.equal(p.effect, 'director2 becomes MASTER of VIP 10.116.0.201 of cluster lab-ha (priority 140 + 11); director gives it up.');
    assert.equal(planFailover(cluster, 'director', ['director']).writes.find((w) => w.host === 'director')?.value, 0);
  });

  it('refuses a director outside the cluster and a cluster without preemption', () => {
    assert.throws(() => planFailover(cluster, 'rs1', []), /"rs1" is not a director of cluster "lab-ha" \(its directors: director, director2\)/);
    const noPreempt = model(LAB_HA.replace('advertInterval: 1', 'advertInterval: 1\n      preempt: false')).clusters[0];
    assert.throws(() => planFailover(noPreempt, 'director2', ['director']), /preempt: false \(keepalived's nopreempt\)/);
  });

  it('release writes 0 everywhere and expects the highest configured priority back', () => {
    const p = planRelease(cluster);
    assert.deepEqual(p.writes, [{ host: 'director', value: 0 }, { host: 'director2', value: 0 }]);
    assert.equal(p.expect, 'director');
    assert.equal(switchoverDone(status('director2'), p), false);
    assert.equal(switchoverDone(status('director'), p), true);
  });
});

describe('writeFailoverValueCommand', () => {
  it('passes the file and the number as arguments, and reports a missing track file', () => {
    const c = writeFailoverValueCommand('lab-ha', 11);
    assert.deepEqual(c.argv.slice(3), ['sh', failoverTrackFile('lab-ha'), '11']);
    assert.throws(() => c.parse({ stdout: '', stderr: 'x is missing', exitCode: 3 }), FailoverNotRenderedError);
    assert.throws(() => writeFailoverValueCommand('lab-ha', 255), /not a track file value/);
    assert.throws(() => writeFailoverValueCommand('lab ha', 1), /not one plain word/);
  });
});

describe('runFailover', () => {
  it('writes the losers first, then reads back until the target is MASTER holding the VIP', async () => {
    const writes: string[] = [];
    const reads = [status('director'), status('director'), status('director2')];
    const r = await runFailover(planFailover(cluster, 'director2', ['director']), {
      run: async <T>(host: string, c: RemoteCommand<T>): Promise<T> => { writes.push(`${host}=${c.argv[5] ?? ''}`); return c.parse({ stdout: '', stderr: '', exitCode: 0 }); },
      read: async () => reads.shift() ?? status('director2'),
      sleep: async () => undefined,
    });
    assert.deepEqual(writes, ['director=0', 'director2=11']);
    assert.equal(r.ok, true);
    assert.equal(r.reads, 3);
    assert.equal(r.text, 'director2 is MASTER of cluster lab-ha and holds 10.116.0.201.');
  });

  it('gives up after its read backs, naming who is MASTER', async () => {
    const r = await runFailover(planFailover(cluster, 'director2', ['director']), {
      run: async <T>(_h: string, c: RemoteCommand<T>): Promise<T> => c.parse({ stdout: '', stderr: '', exitCode: 0 }),
      read: async () => status('director'), sleep: async () => undefined, polls: 4,
    });
    assert.equal(r.ok, false);
    assert.equal(r.reads, 4);
    assert.match(r.text, /MASTER is director, expected director2/);
  });
});
