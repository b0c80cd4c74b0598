/**
 * Test helpers for the local LVS lab (lab/lab.sh, see lab/README.md).
 *
 *   const lab = await ensureLab();            // uses the running lab, or runs `lab up` once
 *   await resetLab();                         // every host back to its boot state (~3 s)
 *   const r = await labExec('director', 'ipvsadm -Ln');   // OpenSSH with lab/out/ssh_config
 *
 * One lab serves a whole test run: `ensureLab()` is memoised per process and serialised
 * across processes (lock file + `lab.sh up`'s own flock), so parallel test files start it
 * once. Test files that change the lab should hold `withLabLock()` while they do, so that
 * another file's `resetLab()` does not pull the rug.
 *
 * Skipping: `labAvailable()` tells whether this machine can run the lab (root, QEMU, ...).
 * `labSkipReason()` returns a reason to skip ONLY outside CI; with CI=true it returns
 * undefined so the test runs and fails loudly when the lab is missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type LabHost = 'director' | 'director2' | 'rs1' | 'rs2' | 'client' | 'router' | 'control';
export const LAB_HOSTS: readonly LabHost[] = ['director', 'rs1', 'rs2', 'client', 'router', 'director2'];

/** Lab addresses (fixed; see lab/README.md). */
export const LAB_ADDR = {
  director: '10.116.0.10',
  director2: '10.116.0.13',
  rs1: '10.116.0.11',
  rs2: '10.116.0.12',
  routerLan: '10.116.0.1',
  routerCli: '10.116.1.1',
  client: '10.116.1.100',
  vip: '10.116.0.200',
  director6: 'fd16:116::10',
  rs16: 'fd16:116::11',
  rs26: 'fd16:116::12',
  routerLan6: 'fd16:116::1',
  routerCli6: 'fd16:117::1',
  client6: 'fd16:117::100',
} as const;

export interface LabInfo {
  repoRoot: string;
  labScript: string;
  outDir: string;
  lvsYaml: string;
  sshConfig: string;
  knownHosts: string;
  identityFile: string;
  consoleLog: string;
  /** 127.0.0.1 port of each host's SSH forward. */
  ports: Record<LabHost, number>;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

function findRepoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'lab', 'lab.sh'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find lab/lab.sh above ${__dirname}`);
    dir = up;
  }
}

export function labPaths(): Omit<LabInfo, 'ports'> {
  const repoRoot = findRepoRoot();
  const outDir = path.resolve(process.env.LVS_LAB_OUT ?? path.join(repoRoot, 'lab', 'out'));
  return {
    repoRoot,
    labScript: path.join(repoRoot, 'lab', 'lab.sh'),
    outDir,
    lvsYaml: path.join(outDir, 'lvs.yaml'),
    sshConfig: path.join(outDir, 'ssh_config'),
    knownHosts: path.join(outDir, 'known_hosts'),
    identityFile: path.join(outDir, 'id_ed25519'),
    consoleLog: path.join(outDir, 'console.log'),
  };
}

function readPorts(outDir: string): Record<LabHost, number> {
  const env = fs.readFileSync(path.join(outDir, 'lab.env'), 'utf8');
  const ports = {} as Record<LabHost, number>;
  for (const m of env.matchAll(/^P_(\w+)=(\d+)$/gm)) ports[m[1] as LabHost] = Number(m[2]);
  for (const h of [...LAB_HOSTS, 'control'] as LabHost[]) {
    if (!ports[h]) throw new Error(`lab.env has no port for ${h}`);
  }
  return ports;
}

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Can this machine run the lab? (root, and the programs of lab/apt-packages.txt) */
export function labAvailable(): { ok: boolean; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'the lab needs Linux' };
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return { ok: false, reason: 'the lab needs root (debootstrap, QEMU image cache)' };
  }
  const missing = ['qemu-system-x86_64', 'debootstrap', 'ssh', 'ssh-keygen', 'cpio', 'lz4', 'flock', 'ss'].filter(
    (c) => !onPath(c),
  );
  if (missing.length) {
    let pkgs = '';
    try {
      pkgs = fs
        .readFileSync(path.join(findRepoRoot(), 'lab', 'apt-packages.txt'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('#'))
        .join(' ');
    } catch {
      /* ignore */
    }
    return { ok: false, reason: `missing ${missing.join(', ')} (apt-get install -y ${pkgs})` };
  }
  return { ok: true, reason: '' };
}

/** A reason to skip lab tests, or undefined to run them. Never skips when CI=true. */
export function labSkipReason(): string | undefined {
  if (process.env.CI === 'true') return undefined;
  if (process.env.LVS_LAB_SKIP) return `LVS_LAB_SKIP is set`;
  const a = labAvailable();
  return a.ok ? undefined : `lab not available here: ${a.reason}`;
}

/** The last lines of the guest's serial console (boot log), for error messages. */
export function consoleTail(lines = 40): string {
  try {
    const text = fs.readFileSync(labPaths().consoleLog, 'utf8').replace(/\r/g, '');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no guest console log)';
  }
}

function run(cmd: string, args: string[], timeoutMs: number, input?: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(
          new Error(
            `timeout after ${timeoutMs} ms: ${cmd} ${args.join(' ')}\nstdout: ${stdout}\nstderr: ${stderr}\n` +
              `guest console tail:\n${consoleTail()}`,
          ),
        );
      } else resolve({ stdout, stderr, code });
    });
    child.stdin.end(input ?? '');
  });
}

function labSh(args: string[], timeoutMs: number): Promise<ExecResult> {
  return run('bash', [labPaths().labScript, ...args], timeoutMs);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A cross-process lock: a directory holding the owner's pid; stale owners are taken over. */
async function acquireDirLock(dir: string, timeoutMs: number): Promise<() => void> {
  const start = Date.now();
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
      let released = false;
      return () => {
        if (released) return;
        released = true;
        fs.rmSync(dir, { recursive: true, force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8'));
      } catch {
        /* being created or removed */
      }
      if (Number.isFinite(owner) && owner > 0 && !pidAlive(owner)) {
        fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - start > timeoutMs) throw new Error(`timeout waiting for lock ${dir} (owner pid ${owner})`);
      await sleep(200);
    }
  }
}

let ensured: Promise<LabInfo> | undefined;

/**
 * The running lab, started with `lab.sh up` if needed (first build ~1.5 min plus boot).
 * Errors include the tail of the guest console.
 */
export function ensureLab(): Promise<LabInfo> {
  ensured ??= (async () => {
    const p = labPaths();
    const release = await acquireDirLock(path.join(p.outDir, '.ensure-lock'), 20 * 60_000);
    try {
      const st = await labSh(['status'], 120_000);
      if (st.code !== 0) {
        const up = await labSh(['up'], 20 * 60_000);
        if (up.code !== 0) {
          throw new Error(
            `lab up failed (exit ${up.code}):\n${up.stderr}\n${up.stdout}\nguest console tail:\n${consoleTail()}`,
          );
        }
      }
      return { ...p, ports: readPorts(p.outDir) };
    } finally {
      release();
    }
  })();
  ensured.catch(() => (ensured = undefined));
  return ensured;
}

/** Every lab host back to its boot state (lab.sh reset). */
export async function resetLab(): Promise<void> {
  const r = await labSh(['reset'], 180_000);
  if (r.code !== 0) {
    throw new Error(`lab reset failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}\nguest console tail:\n${consoleTail()}`);
  }
}

/** Run a shell command on a lab host through OpenSSH (lab/out/ssh_config). */
export function labExec(
  host: LabHost,
  command: string,
  opts: { timeoutMs?: number; input?: string } = {},
): Promise<ExecResult> {
  const p = labPaths();
  return run(
    'ssh',
    ['-F', p.sshConfig, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=30', host, command],
    opts.timeoutMs ?? 60_000,
    opts.input,
  );
}

/** labExec that throws (with stderr and the console tail) unless the command exits 0. */
export async function labRun(host: LabHost, command: string, opts: { timeoutMs?: number; input?: string } = {}) {
  const r = await labExec(host, command, opts);
  if (r.code !== 0) {
    throw new Error(
      `${host}# ${command}\nexit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}` +
        (r.code === 255 ? `\nguest console tail:\n${consoleTail(20)}` : ''),
    );
  }
  return r.stdout;
}

/**
 * Exclusive use of the lab across test processes, for tests that reset or reconfigure it.
 */
export async function withLabLock<T>(fn: () => Promise<T>, timeoutMs = 30 * 60_000): Promise<T> {
  const release = await acquireDirLock(path.join(labPaths().outDir, '.test-lock'), timeoutMs);
  try {
    return await fn();
  } finally {
    release();
  }
}
