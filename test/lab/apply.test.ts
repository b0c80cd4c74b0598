/**
 * plan/apply against the real IPVS kernel of the lab (run as root; own lab: LVS_LAB_OUT / LVS_LAB_PORT_BASE).
 * Host preparation (VIP on the director, arp sysctls + VIP on lo of the real servers) is another module's
 * job: here it is done with plain commands, as test/lab/lvs.test.ts does.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { applyDirector, poolLink } from '../../src/core/apply/applyDirector';
import type { ApplyOptions, DirectorResult } from '../../src/core/apply/applyDirector';
import { liveStateCommand } from '../../src/core/apply/liveState';
import { HOLDER_PATH, LOCK_DIR, LOCK_PATH } from '../../src/core/apply/remoteLock';
import { desiredTable } from '../../src/core/clusterFile/desiredTable';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import type { ClusterFile } from '../../src/core/clusterFile/types';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import { renderRules } from '../../src/core/ipvs/rulesRenderer';
import type { IpvsTable } from '../../src/core/ipvs/types';
import { tableRulesText } from '../../src/core/plan/ipvsadmLines';
import { planTable } from '../../src/core/plan/planTable';
import type { SshPool } from '../../src/core/ssh/connectionPool';
import { main } from '../../src/cli/lvsctl';
import { openSshSession } from '../../src/cli/sshSession';
import { ensureLab, labExec, labRun, labSkipReason, resetLab, withLabLock, LAB_ADDR } from '../support/lab';
import type { LabInfo } from '../support/lab';

const VIP = LAB_ADDR.vip;
const skip = labSkipReason();
const CLUSTER = 'lab-web';

const RS_PREP = `sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2 && ip addr replace ${VIP}/32 dev lo`;

async function prepareHosts(): Promise<void> {
  await Promise.all([
    // A gratuitous ARP too: after directors.test.ts the router may still hold director2's MAC for the VIP.
    labRun('director', `ip addr replace ${VIP}/32 dev eth0 && (busybox arping -U -c 2 -w 2 -I eth0 -s ${VIP} ${VIP} >/dev/null 2>&1; true)`),
    labRun('rs1', RS_PREP),
    labRun('rs2', RS_PREP),
  ]);
}

function rules(text: string): IpvsTable {
  const r = parseRules(text);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  return r.table;
}

const LAB_DR = `-A -t ${VIP}:80 -s rr
-a -t ${VIP}:80 -r 10.116.0.11:80 -g -w 1
-a -t ${VIP}:80 -r 10.116.0.12:80 -g -w 1
`;

/**
 * Back to an empty IPVS state on the director, quickly: `lab.sh reset` takes 15 s on an idle machine but
 * over 3 minutes on this loaded one, so tests clean what they touch instead (the IPVS table, timeouts,
 * sysctls, the files apply writes). LVS_APPLY_TEST_FULL_RESET=1 uses the full reset.
 */
async function cleanLab(): Promise<void> {
  if (process.env.LVS_APPLY_TEST_FULL_RESET === '1') { await resetLab(); return; }
  await labRun('director', `ipvsadm -C && ipvsadm --set 900 120 300 && sysctl -qw net.ipv4.vs.expire_nodest_conn=0 net.ipv4.vs.expire_quiescent_template=0 && ` +
    `rm -rf /var/lib/vscode-lvs /etc/ipvsadm.rules ${LOCK_DIR}`);
}

interface Ctx {
  lab: LabInfo;
  model: ClusterFile;
  pool: SshPool;
}

function bufferIo(): { io: { stdout: { write(s: string): boolean }; stderr: { write(s: string): boolean } }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (s: string) => { out += s; return true; } }, stderr: { write: (s: string) => { err += s; return true; } } },
    out: () => out,
    err: () => err,
  };
}

async function apply(ctx: Ctx, desired: IpvsTable, extra: Partial<ApplyOptions> = {}): Promise<DirectorResult> {
  return applyDirector(poolLink(ctx.pool, 'director'), { cluster: CLUSTER, desired, holder: 'lab test', lockWaitSeconds: 20, ...extra });
}

async function live(ctx: Ctx) {
  return ctx.pool.run('director', liveStateCommand(CLUSTER));
}

/** The director's table equals `want` (thresholds included) and re-planning is empty. */
async function assertLiveEquals(ctx: Ctx, want: IpvsTable): Promise<void> {
  const s = await live(ctx);
  assert.equal(s.saveText, renderRules(want));
  assert.equal(tableRulesText(s.table), tableRulesText(want));
}

/**
 * Destroys the pool's connection to the director after `delayMs` (the socket, as a network failure would);
 * resolves once the pool has seen it close.
 */
function killDirectorConnection(ctx: Ctx, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    setTimeout(() => {
      ctx.pool.withConnection('director', async (c) => {
        const closed = new Promise<void>((r) => c.onClose(r));
        (c.client as unknown as { destroy(): void }).destroy();
        await closed;
      }).then(resolve, reject);
    }, delayMs);
  });
}

async function curlVip(n: number): Promise<string[]> {
  const out = await labRun('client', `for i in $(seq ${n}); do curl -s -m 5 http://${VIP}/ || echo FAIL; done`, { timeoutMs: 180_000 });
  return out.trim().split('\n');
}

describe('plan/apply on the lab director', { skip }, () => {
  const ctx = {} as Ctx;
  before(async () => {
    ctx.lab = await ensureLab();
    const { model } = validateClusterFile(readFileSync(ctx.lab.lvsYaml, 'utf8'));
    ctx.model = model;
    ctx.pool = openSshSession(model, { trustStore: join(mkdtempSync(join(tmpdir(), 'lvs-apply-')), 'known_hosts') }).pool;
  });
  after(async () => {
    ctx.pool?.close();
    if (ctx.lab) await withLabLock(() => cleanLab());
  });

  test('lvsctl apply from an empty table: VIP serves rs1/rs2 alternately; re-plan is empty', async () => {
    await withLabLock(async () => {
      await cleanLab();
      await prepareHosts();
      const trust = join(mkdtempSync(join(tmpdir(), 'lvs-trust-')), 'known_hosts');
      const a = bufferIo();
      const code = await main(['apply', ctx.lab.lvsYaml, '--yes', '--trust-store', trust], a.io);
      assert.equal(code, 0, a.out() + a.err());
      assert.match(a.out(), /director: applied 3 steps, 2 sysctls; read back equals the file/);
      const answers = await curlVip(20);
      assert.equal(answers.length, 20);
      for (let i = 0; i < answers.length; i++) {
        assert.ok(answers[i] === 'rs1' || answers[i] === 'rs2', answers.join(','));
        if (i > 0) assert.notEqual(answers[i], answers[i - 1], answers.join(','));
      }
      const p = bufferIo();
      assert.equal(await main(['plan', ctx.lab.lvsYaml, '--json', '--trust-store', trust], p.io), 0, p.err());
      const json = JSON.parse(p.out()) as { directors: { host: string; steps: unknown[] }[] };
      assert.deepEqual(json.directors.map((d) => [d.host, d.steps.length]), [['director', 0]]);
      // Nothing to do now: exit 0 and says so.
      const again = bufferIo();
      assert.equal(await main(['apply', ctx.lab.lvsYaml, '--yes', '--trust-store', trust], again.io), 0);
      assert.match(again.out(), /Nothing to do/);
      assert.equal((await labRun('director', 'sysctl -n net.ipv4.vs.expire_nodest_conn')).trim(), '1');
      // --live plans against a saved snapshot, no SSH.
      const snap = join(mkdtempSync(join(tmpdir(), 'lvs-snap-')), 'ipvsadm.rules');
      writeFileSync(snap, '');
      const l = bufferIo();
      assert.equal(await main(['plan', ctx.lab.lvsYaml, '--live', snap, '--json'], l.io), 0, l.err());
      assert.equal((JSON.parse(l.out()) as { directors: { steps: unknown[] }[] }).directors[0].steps.length, 3);
    });
  });

  test('changes: weight (one step), scheduler, persistence, services, IPv6, fwmark, NAT, TUN — each read back equal', async () => {
    await withLabLock(async () => {
      await cleanLab();
      const base = desiredTable(ctx.model, CLUSTER);
      const r0 = await apply(ctx, base);
      assert.equal(r0.status, 'applied', r0.error);
      const variants: [string, string, number?][] = [
        ['weight', LAB_DR.replace('10.116.0.12:80 -g -w 1', '10.116.0.12:80 -g -w 3'), 1],
        ['scheduler', LAB_DR.replace('-s rr', '-s wlc').replace('10.116.0.12:80 -g -w 1', '10.116.0.12:80 -g -w 3'), 1],
        ['persistence on', LAB_DR.replace('-s rr', '-s rr -p 120 -M 255.255.255.0'), undefined],
        ['persistence off', LAB_DR, 1],
        ['thresholds', LAB_DR.replace('10.116.0.11:80 -g -w 1', '10.116.0.11:80 -g -w 1 -x 50 -y 5'), 1],
        ['add service', `${LAB_DR}-A -u ${VIP}:53 -s rr -o\n-a -u ${VIP}:53 -r 10.116.0.11:53 -g -w 1\n`, 3], // + the thresholds back to 0
        ['remove service', LAB_DR, 1],
        ['IPv6', `${LAB_DR}-A -t [fd16:116::200]:80 -s rr\n-a -t [fd16:116::200]:80 -r [fd16:116::11]:80 -g -w 1\n-a -t [fd16:116::200]:80 -r [fd16:116::12]:80 -g -w 2\n`, 3],
        ['fwmark', `${LAB_DR}-A -f 7 -s rr\n-a -f 7 -r 10.116.0.11:0 -g -w 1\n-A -f 8 -6 -s wrr -p 30\n-a -f 8 -6 -r [fd16:116::12]:0 -g -w 1\n`, undefined],
        ['NAT', LAB_DR.replace(/ -g -w 1/g, ' -m -w 1').replace('10.116.0.11:80 -m', '10.116.0.11:8080 -m'), undefined],
        ['TUN', LAB_DR.replace(/ -g -w 1/g, ' -i -w 1 --tun-type gue --tun-port 6080 --tun-csum'), 3],
        ['back to DR', LAB_DR, 2],
      ];
      for (const [name, text, steps] of variants) {
        const want = rules(text);
        const r = await apply(ctx, want, { force: true });
        assert.equal(r.status, 'applied', `${name}: ${r.error ?? ''}`);
        if (steps !== undefined) assert.equal(r.steps.length, steps, `${name}: ${r.steps.map((s) => s.line).join(' | ')}`);
        await assertLiveEquals(ctx, want);
        const again = await apply(ctx, want);
        assert.equal(again.status, 'unchanged', `${name}: re-apply: ${again.steps.map((s) => s.line).join(' | ')}`);
      }
    });
  });

  test('faults: a line the kernel rejects mid-batch, a killed connection, a cancel, a held lock → snapshot restored', async () => {
    await withLabLock(async () => {
      await cleanLab();
      assert.equal((await apply(ctx, rules(LAB_DR))).status, 'applied');
      const snapshot = (await live(ctx)).saveText;
      // 1. The kernel refuses a multicast real server in the middle of the batch.
      const bad = rules(`${LAB_DR}-A -t ${VIP}:81 -s rr\n-A -t ${VIP}:82 -s rr\n-A -t ${VIP}:83 -s rr\n-a -t ${VIP}:82 -r 10.116.0.11:82 -g -w 1\n`);
      bad.services.find((s) => s.key.kind === 'addr' && s.key.port === 82)!.realServers[0].address = '224.0.0.1';
      const r1 = await apply(ctx, bad);
      assert.equal(r1.status, 'rolled-back', r1.error);
      assert.match(r1.failedLine?.line ?? '', /-a -t 10\.116\.0\.200:82 -r 224\.0\.0\.1:82/);
      assert.match(r1.failedLine?.message ?? '', /Invalid operation/);
      assert.equal((await live(ctx)).saveText, snapshot);
      // 2. Cancelled after the batch went through.
      const ac = new AbortController();
      const big = rules(`${LAB_DR}-A -t ${VIP}:90 -s rr\n-a -t ${VIP}:90 -r 10.116.0.12:90 -g -w 1\n`);
      const r2 = await apply(ctx, big, { signal: ac.signal, onEvent: (e) => { if (e.phase === 'batch-done') ac.abort(); } });
      assert.equal(r2.status, 'rolled-back', r2.error);
      assert.match(r2.error ?? '', /cancelled/);
      assert.equal((await live(ctx)).saveText, snapshot);
      // 3. The SSH connection is killed mid-apply. Without the connection there is no lock, so whatever the
      // batch did, the apply cannot vouch for the table: it connects again, takes the lock (after the orphaned
      // batch ended) and restores the snapshot. (a) killed once the batch is through, before the read back;
      // (b) killed while a 2,000-line batch streams; if the batch still wins the race, the kill has landed
      // before the read back all the same (batch-done waits for it). Same outcome, every time.
      const many = rules(LAB_DR + Array.from({ length: 1000 }, (_, i) => `-A -t 10.116.${2 + (i >> 8)}.${i & 255}:80 -s rr\n-a -t 10.116.${2 + (i >> 8)}.${i & 255}:80 -r 10.116.0.11:80 -g -w 1\n`).join(''));
      for (const when of ['after the batch', 'during the batch'] as const) {
        let killed: Promise<void> | undefined;
        const phases: string[] = [];
        const r3 = await apply(ctx, when === 'after the batch' ? big : many, {
          onEvent: async (e) => {
            phases.push(e.phase);
            if (e.phase === 'batch-start' && when === 'during the batch') killed = killDirectorConnection(ctx, 30);
            if (e.phase === 'batch-done') await (killed ??= killDirectorConnection(ctx, 0));
          },
        });
        assert.equal(r3.status, 'rolled-back', `${when}: ${r3.status}: ${r3.error ?? ''} ${r3.rollbackError ?? ''} (${phases.join(' ')})`);
        assert.match(r3.error ?? '', /connection closed before the command finished|SSH connection to .* dropped during apply/, when);
        assert.equal((await live(ctx)).saveText, snapshot, when);
      }
      // 4. Another apply holds the lock: this one waits (bounded), then fails naming the holder; nothing changed.
      const holder = labExec('director', `mkdir -m 0700 -p ${LOCK_DIR}; exec 9>>${LOCK_PATH}; flock 9; echo 'lvsctl pid 4242 by alice@laptop (cluster lab-web)' > ${HOLDER_PATH}; sleep 25`, { timeoutMs: 60_000 });
      for (let i = 0; i < 60; i++) {
        if ((await labExec('director', `cat ${HOLDER_PATH}`)).stdout.includes('alice')) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const r4 = await apply(ctx, big, { lockWaitSeconds: 1 });
      assert.equal(r4.status, 'not-applied');
      assert.match(r4.error ?? '', /alice@laptop/);
      await holder;
    });
  });

  test('drain: a long-lived connection through a removed real server survives; the server goes once it ends', async () => {
    await withLabLock(async () => {
      await cleanLab();
      await prepareHosts();
      assert.equal((await apply(ctx, rules(LAB_DR))).status, 'applied');
      await labRun('director', 'ipvsadm --set 900 3 300'); // FIN_WAIT entries expire after 3 s
      // One connection held open for 40 s, then it sends its request.
      const conn = labExec('client', `(sleep 40; printf 'GET / HTTP/1.0\\r\\n\\r\\n') | socat -t 30 - TCP:${VIP}:80`, { timeoutMs: 120_000 });
      let busy = '';
      for (let i = 0; i < 60 && !busy; i++) {
        await new Promise((r) => setTimeout(r, 300));
        const m = /->\s+(10\.116\.0\.1[12]:80)\s+Route\s+\d+\s+1\s/.exec(await labRun('director', 'ipvsadm -Ln'));
        if (m) busy = m[1];
      }
      assert.ok(busy, 'the connection shows up as ActiveConn');
      const keep = LAB_DR.split('\n').filter((l) => !l.includes(`-r ${busy} `)).join('\n');
      const started = Date.now();
      const r = await apply(ctx, rules(keep), { drainTimeoutMs: 150_000, drainPollMs: 1000 });
      assert.equal(r.status, 'applied', r.error);
      assert.deepEqual(r.steps.map((s) => s.op), ['drain-server']);
      assert.deepEqual(r.drainDeletes, [`-d -t ${VIP}:80 -r ${busy}`]);
      const answer = await conn;
      assert.match(answer.stdout, /rs[12]/, `the held connection got its answer: ${answer.stdout} ${answer.stderr}`);
      assert.ok(Date.now() - started > 10_000, 'deleted only after the connection ended');
      await assertLiveEquals(ctx, rules(keep));
    });
  });

  test('foreign services survive an apply; prune removes them; a removed managed service is deleted', async () => {
    await withLabLock(async () => {
      await cleanLab();
      await labRun('director', 'ipvsadm -A -t 10.116.0.250:22 -s rr && ipvsadm -a -t 10.116.0.250:22 -r 10.116.0.11:22 -g -w 1');
      const r = await apply(ctx, rules(LAB_DR));
      assert.equal(r.status, 'applied', r.error);
      assert.deepEqual(r.plan?.foreign.map((f) => [f.service, f.pruned]), [['tcp:10.116.0.250:22', false]]);
      assert.match((await live(ctx)).saveText, /10\.116\.0\.250:22/);
      const pruned = await apply(ctx, rules(LAB_DR), { prune: true, force: true });
      assert.equal(pruned.status, 'applied', pruned.error);
      await assertLiveEquals(ctx, rules(LAB_DR));
      // Persistence of the boot rules file: written once, unchanged the second time.
      const p1 = await apply(ctx, rules(LAB_DR.replace('-s rr', '-s wrr')), { persist: true });
      assert.deepEqual(p1.persisted, { path: '/etc/ipvsadm.rules', status: 'written' });
      const p2 = await apply(ctx, rules(LAB_DR.replace('-s rr', '-s wrr')), { persist: true, sysctls: { expire_nodest_conn: 1 } });
      assert.deepEqual(p2.persisted, { path: '/etc/ipvsadm.rules', status: 'unchanged' });
      assert.equal(await labRun('director', 'cat /etc/ipvsadm.rules'), tableRulesText(rules(LAB_DR.replace('-s rr', '-s wrr'))));
      assert.equal((await labRun('director', 'ipvsadm -C; ipvsadm -R < /etc/ipvsadm.rules && ipvsadm -S -n')), renderRules(rules(LAB_DR.replace('-s rr', '-s wrr'))));
    });
  });

  test('the kernel before the batch: twos (Linux 6.2+) refused at plan time, naming the lab kernel; apply sends nothing', async () => {
    await withLabLock(async () => {
      await cleanLab();
      const release = (await labRun('director', 'uname -r')).trim();
      const dir = mkdtempSync(join(tmpdir(), 'lvs-twos-'));
      const file = join(dir, 'twos.yaml');
      writeFileSync(file, readFileSync(ctx.lab.lvsYaml, 'utf8').replace('scheduler: rr', 'scheduler: twos'));
      const trust = join(dir, 'known_hosts');
      const p = bufferIo();
      assert.equal(await main(['plan', file, '--trust-store', trust], p.io), 4, p.out() + p.err());
      assert.match(p.out(), new RegExp(`scheduler twos needs the kernel module ip_vs_twos, which the director's kernel ${release.replace(/\./g, '\\.')} does not have \\(added in Linux 6\\.2\\)`));
      const a = bufferIo();
      assert.equal(await main(['apply', file, '--yes', '--trust-store', trust], a.io), 4, a.out() + a.err());
      assert.match(a.err(), /kernel cannot hold the file's table/);
      assert.equal(await labRun('director', 'ipvsadm -S -n'), '');
      // applyDirector itself refuses too (a caller without the preview).
      const r = await apply(ctx, desiredTable(validateClusterFile(readFileSync(file, 'utf8')).model, CLUSTER));
      assert.equal(r.status, 'not-applied');
      assert.match(r.error ?? '', new RegExp(`ip_vs_twos.*${release.replace(/\./g, '\\.')}`));
    });
  });

  test('property against the real kernel: random desired/live pairs applied with ipvsadm -R', async () => {
    await withLabLock(async () => {
      await cleanLab();
      const rs = (n: number): string => `10.116.0.${10 + n}`;
      const serviceText = fc.record({
        port: fc.integer({ min: 1, max: 6 }),
        sched: fc.constantFrom('rr', 'wlc', 'sh'),
        persist: fc.boolean(),
        servers: fc.uniqueArray(fc.record({ n: fc.integer({ min: 1, max: 4 }), w: fc.integer({ min: 0, max: 4 }), m: fc.constantFrom('-g', '-m', '-i') }), { maxLength: 3, selector: (x) => x.n }),
      }).map((s) => [`-A -t ${VIP}:${s.port} -s ${s.sched}${s.persist ? ' -p 60' : ''}`,
        ...s.servers.map((x) => `-a -t ${VIP}:${s.port} -r ${rs(x.n)}:${s.port} ${x.m} -w ${x.w}`)]);
      const tableText = fc.uniqueArray(serviceText, { maxLength: 4, selector: (l) => l[0].split(' ')[2] }).map((ss) => `${ss.flat().join('\n')}\n`);
      const pairs = fc.sample(fc.tuple(tableText, tableText), { numRuns: 4, seed: 20251126 });
      for (const [desiredText, liveText] of pairs) {
        const liveTable = rules(liveText === '\n' ? '' : liveText);
        const desired = rules(desiredText === '\n' ? '' : desiredText);
        await labRun('director', `ipvsadm -C && ipvsadm -R && rm -f /var/lib/vscode-lvs/ipvs/${CLUSTER}.services`, { input: tableRulesText(liveTable) });
        const all = new Set(liveTable.services.map((s) => `tcp:${s.key.kind === 'addr' ? `${s.key.address}:${s.key.port}` : ''}`));
        const r = await apply(ctx, desired, { force: true, prune: true });
        assert.ok(r.status === 'applied' || r.status === 'unchanged', `${r.status} ${r.error ?? ''}\nlive:\n${liveText}\ndesired:\n${desiredText}`);
        await assertLiveEquals(ctx, desired);
        const s = await live(ctx);
        assert.deepEqual(planTable(desired, { table: s.table, counters: s.counters }, { managed: all }).steps, []);
      }
    });
  });
});
