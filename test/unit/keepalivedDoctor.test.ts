/**
 * The doctor's keepalived checks from captured reads (the real thing runs in the lab:
 * test/lab/keepalivedDoctor.test.ts): the probe's parser, each finding's rule, the VIP holders across the pair,
 * and runDoctor's order (keepalived's reads first; the pair's own MACs are not "other hosts answering ARP").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import type { ClusterFile } from '../../src/core/clusterFile/types';
import { keepalivedFindings, keepalivedProbeCommand, parseKeepalivedProbe } from '../../src/core/doctor/keepalivedDoctor';
import type { KeepalivedDirectorRead } from '../../src/core/doctor/keepalivedDoctor';
import { doctorChecks, hostFindings, runDoctor } from '../../src/core/doctor/runDoctor';
import { parseHostState } from '../../src/core/hostprep/hostState';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import type { KeepalivedLive } from '../../src/core/keepalived/keepalivedRemote';
import { renderKeepalivedConf, renderKeepalivedConfs } from '../../src/core/keepalived/renderKeepalivedConf';
import { compareVersions } from '../../src/core/keepalivedConf/keywords';
import { neededVersion, parseKeepalivedVersion } from '../../src/core/keepalivedConf/neededVersion';
import type { RemoteCommand } from '../../src/core/ssh/remoteCommand';
import { EVERY_KEY, LAB_HA } from '../builders/keepalivedFiles';

const model: ClusterFile = validateClusterFile(LAB_HA).model;
const TABLE = '-A -t 10.116.0.201:80 -s rr\n-a -t 10.116.0.201:80 -r 10.116.0.11:80 -g -w 1\n-a -t 10.116.0.201:80 -r 10.116.0.12:80 -g -w 1\n';
const VIP_ON_ETH0 = [{ address: '10.116.0.201', dev: 'eth0' }];

const conf = (director: string): string => renderKeepalivedConf({ model, cluster: 'lab-ha', director, sourceLabel: 'lvs-ha.yaml' });

function read(host: string, over: Partial<KeepalivedLive> & { save?: string } = {}, check = { exitCode: 0, output: '' }): KeepalivedDirectorRead {
  const { save, ...rest } = over;
  return {
    host,
    live: { binary: '/usr/sbin/keepalived', pid: 42, systemd: false, conf: conf(host), table: parseRules(save ?? TABLE).table, tableDiagnostics: [], addresses: [], ...rest },
    probe: { check, macs: [] },
  };
}

const healthy = (): KeepalivedDirectorRead[] => [read('director', { addresses: VIP_ON_ETH0 }), read('director2')];
const codes = (reads: KeepalivedDirectorRead[]): string[] => keepalivedFindings(model, 'lab-ha', reads).map((f) => `${f.host} ${f.code}`);

describe('keepalived doctor findings', () => {
  it('a healthy pair (the rendered file, running, one VIP holder, the full table) has none', () => {
    assert.deepEqual(codes(healthy()), []);
    // The header names the source file: a file rendered from another path of the same cluster file is no drift.
    const [d1, d2] = healthy();
    d1.live.conf = renderKeepalivedConf({ model, cluster: 'lab-ha', director: 'director', sourceLabel: 'elsewhere/lvs.yaml' });
    assert.deepEqual(codes([d1, d2]), []);
  });

  it('not installed, no file, a hand-written or another director\'s file, an edited file, a refused file, not running', () => {
    assert.deepEqual(codes([read('director', { binary: undefined, pid: undefined, addresses: VIP_ON_ETH0 }), read('director2')]), ['director keepalived-missing']);
    assert.deepEqual(codes([read('director', { conf: undefined, pid: undefined }), read('director2')]), ['director keepalived-no-conf', 'director keepalived-not-running', 'director, director2 vip-unheld']);
    const hand = keepalivedFindings(model, 'lab-ha', [read('director', { conf: 'global_defs {\n}\n', addresses: VIP_ON_ETH0 }), read('director2')]);
    assert.deepEqual(hand.map((f) => f.code), ['keepalived-conf-foreign']);
    assert.match(hand[0].title, /hand-written \(no lvsctl header\)/);
    assert.match(hand[0].fix, /--take-over/);
    const swapped = keepalivedFindings(model, 'lab-ha', [read('director', { conf: conf('director2'), addresses: VIP_ON_ETH0 }), read('director2')]);
    assert.match(swapped[0].title, /lvsctl's for cluster lab-ha, director director2/);
    assert.deepEqual(codes([read('director', { conf: conf('director').replace('advert_int 1', 'advert_int 2'), addresses: VIP_ON_ETH0 }), read('director2')]), ['director keepalived-conf-drift']);
    const refused = keepalivedFindings(model, 'lab-ha', [read('director', { addresses: VIP_ON_ETH0 }, { exitCode: 5, output: 'Unknown keyword \'lb_algo\'\n' }), read('director2')]);
    assert.deepEqual(refused.map((f) => f.code), ['keepalived-conf-invalid']);
    assert.match(refused[0].title, /exit 5: the configuration has errors.*: Unknown keyword 'lb_algo'/);
    const stopped = keepalivedFindings(model, 'lab-ha', [read('director', { addresses: VIP_ON_ETH0 }), read('director2', { pid: undefined, systemd: true })]);
    assert.deepEqual(stopped.map((f) => `${f.host} ${f.code}`), ['director2 keepalived-not-running']);
    assert.match(stopped[0].fix, /systemctl start keepalived/);
  });

  it('the table keepalived built: a check holding a server out, and a service changed by another writer', () => {
    const oneOut = '-A -t 10.116.0.201:80 -s rr\n-a -t 10.116.0.201:80 -r 10.116.0.12:80 -g -w 1\n';
    const f = keepalivedFindings(model, 'lab-ha', [read('director', { addresses: VIP_ON_ETH0, save: oneOut }), read('director2')]);
    assert.deepEqual(f.map((x) => x.code), ['rs-check-failing']);
    assert.match(f[0].title, /10\.116\.0\.11:80/);
    const wlc = TABLE.replace('-s rr', '-s wlc');
    const g = keepalivedFindings(model, 'lab-ha', [read('director', { addresses: VIP_ON_ETH0, save: wlc }), read('director2')]);
    assert.deepEqual(g.map((x) => x.code), ['keepalived-table']);
    assert.match(g[0].title, /scheduler wlc, want rr/);
  });

  it('VIP holders: split brain, nobody, part of the VIPs; not judged while a director is unread', () => {
    assert.deepEqual(codes([read('director', { addresses: VIP_ON_ETH0 }), read('director2', { addresses: VIP_ON_ETH0 })]), ['director, director2 vip-split-brain']);
    assert.deepEqual(codes([read('director'), read('director2')]), ['director, director2 vip-unheld']);
    assert.deepEqual(codes([read('director')]), [], 'one director of two read: the holders are not judged');
    const two = validateClusterFile(`${LAB_HA}      - name: http2\n        protocol: tcp\n        vip: 10.116.0.209\n        port: 80\n        scheduler: rr\n        realServers: [{ host: rs1, port: 80, method: dr, weight: 1 }]\n`).model;
    assert.equal(two.clusters[0]?.services.length, 2);
    const twoRead = (host: string, addresses: KeepalivedLive['addresses']): KeepalivedDirectorRead => {
      const r = read(host, { addresses, save: `${TABLE}-A -t 10.116.0.209:80 -s rr\n-a -t 10.116.0.209:80 -r 10.116.0.11:80 -g -w 1\n` });
      r.live.conf = renderKeepalivedConf({ model: two, cluster: 'lab-ha', director: host, sourceLabel: 'x' });
      return r;
    };
    assert.deepEqual(keepalivedFindings(two, 'lab-ha', [twoRead('director', VIP_ON_ETH0), twoRead('director2', [])]).map((x) => `${x.host} ${x.code}`), ['director vip-partial']);
    assert.deepEqual(keepalivedFindings(two, 'lab-ha', [twoRead('director', [...VIP_ON_ETH0, { address: '10.116.0.209', dev: 'eth0' }]), twoRead('director2', [])]), []);
  });

  it('keepalived pitfalls in the live files: vrrp_strict without accept, equal priorities, the sync daemon on one side', () => {
    const strict = (host: string) => conf(host).replace(/(router_id \S+)/, '$1\n    vrrp_strict');
    // Each file now differs from the rendered one: drift (warning) stays, and the pitfall is the error.
    const f = keepalivedFindings(model, 'lab-ha', [read('director', { conf: strict('director'), addresses: VIP_ON_ETH0 }), read('director2')]);
    assert.deepEqual(f.map((x) => `${x.host} ${x.code}`), ['director keepalived-conf-drift', 'director keepalived-strict-no-accept']);
    const pit = f.find((x) => x.code === 'keepalived-strict-no-accept');
    assert.equal(pit?.severity, 'error');
    assert.match(pit?.title ?? '', /^vrrp_strict without accept in vrrp_instance lab-ha$/);
    // accept in the instance: no pitfall (only the drift of the edited file).
    const accepted = strict('director').replace('advert_int 1', 'advert_int 1\n    accept');
    assert.deepEqual(codes([read('director', { conf: accepted, addresses: VIP_ON_ETH0 }), read('director2')]), ['director keepalived-conf-drift']);
    // director2 edited to director's priority.
    const same = conf('director2').replace('priority 140', 'priority 150');
    const eq = keepalivedFindings(model, 'lab-ha', [read('director', { addresses: VIP_ON_ETH0 }), read('director2', { conf: same })]);
    assert.deepEqual(eq.map((x) => `${x.host} ${x.code}`), ['director2 keepalived-conf-drift', 'director, director2 vrrp-equal-priority']);
    assert.match(eq[1].title, /virtual_router_id 116: director and director2 both have priority 150/);
    // keepalived's default priority (100) counts when neither file names one.
    const noPrio = (host: string) => conf(host).replace(/\n\s*priority \d+/, '');
    assert.ok(codes([read('director', { conf: noPrio('director'), addresses: VIP_ON_ETH0 }), read('director2', { conf: noPrio('director2') })]).includes('director, director2 vrrp-equal-priority'));
    // The sync daemon on director only.
    const sync = conf('director').replace(/(router_id \S+)/, '$1\n    lvs_sync_daemon eth0 lab-ha id 116');
    const one = keepalivedFindings(model, 'lab-ha', [read('director', { conf: sync, addresses: VIP_ON_ETH0 }), read('director2')]);
    assert.deepEqual(one.map((x) => `${x.host} ${x.code}`), ['director keepalived-conf-drift', 'director2 lvs-sync-one-side']);
    assert.match(one[1].title, /configured on director but not on director2/);
    // Unread files are not judged (a director without a file already has its own finding).
    assert.ok(!codes([read('director', { conf: sync, addresses: VIP_ON_ETH0 }), read('director2', { conf: undefined, pid: undefined })]).includes('director2 lvs-sync-one-side'));
  });

  it('keepalived older than the rendered configuration needs (the keyword table\'s releases) → keepalived-too-old', () => {
    // The lab-ha rendering uses vrrp_track_file (keepalived 2.0.0: lvsctl failover's track file).
    assert.deepEqual(neededVersion(conf('director')), { version: '2.0.0', keyword: 'vrrp_track_file' });
    const old = read('director', { addresses: VIP_ON_ETH0 });
    old.probe.version = '1.3.5';
    const f = keepalivedFindings(model, 'lab-ha', [old, read('director2')]);
    assert.deepEqual(f.map((x) => `${x.host} ${x.code}`), ['director keepalived-too-old']);
    assert.match(f[0].title, /^keepalived 1\.3\.5 is older than the configuration needs \(vrrp_track_file: keepalived 2\.0\.0\)$/);
    const current = read('director', { addresses: VIP_ON_ETH0 });
    current.probe.version = '2.2.7';
    assert.deepEqual(codes([current, read('director2')]), []);
    // Every keyword of the EVERY_KEY cluster is known to 2.2.7 (the lab's release).
    for (const c of ['every', 'strict']) for (const r of renderKeepalivedConfs(validateClusterFile(EVERY_KEY).model, c, 'x')) assert.ok(compareVersions(neededVersion(r.text).version, '2.2.7') <= 0, `${c}/${r.director}: ${JSON.stringify(neededVersion(r.text))}`);
  });

  it('parses the probe: keepalived -t output and exit code, the MACs (no loopback zeros)', () => {
    const p = parseKeepalivedProbe(['@@lvsctl-section check', 'Unknown keyword \'foo\'', 'exit 5', '@@lvsctl-section macs', '00:00:00:00:00:00', '02:16:00:00:00:0A', '02:16:00:00:00:0a', '@@lvsctl-section end', ''].join('\n'));
    assert.deepEqual(p, { check: { exitCode: 5, output: 'Unknown keyword \'foo\'' }, macs: ['02:16:00:00:00:0a'] });
    // keepalived --version prints on stderr (the probe merges it): the lab's 2.2.7.
    assert.equal(parseKeepalivedProbe('@@lvsctl-section check\nexit 0\n@@lvsctl-section version\nKeepalived v2.2.7 (01/16,2022)\n@@lvsctl-section macs\n@@lvsctl-section end\n').version, '2.2.7');
    assert.equal(parseKeepalivedVersion('keepalived: command not found'), undefined);
    assert.deepEqual(parseKeepalivedProbe('@@lvsctl-section check\nskipped\n@@lvsctl-section macs\n@@lvsctl-section end\n'), { macs: [] });
    assert.deepEqual(parseKeepalivedProbe('@@lvsctl-section check\nexit 0\n@@lvsctl-section macs\n@@lvsctl-section end\n').check, { exitCode: 0, output: '' });
    assert.deepEqual(keepalivedProbeCommand().argv.slice(0, 2), ['sh', '-c']);
  });
});

describe('health-check ports (keepalived clusters)', () => {
  it('a check on its own port is probed from each director; closed, it is rs-check-port-closed, not rs-not-listening', () => {
    const text = LAB_HA.replace('healthCheck: { type: http, path: /,', 'healthCheck: { type: http, port: 8080, path: /,');
    const file = validateClusterFile(text).model;
    const director = doctorChecks(file, 'lab-ha').find((c) => c.req.host === 'director');
    assert.deepEqual(director?.probes.map((p) => `${p.host} ${p.address}:${p.port}${p.check ? ` ${p.check}` : ''}`),
      ['rs1 10.116.0.11:80', 'rs1 10.116.0.11:8080 http', 'rs2 10.116.0.12:80', 'rs2 10.116.0.12:8080 http']);
    const state = parseHostState(['@@lvs@@ tools', 'ipvsadm', 'arping', '@@lvs@@ probe 10.116.0.11 80 0', '@@lvs@@ probe 10.116.0.11 8080 1',
      '@@lvs@@ probe 10.116.0.12 80 0', '@@lvs@@ probe 10.116.0.12 8080 0', ''].join('\n'));
    const f = hostFindings(director!, state, file, 'lab-ha', { persist: false }).filter((x) => x.code.startsWith('rs-'));
    assert.deepEqual(f.map((x) => `${x.severity} ${x.host} ${x.code}`), ['error rs1 rs-check-port-closed']);
    assert.match(f[0].title, /the http health check's port 10\.116\.0\.11:8080 does not accept TCP connections from director director/);
    // The same file with the ipvsadm engine has no checks to probe.
    const plain = validateClusterFile(text.replace('engine: keepalived', 'engine: ipvsadm')).model;
    assert.ok(!(doctorChecks(plain, 'lab-ha').find((c) => c.req.host === 'director')?.probes ?? []).some((p) => p.check !== undefined));
  });
});

describe('runDoctor on a keepalived cluster', () => {
  it('reads keepalived on both directors first; the master\'s MAC answering ARP for the VIP is no finding, a stray MAC is', async () => {
    const masterMac = '02:16:00:00:00:0a';
    const stray = '02:99:00:00:00:01';
    const order: string[] = [];
    const run = async <T>(host: string, c: RemoteCommand<T>): Promise<T> => {
      const script = c.argv.join(' ');
      if (script.includes('sec conf;')) {
        order.push(`${host} keepalived`);
        const r = host === 'director' ? read('director', { addresses: VIP_ON_ETH0 }) : read('director2');
        return r.live as unknown as T;
      }
      if (script.includes('sec check')) return { check: { exitCode: 0, output: '' }, macs: host === 'director' ? [masterMac] : ['02:16:00:00:00:0d'] } as unknown as T;
      order.push(`${host} state`);
      // A real server or the kernel probe: a minimal reply the parsers accept (the state reader's own markers).
      const o = { stdout: host === 'director2' ? `@@lvs@@ tools\narping\n@@lvs@@ arp 10.116.0.201\nUnicast reply from 10.116.0.201 [${masterMac.toUpperCase()}]  0.6ms\nUnicast reply from 10.116.0.201 [${stray.toUpperCase()}]  0.7ms\n` : '', stderr: '', exitCode: 0 };
      return c.parse(o);
    };
    const findings = await runDoctor(run, model, 'lab-ha');
    const firstState = order.findIndex((o) => o.endsWith('state'));
    assert.ok(order.slice(0, firstState).filter((o) => o.endsWith('keepalived')).length === 2, `keepalived read first on both directors: ${order.join(', ')}`);
    const arp = findings.filter((f) => f.code === 'arp-other-answers');
    assert.equal(arp.length, 1, JSON.stringify(findings.map((f) => `${f.host} ${f.code}`)));
    assert.equal(arp[0].host, 'director2');
    assert.doesNotMatch(arp[0].title, new RegExp(masterMac), 'the master of the pair may answer');
    assert.match(arp[0].title, new RegExp(stray));
  });
});
