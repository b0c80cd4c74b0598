/**
 * The one way to build an SshPool over a cluster file's hosts: each host name resolves with its `ssh:`
 * settings (ProxyJump hops named like hosts of the file get theirs) and falls back to its first address.
 * lvsctl, the extension and the tests all use it, with the same default trust store.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ClusterFile } from '../clusterFile/types';
import { SshPool } from '../ssh/connectionPool';
import type { ConnectOptions } from '../ssh/connect';
import { resolveHost } from '../ssh/resolveHost';
import type { ResolveOptions } from '../ssh/resolveHost';

/** Where host keys accepted through lvsctl or the extension are remembered (never in ~/.ssh/known_hosts). */
export function defaultTrustStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'vscode-lvs', 'known_hosts');
}

export interface ClusterPoolOptions extends Omit<ConnectOptions, 'trustStorePath'> {
  /** Default: `defaultTrustStorePath()`. */
  trustStorePath?: string;
  /** `ssh -F` file and other resolution options (tests). */
  resolve?: Omit<ResolveOptions, 'settingsFor' | 'addressFor' | 'fallbackAddress'>;
  /** Close a host's connection after this long idle (default 30 s). */
  idleTimeoutMs?: number;
}

export function clusterSshPool(file: ClusterFile, options: ClusterPoolOptions): SshPool {
  const hosts = new Map(file.hosts.map((h) => [h.name, h]));
  const { resolve: resolveExtra, trustStorePath, idleTimeoutMs, ...connect } = options;
  return new SshPool({
    ...connect,
    trustStorePath: trustStorePath ?? defaultTrustStorePath(),
    idleTimeoutMs: idleTimeoutMs ?? 30_000,
    resolve: async (name: string) => {
      const host = hosts.get(name);
      if (!host) throw new Error(`the cluster file has no host named "${name}"`);
      const ro: ResolveOptions = { ...(resolveExtra ?? {}), settingsFor: (n) => hosts.get(n)?.ssh, addressFor: (n) => hosts.get(n)?.addresses[0] };
      if (options.log) ro.log = options.log;
      const fallback = host.addresses[0];
      if (fallback !== undefined) ro.fallbackAddress = fallback;
      return resolveHost(name, host.ssh, ro);
    },
  });
}
