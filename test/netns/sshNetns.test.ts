/**
 * The SSH layer against real sshd processes in network namespaces (test/support/netnsHosts.ts, root needed):
 * remote process groups killed on timeout and on cancel, ProxyJump from one namespace host to another, and a
 * host going down in the middle of a fan-out. Addresses: 127.0.0.1 forwards and 10.200.0.0/16 inside the
 * namespaces only.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { clusterSshPool } from '../../src/core/operations/clusterPool';
import { connect } from '../../src/core/ssh/connect';
import { SshPool } from '../../src/core/ssh/connectionPool';
import { SshCommandError } from '../../src/core/ssh/errors';
import { rawCommand } from '../../src/core/ssh/remoteCommand';
import { resolveHost } from '../../src/core/ssh/resolveHost';
import { runCommand } from '../../src/core/ssh/runCommand';
import { openShell } from '../../src/core/ssh/shellSession';
import { createNetnsHosts, netnsHostsSkipReason } from '../support/netnsHosts';
import type { NetnsHosts } from '../support/netnsHosts';

const skip = netnsHostsSkipReason();
let nh: NetnsHosts;
let dir: string;
let sshConfig: string;
/** Marker files written by remote commands (any user). */
let scratch: string;

/** h0..h2 through their 127.0.0.1 forwards; `behind1` is host1 by its namespace address, through h0. */
function writeSshConfig(): void {
  sshConfig = join(dir, 'ssh_config');
  writeFileSync(sshConfig, [
    ...nh.hosts.flatMap((h, i) => [`Host h${i}`, '  HostName 127.0.0.1', `  Port ${h.localPort}`]),
    'Host behind1', `  HostName ${nh.hosts[1].address}`, '  Port 22', '  ProxyJump h0',
    'Host *', '  User root', `  IdentityFile ${nh.identityFile}`, '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${nh.knownHostsFile}`, '  GlobalKnownHostsFile /dev/null', '  StrictHostKeyChecking yes', '',
  ].join('\n'));
}

function pool(user?: string): SshPool {
  return new SshPool({
    trustStorePath: join(dir, 'trust'), prompts: {}, agentSocket: null,
    resolve: (h) => resolveHost(h, user ? { user } : {}, { configFile: sshConfig, home: dir }),
  });
}

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`never happened: ${what}`);
}

const ours = (host: number, tag: string): string[] => nh.processes(host).filter((p) => p.includes(tag));

describe('SSH against namespace hosts', { skip }, () => {
  before(async () => {
    nh = await createNetnsHosts({ count: 3, users: ['alice'], namePrefix: 'ssh' });
    dir = mkdtempSync(join(tmpdir(), 'ssh-netns-'));
    writeSshConfig();
    scratch = join(nh.dir, 'scratch');
    mkdirSync(scratch);
    chmodSync(scratch, 0o1777);
  });
  after(async () => {
    await nh?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('output parsing is untouched by the process-group wrapper: stdout, stderr, stdin, exit codes, argv', async () => {
    const p = pool();
    try {
      const r = await p.run('h0', rawCommand(['sh', '-c', 'printf "a\\nb"; printf err >&2; cat', 'LVS-PGID 1'], { stdin: 'in\n' }));
      assert.deepEqual([r.stdout, r.stderr, r.exitCode], ['a\nbin\n', 'err', 0]);
      // A command that itself prints a line like the wrapper's keeps it.
      assert.equal((await p.run('h0', rawCommand(['echo', 'LVS-PGID 123']))).stdout, 'LVS-PGID 123\n');
      assert.equal((await p.run('h0', rawCommand(['printf', '']))).stdout, '');
      await assert.rejects(p.run('h0', rawCommand(['sh', '-c', 'echo no >&2; exit 4'])),
        (e: unknown) => e instanceof SshCommandError && e.exitCode === 4 && e.message === "h0: sh -c 'echo no >&2; exit 4' exited with 4: no");
    } finally { p.close(); }
  });

  for (const user of ['root', 'alice']) {
    test(`timeout (${user}): the remote command and its children are killed, even when they ignore SIGTERM`, async () => {
      const p = pool(user);
      const started = join(scratch, `started-${user}`);
      const tag = user === 'root' ? '3011' : '3021';
      try {
        // A child in the background and a foreground sleep, both ignoring TERM: only KILL ends them.
        const cmd = rawCommand(['sh', '-c', `trap '' TERM; sleep ${tag}1 & touch ${started}; sleep ${tag}2`], { timeoutMs: 1500 });
        await assert.rejects(p.run('h1', cmd), (e: unknown) => {
          assert.ok(e instanceof SshCommandError, String(e));
          assert.equal(e.timedOut, true);
          assert.equal(e.host, 'h1');
          assert.match(e.message, new RegExp(`^h1: sh -c .*sleep ${tag}2.*: timed out after 1500 ms; its remote process group \\d+ was killed$`));
          return true;
        });
        assert.ok(existsSync(started), 'the command ran');
        assert.deepEqual(ours(1, `sleep ${tag}`), [], 'no remote process left');
        // The connection is still usable.
        assert.equal((await p.run('h1', rawCommand(['id', '-un']))).stdout, `${user}\n`);
      } finally { p.close(); }
    });
  }

  test('cancel (AbortSignal): the running remote process group is killed and the error says cancelled', async () => {
    const p = pool();
    try {
      const ac = new AbortController();
      const run = p.run('h2', rawCommand(['sh', '-c', 'sleep 30331 & sleep 30332'], { signal: ac.signal, timeoutMs: 120_000 }));
      // Exact argv: the shell around them may or may not still be there (dash execs the last command or not).
      await until('both sleeps run on h2', () => { const ps = nh.processes(2); return ps.includes('sleep 30331') && ps.includes('sleep 30332'); });
      ac.abort();
      await assert.rejects(run, (e: unknown) => {
        assert.ok(e instanceof SshCommandError, String(e));
        assert.deepEqual([e.cancelled, e.timedOut], [true, false]);
        assert.match(e.message, /: cancelled; its remote process group \d+ was killed$/);
        return true;
      });
      assert.deepEqual(ours(2, 'sleep 3033'), []);
      // Already cancelled: nothing is started.
      await assert.rejects(p.run('h2', rawCommand(['touch', join(scratch, 'never')], { signal: ac.signal })), (e: unknown) => e instanceof SshCommandError && e.cancelled);
      assert.equal(existsSync(join(scratch, 'never')), false);
    } finally { p.close(); }
  });

  test('interactive shell (Open SSH Terminal): a pty of the asked size, input, output, resize, exit', async () => {
    const p = pool();
    try {
      let out = '';
      let ended: (e?: Error) => void = () => undefined;
      const closed = new Promise<Error | undefined>((r) => { ended = r; });
      const shell = openShell(p, 'h1', { rows: 24, cols: 80 }, { data: (t) => { out += t; }, closed: (e) => ended(e) });
      shell.write('stty size; echo "on $(hostname): $((6*7))"\n');
      await until('the shell answers', () => /on \S+: 42/.test(out));
      assert.match(out, /(^|\s)24 80\r?$/m, out);
      assert.match(out, new RegExp(`on ${nh.hosts[1].name}: 42`), out);
      shell.resize({ rows: 30, cols: 100 });
      shell.write('stty size; exit\n');
      assert.equal(await closed, undefined, 'exit ends the session without error');
      assert.match(out, /(^|\s)30 100\r?$/m, out);
      // Nothing listens there (a closed port on loopback): the session ends with the connection's error.
      const closedPort = new SshPool({ trustStorePath: join(dir, 'trust'), prompts: {}, agentSocket: null, resolve: () => resolveHost('127.0.0.1', { port: 1 }, { configFile: sshConfig, home: dir }) });
      try {
        const err = await new Promise<Error | undefined>((r) => { openShell(closedPort, 'down', { rows: 24, cols: 80 }, { data: () => undefined, closed: r }); });
        assert.match(err?.message ?? '', /ECONNREFUSED/);
      } finally { closedPort.close(); }
    } finally { p.close(); }
  });

  test('ProxyJump: through h0 to host1 by its namespace address; both host keys checked (strict)', async () => {
    const o = { trustStorePath: join(dir, 'trust-jump'), prompts: {}, agentSocket: null };
    const host = await resolveHost('behind1', {}, { configFile: sshConfig, home: dir });
    assert.deepEqual(host.jumps.map((j) => [j.alias, j.hostname, j.port]), [['h0', '127.0.0.1', nh.hosts[0].localPort]]);
    const conn = await connect(host, o);
    try {
      const out = (await runCommand(conn, rawCommand(['sh', '-c', 'hostname; echo $SSH_CLIENT']), o)).stdout.split('\n');
      assert.equal(out[0], nh.hosts[1].name);
      // The TCP connection to host1's sshd came from host0's address: it was opened by h0's sshd.
      assert.equal(out[1].split(' ')[0], nh.hosts[0].address);
    } finally { conn.close(); }
    assert.equal(existsSync(join(dir, 'trust-jump')), false, 'both keys were known: nothing was added to the trust store');
    // A jump host whose key is not the known one stops the chain before the target.
    const wrongKh = join(dir, 'known_hosts_wrong');
    writeFileSync(wrongKh, readFileSync(nh.knownHostsFile, 'utf8').replace(`[127.0.0.1]:${nh.hosts[0].localPort} ${nh.hosts[0].hostKeys.ed25519}`, `[127.0.0.1]:${nh.hosts[0].localPort} ${nh.hosts[2].hostKeys.ed25519}`));
    const bad = await resolveHost('behind1', {}, { configFile: sshConfig, home: dir });
    bad.jumps[0].userKnownHostsFiles = [wrongKh];
    await assert.rejects(connect(bad, o), (e: unknown) => e instanceof Error && e.name === 'HostKeyError' && (e as { host?: string }).host === 'h0');
  });

  test('a jump host named like a host of the cluster file is dialled at that host\'s address', async () => {
    const text = [
      'version: 1', 'hosts:',
      '  - name: gw', '    address: 127.0.0.1', `    ssh: { port: ${nh.hosts[0].localPort} }`,
      '  - name: web', `    address: ${nh.hosts[1].address}`, '    ssh: { proxyJump: gw }', '',
    ].join('\n');
    const v = validateClusterFile(text);
    assert.deepEqual(v.diagnostics.filter((d) => d.severity === 'error'), []);
    // Network safety by construction: no name lookup leaves this process (net.connect reads dns.lookup at
    // call time). Before the fix the hop was dialled by its name "gw" and failed here.
    const dnsModule = require('node:dns') as { lookup: unknown };
    const realLookup = dnsModule.lookup;
    const looked: string[] = [];
    dnsModule.lookup = (name: string, _o: unknown, cb?: (e: Error) => void): void => {
      looked.push(name);
      const done = typeof _o === 'function' ? _o as (e: Error) => void : cb;
      done?.(Object.assign(new Error(`getaddrinfo ENOTFOUND ${name} (lookups are off in this test)`), { code: 'ENOTFOUND' }));
    };
    const p = clusterSshPool(v.model, { trustStorePath: join(dir, 'trust-gw'), prompts: {}, agentSocket: null, resolve: { configFile: sshConfig, home: dir } });
    try {
      assert.equal((await p.run('web', rawCommand(['hostname']))).stdout, `${nh.hosts[1].name}\n`);
      assert.deepEqual(looked, []);
    } finally {
      p.close();
      dnsModule.lookup = realLookup;
    }
  });

  test('a host going down mid-run: the others finish, the failed one is reported by name; then unreachable', async () => {
    const p = pool();
    const go = join(scratch, 'go');
    try {
      const run = p.runOnHosts(['h0', 'h1', 'h2'], (h) => rawCommand(['sh', '-c', `touch ${join(scratch, `running-${h}`)}; while [ ! -e ${go} ]; do sleep 0.05; done; echo done`]), { concurrency: 3 });
      await until('the command runs on every host', () => ['h0', 'h1', 'h2'].every((h) => existsSync(join(scratch, `running-${h}`))));
      nh.stopHost(1);
      writeFileSync(go, '');
      const outcomes = await run;
      assert.deepEqual(outcomes.map((o) => [o.host, o.ok]), [['h0', true], ['h1', false], ['h2', true]]);
      const failed = outcomes[1];
      assert.ok(!failed.ok && failed.error instanceof SshCommandError && failed.error.host === 'h1' && /^h1: /.test(failed.error.message), String(!failed.ok && failed.error));
      assert.ok(outcomes[0].ok && outcomes[0].value.stdout === 'done\n');
      // Now it cannot even be reached: the error names it, the others still run.
      const again = await p.runOnHosts(['h1', 'h2'], () => rawCommand(['true']));
      assert.ok(!again[0].ok && /^h1: /.test(again[0].error.message), String(!again[0].ok && again[0].error));
      assert.ok(again[1].ok);
    } finally { p.close(); }
  });
});
