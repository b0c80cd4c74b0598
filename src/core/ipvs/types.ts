/**
 * The IPVS table as the kernel holds it and as `ipvsadm -S -n` prints it: virtual services and their
 * real servers. Both the cluster file (desired state) and ipvsadm rules/listings (live state) map to this.
 *
 * Addresses are kept in canonical text form: IPv4 dotted quad, IPv6 as RFC 5952 (what inet_ntop prints,
 * which is what ipvsadm prints), so two tables compare with ===.
 */

export type Protocol = 'tcp' | 'udp' | 'sctp';
export type AddressFamily = 'inet' | 'inet6';

export const SCHEDULERS = [
  'rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos',
] as const;
export type Scheduler = (typeof SCHEDULERS)[number];

/** `-b` scheduler flags and the schedulers that honour them. */
export const SCHED_FLAGS = ['flag-1', 'flag-2', 'flag-3', 'sh-fallback', 'sh-port', 'mh-fallback', 'mh-port'] as const;
export type SchedFlag = (typeof SCHED_FLAGS)[number];

export type ForwardingMethod = 'dr' | 'nat' | 'tun';
export type TunnelType = 'ipip' | 'gue' | 'gre';
export type TunnelChecksum = 'nocsum' | 'csum' | 'remcsum';

/** Identifies a virtual service: protocol + VIP + port, or a firewall mark (+ family). */
export type ServiceKey =
  | { kind: 'addr'; protocol: Protocol; address: string; port: number; family: AddressFamily }
  | { kind: 'fwmark'; fwmark: number; family: AddressFamily };

export interface Persistence {
  /** Seconds (`-p`). */
  timeout: number;
  /** IPv4: dotted netmask; IPv6: prefix length as a decimal string (as ipvsadm prints `-M`). Default: host. */
  netmask: string;
}

export interface IpvsRealServer {
  address: string;
  port: number;
  family: AddressFamily;
  method: ForwardingMethod;
  weight: number;
  /** Connection thresholds (`-x`, `-y`); 0 = unlimited. `ipvsadm -S` omits them. */
  upperThreshold: number;
  lowerThreshold: number;
  /** TUN only. */
  tunnel?: { type: TunnelType; port?: number; checksum?: TunnelChecksum };
}

export interface IpvsService {
  key: ServiceKey;
  scheduler: Scheduler;
  /** `-b` flags, in canonical order (the order of SCHED_FLAGS). */
  schedFlags: SchedFlag[];
  persistence?: Persistence;
  /** Persistence engine (`--pe sip`). */
  pe?: 'sip';
  onePacket: boolean;
  realServers: IpvsRealServer[];
}

export interface IpvsTable {
  services: IpvsService[];
}

export function serviceKeyString(key: ServiceKey): string {
  if (key.kind === 'fwmark') return `fwm:${key.fwmark}${key.family === 'inet6' ? ':6' : ''}`;
  const host = key.family === 'inet6' ? `[${key.address}]` : key.address;
  return `${key.protocol}:${host}:${key.port}`;
}

export function realServerKeyString(rs: Pick<IpvsRealServer, 'address' | 'port' | 'family'>): string {
  return rs.family === 'inet6' ? `[${rs.address}]:${rs.port}` : `${rs.address}:${rs.port}`;
}
