/**
 * The doctor's active-active findings: sessions down and VIPs not exported (from the lab's captured BIRD
 * output, test/fixtures/bird/), directors with different tables, schedulers other than mh/sh; every code is
 * documented in docs/scale-out.md. The live run is test/lab/birdEcmp.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SECTION_MARK } from '../../src/core/apply/liveState';
import { birdAnnounceCommand, directorAnnounceStatus } from '../../src/core/bird/birdAnnounceStatus';
import { desiredTable } from '../../src/core/clusterFile/desiredTable';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { announceFindings, schedulerFindings, tableFindings } from '../../src/core/doctor/bgpDoctor';
import type { IpvsTable } from '../../src/core/ipvs/types';
import { LAB_ECMP } from '../builders/birdFiles';

const repo = [join(__dirname, '..', '..', '..'), process.cwd()].find((r) => existsSync(join(r, 'test', 'fixtures', 'bird'))) ?? '';
const fixture = (name: string): string => readFileSync(join(repo, 'test', 'fixtures', 'bird', name), 'utf8');
const model = validateClusterFile(LAB_ECMP).model;
const cluster = model.clusters[0];
const desired = desiredTable(model, cluster.name);
const VIPS = ['10.116.0.202'];

function director(host: string, protocolsAll: string, exported: string): ReturnType<typeof directorAnnounceStatus> {
  const out = `${SECTION_MARK} running\nyes\n${SECTION_MARK} protocols\n${fixture(protocolsAll)}${SECTION_MARK} export:lvs_peer1\n${fixture(exported)}${SECTION_MARK} end\n`;
  return directorAnnounceStatus(host, VIPS, ['lvs_peer1'], birdAnnounceCommand(['lvs_peer1']).parse({ exitCode: 0, stderr: '', stdout: out }));
}

describe('doctor: active-active findings', () => {
  it('nothing when every session is Established and exports the VIP', () => {
    const d = director('director', 'protocols-all-established.txt', 'route-export-announcing.txt');
    assert.deepEqual(announceFindings({ cluster: cluster.name, vips: VIPS, directors: [d], announcingDirectors: 1 }), []);
  });

  it('bgp-session-down with the BGP state and last error; bgp-vip-not-exported when Established but not exported', () => {
    const down = director('director2', 'protocols-all-link-down.txt', 'route-export-link-down.txt');
    const silent = director('director', 'protocols-all-established.txt', 'route-export-link-down.txt');
    const f = announceFindings({ cluster: cluster.name, vips: VIPS, directors: [silent, down], announcingDirectors: 0 });
    assert.deepEqual(f.map((x) => [x.host, x.code, x.severity]), [['director', 'bgp-vip-not-exported', 'error'], ['director2', 'bgp-session-down', 'error']]);
    assert.equal(f[1].title, 'BGP session lvs_peer1 to 10.116.0.1 is Idle (Error: Neighbor lost)');
    assert.equal(f[0].title, '10.116.0.202 is not exported on lvs_peer1');
  });

  it('aa-tables-differ names the service and both sides; equal tables give nothing', () => {
    assert.deepEqual(tableFindings(cluster, desired, [{ host: 'director', table: desired }, { host: 'director2', table: desired }]), []);
    const other: IpvsTable = { services: desired.services.map((s) => ({ ...s, realServers: s.realServers.map((r, i) => (i === 1 ? { ...r, weight: 3 } : r)) })) };
    const f = tableFindings(cluster, desired, [{ host: 'director', table: desired }, { host: 'director2', table: other }]);
    assert.equal(f.length, 1);
    assert.equal(f[0].code, 'aa-tables-differ');
    assert.equal(f[0].title, 'tcp:10.116.0.202:80 differs: director mh -b mh-port; 10.116.0.11:80 dr w1, 10.116.0.12:80 dr w1 · director2 mh -b mh-port; 10.116.0.11:80 dr w1, 10.116.0.12:80 dr w3');
    assert.match(tableFindings(cluster, desired, [{ host: 'director', table: desired }, { host: 'director2', table: { services: [] } }])[0].title, /director2 missing$/);
  });

  it('aa-scheduler for rr, nothing for mh', () => {
    assert.deepEqual(schedulerFindings(cluster, desired), []);
    const rr: IpvsTable = { services: desired.services.map((s) => ({ ...s, scheduler: 'rr', schedFlags: [] })) };
    const f = schedulerFindings(cluster, rr);
    assert.deepEqual(f.map((x) => [x.code, x.severity, x.host]), [['aa-scheduler', 'warning', 'director, director2']]);
  });

  it('every code is documented in docs/scale-out.md', () => {
    const src = readFileSync(join(repo, 'src', 'core', 'doctor', 'bgpDoctor.ts'), 'utf8');
    const docs = readFileSync(join(repo, 'docs', 'scale-out.md'), 'utf8');
    const codes = [...src.matchAll(/code: '([a-z-]+)'/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(codes)].sort(), ['aa-scheduler', 'aa-tables-differ', 'bgp-session-down', 'bgp-vip-not-exported']);
    for (const c of codes) assert.match(docs, new RegExp(`\\| \`${c}\` \\|`), c);
  });
});
