/**
 * `lvsctl status` against the lab's real keepalived (lab-ha of lab/out/lvs-ha.yaml, applied with lvsctl):
 * after the apply director is MASTER holding the VIP and director2 BACKUP, rs1 and rs2 up on both; rs1's web
 * server stopped → rs1 DOWN (HTTP_GET / failed, out of the table) on both; director's link down → director2
 * MASTER, director FAULT; lvsctl failover --to director2 → roles swapped, curls answered, --release → director
 * MASTER again; keepalived stopped on director2 → exit 1 with an error naming director2 and the
 * command. Every wait is a bounded count of status reads.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { labRun, labSkipReason, resetLab, withLabLock, LAB_ADDR } from '../support/lab';
import { labCliSuite, lvsctl } from '../support/labCli';

const skip = labSkipReason();
const VIP = '10.116.0.201';

interface StatusJson {
  clusters: {
    engine: string;
    cluster: string;
    masters: string[];
    directors: { host: string; role?: string; heldVips: string[]; error?: string; masterRouter?: string }[];
    services: { label: string; realServers: { name: string; verdicts: { director: string; verdict: string; inTable: boolean; detail?: string }[] }[] }[];
  }[];
}

describe('lvsctl status on the lab (lab-ha, keepalived)', { skip }, () => {
  const cli = labCliSuite('keepalived-status');
  const haFile = (): string => join(dirname(cli.lab.lvsYaml), 'lvs-ha.yaml');

  async function status(): Promise<{ code: number; json: StatusJson; stderr: string }> {
    const r = await lvsctl(['status', haFile(), '--json', ...cli.trustArgs()]);
    return { code: r.code, json: JSON.parse(r.stdout) as StatusJson, stderr: r.stderr };
  }

  /** Reads the status until `ok` holds (at most `polls` reads, 0.5 s apart); the last one otherwise fails. */
  async function until(what: string, ok: (s: StatusJson) => boolean, polls = 30): Promise<StatusJson> {
    let last: StatusJson | undefined;
    for (let i = 0; i < polls; i++) {
      last = (await status()).json;
      if (ok(last)) return last;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.fail(`${what}: not reached after ${polls} reads; last: ${JSON.stringify(last, null, 1)}`);
  }

  const roles = (s: StatusJson): string => s.clusters[0].directors.map((d) => `${d.host}=${d.role ?? 'none'}`).join(' ');
  const verdicts = (s: StatusJson, server: string): string[] =>
    s.clusters[0].services[0].realServers.find((r) => r.name === server)?.verdicts.map((v) => `${v.director}:${v.verdict}:${v.inTable ? 'in' : 'out'}`) ?? [];

  test('roles and verdicts after apply, a stopped web server, a failover, keepalived stopped', async (t) => {
    await withLabLock(async () => {
      await resetLab();
      const file = haFile();
      const prep = await lvsctl(['prepare', file, '--no-persist', ...cli.trustArgs()]);
      assert.equal(prep.code, 0, `${prep.stdout}\n${prep.stderr}`);
      const apply = await lvsctl(['apply', file, '--yes', ...cli.trustArgs()]);
      assert.equal(apply.code, 0, `${apply.stdout}\n${apply.stderr}`);

      await t.test('after apply: director MASTER with the VIP, director2 BACKUP hearing it, rs1 and rs2 up everywhere', async () => {
        const s = await until('director MASTER, director2 BACKUP', (j) => roles(j) === 'director=MASTER director2=BACKUP');
        const c = s.clusters[0];
        assert.equal(c.engine, 'keepalived');
        assert.deepEqual(c.masters, ['director']);
        assert.deepEqual(c.directors[0].heldVips, [VIP]);
        assert.deepEqual(c.directors[1].heldVips, []);
        assert.equal(c.directors[1].masterRouter, LAB_ADDR.director);
        for (const rs of ['rs1', 'rs2']) assert.deepEqual(verdicts(s, rs), ['director:up:in', 'director2:up:in'], rs);
        const text = await lvsctl(['status', file, ...cli.trustArgs()]);
        assert.equal(text.code, 0, text.stderr);
        assert.match(text.stdout, /^ {2}director {3}MASTER {2}priority 150 {2}holds 10\.116\.0\.201/m);
        assert.match(text.stdout, /^ {2}director2 {2}BACKUP {2}priority 140 {2}master 10\.116\.0\.10/m);
        assert.match(text.stdout, /rs1 {2}10\.116\.0\.11:80 {2}director: UP, in the table · director2: UP, in the table/);
      });

      await t.test('rs1\'s web server stopped: rs1 DOWN with the failed check on both directors; started: UP again', async () => {
        const pid = /pid=(\d+)/.exec(await labRun('rs1', 'ss -Hltnp "sport = :80"'))?.[1];
        assert.ok(pid, 'rs1 runs a web server');
        await labRun('rs1', `kill ${pid}`);
        const s = await until('rs1 down on both', (j) => verdicts(j, 'rs1').join(' ') === 'director:down:out director2:down:out');
        const rs1 = s.clusters[0].services[0].realServers.find((r) => r.name === 'rs1');
        for (const v of rs1?.verdicts ?? []) assert.equal(v.detail, 'HTTP_GET / failed');
        assert.deepEqual(verdicts(s, 'rs2'), ['director:up:in', 'director2:up:in']);
        const text = await lvsctl(['status', file, ...cli.trustArgs()]);
        assert.match(text.stdout, /rs1 {2}10\.116\.0\.11:80 {2}director: DOWN \(HTTP_GET \/ failed\), out of the table/);
        await labRun('rs1', 'busybox httpd -p 80 -h /var/www/html');
        await until('rs1 up again', (j) => verdicts(j, 'rs1').join(' ') === 'director:up:in director2:up:in');
      });

      await t.test('director\'s link down: director2 MASTER with the VIP, director FAULT; link up: director MASTER again', async () => {
        try {
          await labRun('director', 'ip link set eth0 down');
          const s = await until('director2 MASTER', (j) => roles(j) === 'director=FAULT director2=MASTER');
          assert.deepEqual(s.clusters[0].masters, ['director2']);
          assert.deepEqual(s.clusters[0].directors[1].heldVips, [VIP]);
          assert.deepEqual(s.clusters[0].directors[0].heldVips, []);
        } finally {
          await labRun('director', `ip link set eth0 up && ip route replace default via ${LAB_ADDR.routerLan}`);
        }
        await until('director MASTER again (preempt)', (j) => roles(j) === 'director=MASTER director2=BACKUP');
      });

      await t.test('lvsctl failover --to director2: roles swap, the client is still answered; --release: director MASTER again', async () => {
        const curls = async (): Promise<string[]> => (await labRun('client', `for i in $(seq 10); do curl -s -m 3 http://${VIP}/ >/dev/null && echo OK || echo FAIL; done`)).trim().split('\n');
        const to = await lvsctl(['failover', file, '--to', 'director2', '--yes', ...cli.trustArgs()]);
        assert.equal(to.code, 0, `${to.stdout}\n${to.stderr}`);
        assert.match(to.stdout, /^director2 becomes MASTER of VIP 10\.116\.0\.201 of cluster lab-ha \(priority 140 \+ 11\); director gives it up\.$/m);
        assert.match(to.stdout, /^director2 is MASTER of cluster lab-ha and holds 10\.116\.0\.201\.$/m);
        const s = (await status()).json;
        assert.equal(roles(s), 'director=BACKUP director2=MASTER');
        assert.deepEqual(s.clusters[0].directors[1].heldVips, [VIP]);
        assert.deepEqual(s.clusters[0].directors[0].heldVips, []);
        assert.equal(await labRun('director2', 'cat /etc/keepalived/lvsctl-failover.lab-ha'), '11\n');
        assert.deepEqual(await curls(), Array(10).fill('OK'));
        const back = await lvsctl(['failover', file, '--release', '--yes', ...cli.trustArgs()]);
        assert.equal(back.code, 0, `${back.stdout}\n${back.stderr}`);
        assert.match(back.stdout, /^director is MASTER of cluster lab-ha and holds 10\.116\.0\.201\.$/m);
        assert.equal(roles((await status()).json), 'director=MASTER director2=BACKUP');
        assert.deepEqual(await curls(), Array(10).fill('OK'));
      });

      await t.test('a file with an ipvsadm cluster too: every cluster, each by its engine', async () => {
        const both = join(cli.dir, 'lvs-both.yaml');
        const web = '  - name: lab-web\n    directors: [{ host: director, interface: eth0 }]\n    services:\n' +
          `      - { protocol: tcp, vip: ${LAB_ADDR.vip}, port: 80, scheduler: rr, realServers: [{ host: rs1, port: 80 }] }\n`;
        writeFileSync(both, `${readFileSync(file, 'utf8')}${web}`);
        const r = await lvsctl(['status', both, '--json', ...cli.trustArgs()]);
        assert.equal(r.code, 0, r.stderr);
        const j = JSON.parse(r.stdout) as { clusters: { engine: string; cluster: string; reachable?: number; drift?: boolean; masters?: string[] }[] };
        assert.deepEqual(j.clusters.map((c) => [c.cluster, c.engine]), [['lab-ha', 'keepalived'], ['lab-web', 'ipvsadm']]);
        assert.deepEqual(j.clusters[0].masters, ['director']);
        assert.equal(j.clusters[1].reachable, 1);
        assert.equal(j.clusters[1].drift, true, 'lab-web is not applied: its service is missing');
        const text = await lvsctl(['status', both, '--cluster', 'lab-web', ...cli.trustArgs()]);
        assert.match(text.stdout, /^cluster lab-web \(engine ipvsadm\)\n {2}director {2}reachable, \d+ changes? to apply/);
        assert.match(text.stdout, /tcp 10\.116\.0\.200:80: on 0\/1 reachable directors; director: missing/);
      });

      await t.test('keepalived stopped on director2: exit 1, the error names director2 and the command', async () => {
        await labRun('director2', 'kill $(cat /run/keepalived.pid); for i in $(seq 50); do [ -e /run/keepalived.pid ] || exit 0; sleep 0.1; done');
        const r = await lvsctl(['status', file, ...cli.trustArgs()]);
        assert.equal(r.code, 1, r.stdout);
        assert.match(r.stdout, /director2 {2}UNREADABLE: director2: keepalived is not running \(\/run\/keepalived\.pid names no live process\)/);
        assert.match(r.stdout, /command: sh -c 'kill -s \$\(keepalived --signum=DATA\)/);
        assert.match(r.stdout, /^ {2}director {3}MASTER/m);
      });
    });
  });
});
