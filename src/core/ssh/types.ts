/** Shared shapes of the SSH layer: what the caller hands in (prompts, log) and what host resolution yields. */
import type { StrictHostKeyChecking } from '../clusterFile/types';

/** Debug lines: method tried, key fingerprints, host key verdicts. Never a secret. */
export type DebugLog = (line: string) => void;

/**
 * The machine a question is about, as really dialled (after ssh_config, `ssh.host`, `address`): what prompts
 * show and what a remembered answer is bound to, so that another cluster file's host of the same name, or the
 * same name pointing elsewhere, never gets it.
 */
export interface SshDestination {
  user: string;
  /** The resolved HostName (an address or DNS name), not the cluster file's name. */
  hostname: string;
  port: number;
  /** The host's name in the cluster file (or the ssh alias asked for). */
  name: string;
  /** SHA256 fingerprint of the host key this connection verified; set once the host key check has passed. */
  hostKeyFingerprint?: string;
  /** The cluster file the host comes from (its name), when the caller said. */
  source?: string;
}

export interface HostKeyQuestion {
  host: string;
  port: number;
  keyType: string;
  /** `SHA256:…`, as OpenSSH shows it. */
  fingerprint: string;
  /** The host's name in the cluster file, when it is not `host` (its `ssh.host` is an address or another alias). */
  name?: string;
  /** The real address asked about (no fingerprint yet: that is the question). */
  destination: SshDestination;
}

/**
 * Questions the SSH layer may need answered. All optional: a missing prompt means "cannot ask" (an unknown
 * host key is then refused under `ask`, an encrypted key is skipped, password auth is not tried, sudo with a
 * password is not attempted). Answers are used once and never stored by the core; a caller that remembers
 * them binds them to `destination` (see rememberedSecrets.ts). Every question carries the real address.
 */
export interface SshPrompts {
  confirmHostKey?(question: HostKeyQuestion): Promise<boolean>;
  passphrase?(question: { host: string; keyPath: string; destination: SshDestination }): Promise<string | undefined>;
  /** Password and keyboard-interactive authentication; `prompt` is the server's text (e.g. `Password: `), escape sequences removed. */
  password?(question: { host: string; user: string; prompt: string; destination: SshDestination }): Promise<string | undefined>;
  sudoPassword?(question: { host: string; user: string; destination: SshDestination }): Promise<string | undefined>;
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
