/**
 * Active/active directors against the real lab: `lab-ecmp` (lab/out/lvs-ecmp.yaml: director + director2, VIP
 * 10.116.0.202:80, mh with mh-port, rs1/rs2 DR) prepared and applied with lvsctl; the router's BIRD (lab
 * infrastructure, AS 65000, `merge paths on`) learns the VIP from both directors' BIRD (the product's rendered
 * bird.conf) and installs it as one route with two next hops; the client's connections (many source ports)
 * reach both directors and both real servers; the second apply has nothing to do. Then director2's link goes
 * down: the router drops its next hop within the hold time, and each fixed source port reaches the same real
 * server through director alone as through either director; link up, the next hop comes back.
 */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { labRun, labSkipReason, resetLab, withLabLock, LAB_ADDR } from '../support/lab';
import type { LabHost } from '../support/lab';
import { labCliSuite, lvsctl } from '../support/labCli';

const skip = labSkipReason();
const VIP = '10.116.0.202';
const DIRECTORS: LabHost[] = ['director', 'director2'];

/** Connections the director's IPVS service for the VIP has scheduled (`ipvsadm -Ln --stats`, Conns column). */
async function connections(director: LabHost): Promise<number> {
  const out = await labRun(director, `ipvsadm -Ln --stats -t ${VIP}:80`);
  const m = new RegExp(`^TCP\\s+${VIP.replace(/\./g, '\\.')}:80\\s+(\\d+)`, 'm').exec(out);
  assert.ok(m, `${director}: no service ${VIP}:80 in\n${out}`);
  return Number(m[1]);
}

describe('active/active directors behind ECMP on the lab (lab-ecmp)', { skip }, () => {
  const cli = labCliSuite('bird-ecmp');

  test('apply: two next hops on the router, both directors and both real servers serve, re-apply empty', async () => {
    await withLabLock(async () => {
      await resetLab();
      const file = join(dirname(cli.lab.lvsYaml), 'lvs-ecmp.yaml');
      const prep = await lvsctl(['prepare', file, '--no-persist', ...cli.trustArgs()]);
      assert.equal(prep.code, 0, `${prep.stdout}\n${prep.stderr}`);
      for (const d of DIRECTORS) assert.match(await labRun(d, 'ip -o addr show dev lo'), new RegExp(` ${VIP.replace(/\./g, '\\.')}/32 `), `${d}: VIP on lo`);

      // Debian's packaged bird.conf is not lvsctl's: without --take-over nothing is touched.
      const refused = await lvsctl(['apply', file, '--yes', ...cli.trustArgs()]);
      assert.equal(refused.code, 4, `${refused.stdout}\n${refused.stderr}`);
      assert.match(refused.stdout, /director: bird\.conf NOT applied \(nothing changed\): bird\.conf is not written by lvsctl; not replaced without --take-over/);
      for (const d of DIRECTORS) assert.doesNotMatch(await labRun(d, 'head -3 /etc/bird/bird.conf'), /lvsctl-managed/);

      const apply = await lvsctl(['apply', file, '--yes', '--take-over', ...cli.trustArgs()]);
      assert.equal(apply.code, 0, `${apply.stdout}\n${apply.stderr}`);
      for (const d of DIRECTORS) assert.match(apply.stdout, new RegExp(`^${d}: bird\\.conf applied \\(BIRD started\\); every session Established`, 'm'));

      // The router: one route, a next hop per director (BGP's routes merged by the kernel protocol).
      let route = '';
      for (let i = 0; i < 40; i++) {
        route = await labRun('router', `ip route show ${VIP}`);
        if ((route.match(/nexthop via/g) ?? []).length === 2) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.match(route, /nexthop via 10\.116\.0\.10 dev eth0/, route);
      assert.match(route, new RegExp(`nexthop via ${LAB_ADDR.director2.replace(/\./g, '\\.')} dev eth0`), route);
      assert.match(await labRun('router', 'birdc -s /run/bird/bird.ctl show protocols'), /director2\s+BGP\s+---\s+up\s+\S+\s+Established/);

      // 40 connections from the client, each from its own source port: ECMP (L4 hash) spreads them over the
      // directors, mh with mh-port over the real servers.
      const before = await Promise.all(DIRECTORS.map(connections));
      const answers = (await labRun('client', `for i in $(seq 40); do curl -s --connect-timeout 2 -m 3 http://${VIP}/ || echo FAIL; done`)).trim().split('\n');
      // IPVS folds its per-CPU counters into what ipvsadm shows every 2 s (the estimator): poll (bounded) until
      // they account for the 40 connections.
      let grew: number[] = [];
      for (let i = 0; i < 20; i++) {
        const after = await Promise.all(DIRECTORS.map(connections));
        grew = after.map((n, j) => n - before[j]);
        if (grew[0] + grew[1] >= 40) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      process.stdout.write(`# ecmp: 40 connections → director ${grew[0]}, director2 ${grew[1]}; answers rs1 ${answers.filter((a) => a === 'rs1').length}, rs2 ${answers.filter((a) => a === 'rs2').length}\n`);
      assert.ok(!answers.includes('FAIL'), answers.join(' '));
      assert.deepEqual(new Set(answers), new Set(['rs1', 'rs2']), answers.join(' '));
      assert.ok(grew[0] > 0 && grew[1] > 0, `both directors' counters grow: ${grew.join(', ')}`);
      assert.equal(grew[0] + grew[1], 40);

      const again = await lvsctl(['apply', file, '--yes', ...cli.trustArgs()]);
      assert.equal(again.code, 0, again.stdout);
      assert.match(again.stdout, /Nothing to do: every director matches the file\./);
      assert.match(again.stdout, /director2: bird\.conf unchanged/);

      // plan: nothing to do on either side (IPVS and bird.conf).
      const plan = await lvsctl(['plan', file, '--detailed-exitcode', ...cli.trustArgs()]);
      assert.equal(plan.code, 0, `${plan.stdout}\n${plan.stderr}`);
      for (const d of DIRECTORS) assert.match(plan.stdout, new RegExp(`^${d}: \\(BIRD\\)\n {2}= /etc/bird/bird\\.conf matches the file$`, 'm'), plan.stdout);

      // status: both directors announce the VIP over an Established session.
      const status = await lvsctl(['status', file, ...cli.trustArgs()]);
      assert.equal(status.code, 0, `${status.stdout}\n${status.stderr}`);
      assert.match(status.stdout, /^ {2}active-active · 2 of 2 announcing$/m, status.stdout);
      for (const d of DIRECTORS) assert.match(status.stdout, new RegExp(`^ {4}${d} +announcing 10\\.116\\.0\\.202 · BGP Established$`, 'm'), status.stdout);

      // Withdrawal and consistency: director2's link down → the router drops its next hop after the hold
      // time (6 s); every request after that succeeds, and each fixed source port reaches the same real
      // server through director alone as it did through either director (mh with the same table everywhere).
      const PORTS = Array.from({ length: 12 }, (_, i) => 41000 + i);
      const byPort = async (): Promise<string[]> => (await labRun('client',
        `for p in ${PORTS.join(' ')}; do curl -s --local-port $p --connect-timeout 2 -m 3 http://${VIP}/ || echo FAIL; done`)).trim().split('\n');
      const throughBoth = await byPort();
      assert.ok(!throughBoth.includes('FAIL'), throughBoth.join(' '));
      let alone: string[] = [];
      let withdrawnAfter = -1;
      try {
        // The router polls (every 0.1 s, at most 200 times) from before the link goes down; both times come
        // from the guest's one clock (every lab host is a namespace of one VM).
        const poll = labRun('router', `for i in $(seq 200); do [ $(ip route show ${VIP} | grep -c nexthop) -eq 0 ] && { date +%s.%N; exit 0; }; sleep 0.1; done; echo timeout; exit 1`);
        await new Promise((r) => setTimeout(r, 300));
        const t0 = Number((await labRun('director2', 'date +%s.%N; ip link set eth0 down')).trim().split('\n')[0]);
        withdrawnAfter = Number((await poll).trim()) - t0;
        assert.match(await labRun('router', `ip route show ${VIP}`), /^10\.116\.0\.202 via 10\.116\.0\.10 dev eth0/);
        alone = await byPort();
        // status: director2's session is down and its VIP withdrawn (read over SSH, which does not use eth0).
        const down = await lvsctl(['status', file, '--json', ...cli.trustArgs()]);
        const json = JSON.parse(down.stdout) as { clusters: { announce?: { announcingDirectors: number; directors: { host: string; withdrawn: string[]; sessions: { bgpState?: string }[] }[] } }[] };
        const announce = json.clusters[0].announce;
        assert.ok(announce, down.stdout);
        assert.equal(announce.announcingDirectors, 1, down.stdout);
        const d2 = announce.directors.find((d) => d.host === 'director2');
        assert.deepEqual(d2?.withdrawn, [VIP], down.stdout);
        assert.notEqual(d2?.sessions[0]?.bgpState, 'Established', down.stdout);
        // doctor: director2's session is down (and director's is not).
        const doctor = await lvsctl(['doctor', file, '--no-persist', '--json', ...cli.trustArgs()]);
        assert.equal(doctor.code, 1, doctor.stdout);
        const bgp = (JSON.parse(doctor.stdout) as { findings: { host: string; code: string; title: string }[] }).findings.filter((f) => f.code.startsWith('bgp-') || f.code.startsWith('aa-'));
        assert.deepEqual(bgp.map((f) => [f.host, f.code]), [['director2', 'bgp-session-down']], doctor.stdout);
        assert.match(bgp[0].title, /^BGP session lvs_peer1 to 10\.116\.0\.1 is (Idle|Active|Connect)/);
      } finally {
        await labRun('director2', `ip link set eth0 up && ip route replace default via ${LAB_ADDR.routerLan}`);
      }
      process.stdout.write(`# ecmp: director2's next hop withdrawn ${withdrawnAfter.toFixed(2)} s after its link went down (hold time 6 s)\n`);
      assert.ok(withdrawnAfter > 0 && withdrawnAfter <= 6 + 2, `withdrawn after ${withdrawnAfter} s`);
      assert.deepEqual(alone, throughBoth, 'the same flow reaches the same real server through either director');
      // Link up: the router's BIRD reconnects (connect retry 2 s) and the second next hop comes back.
      let back = '';
      for (let i = 0; i < 60; i++) {
        back = await labRun('router', `ip route show ${VIP}`);
        if ((back.match(/nexthop via/g) ?? []).length === 2) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.equal((back.match(/nexthop via/g) ?? []).length, 2, back);
    });
  });
});
