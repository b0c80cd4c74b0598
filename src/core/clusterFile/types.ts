/**
 * The cluster file, format v1 (`lvs.yaml`, `*.lvs.yaml`, `*.lvs.yml`), as a typed model.
 *
 * YAML shape (keys are camelCase; lists of named items so duplicates can be reported with a range):
 *
 *   version: 1
 *   hosts:
 *     - name: node3
 *       address: 192.168.116.3          # data-plane address (CIDR form 192.168.116.3/24 gives the subnet); or `addresses: [v4, v6]`
 *       interface: eth0                 # data-plane interface (DR real servers: ARP sysctls on it)
 *       ssh:                            # how to reach it; every key optional
 *         host: 192.168.116.3           # default: the alias in ~/.ssh/config named like the host, else address
 *         port: 22
 *         user: root
 *         identityFile: ~/.ssh/id_ed25519
 *         knownHostsFile: ~/.ssh/known_hosts
 *         strictHostKeyChecking: ask    # yes | accept-new | ask | no
 *         proxyJump: bastion            # a host name of this file, or [user@]host[:port]
 *         sudo: false
 *   clusters:
 *     - name: web
 *       directors:
 *         - host: node3
 *           interface: eth0             # carries the VIP (default: the host's interface)
 *           vipLabel: eth0:1            # optional `ip addr ... label`
 *       sysctls:                        # net.ipv4.vs.*; defaults are kube-proxy's safe values
 *         expire_nodest_conn: 1
 *         expire_quiescent_template: 1
 *       prune: false                    # delete IPVS services on the director that this file does not declare
 *       services:
 *         - name: http                  # optional label
 *           protocol: tcp               # tcp | udp | sctp; or `fwmark: 10` (+ `family: ipv4|ipv6`)
 *           vip: 192.168.116.200
 *           port: 80
 *           scheduler: rr
 *           schedulerFlags: [sh-port]   # -b
 *           persistence: { timeout: 300, netmask: 255.255.255.0 }
 *           pe: sip
 *           onePacket: false
 *           realServers:
 *             - host: node1             # or `address: 192.168.116.4`
 *               port: 80
 *               method: dr              # dr | nat | tun
 *               weight: 1               # 0..65535
 *               upperThreshold: 0
 *               lowerThreshold: 0
 *               tunnel: { type: ipip, port: 6080, checksum: nocsum }   # tun only
 *
 * Secrets (passwords, passphrases) are not part of the format: the schema has no key for them.
 */

import type { Range } from '../diagnostics';
import type {
  AddressFamily, ForwardingMethod, Protocol, SchedFlag, Scheduler, TunnelChecksum, TunnelType,
} from '../ipvs/types';

export type StrictHostKeyChecking = 'yes' | 'accept-new' | 'ask' | 'no';

/** Every model node remembers where it came from, so later stages (plan, apply) can point at the file. */
export interface Located {
  range: Range;
}

export interface SshSettings {
  host?: string;
  port?: number;
  user?: string;
  identityFile?: string;
  knownHostsFile?: string;
  strictHostKeyChecking?: StrictHostKeyChecking;
  proxyJump?: string;
  sudo?: boolean;
}

export interface HostSpec extends Located {
  name: string;
  /** Data-plane addresses, canonical text form. */
  addresses: string[];
  /**
   * Prefix length of an address written in CIDR form (`address: 192.168.116.3/24`), keyed by its canonical
   * address; absent when no address of the host has one. Used for the DR same-subnet check.
   */
  prefixLengths?: Record<string, number>;
  interface?: string;
  ssh: SshSettings;
}

export interface DirectorSpec extends Located {
  host: string;
  interface?: string;
  vipLabel?: string;
}

export interface TunnelSpec {
  type: TunnelType;
  port?: number;
  checksum?: TunnelChecksum;
}

export interface RealServerSpec extends Located {
  /** Set when the real server names a host of the file. */
  host?: string;
  /** Resolved data-plane address (from `address`, or the host's address of the service's family). */
  address: string;
  family: AddressFamily;
  port: number;
  method: ForwardingMethod;
  weight: number;
  upperThreshold: number;
  lowerThreshold: number;
  tunnel?: TunnelSpec;
}

export interface ServiceSpec extends Located {
  name?: string;
  protocol?: Protocol;
  fwmark?: number;
  family: AddressFamily;
  /** Absent for fwmark services that set none (a fwmark service still needs a VIP for host preparation). */
  vip?: string;
  /** 0 for fwmark services. */
  port: number;
  scheduler: Scheduler;
  schedulerFlags: SchedFlag[];
  persistence?: { timeout: number; netmask?: string };
  pe?: 'sip';
  onePacket: boolean;
  realServers: RealServerSpec[];
}

export interface ClusterSpec extends Located {
  name: string;
  directors: DirectorSpec[];
  /** net.ipv4.vs.<name> → value, defaults merged in. */
  sysctls: Record<string, number>;
  prune: boolean;
  services: ServiceSpec[];
}

export interface ClusterFile {
  version: 1;
  hosts: HostSpec[];
  clusters: ClusterSpec[];
}

/** IPVS sysctls (net.ipv4.vs.*) the file may manage, with kube-proxy's safe defaults where it sets one. */
export const IPVS_SYSCTL_DEFAULTS: Readonly<Record<string, number>> = {
  expire_nodest_conn: 1,
  expire_quiescent_template: 1,
};
