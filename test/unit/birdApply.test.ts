/**
 * The BIRD apply's decisions over a fake director link (the real BIRD is test/lab/birdEcmp.test.ts): refusals
 * that touch nothing, a file bird -p refuses on one director (NEW removed everywhere, nothing swapped), a read
 * back that never sees the session (the previous file restored), and the parsers of BIRD's output.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyBirdCluster, planBirdCluster, type BirdLink } from '../../src/core/bird/applyBirdCluster';
import { BIRD_CONF_NEW, parseBirdLive, parseBirdProtocols } from '../../src/core/bird/birdRemote';
import { renderBirdConf } from '../../src/core/bird/renderBirdConf';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import type { CommandOutput, RemoteCommand } from '../../src/core/ssh/remoteCommand';
import { LAB_ECMP } from '../builders/birdFiles';

const PROTOCOLS = `BIRD 2.0.12 ready.
Name       Proto      Table      State  Since         Info
device1    Device     ---        up     16:36:32.148
lvs_vips4  Static     master4    up     16:47:37.100
lvs_peer1  BGP        ---        up     16:47:37.404  Established
`;

interface FakeDirector {
  conf?: string;
  running: boolean;
  /** bird -p exit code. */
  parseExit: number;
  /** What `show protocols` says once running. */
  protocols: string;
  exported: string;
  commands: string[];
}

function liveText(d: FakeDirector): string {
  const sec = (n: string): string => `@@lvsctl-section ${n}\n`;
  return `${sec('conf')}${d.conf === undefined ? 'absent\n' : `present\n${d.conf}\n`}${sec('bin')}/usr/sbin/bird\n${sec('running')}${d.running ? 'yes' : 'no'}\n` +
    `${sec('protocols')}${d.running ? d.protocols : ''}${sec('systemd')}no\n${sec('end')}`;
}

function fakeLinks(directors: Record<string, FakeDirector>): (host: string) => BirdLink {
  return (host) => {
    const d = directors[host];
    return {
      host,
      lock: async () => ({ release: () => undefined } as unknown as Awaited<ReturnType<BirdLink['lock']>>),
      async run<T>(c: RemoteCommand<T>): Promise<T> {
        const line = c.argv.join(' ');
        d.commands.push(line.includes('sec conf') ? 'live' : line.includes('mv -f /etc/bird/bird.conf.lvsctl-new') ? 'swap'
          : line.includes('configure') && line.includes('systemctl restart') ? 'reload' : line.includes('lvsctl-absent ]; then') ? 'restore' : line.split('\n')[0]);
        let out: CommandOutput = { stdout: '', stderr: '', exitCode: 0 };
        if (line.includes('sec conf')) out = { ...out, stdout: liveText(d) };
        else if (c.argv[0] === 'bird' && c.argv[1] === '-p') out = { stdout: '', stderr: d.parseExit === 0 ? '' : `${BIRD_CONF_NEW}:7:5 syntax error`, exitCode: d.parseExit };
        else if (c.argv.includes('export')) out = { ...out, stdout: d.exported };
        else if (line.includes('mv -f /etc/bird/bird.conf.lvsctl-new')) d.conf = '(new)';
        else if (line.includes('systemctl restart bird')) { d.running = true; out = { ...out, stdout: '@@started\n' }; }
        return c.parse(out);
      },
    };
  };
}

const model = validateClusterFile(LAB_ECMP).model;
const director = (over: Partial<FakeDirector> = {}): FakeDirector => ({
  running: false, parseExit: 0, protocols: PROTOCOLS, exported: 'Table master4:\n10.116.0.202/32      blackhole [lvs_vips4 16:47:37.100] * (200)\n', commands: [], ...over,
});
const OPTIONS = { takeOver: false, holder: 'test', lockWaitSeconds: 1, readbackTimeoutMs: 0, pollMs: 1 };

describe('applyBirdCluster', () => {
  it('writes, checks, swaps, starts and reads back every director; a second plan has nothing to do', async () => {
    const ds = { director: director(), director2: director() };
    const links = fakeLinks(ds);
    const plans = await planBirdCluster(links, model, 'lab-ecmp', 'lvs-ecmp.yaml');
    assert.deepEqual(plans.map((p) => [p.host, p.changes, p.foreignConf]), [['director', true, undefined], ['director2', true, undefined]]);
    const results = await applyBirdCluster(links, model, 'lab-ecmp', plans, OPTIONS);
    assert.deepEqual(results.map((r) => [r.host, r.status, r.reload]), [['director', 'applied', 'started'], ['director2', 'applied', 'started']]);
    assert.deepEqual(ds.director.commands.slice(0, 5), ['live', 'sh -c mkdir -p "${1%/*}" && cat > "$1" && chmod 0644 "$1" sh /etc/bird/bird.conf.lvsctl-new', 'bird -p -c /etc/bird/bird.conf.lvsctl-new', 'swap', 'reload']);
    ds.director2.conf = renderBirdConf({ model, cluster: 'lab-ecmp', director: 'director2', sourceLabel: 'other-name.yaml' });
    ds.director.conf = renderBirdConf({ model, cluster: 'lab-ecmp', director: 'director', sourceLabel: 'other-name.yaml' });
    const again = await planBirdCluster(links, model, 'lab-ecmp', 'lvs-ecmp.yaml');
    assert.deepEqual(again.map((p) => p.changes), [false, false], 'the source label in the first comment line is no change');
  });

  it('refuses, touching nothing, a bird.conf lvsctl did not write unless takeOver', async () => {
    const ds = { director: director({ conf: '# Debian example\nrouter id 198.51.100.1;' }), director2: director() };
    const links = fakeLinks(ds);
    const plans = await planBirdCluster(links, model, 'lab-ecmp', 'x');
    const results = await applyBirdCluster(links, model, 'lab-ecmp', plans, OPTIONS);
    assert.deepEqual(results.map((r) => r.status), ['not-applied', 'not-applied']);
    assert.match(results[0].error ?? '', /not written by lvsctl; not replaced without --take-over/);
    assert.deepEqual([ds.director.commands, ds.director2.commands], [['live'], ['live']]);
    const taken = await applyBirdCluster(links, model, 'lab-ecmp', plans, { ...OPTIONS, takeOver: true });
    assert.deepEqual(taken.map((r) => r.status), ['applied', 'applied']);
  });

  it('a file bird -p refuses on one director: NEW removed on both, nothing swapped anywhere', async () => {
    const ds = { director: director(), director2: director({ parseExit: 1 }) };
    const links = fakeLinks(ds);
    const results = await applyBirdCluster(links, model, 'lab-ecmp', await planBirdCluster(links, model, 'lab-ecmp', 'x'), OPTIONS);
    assert.deepEqual(results.map((r) => r.status), ['not-applied', 'not-applied']);
    assert.match(results[1].error ?? '', /bird -p refused the new configuration \(exit 1\)/);
    assert.match(results[1].check?.output ?? '', /syntax error/);
    for (const d of Object.values(ds)) {
      assert.ok(!d.commands.includes('swap'));
      assert.ok(d.commands.includes(`rm -f ${BIRD_CONF_NEW}`));
    }
  });

  it('a session that never comes up: the previous configuration is restored on every changed director', async () => {
    const down = PROTOCOLS.replace('up     16:47:37.404  Established', 'start  16:47:37.404  Active        Socket: Connection refused');
    const ds = { director: director({ protocols: down }), director2: director() };
    const links = fakeLinks(ds);
    const results = await applyBirdCluster(links, model, 'lab-ecmp', await planBirdCluster(links, model, 'lab-ecmp', 'x'), OPTIONS);
    assert.deepEqual(results.map((r) => r.status), ['rolled-back', 'rolled-back']);
    assert.match(results[0].error ?? '', /director: session to 10\.116\.0\.1 is start Active {8}Socket: Connection refused/);
    for (const d of Object.values(ds)) assert.equal(d.commands.at(-1), 'restore');
  });

  it('exports that differ from the VIPs fail the read back', async () => {
    const ds = { director: director({ exported: 'Table master4:\n' }), director2: director() };
    const links = fakeLinks(ds);
    const results = await applyBirdCluster(links, model, 'lab-ecmp', await planBirdCluster(links, model, 'lab-ecmp', 'x'), OPTIONS);
    assert.match(results[0].error ?? '', /director: exports nothing to 10\.116\.0\.1, want 10\.116\.0\.202\/32/);
  });
});

describe('BIRD output parsers', () => {
  it('reads birdc show protocols rows, also with a date in Since', () => {
    assert.deepEqual(parseBirdProtocols(PROTOCOLS).map((p) => [p.name, p.proto, p.state, p.info]), [
      ['device1', 'Device', 'up', ''], ['lvs_vips4', 'Static', 'up', ''], ['lvs_peer1', 'BGP', 'up', 'Established'],
    ]);
    assert.deepEqual(parseBirdProtocols('lvs_peer1  BGP  ---  start  2026-12-02 16:47:37  Connect\n').map((p) => [p.state, p.info]), [['start', 'Connect']]);
  });

  it('reads the live state: no file, no binary, not running', () => {
    const live = parseBirdLive({ stdout: '@@lvsctl-section conf\nabsent\n@@lvsctl-section bin\nnone\n@@lvsctl-section running\nno\n@@lvsctl-section protocols\n@@lvsctl-section systemd\nyes\n@@lvsctl-section end\n', stderr: '', exitCode: 0 });
    assert.deepEqual(live, { running: false, systemd: true, protocols: [] });
  });
});
