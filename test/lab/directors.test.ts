/**
 * A cluster with two directors against the real lab: `director` and `director2`, the pair keepalived would
 * run (one holds the VIP, the other stands by with the same IPVS table). One `lvsctl apply` writes the table
 * into both kernels at once; the VIP then moves to director2 as keepalived moves it (address + gratuitous
 * ARP) and the client still reaches rs1 and rs2, now through director2's table; the stats poller reads both
 * directors and the new connections show on director2's counters only; and an apply lock held on director2
 * leaves that director untouched while director applies (exit 4, a line per director).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli/lvsctl';
import { HOLDER_PATH, LOCK_DIR, LOCK_PATH } from '../../src/core/apply/remoteLock';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { clusterSshPool } from '../../src/core/operations/clusterPool';
import type { SshPool } from '../../src/core/ssh/connectionPool';
import { StatsPoller } from '../../src/core/stats/statsPoller';
import { statsTarget } from '../../src/core/stats/statsPool';
import { statsReadingCommand } from '../../src/core/stats/statsReading';
import type { DirectorSnapshot } from '../../src/shared/statsProtocol';
import { ensureLab, labExec, labRun, labSkipReason, LAB_ADDR, withLabLock } from '../support/lab';
import type { LabHost, LabInfo } from '../support/lab';

const VIP = LAB_ADDR.vip;
const skip = labSkipReason();
const CLUSTER = 'lab-web';
const DIRECTORS = ['director', 'director2'] as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const RS_PREP = `sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2 && ip addr replace ${VIP}/32 dev lo`;

/** Both directors and the real servers back to no IPVS table, no VIP, no lock (what this file touches). */
async function cleanDirectors(): Promise<void> {
  await Promise.all(DIRECTORS.map((d) => labRun(d, `ipvsadm -C && (ip addr del ${VIP}/32 dev eth0 2>/dev/null; true) && ` +
    `rm -rf /var/lib/vscode-lvs /etc/ipvsadm.rules ${LOCK_DIR}`)));
}

/** The lab's cluster file with lab-web on both directors. */
function twoDirectorFile(lab: LabInfo, dir: string): string {
  const text = fs.readFileSync(lab.lvsYaml, 'utf8');
  const one = '    directors:\n      - host: director\n        interface: eth0\n';
  assert.ok(text.includes(one), 'lab/out/lvs.yaml has the one-director lab-web cluster');
  assert.match(text, /- name: director2\n/, 'lab/out/lvs.yaml declares director2');
  const file = path.join(dir, 'lvs-two-directors.yaml');
  fs.writeFileSync(file, text.replace(one, `${one}      - host: director2\n        interface: eth0\n`));
  return file;
}

function bufferIo(): { io: { stdout: { write(s: string): boolean }; stderr: { write(s: string): boolean } }; out: () => string } {
  let out = '';
  const write = (s: string): boolean => { out += s; return true; };
  return { io: { stdout: { write }, stderr: { write } }, out: () => out };
}

async function saved(host: LabHost): Promise<string> {
  return labRun(host, 'ipvsadm -S -n');
}

async function curls(n: number): Promise<string[]> {
  const out = await labRun('client', `for i in $(seq ${n}); do curl -s -m 5 http://${VIP}/ || echo FAIL; done`, { timeoutMs: 180_000 });
  return out.trim().split('\n');
}

function conns(s: DirectorSnapshot | undefined): number {
  const svc = s?.services.find((x) => x.id === `tcp:${VIP}:80`);
  return svc ? svc.realServers.reduce((n, r) => n + r.totals.conns, 0) : -1;
}

describe('a cluster with two directors on the lab (real SSH, two real IPVS tables)', { skip }, () => {
  let lab: LabInfo;
  let dir: string;
  let file: string;
  before(async () => {
    lab = await ensureLab();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lvs-two-directors-'));
    file = twoDirectorFile(lab, dir);
    const { diagnostics } = validateClusterFile(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  });
  after(async () => {
    if (lab) await withLabLock(() => cleanDirectors());
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('one apply writes both tables; the VIP fails over to director2 and the stats follow the traffic there', async () => {
    await withLabLock(async () => {
      await cleanDirectors();
      await Promise.all([labRun('director', `ip addr replace ${VIP}/32 dev eth0`), labRun('rs1', RS_PREP), labRun('rs2', RS_PREP)]);
      const trust = path.join(dir, 'known_hosts');
      const a = bufferIo();
      assert.equal(await main(['apply', file, '--yes', '--trust-store', trust], a.io), 0, a.out());
      assert.match(a.out(), /^director: applied 3 steps, 2 sysctls; read back equals the file$/m);
      assert.match(a.out(), /^director2: applied 3 steps, 2 sysctls; read back equals the file$/m);
      const table = await saved('director');
      assert.match(table, new RegExp(`-A -t ${VIP.replace(/\./g, '\\.')}:80 -s rr`));
      assert.equal(await saved('director2'), table, 'the standby holds the same table');
      assert.deepEqual((await curls(4)).sort(), ['rs1', 'rs1', 'rs2', 'rs2']);

      const { model } = validateClusterFile(fs.readFileSync(file, 'utf8'));
      const pool: SshPool = clusterSshPool(model, { trustStorePath: trust, prompts: {}, agentSocket: null });
      const target = statsTarget(model, CLUSTER);
      assert.deepEqual(target.directors, [...DIRECTORS]);
      const command = statsReadingCommand();
      const poller = new StatsPoller({ directors: target.directors, intervalMs: 1000, serviceNames: target.serviceNames, read: (d) => pool.run(d, command) });
      const last = new Map<string, DirectorSnapshot>();
      const off = poller.subscribe({ snapshot: (s) => last.set(s.director, s), status: () => undefined });
      try {
        const ready = Date.now() + 60_000;
        while ((last.size < 2 || conns(last.get('director')) < 4) && Date.now() < ready) await sleep(200);
        const before1 = conns(last.get('director'));
        const before2 = conns(last.get('director2'));
        assert.ok(before1 >= 4, `director counted the first curls: ${before1}`);
        assert.equal(before2, 0, 'director2 has seen no traffic yet');

        // Failover, as keepalived does it: the VIP leaves director and comes up on director2, which
        // announces it with a gratuitous ARP so the router sends the next packets there.
        await labRun('director', `ip addr del ${VIP}/32 dev eth0`);
        await labRun('director2', `ip addr add ${VIP}/32 dev eth0 && busybox arping -U -c 2 -w 2 -I eth0 -s ${VIP} ${VIP} >/dev/null 2>&1; true`);
        const answers = await curls(10);
        assert.deepEqual([...answers].sort(), ['rs1', 'rs1', 'rs1', 'rs1', 'rs1', 'rs2', 'rs2', 'rs2', 'rs2', 'rs2'], answers.join(','));

        // The kernel folds its per-CPU counters every 2 s: wait for director2's reading with all 10.
        const until = Date.now() + 30_000;
        while (conns(last.get('director2')) < 10 && Date.now() < until) await sleep(250);
        assert.equal(conns(last.get('director2')), 10, 'the 10 connections went through director2');
        assert.equal(conns(last.get('director')), before1, 'and none through director');
        const svc2 = last.get('director2')?.services.find((s) => s.id === `tcp:${VIP}:80`);
        assert.equal(svc2?.name, 'http');
        assert.deepEqual(svc2?.realServers.map((r) => [r.endpoint, r.totals.conns]), [[`${LAB_ADDR.rs1}:80`, 5], [`${LAB_ADDR.rs2}:80`, 5]]);
      } finally {
        off();
        poller.dispose();
        pool.close();
      }
    });
  });

  test('an apply lock held on director2: director applies, director2 is left as it was (exit 4, a line each)', async () => {
    await withLabLock(async () => {
      await cleanDirectors();
      const trust = path.join(dir, 'known_hosts');
      assert.equal(await main(['apply', file, '--yes', '--trust-store', trust], bufferIo().io), 0);
      const before2 = await saved('director2');
      const weighted = path.join(dir, 'lvs-weight-2.yaml');
      const text = fs.readFileSync(file, 'utf8');
      const rs1 = '- { host: rs1, port: 80, method: dr, weight: 1 }';
      assert.ok(text.includes(rs1));
      fs.writeFileSync(weighted, text.replace(rs1, rs1.replace('weight: 1', 'weight: 2')));

      const holder = labExec('director2', `mkdir -m 0700 -p ${LOCK_DIR}; exec 9>>${LOCK_PATH}; flock 9; echo 'lvsctl pid 4242 by alice@laptop (cluster lab-web)' > ${HOLDER_PATH}; sleep 15`, { timeoutMs: 60_000 });
      for (let i = 0; i < 60 && !(await labExec('director2', `cat ${HOLDER_PATH}`)).stdout.includes('alice'); i++) await sleep(500);
      const r = bufferIo();
      const code = await main(['apply', weighted, '--yes', '--lock-wait', '1', '--trust-store', trust], r.io);
      await holder;
      assert.equal(code, 4, r.out());
      assert.match(r.out(), /^director: applied 1 step; read back equals the file$/m);
      assert.match(r.out(), /^director2: NOT applied \(nothing changed\): .*alice@laptop/m);
      assert.match(await saved('director'), new RegExp(`-a -t ${VIP.replace(/\./g, '\\.')}:80 -r ${LAB_ADDR.rs1.replace(/\./g, '\\.')}:80 -g -w 2`));
      assert.equal(await saved('director2'), before2, 'director2 unchanged');
      // Once the lock is free, the same apply brings director2 level; director has nothing left to do.
      const again = bufferIo();
      assert.equal(await main(['apply', weighted, '--yes', '--trust-store', trust], again.io), 0, again.out());
      assert.match(again.out(), /^director2: applied 1 step; read back equals the file$/m);
      assert.equal(await saved('director2'), await saved('director'));
    });
  });
});
