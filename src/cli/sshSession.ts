/**
 * An SSH session for CLI commands: an SshPool over the cluster file's hosts (each resolved with its `ssh:`
 * settings, ProxyJump hops named like hosts of the file get theirs), our trust store
 * (~/.config/vscode-lvs/known_hosts unless --trust-store), and prompts on the terminal — only when stdin
 * is a TTY; otherwise nothing can be asked and the SSH layer fails with a message saying what it needed.
 */
import type { ClusterFile } from '../core/clusterFile/types';
import { clusterSshPool, defaultTrustStorePath } from '../core/operations/clusterPool';
import type { SshPool } from '../core/ssh/connectionPool';
import { describeDestination } from '../core/ssh/destination';
import type { RemoteCommand } from '../core/ssh/remoteCommand';
import type { DebugLog, SshPrompts } from '../core/ssh/types';
import { ask } from './terminalQuestions';

export const DEFAULT_TRUST_STORE = defaultTrustStorePath();

export interface SshSessionOptions {
  trustStore?: string;
  /** `ssh -F` file for host resolution (tests). */
  sshConfigFile?: string;
  log?: DebugLog;
  /** Close a host's connection after this long idle (default 30 s). */
  idleTimeoutMs?: number;
  /** Default: terminal prompts when stdin and stderr are TTYs, else none. */
  prompts?: SshPrompts;
}

export interface SshSession {
  pool: SshPool;
  /** `pool.run`, bound: the HostRunner the core's runners take. */
  run<T>(host: string, command: RemoteCommand<T>): Promise<T>;
  close(): void;
}

export function openSshSession(file: ClusterFile, options: SshSessionOptions = {}): SshSession {
  const pool = clusterSshPool(file, {
    trustStorePath: options.trustStore ?? DEFAULT_TRUST_STORE,
    prompts: options.prompts ?? terminalPrompts(),
    ...(options.log ? { log: options.log } : {}),
    ...(options.sshConfigFile !== undefined ? { resolve: { configFile: options.sshConfigFile } } : {}),
    idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
  });
  return { pool, run: (host, command) => pool.run(host, command), close: () => pool.close() };
}

/** Prompts on the terminal; `{}` (nothing can be asked) when there is no TTY. */
export function terminalPrompts(): SshPrompts {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return {};
  return {
    confirmHostKey: async (q) => /^y(es)?$/i.test(await ask(
      `The authenticity of host ${describeDestination(q.destination)} can't be established.\n${q.keyType} key fingerprint is ${q.fingerprint}.\nTrust it (stored in our trust store only)? [yes/no] `, false)),
    passphrase: async (q) => ask(`Passphrase for ${q.keyPath} (${describeDestination(q.destination)}): `, true),
    password: async (q) => ask(`${describeDestination(q.destination)} ${q.prompt.trim() || 'Password:'} `, true),
    sudoPassword: async (q) => ask(`[sudo] password for ${q.user} on ${describeDestination(q.destination)}: `, true),
  };
}
