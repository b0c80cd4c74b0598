/**
 * DR real-server preparation over real SSH against namespace hosts (test/support/netnsHosts.ts, root needed):
 * runPreparation with hostRequirements sets arp_ignore/arp_announce on all + eth0 and the VIP /32 on lo inside
 * each host's network namespace; a second run changes nothing; teardown restores what was there. Persistence
 * is off and the record lives in a temp dir, so the machine's /etc is never written (checked); the machine's
 * own namespace keeps its sysctls and addresses (checked).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ClusterFile } from '../../src/core/clusterFile/types';
import { hostRequirements } from '../../src/core/hostprep/hostRequirements';
import type { HostRequirements } from '../../src/core/hostprep/hostRequirements';
import { runPreparation } from '../../src/core/hostprep/runHostPlan';
import type { HostReport, RunOptions } from '../../src/core/hostprep/runHostPlan';
import type { HostRunner } from '../../src/core/ssh/remoteCommand';
import { clusterSshPool } from '../../src/core/operations/clusterPool';
import type { SshPool } from '../../src/core/ssh/connectionPool';
import { NETNS_VIP, netnsDrCluster } from '../support/netnsCluster';
import { createNetnsHosts, netnsHostsSkipReason } from '../support/netnsHosts';
import type { NetnsHosts } from '../support/netnsHosts';

const skip = netnsHostsSkipReason();
const ARP = ['all', 'eth0'].flatMap((dev) => [`net.ipv4.conf.${dev}.arp_ignore`, `net.ipv4.conf.${dev}.arp_announce`]);

/** What the kernel of a namespace says (read directly in the namespace, not over SSH). */
async function kernelState(net: NetnsHosts, i: number): Promise<{ arp: string[]; lo: string[] }> {
  const r = await net.exec(i, `sysctl -n ${ARP.join(' ')}; echo --; ip -4 -o addr show dev lo | awk '{print $4}'`);
  assert.equal(r.code, 0, r.stderr);
  const [arp, lo] = r.stdout.split('--\n');
  return { arp: arp.trim().split('\n'), lo: lo.trim().split('\n').filter(Boolean) };
}

/** Files under the machine's /etc that a persisting preparation would write. */
function etcSnapshot(): string {
  return ['/etc/sysctl.d', '/etc/modules-load.d', '/etc/systemd/system', '/etc/network/if-up.d']
    .map((d) => `${d}: ${existsSync(d) ? readdirSync(d).sort().join(',') : '-'}`).join('\n');
}

function machineState(): string {
  const sysctls = spawnSync('sysctl', ['-n', ...ARP.filter((k) => !k.includes('.eth0.'))], { encoding: 'utf8' }).stdout;
  const lo = spawnSync('ip', ['-o', 'addr', 'show', 'dev', 'lo'], { encoding: 'utf8' }).stdout;
  return `${sysctls}${lo}`;
}

function outcomes(reports: HostReport[]): string[][] {
  return reports.map((r) => [r.host, String(r.ok), r.error ?? '', ...r.steps.map((s) => `${s.id}: ${s.outcome}`)]);
}

describe('DR real-server preparation on namespace hosts over SSH', { skip }, () => {
  let net: NetnsHosts;
  let dir: string;
  let model: ClusterFile;
  let reqs: HostRequirements[];
  let pool: SshPool;
  let options: RunOptions;
  const run: HostRunner = (host, command) => pool.run(host, command);

  before(async () => {
    net = await createNetnsHosts({ count: 2, namePrefix: 'rs' });
    dir = mkdtempSync(join(tmpdir(), 'hostprep-netns-'));
    model = netnsDrCluster(net, 'netns-web');
    reqs = hostRequirements(model, 'netns-web').filter((r) => r.host !== 'lb');
    pool = clusterSshPool(model, { trustStorePath: join(dir, 'trust'), prompts: {}, agentSocket: null });
    options = { persist: false, statePathFor: (host) => join(dir, host, 'hostprep.json') };
  });
  after(async () => {
    pool?.close();
    await net?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('prepare → kernel state in each namespace; rerun changes nothing; teardown restores; /etc and the machine untouched', async () => {
    assert.deepEqual(reqs.map((r) => r.host), ['rs0', 'rs1']);
    const etcBefore = etcSnapshot();
    const machineBefore = machineState();
    // A host that differs from the defaults: teardown must restore ITS values, not the defaults.
    await net.exec(1, 'sysctl -qw net.ipv4.conf.eth0.arp_announce=1');
    const before0 = await kernelState(net, 0);
    const before1 = await kernelState(net, 1);
    assert.deepEqual(before0, { arp: ['0', '0', '0', '0'], lo: ['127.0.0.1/8'] });
    assert.deepEqual(before1.arp, ['0', '0', '0', '1']);

    const first = await runPreparation(run, reqs, options);
    assert.ok(first.every((r) => r.ok), JSON.stringify(outcomes(first)));
    for (const r of first) {
      for (const key of ARP) assert.ok(r.steps.some((s) => s.id === `sysctl ${key}` && s.outcome === 'changed'), `${r.host}: ${key} changed`);
      assert.ok(r.steps.some((s) => s.id === `address ${NETNS_VIP} lo` && s.outcome === 'changed'), `${r.host}: VIP added`);
      assert.equal(r.execs, 3, `${r.host}: read, apply, verify`);
    }
    for (const i of [0, 1]) {
      assert.deepEqual(await kernelState(net, i), { arp: ['1', '2', '1', '2'], lo: ['127.0.0.1/8', `${NETNS_VIP}/32`] }, net.hosts[i].name);
    }
    assert.ok(existsSync(join(dir, 'rs0', 'hostprep.json')), 'the record is in the scratch dir');

    const second = await runPreparation(run, reqs, options);
    for (const r of second) {
      assert.ok(r.ok, r.error);
      assert.deepEqual(r.steps.filter((s) => s.outcome !== 'already done').map((s) => `${s.id}: ${s.outcome}`), [], `${r.host} changed on a rerun`);
      assert.equal(r.execs, 1, `${r.host}: a rerun only reads`);
    }

    const down = await runPreparation(run, reqs, { ...options, teardown: true });
    assert.ok(down.every((r) => r.ok), JSON.stringify(outcomes(down)));
    assert.deepEqual(await kernelState(net, 0), before0);
    assert.deepEqual(await kernelState(net, 1), before1);
    const again = await runPreparation(run, reqs, { ...options, teardown: true });
    for (const r of again) assert.deepEqual(r.steps.filter((s) => s.outcome !== 'already done').map((s) => s.id), [], `${r.host}: a second teardown has nothing to do`);

    assert.equal(etcSnapshot(), etcBefore, 'the machine\'s /etc was not written');
    assert.equal(machineState(), machineBefore, 'the machine\'s own sysctls and lo are untouched');
  });
});
