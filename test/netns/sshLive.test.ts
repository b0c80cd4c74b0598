/**
 * The SSH layer against real OpenSSH sshd processes on 127.0.0.1 (root needed): host keys, authentication,
 * commands, sudo. ProxyJump, a host going down and timeouts/cancel run against namespace hosts
 * (test/support/netnsHosts.ts) in sshNetns.test.ts; what stays here needs throwaway system users (sudo,
 * passwords), which the namespace fixture does not give.
 *
 * Each sshd here is our own process on 127.0.0.1 with a random high port, a temp host key, a temp `-f` config,
 * `-D -e`, AuthorizedKeysFile and PidFile in a temp dir, `StrictModes no`; every process, user and file is
 * removed at the end. Client side never reads the machine's ~/.ssh: `-F` temp config, temp known_hosts, temp
 * trust store.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, rmdirSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SshSettings } from '../../src/core/clusterFile/types';
import { connect } from '../../src/core/ssh/connect';
import type { ConnectOptions } from '../../src/core/ssh/connect';
import { SshPool } from '../../src/core/ssh/connectionPool';
import { HostKeyError, SshCommandError, SudoPasswordRequiredError } from '../../src/core/ssh/errors';
import { fingerprintOf } from '../../src/core/ssh/keyFingerprint';
import { rawCommand } from '../../src/core/ssh/remoteCommand';
import { resolveHost } from '../../src/core/ssh/resolveHost';
import { runCommand } from '../../src/core/ssh/runCommand';
import type { HostKeyQuestion, ResolvedHost, SshPrompts } from '../../src/core/ssh/types';

const isRoot = process.getuid?.() === 0;
const hasSudo = existsSync('/usr/bin/sudo');
const dir = mkdtempSync(join(tmpdir(), 'ssh-live-'));
const started: ChildProcess[] = [];
let createdRunSshd = false;

// ---- fixture: our own sshd processes ---------------------------------------------------------------------

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = createConnection({ host: '127.0.0.1', port }, () => { c.destroy(); resolve(true); });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`sshd on ${port} did not come up`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A process and all its descendants (sshd session processes are children of the listener we started). */
function descendants(pid: number): number[] {
  const children = (p: number): number[] => {
    try {
      return readdirSync(`/proc/${p}/task`).flatMap((t) => readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    } catch { return []; }
  };
  const all: number[] = [];
  const walk = (p: number): void => { all.push(p); for (const c of children(p)) walk(c); };
  if (pid > 0) walk(pid);
  return all;
}

/** Kills a process we started and every descendant, by pid. */
function killTree(pid: number): void {
  for (const p of descendants(pid)) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
}

function keygen(path: string, passphrase = '', type = 'ed25519'): string {
  rmSync(path, { force: true }); rmSync(`${path}.pub`, { force: true });
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', '', '-f', path]);
  return readFileSync(`${path}.pub`, 'utf8').trim();
}

function blobOf(pubLine: string): Buffer {
  return Buffer.from(pubLine.split(/\s+/)[1], 'base64');
}

interface Sshd {
  name: string;
  port: number;
  hostKey: string;
  log: string[];
  proc?: ChildProcess;
  start(): Promise<void>;
  stop(): void;
  rotateHostKey(): Promise<void>;
  hostPub(): string;
}

async function makeSshd(name: string, logLevel = 'VERBOSE'): Promise<Sshd> {
  const d = join(dir, `sshd-${name}`);
  mkdirSync(d);
  const port = await freePort();
  const hostKey = join(d, 'host_ed25519');
  keygen(hostKey);
  const cfg = join(d, 'sshd_config');
  writeFileSync(cfg, [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${hostKey}`, `PidFile ${join(d, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}/%u`, 'StrictModes no', 'UsePAM no',
    'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PermitRootLogin prohibit-password',
    'AllowTcpForwarding yes', `LogLevel ${logLevel}`, 'MaxStartups 50', '',
  ].join('\n'));
  const s: Sshd = {
    name, port, hostKey, log: [],
    async start() {
      const p = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
      started.push(p);
      p.stderr?.on('data', (b: Buffer) => s.log.push(b.toString()));
      s.proc = p;
      await waitForPort(port);
    },
    stop() {
      if (s.proc?.pid) killTree(s.proc.pid);
      s.proc = undefined;
    },
    async rotateHostKey() {
      s.stop();
      keygen(hostKey);
      await new Promise((r) => setTimeout(r, 100));
      await s.start();
    },
    hostPub: () => readFileSync(`${hostKey}.pub`, 'utf8').trim(),
  };
  await s.start();
  return s;
}

// ---- shared state ---------------------------------------------------------------------------------------

const keys = { plain: join(dir, 'id_plain'), enc: join(dir, 'id_enc'), agent: join(dir, 'id_agent') };
const PASS = 'open sesame';
let a: Sshd;
let b: Sshd;
let agentProc: ChildProcess | undefined;
const agentSock = join(dir, 'agent.sock');
const sshConfig = join(dir, 'ssh_config');
const userKh = join(dir, 'known_hosts');
// Commands run as throwaway users with /bin/sh: root's own dotfiles on this machine must not matter.
const users = ['lvsu', 'lvsnp', 'lvspw'].map((u) => `${u}${process.pid % 10000}`);
const [plainUser, nopwUser, pwUser] = users;
const USER_PW = 'Pw-for-sudo-1';
const sudoersFile = join('/etc/sudoers.d', `zz-lvs-ssh-test-${process.pid}`);
let createdUsers: string[] = [];

function writeSshConfig(): void {
  const hostBlock = (alias: string, d: Sshd, lines: string[] = []): string[] => [
    `Host ${alias}`, '  HostName 127.0.0.1', `  Port ${d.port}`, ...lines,
  ];
  writeFileSync(sshConfig, [
    ...hostBlock('a', a), ...hostBlock('b', b),
    'Host *', `  User ${plainUser}`, `  IdentityFile ${keys.plain}`, `  UserKnownHostsFile ${userKh}`,
    '  GlobalKnownHostsFile /dev/null', '  StrictHostKeyChecking accept-new', '',
  ].join('\n'));
}

function store(name: string): string {
  return join(dir, `trust-${name}`);
}

function resolve(alias: string, settings: SshSettings = {}): Promise<ResolvedHost> {
  return resolveHost(alias, settings, { configFile: sshConfig, home: dir });
}

function opts(storeName: string, prompts: SshPrompts = {}, log?: string[]): ConnectOptions {
  return { trustStorePath: store(storeName), prompts, agentSocket: null, ...(log ? { log: (l: string) => log.push(l) } : {}) };
}

async function runOnce(alias: string, argv: string[], o: ConnectOptions, settings: SshSettings = {}): Promise<string> {
  const conn = await connect(await resolve(alias, settings), o);
  try {
    return (await runCommand(conn, rawCommand(argv), o)).stdout;
  } finally {
    conn.close();
  }
}

before(async () => {
  if (!isRoot) return;
  if (!existsSync('/run/sshd')) { mkdirSync('/run/sshd', { mode: 0o755 }); createdRunSshd = true; }
  // sshd reads authorized_keys as the user: the throwaway users must be able to traverse to their file.
  execFileSync('chmod', ['0755', dir]);
  mkdirSync(join(dir, 'authorized_keys'), { mode: 0o755 });
  const pubs = [keygen(keys.plain), keygen(keys.enc, PASS), keygen(keys.agent)];
  for (const u of users) {
    execFileSync('useradd', ['-M', '-d', '/', '-s', '/bin/sh', u]);
    createdUsers.push(u);
    execFileSync('chpasswd', { input: `${u}:${USER_PW}\n` }); // a password, so the account is not locked
    writeFileSync(join(dir, 'authorized_keys', u), `${pubs.join('\n')}\n`, { mode: 0o644 });
  }
  [a, b] = await Promise.all([makeSshd('a'), makeSshd('b')]);
  writeSshConfig();
});

after(() => {
  for (const p of started) if (p.pid && p.exitCode === null) killTree(p.pid);
  if (agentProc?.pid) killTree(agentProc.pid);
  for (const u of createdUsers) { try { execFileSync('userdel', ['-f', u], { stdio: 'ignore' }); } catch { /* reported below */ } }
  rmSync(sudoersFile, { force: true });
  rmSync(dir, { recursive: true, force: true });
  if (createdRunSshd) { try { rmdirSync('/run/sshd'); } catch { /* still in use */ } }
});

const skip = isRoot ? false : 'needs root (starts sshd)';

// ---- host keys ----------------------------------------------------------------------------------------------

describe('host keys, verified before authentication', { skip }, () => {
  test('unknown key under ask: the question carries host, port, type, SHA256; yes → stored in our trust store only', async () => {
    const asked: HostKeyQuestion[] = [];
    const o = opts('ask', { confirmHostKey: async (q) => { asked.push(q); return true; } });
    assert.equal(await runOnce('a', ['echo', 'hi'], o, { strictHostKeyChecking: 'ask' }), 'hi\n');
    assert.deepEqual(asked, [{ host: 'a', port: a.port, keyType: 'ssh-ed25519', fingerprint: fingerprintOf(blobOf(a.hostPub())) }]);
    assert.equal(readFileSync(store('ask'), 'utf8'), `[127.0.0.1]:${a.port} ${a.hostPub()}\n`);
    assert.equal(existsSync(userKh), false, 'the user known_hosts is never written');
    await runOnce('a', ['true'], { ...o, prompts: { confirmHostKey: async () => assert.fail('asked twice') } }, { strictHostKeyChecking: 'ask' });
  });

  test('unknown key declined → HostKeyError and no authentication attempted', async () => {
    const log: string[] = [];
    await assert.rejects(runOnce('a', ['true'], opts('decline', { confirmHostKey: async () => false }, log), { strictHostKeyChecking: 'ask' }),
      (e: unknown) => e instanceof HostKeyError && e.reason === 'declined');
    assert.ok(!log.some((l) => l.startsWith('auth ')), 'no auth attempt before the host key was trusted');
    assert.equal(existsSync(store('decline')), false);
  });

  test('StrictHostKeyChecking yes refuses an unknown key; accept-new stores it without asking', async () => {
    await assert.rejects(runOnce('a', ['true'], opts('yes'), { strictHostKeyChecking: 'yes' }),
      (e: unknown) => e instanceof HostKeyError && e.reason === 'unknown');
    await runOnce('a', ['true'], opts('acceptnew', { confirmHostKey: async () => assert.fail('asked') }));
    assert.ok(readFileSync(store('acceptnew'), 'utf8').includes(a.hostPub().split(' ')[1]));
  });

  test('hashed user known_hosts (ssh-keygen -H) is honoured under yes', async () => {
    const hashed = join(dir, 'hashed_kh');
    writeFileSync(hashed, `[127.0.0.1]:${b.port} ${b.hostPub()}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', hashed]);
    assert.ok(readFileSync(hashed, 'utf8').startsWith('|1|'));
    assert.equal(await runOnce('b', ['echo', 'ok'], opts('hashed'), { strictHostKeyChecking: 'yes', knownHostsFile: hashed }), 'ok\n');
  });

  test('a changed key is refused, even under no, naming both fingerprints and the file:line', async () => {
    const o = opts('rotate');
    await runOnce('b', ['true'], o);
    const oldFp = fingerprintOf(blobOf(b.hostPub()));
    await b.rotateHostKey();
    const newFp = fingerprintOf(blobOf(b.hostPub()));
    for (const strict of ['accept-new', 'no'] as const) {
      await assert.rejects(runOnce('b', ['true'], o, { strictHostKeyChecking: strict }), (e: unknown) => {
        assert.ok(e instanceof HostKeyError);
        assert.equal(e.reason, 'changed');
        assert.equal(e.knownAt, `${store('rotate')}:1`);
        assert.ok(e.message.includes(oldFp) && e.message.includes(newFp) && e.message.includes(`${store('rotate')}:1`), e.message);
        return true;
      });
    }
  });
});

// ---- authentication ---------------------------------------------------------------------------------------

describe('authentication', { skip }, () => {
  test('plain identity file; the log names the method and the SHA256 fingerprint', async () => {
    const log: string[] = [];
    await runOnce('a', ['true'], opts('auth', {}, log));
    const fp = fingerprintOf(blobOf(readFileSync(`${keys.plain}.pub`, 'utf8')));
    assert.ok(log.some((l) => l.includes(`trying publickey ${keys.plain} ssh-ed25519 ${fp}`)), log.join('\n'));
  });

  test('encrypted key: the passphrase comes from the callback, is never logged', async () => {
    const log: string[] = [];
    const asked: string[] = [];
    const o = opts('auth', { passphrase: async ({ keyPath }) => { asked.push(keyPath); return PASS; } }, log);
    assert.equal(await runOnce('a', ['whoami'], o, { identityFile: keys.enc, strictHostKeyChecking: 'accept-new' }), `${plainUser}\n`);
    assert.deepEqual(asked, [keys.enc]);
    assert.ok(!log.join('\n').includes(PASS));
  });

  test('ssh-agent first: a key only the agent holds authenticates', async () => {
    agentProc = spawn('ssh-agent', ['-D', '-a', agentSock], { stdio: 'ignore' });
    started.push(agentProc);
    for (let i = 0; i < 100 && !existsSync(agentSock); i++) await new Promise((r) => setTimeout(r, 50));
    execFileSync('ssh-add', ['-q', keys.agent], { env: { ...process.env, SSH_AUTH_SOCK: agentSock }, stdio: 'ignore' });
    const log: string[] = [];
    const o: ConnectOptions = { ...opts('auth', {}, log), agentSocket: agentSock };
    // No usable identity file: only the agent can succeed.
    const missing = join(dir, 'no-such-key');
    const host = await resolve('a');
    host.identityFiles = [missing];
    const conn = await connect(host, o);
    conn.close();
    const text = log.join('\n');
    assert.ok(text.includes(`agent offers 1 key(s): ssh-ed25519 ${fingerprintOf(blobOf(readFileSync(`${keys.agent}.pub`, 'utf8')))}`), text);
    assert.ok(text.indexOf('trying agent') < text.indexOf('connected to a'));
  });

  test('no method works → SshConnectError naming the host and what was tried', async () => {
    const host = await resolve('a');
    host.identityFiles = [join(dir, 'no-such-key')];
    await assert.rejects(connect(host, opts('auth')), (e: unknown) => e instanceof Error && e.name === 'SshConnectError' && /^a: /.test(e.message) && /tried: none, key/.test(e.message));
  });
});

// ---- running commands ---------------------------------------------------------------------------------------

describe('running commands', { skip }, () => {
  const hostile = (m: string): string[] => [
    `$(touch ${m})`, `\`touch ${m}\``, `'; touch ${m}; '`, `"; touch ${m}; "`, `x\ntouch ${m}`, `;touch ${m}`,
    `|touch ${m}`, `&touch ${m}&`, `>${m}`, `*`, `$HOME`, `-n`,
  ];

  test('hostile argv elements arrive verbatim and never run (also as the command name, also through sudo)', async () => {
    const marker = join(dir, 'PWNED');
    const h = hostile(marker);
    const out = await runOnce('a', ['printf', '%s\\0', ...h], opts('run'));
    assert.deepEqual(out.split('\0').slice(0, -1), h);
    for (const first of h.slice(0, 8)) {
      await assert.rejects(runOnce('a', [first, ...h], opts('run')), (e: unknown) => e instanceof SshCommandError && e.exitCode === 127);
    }
    assert.equal(existsSync(marker), false, 'a hostile value was executed');
  });

  test('stdin, non-zero exit → SshCommandError with host, argv, exit code and remote stderr; parse is applied', async () => {
    const o = opts('run');
    const pool = new SshPool({ ...o, resolve: (h) => resolve(h) });
    try {
      const echoed = await pool.run('a', { argv: ['cat'], stdin: 'line1\nline2\n', parse: (x) => x.stdout.split('\n').filter(Boolean) });
      assert.deepEqual(echoed, ['line1', 'line2']);
      await assert.rejects(pool.run('a', rawCommand(['sh', '-c', 'echo oops >&2; exit 3'])), (e: unknown) => {
        assert.ok(e instanceof SshCommandError);
        assert.deepEqual([e.host, e.argv, e.exitCode, e.stderr], ['a', ['sh', '-c', 'echo oops >&2; exit 3'], 3, 'oops\n']);
        assert.match(e.message, /^a: sh -c 'echo oops >&2; exit 3' exited with 3: oops$/);
        return true;
      });
      assert.equal((await pool.run('a', rawCommand(['false'], { okExitCodes: [0, 1] }))).exitCode, 1);
    } finally { pool.close(); }
  });

  test('the pool reuses one connection per host and closes it when idle', async () => {
    const pool = new SshPool({ ...opts('run'), resolve: (h) => resolve(h), idleTimeoutMs: 300 });
    try {
      const cmd = rawCommand(['sh', '-c', 'echo $SSH_CLIENT']);
      const [x, y] = await Promise.all([pool.run('a', cmd), pool.run('a', cmd)]);
      const z = await pool.run('a', cmd);
      assert.equal(x.stdout, y.stdout);
      assert.equal(x.stdout, z.stdout, 'same client port: same connection');
      assert.deepEqual(pool.openHosts(), ['a']);
      await new Promise((r) => setTimeout(r, 600));
      assert.deepEqual(pool.openHosts(), []);
      const w = await pool.run('a', cmd);
      assert.notEqual(w.stdout, x.stdout, 'a new connection after idle close');
    } finally { pool.close(); }
  });
});

// ---- sudo ------------------------------------------------------------------------------------------------------

describe('sudo for a non-root user', { skip: skip || (hasSudo ? false : 'the sudo package is not installed (apt-get install sudo)') }, () => {
  before(() => {
    writeFileSync(sudoersFile, `${nopwUser} ALL=(root) NOPASSWD: ALL\n${pwUser} ALL=(root) ALL\nDefaults:${pwUser} !lecture\n`, { mode: 0o440 });
    execFileSync('visudo', ['-cq', '-f', sudoersFile]);
  });
  after(() => {
    rmSync(sudoersFile, { force: true });
  });

  test('NOPASSWD: commands run as root through sudo -n', async () => {
    const log: string[] = [];
    assert.equal(await runOnce('a', ['id', '-u'], opts('sudo', {}, log), { user: nopwUser, sudo: true }), '0\n');
    assert.ok(log.some((l) => l.includes('exec sudo -n -- id -u')), log.join('\n'));
    assert.equal(await runOnce('a', ['id', '-un'], opts('sudo'), { user: nopwUser }), `${nopwUser}\n`, 'no sudo unless asked');
  });

  test('hostile argv through sudo -n arrives verbatim and never runs', async () => {
    const marker = join(dir, 'PWNED-SUDO');
    const h = [`$(touch ${marker})`, `\`touch ${marker}\``, `'; touch ${marker}; '`, `x\ntouch ${marker}`, `|touch ${marker}`, `&touch ${marker}&`];
    const out = await runOnce('a', ['printf', '%s\\0', ...h], opts('sudo'), { user: nopwUser, sudo: true });
    assert.deepEqual(out.split('\0').slice(0, -1), h);
    await assert.rejects(runOnce('a', [h[0], ...h], opts('sudo'), { user: nopwUser, sudo: true }), (e: unknown) => e instanceof SshCommandError);
    assert.equal(existsSync(marker), false);
  });

  test('timeout through sudo -n: the root process group is killed through sudo too; the error names host and command', async () => {
    const pool = new SshPool({ ...opts('sudo'), resolve: (h) => resolve(h, { user: nopwUser, sudo: true }) });
    try {
      await assert.rejects(pool.run('a', rawCommand(['sh', '-c', "trap '' TERM; sleep 40411 & sleep 40412"], { timeoutMs: 1500 })), (e: unknown) => {
        assert.ok(e instanceof SshCommandError, String(e));
        assert.ok(e.timedOut);
        assert.match(e.message, /^a: sudo -n -- sh -c .*sleep 40412.*: timed out after 1500 ms; its remote process group \d+ was killed$/);
        return true;
      });
      // Anywhere on the machine: an orphan would have left sshd's tree.
      const left = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((pid) => {
        try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep\u00004041'); } catch { return false; }
      });
      assert.deepEqual(left, [], 'root processes left behind');
      assert.equal((await pool.run('a', rawCommand(['id', '-u']))).stdout, '0\n');
    } finally { pool.close(); }
  });

  test('password required and no prompt → clear error saying how to fix', async () => {
    await assert.rejects(runOnce('a', ['id', '-u'], opts('sudo'), { user: pwUser, sudo: true }), (e: unknown) => {
      assert.ok(e instanceof SudoPasswordRequiredError, String(e));
      assert.equal(e.exitCode, 1);
      assert.match(e.stderr, /a password is required/);
      assert.match(e.message, /NOPASSWD/);
      return true;
    });
  });

  test('password through the sudoPassword prompt (sudo -S), stdin still reaches the command; a wrong one is reported', async () => {
    const asked: unknown[] = [];
    const o = opts('sudo', { sudoPassword: async (q) => { asked.push(q); return USER_PW; } });
    const conn = await connect(await resolve('a', { user: pwUser, sudo: true }), o);
    try {
      const out = await runCommand(conn, { argv: ['sh', '-c', 'id -u; cat'], stdin: 'payload\n', parse: (x) => x.stdout }, o);
      assert.equal(out, '0\npayload\n');
      assert.deepEqual(asked, [{ host: 'a', user: pwUser }]);
      await assert.rejects(runCommand(conn, rawCommand(['id', '-u']), { prompts: { sudoPassword: async () => 'wrong' } }),
        (e: unknown) => e instanceof SudoPasswordRequiredError && /did not accept/.test(e.message));
    } finally { conn.close(); }
  });
});
