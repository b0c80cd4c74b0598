/**
 * The keepalived engine against the real lab: `lab-ha` (lab/out/lvs-ha.yaml: director + director2 as a VRRP
 * pair, HTTP checks on rs1 and rs2) prepared and applied with lvsctl; then real failures:
 *
 *  - apply: exactly one director holds the VIP, the client's requests alternate rs1/rs2, the re-plan is empty;
 *  - health: rs1's web server stopped → keepalived takes rs1 out of both directors' tables within the check's
 *    detection time, every request answers rs2; started again → rs1 is back;
 *  - failover: the master's link goes down while the client sends ~10 requests/s (a bounded count) → the
 *    backup takes the VIP; the failed requests and the gap are counted; link up → the master takes it back;
 *  - connection sync (`syncConnections: true`): one long-lived connection through the VIP keeps echoing
 *    across a failover (the backup's kernel table knows it);
 *  - a reload for a change of another service (rs2's weight of http) keeps an established echo connection;
 *  - a configuration keepalived refuses (an interface director2 does not have) → exit 4, no file changed on
 *    either director, the VIP stays where it is;
 *  - coexistence: `lab-web` (engine ipvsadm, prune: true) applied on the same director keeps keepalived's
 *    service, and keepalived's reload for a changed weight keeps lab-web's.
 *
 * Times are read from the guest's one clock (every lab host is a namespace of one VM) and printed.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { labExec, labRun, labSkipReason, resetLab, withLabLock, LAB_ADDR } from '../support/lab';
import type { LabHost } from '../support/lab';
import { labCliSuite, lvsctl } from '../support/labCli';

const skip = labSkipReason();
const VIP = '10.116.0.201';
const DIRECTORS: LabHost[] = ['director', 'director2'];
/** Detection bound of lab-ha's check (interval 1 + (timeout 1 + retryDelay 1) × (retries 1 + 1)), plus 1 s of lab latency. */
const DETECTION_BOUND_S = 1 + (1 + 1) * 2 + 1;

/** Directors holding the VIP on eth0 (one exec each). */
async function holders(): Promise<LabHost[]> {
  const out = await Promise.all(DIRECTORS.map(async (d) => ((await labRun(d, 'ip -o addr show dev eth0')).includes(` ${VIP}/32 `) ? d : undefined)));
  return out.filter((d): d is LabHost => d !== undefined);
}

/** Waits (bounded polls) until exactly `want` holds the VIP. */
async function waitHolder(want: LabHost, polls = 40): Promise<void> {
  let last: LabHost[] = [];
  for (let i = 0; i < polls; i++) {
    last = await holders();
    if (last.length === 1 && last[0] === want) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`VIP ${VIP} held by [${last.join(', ')}], want only ${want}`);
}

/** `n` requests from the client, each answered by a host name or FAIL. */
async function curls(n: number): Promise<string[]> {
  const out = await labRun('client', `for i in $(seq ${n}); do curl -s --connect-timeout 1 -m 2 http://${VIP}/ || echo FAIL; done`);
  return out.trim().split('\n');
}

/** The web server's pid on a real server (busybox httpd, started by the lab's host-init). */
async function httpdPid(host: LabHost): Promise<number> {
  const out = await labRun(host, 'ss -Hltnp "sport = :80"');
  const m = /pid=(\d+)/.exec(out);
  assert.ok(m, `${host}: no web server listening: ${out}`);
  return Number(m[1]);
}

/**
 * Runs `action` on `actor` (after `date +%s.%N`), while `director` polls its IPVS table every 0.1 s (at most
 * 200 times) until rs1 is `state`; returns the seconds between the action and the change.
 */
async function timeUntil(director: LabHost, state: 'gone' | 'back', actor: LabHost, action: string): Promise<number> {
  const test = state === 'gone' ? '!' : '';
  const poll = labRun(director, `for i in $(seq 200); do if ${test} ipvsadm -Ln -t ${VIP}:80 | grep -q '${LAB_ADDR.rs1}:80'; then date +%s.%N; exit 0; fi; sleep 0.1; done; echo timeout; exit 1`);
  await new Promise((r) => setTimeout(r, 300));
  const t0 = Number((await labRun(actor, `date +%s.%N; ${action}`)).trim().split('\n')[0]);
  const t1 = Number((await poll).trim());
  return t1 - t0;
}

describe('keepalived engine on the lab (lab-ha)', { skip }, () => {
  const cli = labCliSuite('keepalived-ha');
  const haFile = (): string => join(dirname(cli.lab.lvsYaml), 'lvs-ha.yaml');

  test('apply, health checks, failover, connection sync, refused configuration, coexistence', async (t) => {
    await withLabLock(async () => {
      await resetLab();
      const file = haFile();

      await t.test('prepare + apply: one VIP holder, rs1/rs2 alternate, re-plan empty', async () => {
        const prep = await lvsctl(['prepare', file, '--no-persist', ...cli.trustArgs()]);
        assert.equal(prep.code, 0, `${prep.stdout}\n${prep.stderr}`);
        for (const d of DIRECTORS) assert.ok(!(await labRun(d, 'ip -o addr')).includes(VIP), `prepare added the VIP on ${d}: it is keepalived's`);
        const apply = await lvsctl(['apply', file, '--yes', ...cli.trustArgs()]);
        assert.equal(apply.code, 0, `${apply.stdout}\n${apply.stderr}`);
        assert.match(apply.stdout, /VIPs held by director\n/);
        await waitHolder('director');
        const answers = await curls(6);
        assert.deepEqual(new Set(answers), new Set(['rs1', 'rs2']), answers.join(' '));
        for (let i = 1; i < answers.length; i++) assert.notEqual(answers[i], answers[i - 1], `rr alternates: ${answers.join(' ')}`);
        const plan = await lvsctl(['plan', file, '--detailed-exitcode', ...cli.trustArgs()]);
        assert.equal(plan.code, 0, plan.stdout);
        assert.match(plan.stdout, /= \/etc\/keepalived\/keepalived.conf matches the file/);
      });

      await t.test('health: rs1 stopped leaves both tables in time, every request answers rs2; started, it is back', async () => {
        const pid = await httpdPid('rs1');
        const gone = await timeUntil('director', 'gone', 'rs1', `kill ${pid}`);
        process.stdout.write(`# keepalived: rs1 out of the table ${gone.toFixed(2)} s after its web server stopped (bound ${DETECTION_BOUND_S} s)\n`);
        assert.ok(gone <= DETECTION_BOUND_S, `rs1 left after ${gone} s`);
        assert.ok(!(await labRun('director2', `ipvsadm -Ln -t ${VIP}:80`)).includes(`${LAB_ADDR.rs1}:80`), 'the backup\'s checker took rs1 out too');
        assert.deepEqual(new Set(await curls(6)), new Set(['rs2']));
        const back = await timeUntil('director', 'back', 'rs1', 'busybox httpd -p 80 -h /var/www/html');
        process.stdout.write(`# keepalived: rs1 back in the table ${back.toFixed(2)} s after its web server started\n`);
        assert.ok(back <= DETECTION_BOUND_S, `rs1 came back after ${back} s`);
        assert.deepEqual(new Set(await curls(4)), new Set(['rs1', 'rs2']));
      });

      await t.test('failover: master link down under load → director2 takes the VIP; link up → director takes it back', async () => {
        // 150 requests at 10/s from one curl process (each stamped with its code and duration), the master's
        // link down after ~3 s.
        const load = labRun('client', `curl -s -o /dev/null --rate 10/s --connect-timeout 0.3 -m 0.5 -w '%{http_code} %{time_total}\\n' 'http://${VIP}/?[1-150]'`, { timeoutMs: 180_000 });
        await new Promise((r) => setTimeout(r, 3000));
        let output: string;
        try {
          await labRun('director', 'ip link set eth0 down');
          await waitHolder('director2');
          output = await load;
        } finally {
          await labRun('director', `ip link set eth0 up && ip route replace default via ${LAB_ADDR.routerLan}`);
        }
        const results = output.trim().split('\n').map((l) => l.split(' ')).map(([code, seconds]) => ({ ok: code === '200', seconds: Number(seconds) }));
        // Start of each request: the previous one's start plus its duration, at least the 0.1 s of --rate.
        const starts: number[] = [];
        results.forEach((_, i) => starts.push(i === 0 ? 0 : starts[i - 1] + Math.max(0.1, results[i - 1].seconds)));
        const failed = results.filter((r) => !r.ok).length;
        const firstFail = results.findIndex((r) => !r.ok);
        const lastFail = results.length - 1 - [...results].reverse().findIndex((r) => !r.ok);
        const gap = firstFail < 0 ? 0 : lastFail + 1 < results.length
          ? starts[lastFail + 1] - (firstFail > 0 ? starts[firstFail - 1] + results[firstFail - 1].seconds : 0) : Number.NaN;
        process.stdout.write(`# keepalived failover (link down): ${failed} of ${results.length} requests failed, gap ${gap.toFixed(2)} s (floor: 3 × advert 1 s + skew 0.45 s)\n`);
        assert.equal(results.length, 150);
        assert.ok(failed > 0, 'the link went down under load: some requests fail');
        assert.ok(Number.isFinite(gap) && lastFail < results.length - 10, 'the last requests are answered, through director2');
        await waitHolder('director');
      });

      await t.test('connection sync: an established connection survives the failover', async () => {
        const sync = join(cli.dir, 'lvs-ha-sync.yaml');
        const echo = '      - name: echo\n        protocol: tcp\n        vip: 10.116.0.201\n        port: 7\n        scheduler: rr\n' +
          '        realServers: [{ host: rs1 }, { host: rs2 }]\n';
        writeFileSync(sync, `${readFileSync(file, 'utf8').replace('      advertInterval: 1\n', '      advertInterval: 1\n      syncConnections: true\n')}${echo}`);
        await Promise.all((['rs1', 'rs2'] as const).map((h) => labRun(h, 'nohup socat TCP-LISTEN:7,fork,reuseaddr EXEC:cat </dev/null >/dev/null 2>&1 &')));
        const apply = await lvsctl(['apply', sync, '--yes', ...cli.trustArgs()]);
        assert.equal(apply.code, 0, `${apply.stdout}\n${apply.stderr}`);
        await waitHolder('director');
        // 80 lines, one every 0.2 s, over ONE connection; the master's link goes down once the backup's kernel
        // has the connection from the sync daemon (the master flushes its sync buffer every 2 s).
        const conn = labExec('client', `(for i in $(seq 80); do echo $i; sleep 0.2; done) | socat -t 5 - TCP:${VIP}:7`, { timeoutMs: 120_000 });
        const entry = new RegExp(`ESTABLISHED\\s+\\S+\\s+${VIP.replace(/\./g, '\\.')}:7\\s`);
        const synced = await labExec('director2', `for i in $(seq 40); do ipvsadm -Lnc | grep -Eq '${entry.source}' && exit 0; sleep 0.25; done; exit 1`);
        assert.equal(synced.code, 0, 'director2\'s kernel learnt the connection from the sync daemon');
        let echoed: { stdout: string; code: number | null };
        try {
          await labRun('director', 'ip link set eth0 down');
          await waitHolder('director2');
          echoed = await conn;
        } finally {
          await labRun('director', `ip link set eth0 up && ip route replace default via ${LAB_ADDR.routerLan}`);
        }
        const lines = echoed.stdout.trim().split('\n');
        process.stdout.write(`# keepalived sync: ${lines.length} of 80 lines echoed over one connection across the failover (exit ${echoed.code})\n`);
        assert.equal(echoed.code, 0);
        assert.deepEqual(lines, Array.from({ length: 80 }, (_, i) => String(i + 1)));
        await waitHolder('director');
      });

      await t.test('a reload for a change of another service drops no established connection', async () => {
        // The file of the sync subtest (echo on VIP:7) with rs2's weight of the http service changed.
        const sync = join(cli.dir, 'lvs-ha-sync.yaml');
        const reload = join(cli.dir, 'lvs-ha-reload.yaml');
        const rs2 = '{ host: rs2, port: 80, method: dr, weight: 1 }';
        const text = readFileSync(sync, 'utf8');
        assert.ok(text.includes(rs2));
        writeFileSync(reload, text.replace(rs2, '{ host: rs2, port: 80, method: dr, weight: 3 }'));
        await waitHolder('director');
        const conn = labExec('client', `(for i in $(seq 40); do echo $i; sleep 0.2; done) | socat -t 5 - TCP:${VIP}:7`, { timeoutMs: 60_000 });
        const entry = `ESTABLISHED +[^ ]+ +${VIP.replace(/\./g, '\\.')}:7 `;
        const open = await labExec('director', `for i in $(seq 40); do ipvsadm -Lnc | grep -Eq '${entry}' && exit 0; sleep 0.2; done; exit 1`);
        assert.equal(open.code, 0, 'the echo connection is established through director');
        const apply = await lvsctl(['apply', reload, '--yes', ...cli.trustArgs()]);
        assert.equal(apply.code, 0, `${apply.stdout}\n${apply.stderr}`);
        assert.match(apply.stdout, /director: applied \(keepalived reloaded\)/, apply.stdout);
        const echoed = await conn;
        const lines = echoed.stdout.trim().split('\n');
        process.stdout.write(`# keepalived reload for another service: ${lines.length} of 40 lines echoed over one connection (exit ${echoed.code})\n`);
        assert.equal(echoed.code, 0);
        assert.deepEqual(lines, Array.from({ length: 40 }, (_, i) => String(i + 1)));
        assert.match(await labRun('director', 'ipvsadm -S -n'), new RegExp(`-a -t ${VIP.replace(/\./g, '\\.')}:80 -r ${LAB_ADDR.rs2.replace(/\./g, '\\.')}:80 -g -w 3`), 'the reload changed the other service');
      });

      await t.test('a configuration keepalived refuses changes nothing and the VIP stays', async () => {
        const bad = join(cli.dir, 'lvs-ha-bad.yaml');
        const text = readFileSync(file, 'utf8');
        const two = '      - host: director2\n        interface: eth0\n';
        assert.ok(text.includes(two));
        // director2 on an interface it does not have: its configuration differs, and its keepalived -t refuses it.
        writeFileSync(bad, text.replace(two, '      - host: director2\n        interface: eth7\n'));
        const before = await Promise.all(DIRECTORS.map((d) => labRun(d, 'sha256sum /etc/keepalived/keepalived.conf')));
        const r = await lvsctl(['apply', bad, '--yes', ...cli.trustArgs()]);
        assert.equal(r.code, 4, `${r.stdout}\n${r.stderr}`);
        assert.match(r.stdout, /director2: NOT applied \(nothing changed\): keepalived -t refused the new configuration \(exit \d+/);
        assert.match(r.stdout, /eth7/);
        const after = await Promise.all(DIRECTORS.map((d) => labRun(d, 'sha256sum /etc/keepalived/keepalived.conf; ls /etc/keepalived')));
        DIRECTORS.forEach((d, i) => {
          assert.ok(after[i].startsWith(before[i]), `${d}: keepalived.conf changed`);
          assert.ok(!after[i].includes('lvsctl-new'), `${d}: the refused file was left behind`);
        });
        assert.deepEqual(await holders(), ['director']);
        const stillPid = await labExec('director', 'kill -0 $(cat /run/keepalived.pid)');
        assert.equal(stillPid.code, 0, 'keepalived still runs on director');
      });

      await t.test('coexistence: lab-web (ipvsadm, prune) and lab-ha (keepalived) on director leave each other\'s services alone', async () => {
        const both = join(cli.dir, 'lvs-both.yaml');
        const web = '  - name: lab-web\n    prune: true\n    directors: [{ host: director, interface: eth0 }]\n    services:\n' +
          `      - { protocol: tcp, vip: ${LAB_ADDR.vip}, port: 80, scheduler: rr, realServers: [{ host: rs1, port: 80 }] }\n`;
        writeFileSync(both, `${readFileSync(file, 'utf8')}${web}`);
        const webApply = await lvsctl(['apply', both, '--cluster', 'lab-web', '--yes', '--force', ...cli.trustArgs()]);
        assert.equal(webApply.code, 0, `${webApply.stdout}\n${webApply.stderr}`);
        assert.ok(!webApply.stdout.includes(`${VIP}:80`), `the ipvsadm plan mentions keepalived's service:\n${webApply.stdout}`);
        const table = await labRun('director', 'ipvsadm -S -n');
        assert.match(table, new RegExp(`-A -t ${VIP.replace(/\./g, '\\.')}:80 -s rr`));
        assert.match(table, new RegExp(`-A -t ${LAB_ADDR.vip.replace(/\./g, '\\.')}:80 -s rr`));
        writeFileSync(both, readFileSync(both, 'utf8').replace('{ host: rs2, port: 80, method: dr, weight: 1 }', '{ host: rs2, port: 80, method: dr, weight: 2 }'));
        const haApply = await lvsctl(['apply', both, '--cluster', 'lab-ha', '--yes', ...cli.trustArgs()]);
        assert.equal(haApply.code, 0, `${haApply.stdout}\n${haApply.stderr}`);
        const after = await labRun('director', 'ipvsadm -S -n');
        assert.match(after, new RegExp(`-a -t ${VIP.replace(/\./g, '\\.')}:80 -r ${LAB_ADDR.rs2.replace(/\./g, '\\.')}:80 -g -w 2`), after);
        assert.match(after, new RegExp(`-A -t ${LAB_ADDR.vip.replace(/\./g, '\\.')}:80 -s rr`), 'keepalived\'s reload kept lab-web\'s service');
      });
    });
  });
});
