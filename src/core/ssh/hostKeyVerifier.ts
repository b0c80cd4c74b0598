/**
 * Host key verification, before any authentication: the presented key is looked up in the user's known_hosts
 * files (read only), the global ones, and our trust store; StrictHostKeyChecking decides what happens to an
 * unknown key; a changed or revoked key is refused whatever the setting.
 */
import type { StrictHostKeyChecking } from '../clusterFile/types';
import { destinationOf } from './destination';
import { HostKeyError } from './errors';
import { knownHostsName } from './hostPattern';
import { fingerprintOf, keyTypeOfBlob } from './keyFingerprint';
import { checkHostKey, knownKeyTypes, loadKnownHosts } from './knownHosts';
import type { KnownHostEntry } from './knownHosts';
import { rememberHostKey } from './trustStore';
import type { DebugLog, HostKeyQuestion, ResolvedHost, SshPrompts } from './types';

export type UnknownKeyAction = 'refuse' | 'ask' | 'accept';

/**
 * What StrictHostKeyChecking does with a key no file knows (OpenSSH semantics), except that a key accepted
 * under `no` is never stored: the trust store is shared by every workspace and lvsctl, and a key nobody
 * checked must not become "known" for the next cluster file that names the same address.
 */
export function unknownKeyAction(strict: StrictHostKeyChecking): UnknownKeyAction {
  switch (strict) {
    case 'yes': return 'refuse';
    case 'ask': return 'ask';
    case 'accept-new': case 'no': return 'accept';
  }
}

/** Names the host's keys are filed under: HostKeyAlias or HostName, `[name]:port` off port 22. */
export function hostKeyNames(host: Pick<ResolvedHost, 'hostname' | 'port' | 'hostKeyAlias'>): string[] {
  return [knownHostsName(host.hostKeyAlias ?? host.hostname, host.port)];
}

export function knownHostsFilesOf(host: ResolvedHost, trustStorePath: string): string[] {
  return [...host.userKnownHostsFiles, ...host.globalKnownHostsFiles, trustStorePath];
}

export interface VerifyContext {
  host: ResolvedHost;
  trustStorePath: string;
  prompts: SshPrompts;
  log?: DebugLog;
  /** The cluster file's name, for the question. */
  source?: string;
}

function where(e: KnownHostEntry): string {
  return `${e.file}:${e.line}`;
}

/** Resolves when the key is trusted (possibly after asking and storing it); throws HostKeyError otherwise. */
export async function verifyHostKey(ctx: VerifyContext, keyBlob: Buffer): Promise<void> {
  const { host } = ctx;
  const name = hostKeyNames(host)[0];
  const keyType = keyTypeOfBlob(keyBlob);
  const fingerprint = fingerprintOf(keyBlob);
  const { entries, problems } = await loadKnownHosts(knownHostsFilesOf(host, ctx.trustStorePath));
  for (const p of problems) ctx.log?.(`known_hosts ${p.file}:${p.line}: ${p.message} (line ignored)`);
  const check = checkHostKey(entries, [name], { keyType, keyBlob });
  const label = `${host.alias} (${name})`;
  switch (check.status) {
    case 'known':
      ctx.log?.(`host key ${label}: ${keyType} ${fingerprint} matches ${where(check.entry)}`);
      return;
    case 'revoked':
      throw new HostKeyError(host.alias, host.port, 'revoked', fingerprint,
        `${label}: the host key ${keyType} ${fingerprint} is marked @revoked in ${where(check.entry)}; refusing to connect.`,
        where(check.entry), fingerprintOf(check.entry.keyBlob));
    case 'changed': {
      const old = fingerprintOf(check.entry.keyBlob);
      throw new HostKeyError(host.alias, host.port, 'changed', fingerprint,
        `${label}: REMOTE HOST IDENTIFICATION HAS CHANGED. The server presented ${keyType} ${fingerprint}, ` +
        `but ${where(check.entry)} has ${check.entry.keyType} ${old} for this host. Someone could be intercepting ` +
        `the connection, or the host key was replaced. Refusing to connect; if the change is expected, remove that line ` +
        `(ssh-keygen -R '${name}' -f ${check.entry.file}).`,
        where(check.entry), old);
    }
    case 'unknown':
      break;
  }
  if (check.certAuthorityEntries.length > 0) {
    ctx.log?.(`host key ${label}: @cert-authority entries match (${check.certAuthorityEntries.map(where).join(', ')}) but host certificates are not supported; treating the key as unknown`);
  }
  const action = unknownKeyAction(host.strictHostKeyChecking);
  const question: HostKeyQuestion = { host: host.alias, port: host.port, keyType, fingerprint, destination: destinationOf(host, ctx.source) };
  if (host.name !== undefined) question.name = host.name;
  if (action === 'refuse') {
    throw new HostKeyError(host.alias, host.port, 'unknown', fingerprint,
      `${label}: host key ${keyType} ${fingerprint} is not known and StrictHostKeyChecking is yes; add it to known_hosts first.`);
  }
  if (action === 'ask') {
    const confirm = ctx.prompts.confirmHostKey;
    const accepted = confirm ? await confirm(question) : false;
    if (!accepted) {
      throw new HostKeyError(host.alias, host.port, 'declined', fingerprint,
        `${label}: host key ${keyType} ${fingerprint} is not known and was ${confirm ? 'not accepted' : 'not confirmed (no prompt available)'}.`);
    }
  }
  if (host.strictHostKeyChecking === 'no') {
    ctx.log?.(`host key ${label}: ${keyType} ${fingerprint} accepted unchecked (StrictHostKeyChecking no), for this connection only; not stored`);
    return;
  }
  await rememberHostKey(ctx.trustStorePath, name, keyType, keyBlob);
  ctx.log?.(`host key ${label}: ${keyType} ${fingerprint} accepted (${action === 'ask' ? 'confirmed' : host.strictHostKeyChecking}), stored in ${ctx.trustStorePath}`);
}

const HOST_KEY_ALGOS: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};
const DEFAULT_ORDER = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256'];

/** Host key algorithms with those of already known key types first, so a known host shows a key we can check. */
export function preferredHostKeyAlgorithms(knownTypes: readonly string[]): string[] {
  const first = knownTypes.flatMap((t) => HOST_KEY_ALGOS[t] ?? []);
  return [...new Set([...first, ...DEFAULT_ORDER])];
}

export async function hostKeyAlgorithmsFor(host: ResolvedHost, trustStorePath: string): Promise<string[]> {
  const { entries } = await loadKnownHosts(knownHostsFilesOf(host, trustStorePath));
  return preferredHostKeyAlgorithms(knownKeyTypes(entries, hostKeyNames(host)));
}
