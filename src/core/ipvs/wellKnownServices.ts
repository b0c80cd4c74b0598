/**
 * A small built-in subset of Debian's /etc/services (netbase), so that `ipvsadm -S` and `ipvsadm -L`
 * output without `-n` (`vip:http`) stays readable in a pure parser, and so that port numbers can be
 * printed as names the way ipvsadm does (getservbyport).
 */

import type { Protocol } from './types';

interface ServiceEntry {
  name: string;
  port: number;
  protocols: readonly Protocol[];
  aliases?: readonly string[];
}

const BOTH: readonly Protocol[] = ['tcp', 'udp'];
const TCP: readonly Protocol[] = ['tcp'];
const UDP: readonly Protocol[] = ['udp'];

const SERVICES: readonly ServiceEntry[] = [
  { name: 'ftp-data', port: 20, protocols: TCP },
  { name: 'ftp', port: 21, protocols: TCP },
  { name: 'ssh', port: 22, protocols: TCP },
  { name: 'telnet', port: 23, protocols: TCP },
  { name: 'smtp', port: 25, protocols: TCP, aliases: ['mail'] },
  { name: 'domain', port: 53, protocols: BOTH },
  { name: 'bootps', port: 67, protocols: UDP },
  { name: 'bootpc', port: 68, protocols: UDP },
  { name: 'tftp', port: 69, protocols: UDP },
  { name: 'http', port: 80, protocols: TCP, aliases: ['www'] },
  { name: 'kerberos', port: 88, protocols: BOTH },
  { name: 'pop3', port: 110, protocols: TCP },
  { name: 'sunrpc', port: 111, protocols: BOTH, aliases: ['portmapper'] },
  { name: 'ntp', port: 123, protocols: UDP },
  { name: 'imap2', port: 143, protocols: TCP, aliases: ['imap'] },
  { name: 'snmp', port: 161, protocols: BOTH },
  { name: 'ldap', port: 389, protocols: BOTH },
  { name: 'https', port: 443, protocols: BOTH },
  { name: 'syslog', port: 514, protocols: UDP },
  { name: 'submission', port: 587, protocols: TCP },
  { name: 'ldaps', port: 636, protocols: BOTH },
  { name: 'imaps', port: 993, protocols: TCP },
  { name: 'pop3s', port: 995, protocols: TCP },
  { name: 'openvpn', port: 1194, protocols: BOTH },
  { name: 'mysql', port: 3306, protocols: TCP },
  { name: 'sip', port: 5060, protocols: BOTH },
  { name: 'postgresql', port: 5432, protocols: TCP, aliases: ['postgres'] },
  { name: 'http-alt', port: 8080, protocols: TCP, aliases: ['webcache'] },
];

const byName = new Map<string, ServiceEntry>();
for (const s of SERVICES) {
  byName.set(s.name, s);
  for (const a of s.aliases ?? []) byName.set(a, s);
}

/** Port of a service name for the protocol (getservbyname), undefined if not in the built-in subset. */
export function serviceNameToPort(name: string, protocol: Protocol): number | undefined {
  const s = byName.get(name);
  return s && s.protocols.includes(protocol) ? s.port : undefined;
}

/** Service name of a port for the protocol (getservbyport), undefined if not in the built-in subset. */
export function portToServiceName(port: number, protocol: Protocol): string | undefined {
  for (const s of SERVICES) if (s.port === port && s.protocols.includes(protocol)) return s.name;
  return undefined;
}

/** Every name (with aliases) known for a protocol, for completion. */
export function knownServiceNames(protocol: Protocol): string[] {
  return [...byName.entries()].filter(([, s]) => s.protocols.includes(protocol)).map(([n]) => n);
}
