/**
 * Names an import gives: hosts after their ssh destination (or the name given), services after their
 * well-known port (`http`, `domain`; `fwmark-7`, `tcp-8443` otherwise), clusters after their directors.
 * Every name satisfies the cluster file's name rule and is unique among its kind.
 */
import { isName } from '../clusterFile/stringRules';
import type { IpvsService } from '../ipvs/types';
import { portToServiceName } from '../ipvs/wellKnownServices';

export interface SshDestination {
  /** The host part: an ssh_config alias, a DNS name or an address. */
  host: string;
  user?: string;
  port?: number;
}

/** `[user@]host` or `ssh://[user@]host[:port]`, as ssh(1) takes them; undefined when it is neither. */
export function parseDestination(text: string): SshDestination | undefined {
  let rest = text.trim();
  let port: number | undefined;
  const uri = rest.startsWith('ssh://');
  if (uri) rest = rest.slice('ssh://'.length);
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  if (uri) {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(rest);
    if (!m) return undefined;
    rest = m[1].replace(/^\[|\]$/g, '');
    if (m[2] !== undefined) port = Number(m[2]);
  }
  if (rest === '' || rest.startsWith('-') || /[\s/]/.test(rest) || user === '') return undefined;
  const out: SshDestination = { host: rest };
  if (user !== undefined) out.user = user;
  if (port !== undefined) out.port = port;
  return out;
}

/** A name for the host reached at `host`: its text with anything a name may not hold turned into `-`. */
export function hostNameFor(host: string): string {
  const name = host.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').replace(/-+$/, '').slice(0, 63);
  return isName(name) ? name : 'host';
}

/** `base`, else `base-2`, `base-3`, …: the first not in `taken`; adds it to `taken`. */
export function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base.slice(0, 60)}-${i}`;
  taken.add(name);
  return name;
}

/** After the port's well-known name; an IPv6 twin of a name already taken gets `-v6`. */
export function serviceNameFor(service: IpvsService, taken: Set<string>): string {
  const key = service.key;
  let base: string;
  if (key.kind === 'fwmark') base = `fwmark-${key.fwmark}`;
  else base = portToServiceName(key.port, key.protocol) ?? `${key.protocol}-${key.port}`;
  if (taken.has(base) && key.family === 'inet6') base = `${base}-v6`;
  return uniqueName(base, taken);
}

/** After the director hosts (`director`, `lvs1-lvs2`); `lvs` when that is no valid name. */
export function clusterNameFor(directors: readonly string[], taken: Set<string>): string {
  const joined = directors.join('-');
  return uniqueName(isName(joined) ? joined : 'lvs', taken);
}
