/**
 * The `ssh:` settings an imported host gets, so that lvsctl reaches it later the way the import did.
 * Without `--ssh-config` the import resolved the destination through the user's own ssh config, which
 * lvsctl reads again later: the file keeps the destination (and a user or port given in it). With
 * `--ssh-config` (a file lvsctl will not read later) the resolved values go into the file: address,
 * port, user, key, known-hosts file, host-key policy and jump hosts. What the file cannot hold is a
 * comment and a warning.
 */
import { isSafePath, isSshHost, isUserName } from '../clusterFile/stringRules';
import type { SshSettings } from '../clusterFile/types';
import type { ResolvedHost } from '../ssh/types';
import type { SshDestination } from './importNames';

export interface ImportedSsh {
  ssh: SshSettings;
  comments: string[];
  warnings: string[];
}

const DEFAULT_KEYS = new Set(['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_xmss', 'id_dsa']);

function isDefaultKey(path: string, home: string): boolean {
  const dir = `${home.replace(/\/$/, '')}/.ssh/`;
  return path.startsWith(dir) && DEFAULT_KEYS.has(path.slice(dir.length));
}

function isDefaultKnownHosts(path: string, home: string): boolean {
  const dir = `${home.replace(/\/$/, '')}/.ssh/`;
  return path === `${dir}known_hosts` || path === `${dir}known_hosts2`;
}

export function importedSsh(name: string, dest: SshDestination, resolved: ResolvedHost, fromConfigFile: string | undefined, home: string): ImportedSsh {
  const out: ImportedSsh = { ssh: {}, comments: [], warnings: [] };
  const lost = (text: string): void => { out.comments.push(text); out.warnings.push(`${name}: ${text}`); };
  if (fromConfigFile === undefined) {
    if (dest.host !== name) out.ssh.host = dest.host;
    if (dest.user !== undefined) out.ssh.user = dest.user;
    if (dest.port !== undefined) out.ssh.port = dest.port;
    return out;
  }
  out.comments.push(`ssh: as resolved from ${fromConfigFile} for "${dest.host}"`);
  if (isSshHost(resolved.hostname)) out.ssh.host = resolved.hostname;
  else lost(`HostName ${resolved.hostname} is no ssh host the file can hold`);
  if (resolved.port !== 22) out.ssh.port = resolved.port;
  if (isUserName(resolved.user)) out.ssh.user = resolved.user;
  else lost(`User ${resolved.user} is no user name the file can hold`);
  const key = resolved.identityFiles[0];
  if (key !== undefined && (resolved.identitiesOnly || !isDefaultKey(key, home))) {
    if (isSafePath(key)) out.ssh.identityFile = key;
    else lost(`IdentityFile ${key} is no path the file can hold`);
    if (resolved.identityFiles.length > 1 && !resolved.identityFiles.slice(1).every((k) => isDefaultKey(k, home))) {
      lost(`only the first IdentityFile is kept (${resolved.identityFiles.slice(1).join(', ')} left out; the agent still offers its keys)`);
    }
  }
  const known = resolved.userKnownHostsFiles[0];
  if (known !== undefined && !isDefaultKnownHosts(known, home)) {
    if (isSafePath(known)) out.ssh.knownHostsFile = known;
    else lost(`UserKnownHostsFile ${known} is no path the file can hold`);
  }
  if (resolved.strictHostKeyChecking !== 'ask') out.ssh.strictHostKeyChecking = resolved.strictHostKeyChecking;
  if (resolved.hostKeyAlias !== undefined) lost(`HostKeyAlias ${resolved.hostKeyAlias} has no key in the file: host keys are checked under the address`);
  if (resolved.jumps.length > 0) {
    out.ssh.proxyJump = resolved.jumps.map((j) => `${j.user}@${j.hostname}:${j.port}`).join(',');
    lost('jump hosts are kept as user@host:port; their own keys and known-hosts files come from your ssh config');
  }
  return out;
}
