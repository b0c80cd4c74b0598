/** Shared shapes of the SSH layer: what the caller hands in (prompts, log) and what host resolution yields. */
import type { StrictHostKeyChecking } from '../clusterFile/types';

/** Debug lines: method tried, key fingerprints, host key verdicts. Never a secret. */
export type DebugLog = (line: string) => void;

export interface HostKeyQuestion {
  host: string;
  port: number;
  keyType: string;
  /** `SHA256:…`, as OpenSSH shows it. */
  fingerprint: string;
  /** The host's name in the cluster file, when it is not `host` (its `ssh.host` is an address or another alias). */
  name?: string;
}

/**
 * Questions the SSH layer may need answered. All optional: a missing prompt means "cannot ask" (an unknown
 * host key is then refused under `ask`, an encrypted key is skipped, password auth is not tried, sudo with a
 * password is not attempted). Answers are used once and never stored.
 */
export interface SshPrompts {
  confirmHostKey?(question: HostKeyQuestion): Promise<boolean>;
  passphrase?(question: { host: string; keyPath: string }): Promise<string | undefined>;
  /** Password and keyboard-interactive authentication; `prompt` is the server's text (e.g. `Password: `). */
  password?(question: { host: string; user: string; prompt: string }): Promise<string | undefined>;
  sudoPassword?(question: { host: string; user: string }): Promise<string | undefined>;
}

export interface JumpHop {
  user?: string;
  host: string;
  port?: number;
}

/** One host's effective SSH settings, after ssh_config and the cluster file's `ssh:` settings. */
export interface ResolvedHost {
  /** The name we were asked to resolve (alias in ~/.ssh/config, or an address). Used in messages. */
  alias: string;
  /** The cluster file's name for the host, when it differs from `alias` (set through `ssh.host`). Messages only. */
  name?: string;
  hostname: string;
  port: number;
  user: string;
  /** Absolute paths, in the order they are tried. */
  identityFiles: string[];
  identitiesOnly: boolean;
  /** Read only: keys accepted through us go to our trust store, never here. */
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  strictHostKeyChecking: StrictHostKeyChecking;
  hostKeyAlias?: string;
  /** Hops to go through, first one first; each already resolved. */
  jumps: ResolvedHost[];
  connectTimeoutMs?: number;
  /** 0 = off. */
  serverAliveIntervalMs: number;
  serverAliveCountMax: number;
  sudo: boolean;
  /** Where the values came from, for logs and docs. */
  source: 'ssh -G' | 'ssh_config fallback';
}
