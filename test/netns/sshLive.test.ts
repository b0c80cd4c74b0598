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
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, rmdirSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ClusterFile, SshSettings } from '../../src/core/clusterFile/types';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { batchCommand, writeFileAction } from '../../src/core/hostprep/remoteAction';
import { clusterSshPool } from '../../src/core/operations/clusterPool';
import { connect } from '../../src/core/ssh/connect';
import type { ConnectOptions } from '../../src/core/ssh/connect';
import { SshPool } from '../../src/core/ssh/connectionPool';
import { HostKeyError, SshCommandError, SudoPasswordRequiredError } from '../../src/core/ssh/errors';
import { fingerprintOf } from '../../src/core/ssh/keyFingerprint';
import { RememberedSecrets } from '../../src/core/ssh/rememberedSecrets';
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
    assert.deepEqual(asked, [{ host: 'a', port: a.port, keyType: 'ssh-ed25519', fingerprint: fingerprintOf(blobOf(a.hostPub())), destination: { user: plainUser, hostname: '127.0.0.1', port: a.port, name: 'a' } }]);
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
      assert.deepEqual(asked, [{ host: 'a', user: pwUser, destination: { user: pwUser, hostname: '127.0.0.1', port: a.port, name: 'a', hostKeyFingerprint: fingerprintOf(blobOf(a.hostPub())) } }]);
      await assert.rejects(runCommand(conn, rawCommand(['id', '-u']), { prompts: { sudoPassword: async () => 'wrong' } }),
        (e: unknown) => e instanceof SudoPasswordRequiredError && /did not accept/.test(e.message));
    } finally { conn.close(); }
  });
});

// ---- issue 18: what a hostile file, host or local user can reach ---------------------------------------------

describe('hardening: secrets bound to the machine, bounded output, unchecked keys not stored, sudo -S input', { skip: skip || (hasSudo ? false : 'the sudo package is not installed (apt-get install sudo)') }, () => {
  before(() => {
    writeFileSync(sudoersFile, `${nopwUser} ALL=(root) NOPASSWD: ALL\n${pwUser} ALL=(root) ALL\nDefaults:${pwUser} !lecture\n`, { mode: 0o440 });
    execFileSync('visudo', ['-cq', '-f', sudoersFile]);
  });
  after(() => {
    rmSync(sudoersFile, { force: true });
  });

  /** A one-host cluster file: `db1` at sshd `d`, as user pwUser with sudo. */
  function fileWithDb1(d: Sshd): ClusterFile {
    const text = `version: 1\nhosts:\n  - name: db1\n    address: 192.0.2.10\n    ssh: { host: 127.0.0.1, port: ${d.port}, user: ${pwUser}, sudo: true }\n`;
    const v = validateClusterFile(text);
    assert.deepEqual(v.diagnostics.filter((x) => x.severity === 'error'), []);
    return v.model;
  }

  test('two cluster files with a host "db1" on different machines: the second gets no saved sudo password', async () => {
    const store = new Map<string, string>();
    let index: string[] = [];
    const asked: string[] = [];
    const secrets = (): RememberedSecrets => new RememberedSecrets(
      { get: async (k) => store.get(k), store: async (k, v) => { store.set(k, v); }, delete: async (k) => { store.delete(k); } },
      { keys: () => index, update: async (k) => { index = k; } },
      async (q) => { asked.push(q.prompt); return { value: USER_PW, remember: true }; },
    );
    const run = async (file: ClusterFile, source: string): Promise<string> => {
      const pool = clusterSshPool(file, { ...opts('bound'), prompts: secrets().prompts(), source, resolve: { configFile: sshConfig, home: dir } });
      try { return (await pool.run('db1', rawCommand(['id', '-u']))).stdout; } finally { pool.close(); }
    };
    assert.equal(await run(fileWithDb1(a), 'first.lvs.yaml'), '0\n');
    assert.deepEqual(asked, [`sudo on ${pwUser}@127.0.0.1:${a.port} ("db1" in first.lvs.yaml) asks for the password of ${pwUser}`]);
    assert.equal(store.size, 1);
    // Same name, another machine (another port, another host key): asked again, the saved one is not sent.
    assert.equal(await run(fileWithDb1(b), 'second.lvs.yaml'), '0\n');
    assert.equal(asked.length, 2);
    assert.match(asked[1], new RegExp(`@127\\.0\\.0\\.1:${b.port} \\("db1" in second\\.lvs\\.yaml\\)`));
    assert.equal(store.size, 2);
    // The first machine again, from a new session: the saved password, no question.
    assert.equal(await run(fileWithDb1(a), 'renamed.lvs.yaml'), '0\n');
    assert.equal(asked.length, 2);
  });

  test('output past the command\'s cap stops it with an error naming host and command; the connection stays usable', async () => {
    const o = opts('cap');
    const conn = await connect(await resolve('a'), o);
    try {
      // 8 MiB on stdout against a 1 MiB cap; then the same on stderr.
      for (const [stream, redirect] of [['stdout', ''], ['stderr', ' >&2']] as const) {
        await assert.rejects(runCommand(conn, rawCommand(['sh', '-c', `head -c 8388608 /dev/zero${redirect}; sleep 30`], { maxOutputBytes: 1 << 20 }), o), (e: unknown) => {
          assert.ok(e instanceof SshCommandError, String(e));
          assert.match(e.message, new RegExp(`^a: sh -c .*: printed more than 1048576 bytes on ${stream} \\(the limit for this command\\), so it was stopped; its remote process group \\d+ was killed$`));
          assert.ok(e.stderr.length <= 1 << 20);
          return true;
        });
      }
      assert.equal((await runCommand(conn, rawCommand(['echo', 'still here']), o)).stdout, 'still here\n');
    } finally { conn.close(); }
  });

  test('escape sequences in remote stderr never reach the error message', async () => {
    await assert.rejects(runOnce('a', ['sh', '-c', String.raw`printf '\033]0;owned\007\033[31mdenied\033[0m\r\n\033]52;c;ZXZpbA==\007' >&2; exit 3`], opts('esc')), (e: unknown) => {
      assert.ok(e instanceof SshCommandError, String(e));
      assert.match(e.message, /exited with 3: denied$/);
      assert.doesNotMatch(e.message, /[\x00-\x08\x0b-\x1f\x7f]/);
      assert.match(e.stderr, /\x1b\]0;owned/, 'the raw stderr is kept for parsers');
      return true;
    });
  });

  test('StrictHostKeyChecking no: the unknown key is used for this connection only, never stored', async () => {
    const log: string[] = [];
    assert.equal(await runOnce('b', ['echo', 'ok'], opts('unchecked', { confirmHostKey: async () => assert.fail('asked') }, log), { strictHostKeyChecking: 'no' }), 'ok\n');
    assert.equal(existsSync(store('unchecked')), false, 'nothing written to the shared trust store');
    assert.ok(log.some((l) => /accepted unchecked .*not stored/.test(l)), log.join('\n'));
    // accept-new still stores (trust on first use), as documented.
    await runOnce('b', ['true'], opts('unchecked'), { strictHostKeyChecking: 'accept-new' });
    assert.ok(readFileSync(store('unchecked'), 'utf8').includes(b.hostPub().split(' ')[1]));
  });

  test('sudo -S: the password never reaches the command, even when sudo does not read it (NOPASSWD, misread sudo -n)', async () => {
    const marker = join(dir, 'second-run');
    const got = join(dir, 'stdin-seen');
    // First run (sudo -n) prints sudo's own words and fails, so the runner retries with sudo -S and the
    // password; sudo does not ask (NOPASSWD), so without the guard the command would read the password.
    const argv = ['sh', '-c', `if [ -e ${marker} ]; then cat > ${got}; else touch ${marker}; echo 'sudo: a password is required' >&2; exit 1; fi`];
    const asked: string[] = [];
    const o = opts('sudo-guard', { sudoPassword: async () => { asked.push('sudo'); return 'not-for-the-command'; } });
    const conn = await connect(await resolve('a', { user: nopwUser, sudo: true }), o);
    try {
      await runCommand(conn, { argv, stdin: 'payload\n', parse: (x) => x.stdout }, o);
    } finally { conn.close(); }
    assert.deepEqual(asked, ['sudo'], 'the retry happened');
    assert.equal(readFileSync(got, 'utf8'), 'payload\n');
  });

  test('timeout under sudo -S: the kill goes through the same guard and ends the root process group', async () => {
    const o = opts('sudo-kill', { sudoPassword: async () => USER_PW });
    const conn = await connect(await resolve('a', { user: pwUser, sudo: true }), o);
    try {
      await assert.rejects(runCommand(conn, rawCommand(['sh', '-c', "trap '' TERM; sleep 40511 & sleep 40512"], { timeoutMs: 2500 }), o), (e: unknown) => {
        assert.ok(e instanceof SshCommandError, String(e));
        assert.match(e.message, /: timed out after 2500 ms; its remote process group \d+ was killed$/);
        return true;
      });
    } finally { conn.close(); }
    const left = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((pid) => {
      try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep\u00004051'); } catch { return false; }
    });
    assert.deepEqual(left, [], 'root processes left behind');
  });

  test('a host-prep batch writes files through sudo -S: contents on stdin after the password, exact, as root', async () => {
    const target = join(dir, 'prep-out', 'lvs.conf');
    const content = `net.ipv4.vs.conntrack = 1\n${'#'.repeat(200_000)}\nend without newline`;
    const o = opts('sudo-batch', { sudoPassword: async () => USER_PW });
    const conn = await connect(await resolve('a', { user: pwUser, sudo: true }), o);
    try {
      const batch = batchCommand([writeFileAction(target, content, '0600'), writeFileAction(`${target}.2`, 'second\n')]);
      const outcomes = await runCommand(conn, batch, o);
      assert.deepEqual(outcomes.map((x) => x.exitCode), [0, 0], JSON.stringify(outcomes.map((x) => x.output)));
    } finally { conn.close(); }
    assert.equal(readFileSync(target, 'utf8'), content);
    assert.equal(readFileSync(`${target}.2`, 'utf8'), 'second\n');
    assert.equal(statSync(target).uid, 0);
    assert.equal(statSync(target).mode & 0o777, 0o600);
  });
});
