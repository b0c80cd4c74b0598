/**
 * ssh_config values in the shape `ssh -G` prints them (lowercase keyword → arguments), and their conversion to
 * typed fields. Both the `ssh -G` path and the fallback parser produce this shape, so the typing happens once.
 */
import { isAbsolute, join } from 'node:path';
import type { StrictHostKeyChecking } from '../clusterFile/types';
import { SshConfigError } from './errors';

/** Keyword (lowercase) → values. Multi-valued keywords (identityfile) keep every value in order. */
export type ConfigValues = Map<string, string[]>;

/** Keywords where every occurrence counts (OpenSSH accumulates them); the others keep the first value. */
export const MULTI_VALUED = new Set(['identityfile', 'certificatefile', 'localforward', 'remoteforward', 'dynamicforward', 'sendenv', 'setenv']);

export interface PathTokens {
  home: string;
  localUser: string;
  remoteUser: string;
  host: string;
  originalHost: string;
  port: number;
}

/** `~` and the `%` tokens OpenSSH expands in IdentityFile / UserKnownHostsFile (`%d %u %r %h %n %p %%`). */
export function expandPath(value: string, t: PathTokens): string {
  let v = value;
  if (v === '~' || v.startsWith('~/')) v = join(t.home, v.slice(1));
  v = v.replace(/%([%duhrnp])/g, (_m, c: string) => {
    switch (c) {
      case '%': return '%';
      case 'd': return t.home;
      case 'u': return t.localUser;
      case 'r': return t.remoteUser;
      case 'h': return t.host;
      case 'n': return t.originalHost;
      default: return String(t.port);
    }
  });
  return isAbsolute(v) ? v : join(t.home, '.ssh', v);
}

export function parseStrict(value: string | undefined): StrictHostKeyChecking {
  switch ((value ?? 'ask').toLowerCase()) {
    case 'yes': case 'true': return 'yes';
    case 'no': case 'false': case 'off': return 'no';
    case 'accept-new': return 'accept-new';
    case 'ask': return 'ask';
    default: throw new SshConfigError(`StrictHostKeyChecking ${value}: expected yes, accept-new, ask or no`);
  }
}

export interface ConfigFields {
  hostname: string;
  port: number;
  user: string;
  identityFiles: string[];
  identitiesOnly: boolean;
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  strictHostKeyChecking: StrictHostKeyChecking;
  hostKeyAlias?: string;
  /** Raw ProxyJump value, `undefined` for none. */
  proxyJump?: string;
  connectTimeoutMs?: number;
  serverAliveIntervalMs: number;
  serverAliveCountMax: number;
}

function first(values: ConfigValues, key: string): string | undefined {
  return values.get(key)?.[0];
}

function int(value: string | undefined, key: string): number | undefined {
  if (value === undefined || value === 'none') return undefined;
  if (!/^\d+$/.test(value)) throw new SshConfigError(`${key} ${value}: expected a number`);
  return Number(value);
}

export function toConfigFields(alias: string, values: ConfigValues, env: { home: string; localUser: string }): ConfigFields {
  const proxyCommand = first(values, 'proxycommand');
  if (proxyCommand !== undefined && proxyCommand !== 'none') {
    throw new SshConfigError(`${alias}: ProxyCommand is not supported by this client (${proxyCommand}); use ProxyJump`);
  }
  const hostname = first(values, 'hostname') ?? alias;
  const port = int(first(values, 'port'), 'Port') ?? 22;
  const user = first(values, 'user') ?? env.localUser;
  const tokens: PathTokens = { home: env.home, localUser: env.localUser, remoteUser: user, host: hostname, originalHost: alias, port };
  const list = (key: string, fallback: string[]): string[] =>
    (values.get(key) ?? fallback).flatMap((v) => v.split(/\s+/)).filter((v) => v !== '' && v !== 'none').map((v) => expandPath(v, tokens));
  const proxyJump = first(values, 'proxyjump');
  const alive = int(first(values, 'serveraliveinterval'), 'ServerAliveInterval') ?? 0;
  const connectTimeout = int(first(values, 'connecttimeout'), 'ConnectTimeout');
  const fields: ConfigFields = {
    hostname: hostname.replace(/%h/g, alias),
    port,
    user,
    identityFiles: list('identityfile', ['~/.ssh/id_rsa', '~/.ssh/id_ecdsa', '~/.ssh/id_ed25519']),
    identitiesOnly: (first(values, 'identitiesonly') ?? 'no').toLowerCase() === 'yes',
    userKnownHostsFiles: list('userknownhostsfile', ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']),
    globalKnownHostsFiles: list('globalknownhostsfile', ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']),
    strictHostKeyChecking: parseStrict(first(values, 'stricthostkeychecking')),
    serverAliveIntervalMs: alive * 1000,
    serverAliveCountMax: int(first(values, 'serveralivecountmax'), 'ServerAliveCountMax') ?? 3,
  };
  const alias2 = first(values, 'hostkeyalias');
  if (alias2 !== undefined && alias2 !== 'none') fields.hostKeyAlias = alias2;
  if (proxyJump !== undefined && proxyJump !== 'none') fields.proxyJump = proxyJump;
  if (connectTimeout !== undefined) fields.connectTimeoutMs = connectTimeout * 1000;
  return fields;
}
