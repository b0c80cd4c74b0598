/**
 * Starts code-server (VS Code 1.100.3 server + Node extension host) on 127.0.0.1 at a free port, with
 * scratch user-data, extensions, config and home directories, no marketplace, no telemetry, no update
 * check. Stops it by killing its whole process group, so nothing is left running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { codeServerEntry, ensureDir, resultsDir, slug } from './paths';

export interface CodeServerOptions {
  /** Folder the workbench opens (also code-server's default folder). */
  workspace?: string;
  /** true (default): --disable-workspace-trust, every folder is trusted. false: the real trust prompt/restricted mode. */
  trust?: boolean;
  /** Extension under development, loaded by openWorkbench() through the workbench payload. */
  extensionPath?: string;
  /** Port to listen on; default: a free port chosen now. */
  port?: number;
  /** Name used for the log file and scratch directory. */
  name?: string;
  /** Extra environment for code-server (and so for its extension host). */
  env?: Record<string, string>;
  /** User settings merged over the harness defaults. */
  settings?: Record<string, unknown>;
  /** Keep the scratch directory after stop() (default: only when LVS_KEEP_SCRATCH=1). */
  keepScratch?: boolean;
  /** Milliseconds to wait for /healthz. Default 60 s. */
  startTimeoutMs?: number;
}

export interface CodeServer {
  url: string;
  host: string;
  port: number;
  /** host:port, the authority of vscode-remote:// URIs on this server. */
  authority: string;
  workspace?: string;
  extensionPath?: string;
  trust: boolean;
  scratchDir: string;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  /** Milliseconds from spawn to healthy. */
  startupMs: number;
  /** code-server's output so far. */
  log(): string;
  /** A vscode-remote:// URI string for an absolute path on this server. */
  remoteUri(absPath: string): string;
  stop(): Promise<void>;
}

/** Settings that keep a test workbench quiet and offline. */
export const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'npm.autoDetect': 'off',
  'typescript.disableAutomaticTypeAcquisition': true,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'files.autoSave': 'off',
  'editor.minimap.enabled': false,
  'window.dialogStyle': 'custom',
};

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function healthz(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthz`, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const running = new Set<CodeServer>();
let exitHooksInstalled = false;

/** On Ctrl-C or SIGTERM of the runner, stop every code-server it started. */
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const killAll = () => {
    for (const s of running) {
      void s.stop();
    }
  };
  process.on('exit', () => {
    for (const s of running) (s as CodeServer & { killSync(): void }).killSync();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      setTimeout(() => process.exit(130), 500);
    });
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

export async function startCodeServer(opts: CodeServerOptions = {}): Promise<CodeServer> {
  const entry = codeServerEntry();
  if (!fs.existsSync(entry)) {
    throw new Error(`code-server is not installed at ${entry}: run bash scripts/install-code-server.sh`);
  }
  const host = '127.0.0.1';
  const port = opts.port ?? (await freePort(host));
  const name = slug(opts.name ?? 'code-server');
  const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), `lvs-code-server-${name}-`));
  const userDataDir = ensureDir(path.join(scratchDir, 'user-data'));
  const extensionsDir = ensureDir(path.join(scratchDir, 'extensions'));
  const home = ensureDir(path.join(scratchDir, 'home'));
  const xdgConfig = ensureDir(path.join(scratchDir, 'config'));
  const xdgData = ensureDir(path.join(scratchDir, 'data'));
  ensureDir(path.join(userDataDir, 'User'));
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...(opts.settings ?? {}) }, null, 2),
  );
  ensureDir(path.join(resultsDir, 'logs'));
  const logFile = path.join(resultsDir, 'logs', `${name}-code-server.log`);
  const logStream = fs.createWriteStream(logFile);
  let logText = '';

  const trust = opts.trust ?? true;
  const args = [
    entry,
    '--bind-addr', `${host}:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--ignore-last-opened',
  ];
  if (trust) args.push('--disable-workspace-trust');
  if (opts.workspace) args.push(opts.workspace);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: xdgConfig,
    XDG_DATA_HOME: xdgData,
    XDG_CACHE_HOME: ensureDir(path.join(scratchDir, 'cache')),
    // VS Code's IPC sockets (vscode-ipc-*.sock) go to the temp dir: keep them in the scratch dir.
    TMPDIR: ensureDir(path.join(scratchDir, 'tmp')),
    EXTENSIONS_GALLERY: '{}',
    ...(opts.env ?? {}),
  };
  // Never inherit a password or a port from the caller's environment.
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  delete env.PORT;
  // VS Code must not think it is itself running inside an extension host (when this harness runs in one).
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_')) delete env[k];

  const t0 = Date.now();
  const child = spawn(process.execPath, args, {
    cwd: opts.workspace ?? scratchDir,
    env,
    detached: true, // own process group: stop() kills code-server, its extension hosts, pty host and watchers
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onData = (b: Buffer) => {
    const s = b.toString();
    logText += s;
    logStream.write(s);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exited: number | null | undefined;
  const exitPromise = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exited = code ?? (signal ? -1 : 0);
      resolve();
    }),
  );

  const url = `http://${host}:${port}`;
  let stopped = false;
  const server: CodeServer & { killSync(): void } = {
    url,
    host,
    port,
    authority: `${host}:${port}`,
    workspace: opts.workspace,
    extensionPath: opts.extensionPath,
    trust,
    scratchDir,
    userDataDir,
    extensionsDir,
    logFile,
    startupMs: 0,
    log: () => logText,
    remoteUri: (absPath: string) => `vscode-remote://${host}:${port}${absPath.split(path.sep).map(encodeURIComponent).join('/')}`,
    killSync: () => killGroup(child, 'SIGKILL'),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      running.delete(server);
      if (exited === undefined) {
        killGroup(child, 'SIGTERM');
        const done = await Promise.race([exitPromise.then(() => true), sleep(5000).then(() => false)]);
        if (!done) killGroup(child, 'SIGKILL');
      }
      // The extension host and other children share the group; make sure none outlived the parent.
      await sleep(200);
      killGroup(child, 'SIGKILL');
      logStream.end();
      if (!(opts.keepScratch ?? process.env.LVS_KEEP_SCRATCH === '1')) {
        fs.rmSync(scratchDir, { recursive: true, force: true, maxRetries: 3 });
      }
    },
  };
  running.add(server);
  installExitHooks();

  const timeout = opts.startTimeoutMs ?? 60_000;
  while (!(await healthz(url))) {
    if (exited !== undefined) {
      await server.stop();
      throw new Error(`code-server exited (code ${exited}) before it was healthy. Log ${logFile}:\n${logText}`);
    }
    if (Date.now() - t0 > timeout) {
      await server.stop();
      throw new Error(`code-server not healthy after ${timeout} ms. Log ${logFile}:\n${logText}`);
    }
    await sleep(100);
  }
  server.startupMs = Date.now() - t0;
  return server;
}
