/**
 * The announcing state of an active-active cluster from BIRD's own output, captured on the lab
 * (test/fixtures/bird/: director with its session Established, director2 eight seconds after its link went
 * down), and one exec per director (counted). The live run is test/lab/birdEcmp.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SECTION_MARK } from '../../src/core/apply/liveState';
import type { BirdAnnounceReading } from '../../src/core/bird/birdAnnounceStatus';
import { birdAnnounceCommand, clusterAnnounceText, directorAnnounceStatus, directorAnnounceText, parseBirdProtocolsAll, parseExportedRoutes, readAnnounceCluster } from '../../src/core/bird/birdAnnounceStatus';
import { announceStatusText } from '../../src/cli/statusCommand';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import type { RemoteCommand } from '../../src/core/ssh/remoteCommand';
import { LAB_ECMP } from '../builders/birdFiles';

const dir = [join(__dirname, '..', '..', '..'), process.cwd()].map((r) => join(r, 'test', 'fixtures', 'bird')).find((p) => existsSync(p)) ?? '';
const fixture = (name: string): string => readFileSync(join(dir, name), 'utf8');

/** What the one exec prints on a director whose BIRD shows these two fixtures. */
function output(protocolsAll: string, exported: string, running = true): string {
  return `${SECTION_MARK} running\n${running ? 'yes' : 'no'}\n${SECTION_MARK} protocols\n${protocolsAll}${SECTION_MARK} export:lvs_peer1\n${exported}${SECTION_MARK} end\n`;
}

function reading(protocolsAll: string, exported: string, running = true): BirdAnnounceReading {
  return birdAnnounceCommand(['lvs_peer1']).parse({ exitCode: 0, stderr: '', stdout: output(protocolsAll, exported, running) });
}

describe('BIRD announcing state', () => {
  it('parses show protocols all: an Established session and an Idle one with its last error', () => {
    const up = parseBirdProtocolsAll(fixture('protocols-all-established.txt'));
    assert.deepEqual([...up.keys()], ['device1', 'lvs_vips4', 'lvs_peer1']);
    assert.deepEqual(up.get('lvs_peer1'), { protocol: 'lvs_peer1', state: 'up', bgpState: 'Established', neighbor: '10.116.0.1' });
    const down = parseBirdProtocolsAll(fixture('protocols-all-link-down.txt'));
    assert.deepEqual(down.get('lvs_peer1'), { protocol: 'lvs_peer1', state: 'start', bgpState: 'Idle', neighbor: '10.116.0.1', lastError: 'Error: Neighbor lost' });
  });

  it('parses show route export: the VIP, or nothing when the session is down', () => {
    assert.deepEqual(parseExportedRoutes(fixture('route-export-announcing.txt')), ['10.116.0.202/32']);
    assert.deepEqual(parseExportedRoutes(fixture('route-export-link-down.txt')), []);
  });

  it('a director announces a VIP exported on an Established session; else it is withdrawn with the session state', () => {
    const up = directorAnnounceStatus('director', ['10.116.0.202'], ['lvs_peer1'], reading(fixture('protocols-all-established.txt'), fixture('route-export-announcing.txt')));
    assert.deepEqual(up.announcing, ['10.116.0.202']);
    assert.deepEqual(up.withdrawn, []);
    assert.equal(directorAnnounceText(up), 'announcing 10.116.0.202 · BGP Established');
    const down = directorAnnounceStatus('director2', ['10.116.0.202'], ['lvs_peer1'], reading(fixture('protocols-all-link-down.txt'), fixture('route-export-link-down.txt')));
    assert.deepEqual(down.withdrawn, ['10.116.0.202']);
    assert.equal(directorAnnounceText(down), 'withdrawn 10.116.0.202 · BGP Idle (Error: Neighbor lost)');
    // Exported but the session not Established: not announced.
    const half = directorAnnounceStatus('director2', ['10.116.0.202'], ['lvs_peer1'], reading(fixture('protocols-all-link-down.txt'), fixture('route-export-announcing.txt')));
    assert.deepEqual(half.announcing, []);
    const stopped = directorAnnounceStatus('director2', ['10.116.0.202'], ['lvs_peer1'], reading('', '', false));
    assert.match(directorAnnounceText(stopped), /^withdrawn 10\.116\.0\.202 · BIRD is not running/);
  });

  it('reads a cluster with one exec per director; an unreachable director counts as not announcing', async () => {
    const cluster = validateClusterFile(LAB_ECMP).model.clusters[0];
    const execs: string[] = [];
    const run = async <T>(host: string, command: RemoteCommand<T>): Promise<T> => {
      execs.push(host);
      if (host === 'director2') throw new Error('director2: ssh: connection refused');
      return command.parse({ exitCode: 0, stderr: '', stdout: output(fixture('protocols-all-established.txt'), fixture('route-export-announcing.txt')) });
    };
    const s = await readAnnounceCluster(run, cluster);
    assert.deepEqual(execs.sort(), ['director', 'director2']);
    assert.deepEqual(s.vips, ['10.116.0.202']);
    assert.equal(clusterAnnounceText(s), 'active-active · 1 of 2 announcing');
    assert.equal(directorAnnounceText(s.directors[1]), 'withdrawn 10.116.0.202 · director2: ssh: connection refused');
  });

  it('refuses protocol names lvsctl does not render (nothing of the file reaches the shell)', () => {
    assert.throws(() => birdAnnounceCommand(['x; rm -rf /']), /not a protocol lvsctl renders/);
  });
});

describe('lvsctl status: the announcing lines of an active-active cluster', () => {
  it('prints the cluster summary and one line per director', () => {
    const up = directorAnnounceStatus('director', ['10.116.0.202'], ['lvs_peer1'], reading(fixture('protocols-all-established.txt'), fixture('route-export-announcing.txt')));
    const down = directorAnnounceStatus('director2', ['10.116.0.202'], ['lvs_peer1'], reading(fixture('protocols-all-link-down.txt'), fixture('route-export-link-down.txt')));
    assert.equal(announceStatusText({ cluster: 'lab-ecmp', vips: ['10.116.0.202'], directors: [up, down], announcingDirectors: 1 }),
      '  active-active · 1 of 2 announcing\n    director   announcing 10.116.0.202 · BGP Established\n    director2  withdrawn 10.116.0.202 · BGP Idle (Error: Neighbor lost)\n');
  });
});
