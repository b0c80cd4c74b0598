/**
 * Many real SSH hosts on THIS machine, without IPVS: network namespaces with an OpenSSH
 * sshd each. Lighter than the QEMU lab (lab/), for tests that need N SSH hosts.
 *
 * Topology (all names carry the creating pid, so parallel test files never collide):
 *
 *   netns lvsT<pid>c  ("client")  bridge br0 10.200.0.1/16, no default route
 *      |-- h0 ==veth== eth0  netns lvsT<pid>h0   10.200.0.10/16   sshd on :22
 *      |-- h1 ==veth== eth0  netns lvsT<pid>h1   10.200.0.11/16   sshd on :22
 *      ...
 *
 * Nothing is created in the machine's own network namespace: no interface, no address, no
 * route; no namespace has a route out. Each sshd also runs in its own mount + UTS namespace
 * (hostname = host name, private /etc/passwd and /etc/shadow when `users` are asked for).
 *
 * How a test reaches the hosts (choose per test):
 *  1. `host.localPort` (default on): a socat on 127.0.0.1:<port> of the machine's own
 *     namespace; each connection runs `ip netns exec <client-ns> socat STDIO TCP:addr:22`.
 *     Only loopback is used in the machine's namespace, so node's ssh2 client (or any
 *     product code taking host/port) can connect to 127.0.0.1:<localPort> as is. The host
 *     key is the host's own: use `knownHostsFile` (entries for [127.0.0.1]:<localPort>).
 *  2. `proxyCommand(i)`: an OpenSSH ProxyCommand that enters the client namespace, for
 *     `ssh -o ProxyCommand=... root@10.200.0.1X` (known_hosts entries for the 10.200 address
 *     are in `knownHostsFile` too).
 *  3. `spawnInClient(cmd, args)`: run a whole program (e.g. `node some-test.js`) inside the
 *     client namespace, where 10.200.0.0/16 is directly reachable.
 *
 * Cleanup: `destroy()` kills every process started (sshd, socat) and deletes the
 * namespaces and the temp dir; it also runs on process exit and on SIGINT/SIGTERM.
 * Needs root, iproute2, openssh-server, openssh-client and socat.
 */
import { spawn, spawnSync, ChildProcess, SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface NetnsHost {
  name: string;
  netns: string;
  address: string;
  /** sshd port inside the namespace (22). */
  port: number;
  /** 127.0.0.1 port forwarded to this host's sshd (0 when forwarding is off). */
  localPort: number;
  hostKeys: { ed25519: string };
}

export interface NetnsHostsOptions {
  count: number;
  /** Extra login users on every host (besides root), all with the same generated key. */
  users?: string[];
  /** Open a 127.0.0.1 forward per host (default true). */
  forwardToLoopback?: boolean;
  /** Host name prefix (default "host"): host0, host1, ... */
  namePrefix?: string;
}

export interface NetnsHosts {
  hosts: NetnsHost[];
  clientNetns: string;
  /** Private key (ed25519, no passphrase) accepted for root and every extra user. */
  identityFile: string;
  /** known_hosts with every host's key under [127.0.0.1]:localPort and its 10.200 address. */
  knownHostsFile: string;
  dir: string;
  /** Run a shell command directly inside host i's namespaces (not over SSH). */
  exec(hostIdx: number, cmd: string, timeoutMs?: number): Promise<{ stdout: string; stderr: string; code: number | null }>;
  /** OpenSSH ProxyCommand reaching host i from the machine's namespace via the client namespace. */
  proxyCommand(hostIdx: number): string;
  /** OpenSSH client arguments for host i through its 127.0.0.1 forward (before the command). */
  sshArgs(hostIdx: number, user?: string): string[];
  /** Spawn a program inside the client namespace. */
  spawnInClient(cmd: string, args: string[], opts?: SpawnOptions): ChildProcess;
  /** Command lines (argv joined by spaces) of every process in host i's network namespace. */
  processes(hostIdx: number): string[];
  /** The host goes down: every process in its namespace (sshd, sessions) is killed with SIGKILL. */
  stopHost(hostIdx: number): void;
  destroy(): Promise<void>;
}

const live = new Set<() => void>();
let hooksInstalled = false;
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const f of [...live]) f();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const f of [...live]) f();
      process.kill(process.pid, sig);
    });
  }
}

function sh(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, timeout: 30_000 });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.error?.message || ''}`);
  }
  return r.stdout;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function waitForTcp(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() - start > timeoutMs) return reject(new Error(`timeout waiting for ${what}`));
      setTimeout(tick, 50);
    };
    tick();
  });
}

let counter = 0;

/** Needs root and `ip`, `sshd`, `ssh-keygen`, `socat`; returns undefined when usable. */
export function netnsHostsSkipReason(): string | undefined {
  if (process.env.CI === 'true') return undefined;
  if (process.getuid?.() !== 0) return 'netns hosts need root';
  for (const c of ['ip', '/usr/sbin/sshd', 'ssh-keygen', 'ssh', 'socat', 'unshare']) {
    if (spawnSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' }).status !== 0) {
      return `missing ${c} (apt-get install -y iproute2 openssh-server openssh-client socat util-linux)`;
    }
  }
  return undefined;
}

export async function createNetnsHosts(opts: NetnsHostsOptions): Promise<NetnsHosts> {
  installExitHooks();
  const count = opts.count;
  if (!(count >= 1 && count <= 200)) throw new Error('count must be 1..200');
  const users = opts.users ?? [];
  const forward = opts.forwardToLoopback ?? true;
  const prefix = opts.namePrefix ?? 'host';
  const tag = `lvsT${process.pid}x${counter++}`;
  const clientNetns = `${tag}c`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${tag}-`));
  // Extra users' sshd children read their authorized_keys under here: traversable by all.
  fs.chmodSync(dir, 0o755);
  const procs: ChildProcess[] = [];
  const namespaces: string[] = [];
  let destroyed = false;

  const cleanupSync = () => {
    if (destroyed) return;
    destroyed = true;
    live.delete(cleanupSync);
    for (const p of procs) {
      try {
        if (p.pid && p.exitCode === null) process.kill(p.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const ns of namespaces) {
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout?.trim();
      if (pids) spawnSync('kill', ['-9', ...pids.split(/\s+/)]);
      spawnSync('ip', ['netns', 'del', ns]);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  live.add(cleanupSync);

  try {
    // Keys: one user key, one host key per host.
    const identityFile = path.join(dir, 'id_ed25519');
    sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', tag, '-f', identityFile]);
    const userPub = fs.readFileSync(identityFile + '.pub', 'utf8');

    sh('ip', ['netns', 'add', clientNetns]);
    namespaces.push(clientNetns);
    sh('ip', ['-n', clientNetns, '-batch', '-'], ['link set lo up', 'link add br0 type bridge', 'addr add 10.200.0.1/16 dev br0', 'link set br0 up', ''].join('\n'));

    const basePasswd = fs.readFileSync('/etc/passwd', 'utf8');
    const baseGroup = fs.readFileSync('/etc/group', 'utf8');
    let baseShadow = '';
    try {
      baseShadow = fs.readFileSync('/etc/shadow', 'utf8');
    } catch {
      /* none */
    }

    const hosts: NetnsHost[] = [];
    const knownHosts: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = `${prefix}${i}`;
      const netns = `${tag}h${i}`;
      const address = `10.200.${Math.floor((10 + i) / 250)}.${(10 + i) % 250}`;
      const hdir = path.join(dir, name);
      fs.mkdirSync(hdir, { mode: 0o755 });
      sh('ip', ['netns', 'add', netns]);
      namespaces.push(netns);
      // Both veth ends are created inside namespaces of ours: nothing in the machine's own.
      sh('ip', ['-n', clientNetns, 'link', 'add', `h${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
      sh('ip', ['-n', clientNetns, 'link', 'set', `h${i}`, 'master', 'br0', 'up']);
      sh('ip', ['-n', netns, '-batch', '-'], ['link set lo up', `addr add ${address}/16 dev eth0`, 'link set eth0 up', ''].join('\n'));

      sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path.join(hdir, 'ssh_host_ed25519_key')]);
      const hostPub = fs.readFileSync(path.join(hdir, 'ssh_host_ed25519_key.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');

      // Users: private passwd/group/shadow (bind-mounted in the host's mount namespace). root logs in with
      // /bin/sh: bash started by sshd sources ~/.bashrc, and this machine's root dotfiles (which may take
      // 200 ms, e.g. `pyenv init`) are not part of a test host.
      let passwd = basePasswd.replace(/^(root:[^:]*:0:0:[^:]*:[^:]*:)[^\n]*$/m, '$1/bin/sh');
      let group = baseGroup;
      let shadow = baseShadow;
      const authDir = path.join(hdir, 'authorized_keys');
      fs.mkdirSync(authDir, { mode: 0o755 });
      fs.writeFileSync(path.join(authDir, 'root'), userPub, { mode: 0o644 });
      users.forEach((u, k) => {
        const uid = 20000 + k;
        const home = path.join(hdir, 'home', u);
        fs.mkdirSync(home, { recursive: true, mode: 0o755 });
        fs.chownSync(home, uid, uid);
        passwd += `${u}:x:${uid}:${uid}:lab user:${home}:/bin/sh\n`;
        group += `${u}:x:${uid}:\n`;
        shadow += `${u}:*:19000:0:99999:7:::\n`;
        fs.writeFileSync(path.join(authDir, u), userPub, { mode: 0o644 });
      });
      fs.writeFileSync(path.join(hdir, 'passwd'), passwd);
      fs.writeFileSync(path.join(hdir, 'group'), group);
      fs.writeFileSync(path.join(hdir, 'shadow'), shadow, { mode: 0o640 });
      fs.writeFileSync(
        path.join(hdir, 'sshd_config'),
        [
          `ListenAddress ${address}:22`,
          `HostKey ${path.join(hdir, 'ssh_host_ed25519_key')}`,
          `PidFile ${path.join(hdir, 'sshd.pid')}`,
          `AuthorizedKeysFile ${authDir}/%u`,
          'StrictModes no',
          'PermitRootLogin prohibit-password',
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'UsePAM no',
          'UseDNS no',
          'PrintMotd no',
          'MaxStartups 100:30:200',
          'MaxSessions 64',
          'Subsystem sftp internal-sftp',
          '',
        ].join('\n'),
      );
      const bootstrap = [
        'set -e',
        `mount --bind ${hdir}/passwd /etc/passwd`,
        `mount --bind ${hdir}/group /etc/group`,
        `[ -e /etc/shadow ] && mount --bind ${hdir}/shadow /etc/shadow || true`,
        'mkdir -p /run/sshd',
        `hostname ${name}`,
        `exec /usr/sbin/sshd -D -e -f ${hdir}/sshd_config`,
      ].join('\n');
      const sshd = spawn('ip', ['netns', 'exec', netns, 'unshare', '--mount', '--uts', '--propagation', 'private', 'sh', '-c', bootstrap], {
        stdio: ['ignore', 'ignore', fs.openSync(path.join(hdir, 'sshd.log'), 'a')],
      });
      procs.push(sshd);

      let localPort = 0;
      if (forward) {
        localPort = await freeLoopbackPort();
        const fwd = spawn(
          'socat',
          [
            `TCP-LISTEN:${localPort},bind=127.0.0.1,reuseaddr,fork,nodelay`,
            `EXEC:ip netns exec ${clientNetns} socat STDIO TCP\\:${address}\\:22\\,nodelay`,
          ],
          { stdio: ['ignore', 'ignore', fs.openSync(path.join(hdir, 'forward.log'), 'a')] },
        );
        procs.push(fwd);
        knownHosts.push(`[127.0.0.1]:${localPort} ${hostPub}`);
      }
      knownHosts.push(`${address} ${hostPub}`);
      hosts.push({ name, netns, address, port: 22, localPort, hostKeys: { ed25519: hostPub } });
    }
    const knownHostsFile = path.join(dir, 'known_hosts');
    fs.writeFileSync(knownHostsFile, knownHosts.join('\n') + '\n');

    // Ready when every sshd listens (checked inside the namespaces) and every forward too.
    for (const h of hosts) {
      await waitForTcp(
        () => /:22\b/.test(spawnSync('ip', ['netns', 'exec', h.netns, 'ss', '-Hltn'], { encoding: 'utf8' }).stdout ?? ''),
        15_000,
        `sshd of ${h.name} (see ${path.join(dir, h.name, 'sshd.log')})`,
      );
      if (h.localPort) {
        await waitForTcp(
          () => (spawnSync('ss', ['-Hltn', `sport = :${h.localPort}`], { encoding: 'utf8' }).stdout ?? '').trim() !== '',
          15_000,
          `forward of ${h.name}`,
        );
      }
    }

    const exec: NetnsHosts['exec'] = (hostIdx, cmd, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const h = hosts[hostIdx];
        if (!h) return reject(new Error(`no host ${hostIdx}`));
        const child = spawn('ip', ['netns', 'exec', h.netns, 'sh', '-c', cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(t);
          resolve({ stdout, stderr, code });
        });
      });

    const proxyCommand = (hostIdx: number) => `ip netns exec ${clientNetns} socat STDIO TCP:${hosts[hostIdx]!.address}:22`;

    const sshArgs = (hostIdx: number, user = 'root') => {
      const h = hosts[hostIdx]!;
      if (!h.localPort) throw new Error('forwardToLoopback is off: use proxyCommand()');
      return [
        '-F', '/dev/null',
        '-i', identityFile,
        '-o', 'IdentitiesOnly=yes',
        '-o', `UserKnownHostsFile=${knownHostsFile}`,
        '-o', 'GlobalKnownHostsFile=/dev/null',
        '-o', 'StrictHostKeyChecking=yes',
        '-o', 'BatchMode=yes',
        '-o', 'LogLevel=ERROR',
        '-p', String(h.localPort),
        `${user}@127.0.0.1`,
      ];
    };

    const spawnInClient = (cmd: string, args: string[], o: SpawnOptions = {}) => {
      const child = spawn('ip', ['netns', 'exec', clientNetns, cmd, ...args], o);
      procs.push(child);
      return child;
    };

    const pidsOf = (hostIdx: number): number[] => {
      const out = spawnSync('ip', ['netns', 'pids', hosts[hostIdx]!.netns], { encoding: 'utf8' }).stdout ?? '';
      return out.split(/\s+/).filter(Boolean).map(Number);
    };
    const processes = (hostIdx: number): string[] => pidsOf(hostIdx).flatMap((pid) => {
      try {
        const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        return argv.length > 0 ? [argv.join(' ')] : []; // zombies have no command line
      } catch {
        return []; // gone meanwhile
      }
    });
    const stopHost = (hostIdx: number): void => {
      for (const pid of pidsOf(hostIdx)) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      }
    };

    return {
      hosts,
      clientNetns,
      processes,
      stopHost,
      identityFile,
      knownHostsFile,
      dir,
      exec,
      proxyCommand,
      sshArgs,
      spawnInClient,
      destroy: async () => {
        cleanupSync();
      },
    };
  } catch (e) {
    cleanupSync();
    throw e;
  }
}
