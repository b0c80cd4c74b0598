/**
 * How many execs and round trips each operation costs on a director (speed without timing): a recording fake
 * director (the guardian's protocol over an in-memory IPVS table) counts execs (a live read, a guardian) and
 * round trips (requests written together before the client waits count once). The lab tests
 * (test/lab/apply.test.ts, applyGuardian.test.ts) run the same paths against the real guardian.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DirectorLink } from '../../src/core/apply/applyDirector';
import { applyDirector } from '../../src/core/apply/applyDirector';
import type { GuardianSession, GuardianSpec } from '../../src/core/apply/guardian';
import type { LiveState } from '../../src/core/apply/liveState';
import { applyCommands } from '../../src/core/ipvs/ipvsEngine';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import type { IpvsTable } from '../../src/core/ipvs/types';
import { previewDirectors } from '../../src/core/operations/directorPreview';
import { tableRulesText } from '../../src/core/plan/ipvsadmLines';
import type { RemoteCommand } from '../../src/core/ssh/remoteCommand';
import { loaded } from '../support/operationsFixtures';

function table(rules: string): IpvsTable {
  const r = parseRules(rules);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  return r.table;
}

const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, '0');
const FORWARD: Record<string, string> = { nat: 'Masq', dr: 'Route', tun: 'Tunnel' };

/** /proc/net/ip_vs of an IPv4 table, as the kernel prints it. */
function procText(t: IpvsTable): string {
  const ip = (a: string): string => a.split('.').map((x) => hex(Number(x), 2)).join('');
  const lines = ['IP Virtual Server version 1.2.1 (size=4096)', 'Prot LocalAddress:Port Scheduler Flags', '  -> RemoteAddress:Port Forward Weight ActiveConn InActConn'];
  for (const s of t.services) {
    if (s.key.kind !== 'addr') throw new Error('IPv4 address services only');
    lines.push(`${s.key.protocol.toUpperCase()}  ${ip(s.key.address)}:${hex(s.key.port, 4)} ${s.scheduler} `);
    for (const rs of s.realServers) lines.push(`  -> ${ip(rs.address)}:${hex(rs.port, 4)}      ${FORWARD[rs.method]}    ${rs.weight}      0          0         `);
  }
  return `${lines.join('\n')}\n`;
}

/** A director: its table, and every exec and guardian request it saw. */
class FakeDirector {
  execs: string[] = [];
  requests: string[] = [];
  roundTrips = 0;
  managed = new Set<string>();
  private waiting: (() => void)[] = [];
  constructor(public table: IpvsTable, public digest = 'digest-1') {}

  state(): LiveState {
    return { saveText: tableRulesText(this.table), table: structuredClone(this.table), counters: new Map(), sysctls: { expire_nodest_conn: 0 }, managed: new Set(this.managed), digest: this.digest };
  }

  /** A request's reply arrives once the client waits (requests written in the same turn share one trip). */
  private reply<T>(name: string, answer: () => T): Promise<T> {
    this.requests.push(name);
    return new Promise<T>((resolve) => {
      this.waiting.push(() => resolve(answer()));
      if (this.waiting.length === 1) setImmediate(() => { this.roundTrips++; for (const w of this.waiting.splice(0)) w(); });
    });
  }

  link(): DirectorLink {
    return {
      host: 'lb1',
      run: <T>(c: RemoteCommand<T>): Promise<T> => { this.execs.push(c.argv.join(' ').slice(0, 40)); return Promise.reject(new Error('no other exec expected')); },
      lock: () => Promise.reject(new Error('apply takes the lock through its guardian')),
      guard: (spec: GuardianSpec): Promise<GuardianSession> => {
        this.execs.push('guardian');
        const digestMode = spec.argv.includes('digest');
        const session: GuardianSession = {
          first: digestMode ? { digest: this.digest } : { state: this.state() },
          lost: false,
          sysctls: async (forward, back) => {
            await Promise.all([...forward.length ? [this.reply('SYSCTL', () => undefined)] : [], ...back.length ? [this.reply('SYSCTL-BACK', () => undefined)] : []]);
          },
          managedRecord: (text) => this.reply('MANAGED', () => { this.managed = new Set(text.split('\n').filter((l) => l !== '')); }),
          begin: (batch, _rollback, _confirm, readBack = 'full') => this.reply('BEGIN', () => {
            this.table = applyCommands(this.table, parseRules(batch).commands).table;
            this.digest = 'digest-2';
            const reply = { batch: { exitCode: 0, stderr: '' } };
            return readBack === 'proc' ? { ...reply, proc: procText(this.table) } : { ...reply, state: this.state() };
          }),
          commit: () => this.reply('COMMIT', () => undefined),
          rollback: () => this.reply('ROLLBACK', () => ({ exitCode: 0, state: this.state() })),
          run: () => this.reply('RUN', () => ({ exitCode: 0, stderr: '' })),
          read: () => this.reply('READ', () => this.state()),
          close: () => undefined,
        };
        return Promise.resolve(session);
      },
    };
  }
}

const RULES = [
  '-A -t 10.0.0.1:443 -s wrr', '-a -t 10.0.0.1:443 -r 172.16.0.1:8443 -m -w 1', '-a -t 10.0.0.1:443 -r 172.16.0.2:8443 -m -w 1',
  '-A -t 10.0.0.2:443 -s wrr', '-a -t 10.0.0.2:443 -r 172.16.1.1:8443 -m -w 1', '',
].join('\n');
const KEYS = ['tcp:10.0.0.1:443', 'tcp:10.0.0.2:443'];

test('apply of one weight change: one exec (the guardian), two round trips (BEGIN with its read back, COMMIT)', async () => {
  const d = new FakeDirector(table(RULES));
  d.managed = new Set(KEYS);
  const desired = table(RULES.replace('172.16.0.1:8443 -m -w 1', '172.16.0.1:8443 -m -w 7'));
  const r = await applyDirector(d.link(), { cluster: 'c', desired, holder: 't', expected: d.state(), prune: true, force: true });
  assert.equal(r.status, 'applied', r.error);
  assert.deepEqual(d.execs, ['guardian']);
  assert.deepEqual(d.requests, ['BEGIN', 'COMMIT']);
  assert.equal(d.roundTrips, 2);
  assert.equal(tableRulesText(d.table), tableRulesText(desired));
});

test('apply from an empty table with sysctls: the sysctls and the managed record ride with BEGIN (still two round trips)', async () => {
  const d = new FakeDirector({ services: [] });
  const desired = table(RULES);
  const r = await applyDirector(d.link(), { cluster: 'c', desired, sysctls: { expire_nodest_conn: 1 }, holder: 't', expected: d.state(), prune: true });
  assert.equal(r.status, 'applied', r.error);
  assert.deepEqual(d.execs, ['guardian']);
  assert.deepEqual(d.requests, ['SYSCTL', 'SYSCTL-BACK', 'MANAGED', 'BEGIN', 'COMMIT']);
  assert.equal(d.roundTrips, 2);
  assert.deepEqual([...d.managed].sort(), KEYS);
});

test('apply with nothing to change: the guardian only (lock and digest), no request', async () => {
  const d = new FakeDirector(table(RULES));
  d.managed = new Set(KEYS);
  const r = await applyDirector(d.link(), { cluster: 'c', desired: table(RULES), holder: 't', expected: d.state(), prune: true });
  assert.equal(r.status, 'unchanged', r.error);
  assert.deepEqual(d.execs, ['guardian']);
  assert.deepEqual(d.requests, []);
});

test('apply without the preview\'s state reads the state under the lock (guardian mode full): still one exec', async () => {
  const d = new FakeDirector(table(RULES));
  d.managed = new Set(KEYS);
  const desired = table(RULES.replace('172.16.1.1:8443 -m -w 1', '172.16.1.1:8443 -m -w 3'));
  const r = await applyDirector(d.link(), { cluster: 'c', desired, holder: 't', prune: true, force: true });
  assert.equal(r.status, 'applied', r.error);
  assert.deepEqual(d.execs, ['guardian']);
  assert.equal(d.roundTrips, 2);
});

test('plan: one exec per director, all directors at once', async () => {
  const calls: { hosts: readonly string[]; argv: string[][]; concurrency?: number }[] = [];
  const pool = {
    runOnHosts: <T>(hosts: readonly string[], command: (host: string) => RemoteCommand<T>, options: { concurrency?: number } = {}) => {
      calls.push({ hosts, argv: hosts.map((h) => [...command(h).argv]), ...options });
      return Promise.resolve(hosts.map((host) => ({ host, ok: false as const, error: new Error('unreachable') })));
    },
  };
  const l = loaded();
  const previews = await previewDirectors(pool, l);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].hosts.length, l.cluster.directors.length);
  assert.equal(calls[0].concurrency, l.cluster.directors.length);
  assert.ok(calls[0].argv.every((a) => a[0] === 'sh' && a[1] === '-c'));
  assert.equal(previews.length, l.cluster.directors.length);
});
