/**
 * Renders an IPVS table exactly as `ipvsadm -S -n` (ipvsadm v1.31) prints it: services and real servers
 * in ipvsadm's sort order, one `-A` line per service followed by its `-a` lines, ipvsadm's spelling and
 * option order, a newline after every line (nothing at all for an empty table). With
 * `{ numeric: false }`, ports known to the built-in /etc/services subset print as names, as `ipvsadm -S`
 * does (addresses stay as they are: reverse DNS is not available to a pure function).
 */

import { sortRealServers, sortServices } from './ipvsOrder';
import { printedSchedFlags, schedFlagBits } from './schedulers';
import type { IpvsRealServer, IpvsService, Protocol, ServiceKey } from './types';
import { portToServiceName } from './wellKnownServices';

export interface RenderOptions {
  /** Numeric ports (`ipvsadm -S -n`, the default) or service names (`ipvsadm -S`). */
  numeric?: boolean;
}

function hostPort(address: string, port: number, family: 'inet' | 'inet6', protocol: Protocol, numeric: boolean): string {
  const portText = numeric ? String(port) : (portToServiceName(port, protocol) ?? String(port));
  return family === 'inet6' ? `[${address}]:${portText}` : `${address}:${portText}`;
}

/** The `-t 10.0.0.1:80` / `-f 1 -6` part of a rule. */
export function serviceSwitch(key: ServiceKey, numeric = true): string {
  if (key.kind === 'fwmark') return key.family === 'inet6' ? `-f ${key.fwmark} -6` : `-f ${key.fwmark}`;
  const sw = key.protocol === 'tcp' ? '-t' : key.protocol === 'udp' ? '-u' : '--sctp-service';
  return `${sw} ${hostPort(key.address, key.port, key.family, key.protocol, numeric)}`;
}

/** What a service line says after its switch, in ipvsadm's order: `-s`, `-p`/`-M`, `--pe`, `-o`, `-b`. */
export function serviceOptionsText(s: Pick<IpvsService, 'key' | 'scheduler' | 'persistence' | 'pe' | 'onePacket' | 'schedFlags'>): string {
  // ipvsadm v1.31 prints -b last, after -p/-M, --pe and -o (checked against the binary in the lab).
  let line = ` -s ${s.scheduler}`;
  if (s.persistence) {
    line += ` -p ${s.persistence.timeout}`;
    const host = s.key.family === 'inet6' ? '128' : '255.255.255.255';
    if (s.persistence.netmask !== host) line += ` -M ${s.persistence.netmask}`;
  }
  if (s.pe) line += ` --pe ${s.pe}`;
  if (s.onePacket) line += ' -o';
  const bits = schedFlagBits(s.schedFlags);
  if (bits !== 0) line += ` -b ${printedSchedFlags(s.scheduler, bits).join(',')}`;
  return line;
}

function serviceLine(s: IpvsService, svc: string): string {
  return `-A ${svc}${serviceOptionsText(s)}`;
}

/** The forwarding method's switch on a real-server line. */
export const FORWARDING_SWITCH = { dr: '-g', nat: '-m', tun: '-i' } as const;

/** A TUN real server's tunnel options (` --tun-type gue --tun-port 6080 --tun-csum`); '' for DR and NAT. */
export function tunnelOptionsText(rs: Pick<IpvsRealServer, 'method' | 'tunnel'>): string {
  if (rs.method !== 'tun') return '';
  const t = rs.tunnel ?? { type: 'ipip' as const };
  let line = ` --tun-type ${t.type}`;
  if (t.type === 'gue') line += ` --tun-port ${t.port ?? 0}`;
  if (t.type !== 'ipip') line += ` --tun-${t.checksum ?? 'nocsum'}`;
  return line;
}

function serverLine(svc: string, key: ServiceKey, rs: IpvsRealServer, numeric: boolean): string {
  // ipvsadm sends fwmark services as TCP: port names of their real servers are TCP names.
  const protocol: Protocol = key.kind === 'addr' ? key.protocol : 'tcp';
  return `-a ${svc} -r ${hostPort(rs.address, rs.port, rs.family, protocol, numeric)} ${FORWARDING_SWITCH[rs.method]} -w ${rs.weight}${tunnelOptionsText(rs)}`;
}

export function renderRules(table: { services: readonly IpvsService[] }, options: RenderOptions = {}): string {
  const numeric = options.numeric ?? true;
  const out: string[] = [];
  for (const s of sortServices(table.services)) {
    const svc = serviceSwitch(s.key, numeric);
    out.push(serviceLine(s, svc));
    for (const rs of sortRealServers(s.realServers)) out.push(serverLine(svc, s.key, rs, numeric));
  }
  return out.length === 0 ? '' : out.join('\n') + '\n';
}
