/**
 * The collector against the real IPVS lab: DR set up by plain commands (as lvs.test.ts does), curls from
 * `client`, and the poller — real SSH through the core (SshPool built from $LVS_LAB_OUT/lvs.yaml) — sees the
 * counters grow on the right real servers; polling stops when the last subscriber leaves (execs counted);
 * an unreachable director is reported and backed off; the connection table is read on demand.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import type { ClusterFile } from '../../src/core/clusterFile/types';
import { connectionsCommand, pageConnections } from '../../src/core/stats/connections';
import { StatsPoller } from '../../src/core/stats/statsPoller';
import { clusterSshPool } from '../../src/core/operations/clusterPool';
import { statsTarget } from '../../src/core/stats/statsPool';
import { statsReadingCommand } from '../../src/core/stats/statsReading';
import type { SshPool } from '../../src/core/ssh/connectionPool';
import type { DirectorSnapshot, DirectorStatus } from '../../src/shared/statsProtocol';
import { ensureLab, labRun, labSkipReason, LAB_ADDR, resetLab, withLabLock } from '../support/lab';
import type { LabInfo } from '../support/lab';

const VIP = LAB_ADDR.vip;
const skip = labSkipReason();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const RS_ARP = 'sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2';

async function setUpDr(): Promise<void> {
  await Promise.all([
    labRun('director', `ip addr add ${VIP}/32 dev eth0 && ipvsadm -A -t ${VIP}:80 -s rr && ` +
      `ipvsadm -a -t ${VIP}:80 -r ${LAB_ADDR.rs1}:80 -g -w 1 && ipvsadm -a -t ${VIP}:80 -r ${LAB_ADDR.rs2}:80 -g -w 1`),
    labRun('rs1', `${RS_ARP} && ip addr add ${VIP}/32 dev lo`),
    labRun('rs2', `${RS_ARP} && ip addr add ${VIP}/32 dev lo`),
  ]);
}

async function curls(n: number): Promise<string[]> {
  const out = await labRun('client', `for i in $(seq ${n}); do curl -s -m 5 http://${VIP}/ || echo FAIL; done`, { timeoutMs: 180_000 });
  return out.trim().split('\n');
}

function rsConns(s: DirectorSnapshot | undefined, address: string): number {
  const svc = s?.services.find((x) => x.id === `tcp:${VIP}:80`);
  return svc?.realServers.find((r) => r.endpoint === `${address}:80`)?.totals.conns ?? -1;
}

describe('stats collector on the lab (real SSH, real IPVS)', { skip }, () => {
  let lab: LabInfo;
  let model: ClusterFile;
  let pool: SshPool;
  let trustDir: string;
  before(async () => {
    lab = await ensureLab();
    const { model: m, diagnostics } = validateClusterFile(fs.readFileSync(lab.lvsYaml, 'utf8'));
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
    model = m;
    trustDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lvs-stats-trust-'));
    pool = clusterSshPool(model, { trustStorePath: path.join(trustDir, 'known_hosts'), prompts: {}, agentSocket: null });
  });
  after(async () => {
    pool?.close();
    if (trustDir) fs.rmSync(trustDir, { recursive: true, force: true });
    if (lab) await withLabLock(() => resetLab());
  });

  test('10 curls through DR: rs1 and rs2 each +5 connections; polling stops when unsubscribed', async () => {
    await withLabLock(async () => {
      await resetLab();
      await setUpDr();
      const target = statsTarget(model, 'lab-web');
      assert.deepEqual(target.directors, ['director']);
      let execs = 0;
      const command = statsReadingCommand();
      const poller = new StatsPoller({
        directors: target.directors, intervalMs: 1000, serviceNames: target.serviceNames,
        read: (d) => { execs++; return pool.run(d, command); },
      });
      const snaps: DirectorSnapshot[] = [];
      const statuses: DirectorStatus[] = [];
      const off = poller.subscribe({ snapshot: (s) => snaps.push(s), status: (s) => statuses.push(s) });
      try {
        const deadline = Date.now() + 60_000;
        while (snaps.length < 2 && Date.now() < deadline) await sleep(200);
        assert.ok(snaps.length >= 2, `no readings: ${JSON.stringify(statuses.slice(-2))}`);
        const first = snaps[snaps.length - 1];
        assert.equal(first.services[0]?.name, 'http', 'the cluster file names the service');
        assert.equal(first.services[0]?.scheduler, 'rr');
        const a0 = rsConns(first, LAB_ADDR.rs1);
        const b0 = rsConns(first, LAB_ADDR.rs2);
        assert.ok(a0 >= 0 && b0 >= 0, JSON.stringify(first));

        const answers = await curls(10);
        assert.deepEqual([...answers].sort(), ['rs1', 'rs1', 'rs1', 'rs1', 'rs1', 'rs2', 'rs2', 'rs2', 'rs2', 'rs2']);
        // The kernel folds per-CPU counters every 2 s: wait for a reading that has all 10.
        let last = snaps[snaps.length - 1];
        const until = Date.now() + 30_000;
        while (rsConns(last, LAB_ADDR.rs1) + rsConns(last, LAB_ADDR.rs2) < a0 + b0 + 10 && Date.now() < until) {
          await sleep(250);
          last = snaps[snaps.length - 1];
        }
        assert.equal(rsConns(last, LAB_ADDR.rs1) - a0, 5, 'rs1 +5');
        assert.equal(rsConns(last, LAB_ADDR.rs2) - b0, 5, 'rs2 +5');
        const svc = last.services[0];
        assert.equal(svc.share.basis, 'window');
        assert.equal(svc.share.connections, 10);
        assert.deepEqual(svc.share.rows.map((r) => [r.expected, r.observed]), [[0.5, 0.5], [0.5, 0.5]]);
        assert.ok(svc.realServers.every((r) => r.totals.outPkts === 0), 'DR: replies bypass the director');
        assert.ok(svc.realServers.every((r) => r.weight === 1 && r.method === 'dr'));
        // Deltas of the totals: some reading saw connections per second > 0 on both real servers.
        assert.ok(snaps.some((s) => (s.services[0]?.realServers[0]?.delta?.cps ?? 0) > 0), 'delta cps seen');
        // The kernel's estimator shows the traffic in --rate too, sooner or later.
        const rateDeadline = Date.now() + 10_000;
        while (!snaps.some((s) => (s.services[0]?.rate.cps ?? 0) > 0 || (s.services[0]?.rate.inPps ?? 0) > 0) && Date.now() < rateDeadline) await sleep(250);
        assert.ok(snaps.some((s) => (s.services[0]?.rate.inPps ?? 0) > 0), 'kernel rate seen');
        assert.equal(execs, poller.readsStarted);
      } finally {
        off();
      }
      const stoppedAt = execs;
      await sleep(3500);
      assert.equal(execs, stoppedAt, 'no exec after the last unsubscribe');
      assert.equal(poller.status('director')?.state, 'paused');
      assert.ok((poller.history('director')?.pointCount() ?? 0) >= 4);
      poller.dispose();
    });
  });

  test('the connection table on demand: the curls\' entries, filtered and paged', async () => {
    await withLabLock(async () => {
      const table = await pool.run('director', connectionsCommand());
      if (table.connections.length === 0) {
        await setUpDr().catch(() => undefined);
        await curls(4);
      }
      const again = await pool.run('director', connectionsCommand());
      assert.ok(again.connections.length >= 1, 'entries after the curls');
      const page = pageConnections(again, { director: 'director', filter: `${LAB_ADDR.client} ${VIP}:80`, page: 0, pageSize: 3, fetchedAt: Date.now() });
      assert.ok(page.matched >= 1);
      assert.ok(page.rows.length <= 3);
      assert.ok(page.rows.every((r) => r.client.startsWith(`${LAB_ADDR.client}:`) && r.virtual === `${VIP}:80`));
    });
  });

  test('an unreachable director: the error surfaced, backed off, retried', async () => {
    const broken = validateClusterFile(fs.readFileSync(lab.lvsYaml, 'utf8').replace(`port: ${lab.ports.director},`, 'port: 1,')).model;
    const badPool = clusterSshPool(broken, { trustStorePath: path.join(trustDir, 'known_hosts'), prompts: {}, agentSocket: null });
    let execs = 0;
    const poller = new StatsPoller({ directors: ['director'], intervalMs: 1000, maxBackoffMs: 8000, read: (d) => { execs++; return badPool.run(d, statsReadingCommand()); } });
    const statuses: DirectorStatus[] = [];
    const off = poller.subscribe({ status: (s) => statuses.push(s) });
    try {
      const deadline = Date.now() + 20_000;
      while (!statuses.some((s) => s.state === 'error' && s.failures >= 2) && Date.now() < deadline) await sleep(100);
      const err = statuses.find((s) => s.state === 'error');
      assert.ok(err, JSON.stringify(statuses));
      assert.match(err.error ?? '', /ECONNREFUSED|refused|connect/i);
      assert.ok((err.nextAttempt ?? 0) > Date.now() - 5000);
      const n = execs;
      await sleep(1500);
      assert.ok(execs <= n + 1, 'backing off, not hammering');
    } finally {
      off();
      poller.dispose();
      badPool.close();
    }
  });
});
