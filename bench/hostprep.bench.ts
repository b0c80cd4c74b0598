/**
 * Host preparation fan-out: DR real-server preparation (4 ARP sysctls + the VIP on lo, no persistence) of
 * 1 host against 20 hosts, each a network namespace with a real sshd on this machine
 * (test/support/netnsHosts.ts; sysctls and addresses are per namespace). Every host costs three execs
 * (read, apply, verify) and hosts run in parallel, so 20 hosts should take little more than one: goal ≤ 1.5×.
 * Each timed prepare is followed by an untimed teardown. Needs root; prints a note and returns nothing
 * otherwise.
 *
 * The 20 "remote" hosts are processes of THIS machine: their sshd sessions and the commands they run share
 * its cores with the client. Once those cores are saturated the ratio is bounded below by
 * (CPU time of 20 preparations / cores) / (time of one), whatever the client does: measured on a 2-core
 * machine, about 80 ms of CPU per host (sshd, `ip`, `cat`, … on the host side; the client's own share is
 * about 8 ms per host), so ~10× there. Real hosts each bring their own CPU.
 *
 * Real hosts are also some distance away. The same run is therefore repeated through a delay relay per
 * host (bench/delayRelay.ts; this kernel has no netem) adding 25 ms each way, 50 ms round trip — an
 * operator's laptop to a data centre over a VPN: there the time of one host is mostly waiting, and running
 * hosts in parallel is what keeps 20 hosts close to one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSshSession } from '../src/cli/sshSession';
import { hostRequirements } from '../src/core/hostprep/hostRequirements';
import { runPreparation } from '../src/core/hostprep/runHostPlan';
import type { HostRequirements } from '../src/core/hostprep/hostRequirements';
import { netnsDrCluster } from '../test/support/netnsCluster';
import { createNetnsHosts, netnsHostsSkipReason } from '../test/support/netnsHosts';
import type { NetnsHosts } from '../test/support/netnsHosts';
import type { BenchResult } from './benchTypes';
import { startDelayRelay } from './delayRelay';
import type { DelayRelay } from './delayRelay';

const HOSTS = 20;
const ONE_WAY_MS = 25;

export async function run(): Promise<BenchResult[]> {
  const skip = netnsHostsSkipReason();
  if (skip) {
    console.log(`hostprep bench skipped: ${skip}`);
    return [];
  }
  const net = await createNetnsHosts({ count: HOSTS, namePrefix: 'prep' });
  const dir = mkdtempSync(join(tmpdir(), 'hostprep-bench-'));
  const relays: DelayRelay[] = [];
  try {
    const results: BenchResult[] = [];
    results.push(await measure(net, dir, 'no added latency'));
    // The same hosts behind a relay each, 25 ms each way; their known_hosts entries under the relay ports.
    for (const h of net.hosts) relays.push(await startDelayRelay(h.localPort, ONE_WAY_MS));
    const knownHostsFile = join(dir, 'known_hosts.relayed');
    writeFileSync(knownHostsFile, net.hosts.map((h, i) => `[127.0.0.1]:${relays[i].port} ${h.hostKeys.ed25519}\n`).join(''));
    const relayed: NetnsHosts = { ...net, knownHostsFile, hosts: net.hosts.map((h, i) => ({ ...h, localPort: relays[i].port })) };
    results.push(await measure(relayed, dir, `${2 * ONE_WAY_MS} ms round trip`));
    return results;
  } finally {
    await Promise.all(relays.map((r) => r.close()));
    await net.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median of 3 preparations of 1 host and of all hosts (after one untimed round of each). */
async function measure(net: NetnsHosts, dir: string, latency: string): Promise<BenchResult> {
  const model = netnsDrCluster(net, 'bench');
  const reqs = hostRequirements(model, 'bench').filter((r) => r.host !== 'lb');
  const session = openSshSession(model, { trustStore: join(dir, 'trust'), idleTimeoutMs: 600_000 });
  const options = { persist: false, concurrency: HOSTS, statePathFor: (host: string) => join(dir, host, 'hostprep.json') };
  const once = async (subset: HostRequirements[]): Promise<number> => {
    const t0 = performance.now();
    const reports = await runPreparation(session.run, subset, options);
    const ms = performance.now() - t0;
    const bad = reports.filter((r) => !r.ok || !r.steps.some((s) => s.outcome === 'changed'));
    if (bad.length) throw new Error(`bench prepare failed: ${JSON.stringify(bad[0])}`);
    await runPreparation(session.run, subset, { ...options, teardown: true });
    return ms;
  };
  try {
    const one: number[] = [];
    const all: number[] = [];
    await once(reqs.slice(0, 1));
    await once(reqs);
    for (let i = 0; i < 3; i++) {
      one.push(await once(reqs.slice(0, 1)));
      all.push(await once(reqs));
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return {
      name: `prepare ${HOSTS} DR real servers (netns sshd, concurrency ${HOSTS}, ${latency})`, unit: 'ms', median: median(all),
      baseline: { name: 'prepare 1 DR real server', median: median(one) }, goal: '≤ 1.5× one host',
    };
  } finally {
    session.close();
  }
}
