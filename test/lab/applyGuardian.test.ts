/**
 * Never half-applied, against the lab's real kernel (root, own lab: LVS_LAB_OUT / LVS_LAB_PORT_BASE): the
 * apply guardian (src/core/apply/guardian.ts) restores the snapshot by itself when the client goes away.
 *
 * - `lvsctl apply` of 2,400 lines (a child process) killed with SIGKILL at 10 points spread over its run:
 *   under the lock afterwards the table is the snapshot or the whole desired table, never anything between,
 *   and the next apply works;
 * - the network path dropped during the batch (a relay between lvsctl and the director's SSH forward is cut
 *   on both sides): the guardian rolls back, apply reconnects and proves it;
 * - `--confirm-within`: not confirmed → rolled back by the director; confirmed by `lvsctl apply --confirm`
 *   from another process → kept;
 * - the lock directory against a local unprivileged user on the director (issue 18, item 2).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { applyDirector, poolLink } from '../../src/core/apply/applyDirector';
import type { ApplyOptions, DirectorResult } from '../../src/core/apply/applyDirector';
import { guardianSpec, startGuardian } from '../../src/core/apply/guardian';
import type { LiveState } from '../../src/core/apply/liveState';
import { managedRecordPath } from '../../src/core/apply/liveState';
import { LOCK_DIR } from '../../src/core/apply/remoteLock';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import type { ClusterFile } from '../../src/core/clusterFile/types';
import { desiredTable } from '../../src/core/clusterFile/desiredTable';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import type { IpvsTable } from '../../src/core/ipvs/types';
import { tableRulesText } from '../../src/core/plan/ipvsadmLines';
import type { SshPool } from '../../src/core/ssh/connectionPool';
import { main } from '../../src/cli/lvsctl';
import { openSshSession } from '../../src/cli/sshSession';
import { ensureLab, labRun, labSkipReason, withLabLock, LAB_ADDR } from '../support/lab';
import type { LabInfo } from '../support/lab';

const VIP = LAB_ADDR.vip;
const CLUSTER = 'lab-web';
const skip = labSkipReason();
const REPO = join(__dirname, '..', '..', '..');

const SMALL = `-A -t ${VIP}:80 -s rr
-a -t ${VIP}:80 -r 10.116.0.11:80 -g -w 1
-a -t ${VIP}:80 -r 10.116.0.12:80 -g -w 1
`;

function rules(text: string): IpvsTable {
  const r = parseRules(text);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  return r.table;
}

/** The lab's cluster file with `lab-web` holding `count` services × 2 real servers (3 × count lines). */
function bigClusterFile(lab: LabInfo, count: number, port = 80): string {
  const head = readFileSync(lab.lvsYaml, 'utf8').split('\nclusters:')[0];
  const services = Array.from({ length: count }, (_, i) => {
    const vip = i === 0 ? VIP : `10.116.${2 + (i >> 8)}.${i & 255}`;
    return `      - { name: s${i}, protocol: tcp, vip: ${vip}, port: ${port}, scheduler: rr, realServers: [ { host: rs1, port: 80, method: dr, weight: 1 }, { host: rs2, port: 80, method: dr, weight: 1 } ] }`;
  });
  return `${head}\nclusters:\n  - name: ${CLUSTER}\n    directors:\n      - host: director\n        interface: eth0\n    services:\n${services.join('\n')}\n`;
}

interface Ctx {
  lab: LabInfo;
  model: ClusterFile;
  pool: SshPool;
  dir: string;
  trust: string;
}

async function clean(): Promise<void> {
  await labRun('director', `ipvsadm -C && sysctl -qw net.ipv4.vs.expire_nodest_conn=0 net.ipv4.vs.expire_quiescent_template=0 && rm -rf /var/lib/vscode-lvs ${LOCK_DIR}`);
}

function apply(ctx: Ctx, desired: IpvsTable, extra: Partial<ApplyOptions> = {}): Promise<DirectorResult> {
  return applyDirector(poolLink(ctx.pool, 'director'), { cluster: CLUSTER, desired, holder: 'guardian lab test', lockWaitSeconds: 120, ...extra });
}

/** The state read under the apply lock (so after any guardian still at work), and what that guardian left. */
async function underLock(pool: SshPool): Promise<{ state: LiveState; last?: string }> {
  const g = await startGuardian(pool, 'director', guardianSpec({ holder: 'guardian lab test: read', waitSeconds: 180, idleSeconds: 30, mode: 'full', managedPath: managedRecordPath(CLUSTER) }));
  g.close();
  assert.ok(g.first.state);
  return g.last === undefined ? { state: g.first.state } : { state: g.first.state, last: g.last };
}

function bufferIo(): { io: { stdout: { write(s: string): boolean }; stderr: { write(s: string): boolean } }; out: () => string } {
  let out = '';
  const w = { write: (s: string) => { out += s; return true; } };
  return { io: { stdout: w, stderr: w }, out: () => out };
}

/** Runs `lvsctl apply FILE --yes` as a child process; kills it with SIGKILL `killAfterMs` after its plan printed. */
function lvsctlApply(ctx: Ctx, file: string, killAfterMs?: number): Promise<{ code: number | null; signal: string | null; out: string; planToEndMs: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'lvsctl.js'), 'apply', file, '--yes', '--trust-store', ctx.trust], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let planned = 0;
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (!planned && /Plan: /.test(out)) {
        planned = Date.now();
        if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => resolve({ code, signal, out, planToEndMs: planned ? Date.now() - planned : 0 }));
  });
}

describe('the apply guardian on the lab director: never half-applied', { skip }, () => {
  const ctx = {} as Ctx;
  before(async () => {
    ctx.lab = await ensureLab();
    ctx.model = validateClusterFile(readFileSync(ctx.lab.lvsYaml, 'utf8')).model;
    ctx.dir = mkdtempSync(join(tmpdir(), 'lvs-guardian-'));
    ctx.trust = join(ctx.dir, 'known_hosts');
    ctx.pool = openSshSession(ctx.model, { trustStore: ctx.trust }).pool;
  });
  after(async () => {
    ctx.pool?.close();
    if (ctx.lab) await withLabLock(() => clean());
  });

  test('SIGKILL of lvsctl at 10 points of a 2,400-line apply: snapshot or the whole table, never between; the next apply works', async () => {
    await withLabLock(async () => {
      await clean();
      const file = join(ctx.dir, 'big.yaml');
      writeFileSync(file, bigClusterFile(ctx.lab, 800));
      const desired = desiredTable(validateClusterFile(readFileSync(file, 'utf8')).model, CLUSTER);
      assert.equal(tableRulesText(desired).split('\n').length - 1, 2400);
      const small = rules(SMALL);
      const toSnapshot = async (): Promise<LiveState> => {
        // The sysctls back to 0 as well, so every lvsctl apply below changes them (and a rollback restores them).
        const r = await apply(ctx, small, { force: true, lockWaitSeconds: 180, sysctls: { expire_nodest_conn: 0, expire_quiescent_template: 0 } });
        assert.ok(r.status === 'applied' || r.status === 'unchanged', `the next apply: ${r.status} ${r.error ?? ''}`);
        return (await underLock(ctx.pool)).state;
      };
      await toSnapshot();
      // One whole run first: how long an apply takes from its plan to its end, to spread the kills over.
      const whole = await lvsctlApply(ctx, file);
      assert.equal(whole.code, 0, whole.out.slice(-2000));
      const full = (await underLock(ctx.pool)).state;
      assert.equal(tableRulesText(full.table), tableRulesText(desired));
      const span = Math.max(1000, whole.planToEndMs);
      // Evenly over the run, each point jittered within its tenth (fixed seed).
      const jitter = fc.sample(fc.double({ min: 0, max: 1, noNaN: true }), { numRuns: 10, seed: 15 });
      const delays = jitter.map((j, i) => Math.round((span * (i + j)) / 10));
      const seen: string[] = [];
      for (const delay of delays) {
        const snapshot = await toSnapshot();
        const run = await lvsctlApply(ctx, file, delay);
        const { state, last } = await underLock(ctx.pool);
        const isSnapshot = state.saveText === snapshot.saveText && tableRulesText(state.table) === tableRulesText(snapshot.table);
        const isFull = tableRulesText(state.table) === tableRulesText(desired);
        assert.ok(isSnapshot || isFull, `killed ${delay} ms after the plan (${run.signal ?? run.code}): ${state.table.services.length} services on the director (snapshot 1, desired 800)`);
        if (isSnapshot) assert.deepEqual(state.sysctls, snapshot.sysctls, 'the sysctls are back too');
        seen.push(`${delay}ms:${run.signal ?? `exit ${run.code}`}:${isSnapshot ? 'snapshot' : 'full'}${last ? ' (rolled back by the director)' : ''}`);
      }
      // The kills must have hit inside the transaction at least once (else this proved nothing).
      assert.ok(seen.some((s) => s.includes('rolled back by the director')), seen.join(', '));
      await toSnapshot();
      console.log(`# kills: ${seen.join(', ')}`);
    });
  });

  test('the network path dropped during the batch: the director rolls back by itself; apply reconnects and proves it', async () => {
    await withLabLock(async () => {
      await clean();
      assert.equal((await apply(ctx, rules(SMALL))).status, 'applied');
      const snapshot = (await underLock(ctx.pool)).state;
      // A relay between lvsctl and the director's SSH forward, so the path can be cut (both sides).
      const sockets = new Set<Socket>();
      const relay = createServer((inbound) => {
        const outbound = netConnect(ctx.lab.ports.director, '127.0.0.1');
        sockets.add(inbound).add(outbound);
        inbound.pipe(outbound).pipe(inbound);
        const drop = (): void => { inbound.destroy(); outbound.destroy(); };
        inbound.on('error', drop).on('close', drop);
        outbound.on('error', drop).on('close', drop);
      });
      await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
      const port = (relay.address() as { port: number }).port;
      // The same host keys, known under the relay's port.
      const knownHosts = join(ctx.dir, 'relay_known_hosts_file');
      writeFileSync(knownHosts, readFileSync(ctx.lab.knownHosts, 'utf8').split('\n').filter((l) => l.startsWith(`[127.0.0.1]:${ctx.lab.ports.director} `))
        .map((l) => l.replace(`[127.0.0.1]:${ctx.lab.ports.director} `, `[127.0.0.1]:${port} `)).join('\n') + '\n');
      const model = validateClusterFile(readFileSync(ctx.lab.lvsYaml, 'utf8')).model;
      const director = model.hosts.find((h) => h.name === 'director');
      assert.ok(director);
      director.ssh = { ...director.ssh, port, knownHostsFile: knownHosts };
      const pool = openSshSession(model, { trustStore: join(ctx.dir, 'relay_known_hosts') }).pool;
      try {
        const desired = rules(SMALL + Array.from({ length: 600 }, (_, i) => `-A -t 10.116.3.${i % 250}:${81 + Math.floor(i / 250)} -s rr\n-a -t 10.116.3.${i % 250}:${81 + Math.floor(i / 250)} -r 10.116.0.11:80 -g -w 1\n`).join(''));
        const r = await applyDirector(poolLink(pool, 'director'), {
          cluster: CLUSTER, desired, holder: 'guardian lab test: relay', lockWaitSeconds: 120,
          onEvent: (e) => { if (e.phase === 'batch-start') setTimeout(() => { for (const s of sockets) s.destroy(); }, 50); },
        });
        assert.equal(r.status, 'rolled-back', `${r.status}: ${r.error ?? ''} ${r.rollbackError ?? ''}`);
        assert.match(r.error ?? '', /dropped during apply; the director's guardian rolled back/);
        const { state } = await underLock(ctx.pool);
        assert.equal(state.saveText, snapshot.saveText);
        // And the next apply works at once.
        const next = await apply(ctx, rules(SMALL.replace('-s rr', '-s wrr')), { lockWaitSeconds: 5 });
        assert.equal(next.status, 'applied', next.error);
      } finally {
        pool.close();
        relay.close();
        for (const s of sockets) s.destroy();
      }
    });
  });

  test('--confirm-within: not confirmed → rolled back by the director; confirmed (lvsctl apply --confirm) → kept', async () => {
    await withLabLock(async () => {
      await clean();
      assert.equal((await apply(ctx, rules(SMALL))).status, 'applied');
      const snapshot = (await underLock(ctx.pool)).state;
      const changed = rules(SMALL.replace('10.116.0.12:80 -g -w 1', '10.116.0.12:80 -g -w 5'));
      // 1. Not confirmed: applied and verified, then back to the snapshot after 15 s, by the director alone.
      const r1 = await apply(ctx, changed, { confirmWithinSeconds: 15, confirm: () => Promise.resolve('detach') });
      assert.equal(r1.status, 'awaiting-confirmation', r1.error);
      const during = await labRun('director', 'ipvsadm -S -n');
      assert.match(during, /10\.116\.0\.12:80 -g -w 5/);
      const { state, last } = await underLock(ctx.pool);
      assert.equal(state.saveText, snapshot.saveText);
      assert.match(last ?? '', /rolled back by the director \(not confirmed in time\)/);
      // 2. Answered no on the prompt: rolled back at once.
      const r2 = await apply(ctx, changed, { confirmWithinSeconds: 30, confirm: () => Promise.resolve('rollback') });
      assert.equal(r2.status, 'rolled-back', r2.error);
      assert.equal((await underLock(ctx.pool)).state.saveText, snapshot.saveText);
      // 3. lvsctl apply --confirm-within 30 --yes, then lvsctl apply --confirm from another invocation: kept.
      const file = join(ctx.dir, 'weight.yaml');
      writeFileSync(file, readFileSync(ctx.lab.lvsYaml, 'utf8').replace('{ host: rs2, port: 80, method: dr, weight: 1 }', '{ host: rs2, port: 80, method: dr, weight: 5 }'));
      const a = bufferIo();
      assert.equal(await main(['apply', file, '--yes', '--confirm-within', '30', '--trust-store', ctx.trust], a.io), 0, a.out());
      assert.match(a.out(), /NOT CONFIRMED yet: the director rolls it back by itself unless `lvsctl apply --confirm` runs within 30 s/);
      const c = bufferIo();
      assert.equal(await main(['apply', file, '--confirm', '--trust-store', ctx.trust], c.io), 0, c.out());
      assert.match(c.out(), /director: confirmed; the change is kept/);
      const kept = (await underLock(ctx.pool)).state;
      assert.match(kept.saveText, /10\.116\.0\.12:80 -g -w 5/);
      // Nothing waits any more.
      const again = bufferIo();
      assert.equal(await main(['apply', file, '--confirm', '--trust-store', ctx.trust], again.io), 4);
      assert.match(again.out(), /nothing waits for a confirmation/);
    });
  });

  test('the lock directory against a local user on the director: no symlink to truncate, no forged holder, no endless wait', async () => {
    await withLabLock(async () => {
      await clean();
      const asUser = (cmd: string): Promise<string> => labRun('director', `id mallory >/dev/null 2>&1 || useradd -M -s /bin/sh mallory; runuser -u mallory -- sh -c ${JSON.stringify(cmd)} 2>&1; echo "rc=$?"`);
      // The old world-writable paths, planted by the user: a symlink root would have truncated, a forged
      // holder line on a lock held forever, and a batch pid that never exits.
      await labRun('director', 'printf "precious\\n" > /root/precious');
      await asUser('ln -sf /root/precious /run/lock/vscode-lvs-ipvs.lock; sleep 600 >/dev/null 2>&1 & echo $! > /run/lock/vscode-lvs-ipvs.batch');
      // The new directory: the user can neither create it, nor enter it once root has.
      assert.match(await asUser(`mkdir ${LOCK_DIR} || ln -s /root/precious ${LOCK_DIR}`), /Permission denied[\s\S]*rc=1/);
      const r = await apply(ctx, rules(SMALL), { lockWaitSeconds: 3 });
      assert.equal(r.status, 'applied', r.error);
      assert.equal(await labRun('director', 'cat /root/precious'), 'precious\n');
      assert.equal((await labRun('director', `stat -c %U:%a ${LOCK_DIR}`)).trim(), 'root:700');
      const tries = await asUser(`exec 9>>${LOCK_DIR}/lock && flock -n 9 && echo HELD; echo forged > ${LOCK_DIR}/holder || true; ls ${LOCK_DIR} || true`);
      assert.doesNotMatch(tries, /HELD/);
      assert.match(tries, /Permission denied/);
      const r2 = await apply(ctx, rules(SMALL.replace('-s rr', '-s wrr')), { lockWaitSeconds: 3 });
      assert.equal(r2.status, 'applied', `the next apply is not held up: ${r2.error ?? ''}`);
      // A directory that is not root's own 0700 (left by anything) is refused, never used or "fixed".
      for (const setup of [`chmod 0777 ${LOCK_DIR}`, `chown mallory ${LOCK_DIR}`, `rm -rf ${LOCK_DIR} && mkdir -p /tmp/lvs-elsewhere && ln -s /tmp/lvs-elsewhere ${LOCK_DIR}`]) {
        await labRun('director', `rm -rf ${LOCK_DIR}; mkdir -m 0700 ${LOCK_DIR}; ${setup}`);
        const bad = await apply(ctx, rules(SMALL), { lockWaitSeconds: 3 });
        assert.equal(bad.status, 'not-applied', setup);
        assert.match(bad.error ?? '', /could not take the IPVS lock .*\/run\/vscode-lvs/, setup);
      }
      await labRun('director', `rm -rf ${LOCK_DIR} /tmp/lvs-elsewhere /run/lock/vscode-lvs-ipvs.lock /root/precious; kill $(cat /run/lock/vscode-lvs-ipvs.batch) 2>/dev/null; rm -f /run/lock/vscode-lvs-ipvs.batch`);
    });
  });
});
