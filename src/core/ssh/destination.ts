/** The real destination of a connection, for prompts and for binding remembered answers to it. */
import type { ResolvedHost, SshDestination } from './types';

export function destinationOf(host: ResolvedHost, source?: string, hostKeyFingerprint?: string): SshDestination {
  const d: SshDestination = { user: host.user, hostname: host.hostname, port: host.port, name: host.name ?? host.alias };
  if (hostKeyFingerprint !== undefined) d.hostKeyFingerprint = hostKeyFingerprint;
  if (source !== undefined) d.source = source;
  return d;
}

/** `root@10.0.0.5:22 ("db1" in cluster.lvs.yaml)`: the address first, then how the file names it. */
export function describeDestination(d: SshDestination): string {
  const address = `${d.user}@${d.hostname.includes(':') ? `[${d.hostname}]` : d.hostname}:${d.port}`;
  const named = d.name !== d.hostname ? `"${d.name}"` : '';
  const where = d.source !== undefined ? `in ${d.source}` : '';
  const extra = [named, where].filter(Boolean).join(' ');
  return extra ? `${address} (${extra})` : address;
}
