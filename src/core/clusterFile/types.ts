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
 *       engine: keepalived              # ipvsadm (default: lvsctl writes the table) | keepalived (it owns VIPs + table)
 *       vrrp:                           # keepalived only (docs/ha.md)
 *         virtualRouterId: 51           # 1..255, unique per link
 *         advertInterval: 1             # seconds, fractions allowed (VRRPv3)
 *         preempt: true
 *         preemptDelay: 0
 *         multicast: false              # default: unicast to the other directors' addresses
 *       mode: active-active           # active-passive (default) | active-active (every director holds the VIPs, BGP + ECMP; docs/scale-out.md)
 *       bgp:                            # active-active only
 *         localAs: 65116                # the directors' AS
 *         peers:
 *           - { address: 192.168.116.1, as: 65000 }   # the router(s); optional `multihop: 2`
 *         holdTime: 9                   # seconds (3..65535), keepaliveTime default holdTime / 3
 *         bfd: false
 *         announce: [192.168.116.200]   # default: every service VIP of the cluster
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
 *           healthCheck:                # keepalived only; real servers may override any key
 *             type: http                # tcp | http | https | dns | smtp | misc
 *             path: /
 *             statusCodes: [200]
 *             interval: 2               # seconds (fractions allowed), timeout, retries, retryDelay, warmup
 *             inhibitOnFailure: false   # weight 0 instead of removal
 *           sorryServer: { address: 192.168.116.9, port: 80 }
 *           quorum: 1
 *           hysteresis: 0
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
  /** VRRP priority (keepalived clusters): as written, else derived from the order of `directors`. */
  priority?: number;
}

/** Who writes a cluster's IPVS table and VIPs: lvsctl itself (ipvsadm) or keepalived on the directors. */
export type ClusterEngine = 'ipvsadm' | 'keepalived';
export const CLUSTER_ENGINES: readonly ClusterEngine[] = ['ipvsadm', 'keepalived'];

/**
 * How the directors of a cluster share its VIPs: one at a time (one director, or keepalived's VRRP pair), or
 * all at once, each announcing the VIPs over BGP to a router that spreads flows over them by ECMP.
 */
export type ClusterMode = 'active-passive' | 'active-active';

/** A BGP neighbour of every director of an active-active cluster (the upstream router). */
export interface BgpPeerSpec {
  address: string;
  family: AddressFamily;
  as: number;
  /** eBGP multihop TTL, for a peer that is not on the director's link. */
  multihop?: number;
}

/** The BGP announcement of an active-active cluster's VIPs (BIRD on each director, docs/scale-out.md). */
export interface BgpSpec {
  localAs: number;
  peers: BgpPeerSpec[];
  /** Seconds without a message from the peer before the session (and the routes learnt from it) is dropped. */
  holdTime: number;
  keepaliveTime: number;
  /** BFD on every session: failure detection in milliseconds instead of the hold time. */
  bfd: boolean;
  /** The VIPs announced as /32 (/128) routes: `announce` as written, else every service VIP of the cluster. */
  announce: string[];
}

/** The VRRP instance of a keepalived cluster (one per cluster, holding every VIP of it). */
export interface VrrpSpec {
  virtualRouterId: number;
  /** Seconds; fractions allowed (VRRPv3 counts centiseconds). */
  advertInterval: number;
  preempt: boolean;
  /** Seconds a higher-priority director waits before taking the VIPs back. */
  preemptDelay?: number;
  /** Multicast adverts instead of unicast to the other directors' addresses. */
  multicast: boolean;
  /** keepalived's vrrp_strict (RFC compliance: no unicast, no accept unless asked). */
  strict: boolean;
  /** Accept packets to the VIPs on a director that is not the address owner. */
  accept: boolean;
  /** The kernel's connection sync daemon (keepalived lvs_sync_daemon): established connections survive a failover. */
  syncConnections: boolean;
}

export type HealthCheckType = 'tcp' | 'http' | 'https' | 'dns' | 'smtp' | 'misc';
export type DnsRecordType = 'A' | 'NS' | 'CNAME' | 'SOA' | 'MX' | 'TXT' | 'AAAA';

/** A real server's health check, resolved: the service's `healthCheck` with the real server's overrides. */
export interface HealthCheckSpec {
  type: HealthCheckType;
  /** Port the check connects to (keepalived connect_port); default the real server's port. */
  port?: number;
  /** Seconds between checks (delay_loop). */
  interval: number;
  /** Seconds a check may take (connect_timeout; misc_timeout for misc). */
  timeout: number;
  /** Failed attempts retried before the server is marked down (retry). */
  retries: number;
  /** Seconds between retries (delay_before_retry). */
  retryDelay: number;
  /** Seconds of random delay before the first check (warmup). */
  warmup?: number;
  /** Weight 0 instead of removal when the check fails, so connections drain. */
  inhibitOnFailure: boolean;
  /** http/https: URL path, expected status codes, optional MD5 digest of the body, Host header. */
  path?: string;
  statusCodes?: number[];
  digest?: string;
  virtualHost?: string;
  /** dns: the query. */
  dnsName?: string;
  dnsType?: DnsRecordType;
  /** misc: absolute path of the script (run under keepalived's script security). */
  script?: string;
}

export interface SorryServerSpec {
  address: string;
  port: number;
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
  /** keepalived clusters: the check of this real server (the service's, with this server's overrides). */
  healthCheck?: HealthCheckSpec;
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
  /** keepalived clusters: the server that gets the traffic when every real server is down. */
  sorryServer?: SorryServerSpec;
  /** keepalived clusters: minimum sum of weights of healthy servers for the VIP to be considered up. */
  quorum?: number;
  hysteresis?: number;
}

export interface ClusterSpec extends Located {
  name: string;
  directors: DirectorSpec[];
  /** net.ipv4.vs.<name> → value, defaults merged in. */
  sysctls: Record<string, number>;
  prune: boolean;
  engine: ClusterEngine;
  /** Set for keepalived clusters. */
  vrrp?: VrrpSpec;
  mode: ClusterMode;
  /** Set for active-active clusters. */
  bgp?: BgpSpec;
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
