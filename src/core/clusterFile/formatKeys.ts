/**
 * The keys of every mapping of format v1 and the allowed values of enumerated keys — the single list the
 * walker, the JSON schema test and the documentation agree on.
 */

import { SCHED_FLAGS, SCHEDULERS } from '../ipvs/types';

export type ObjectKind = 'root' | 'host' | 'ssh' | 'cluster' | 'director' | 'service' | 'persistence' | 'realServer' | 'tunnel'
  | 'vrrp' | 'healthCheck' | 'sorryServer' | 'bgp' | 'bgpPeer';

export const OBJECT_KEYS: Readonly<Record<ObjectKind, readonly string[]>> = {
  root: ['version', 'hosts', 'clusters'],
  host: ['name', 'address', 'addresses', 'interface', 'ssh'],
  ssh: ['host', 'port', 'user', 'identityFile', 'knownHostsFile', 'strictHostKeyChecking', 'proxyJump', 'sudo'],
  cluster: ['name', 'directors', 'sysctls', 'prune', 'engine', 'vrrp', 'mode', 'bgp', 'services'],
  director: ['host', 'interface', 'vipLabel', 'priority'],
  service: ['name', 'protocol', 'fwmark', 'family', 'vip', 'port', 'scheduler', 'schedulerFlags', 'persistence', 'pe',
    'onePacket', 'healthCheck', 'sorryServer', 'quorum', 'hysteresis', 'realServers'],
  persistence: ['timeout', 'netmask'],
  realServer: ['host', 'address', 'port', 'method', 'weight', 'upperThreshold', 'lowerThreshold', 'tunnel', 'healthCheck'],
  tunnel: ['type', 'port', 'checksum'],
  vrrp: ['virtualRouterId', 'advertInterval', 'preempt', 'preemptDelay', 'multicast', 'strict', 'accept', 'syncConnections'],
  healthCheck: ['type', 'port', 'interval', 'timeout', 'retries', 'retryDelay', 'warmup', 'inhibitOnFailure', 'path',
    'statusCodes', 'digest', 'virtualHost', 'dnsName', 'dnsType', 'script'],
  sorryServer: ['address', 'port'],
  bgp: ['localAs', 'peers', 'holdTime', 'keepaliveTime', 'bfd', 'announce'],
  bgpPeer: ['address', 'as', 'multihop'],
};

/** Keys that only mean something to keepalived clusters (`engine: keepalived`), by the mapping they are in. */
export const KEEPALIVED_ONLY_KEYS: Readonly<Partial<Record<ObjectKind, readonly string[]>>> = {
  cluster: ['vrrp'],
  director: ['priority'],
  service: ['healthCheck', 'sorryServer', 'quorum', 'hysteresis'],
  realServer: ['healthCheck'],
};

/** Human names of the mappings, for messages. */
export const OBJECT_NAMES: Readonly<Record<ObjectKind, string>> = {
  root: 'the file', host: 'a host', ssh: 'ssh settings', cluster: 'a cluster', director: 'a director',
  service: 'a service', persistence: 'persistence', realServer: 'a real server', tunnel: 'tunnel options',
  vrrp: 'VRRP settings', healthCheck: 'a health check', sorryServer: 'a sorry server', bgp: 'BGP settings',
  bgpPeer: 'a BGP peer',
};

export const ENUMS = {
  protocol: ['tcp', 'udp', 'sctp'],
  family: ['ipv4', 'ipv6'],
  method: ['dr', 'nat', 'tun'],
  pe: ['sip'],
  strictHostKeyChecking: ['yes', 'accept-new', 'ask', 'no'],
  tunnelType: ['ipip', 'gue', 'gre'],
  tunnelChecksum: ['nocsum', 'csum', 'remcsum'],
  scheduler: SCHEDULERS,
  schedulerFlag: SCHED_FLAGS,
  engine: ['ipvsadm', 'keepalived'],
  mode: ['active-passive', 'active-active'],
  healthCheckType: ['tcp', 'http', 'https', 'dns', 'smtp', 'misc'],
  dnsType: ['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA'],
} as const;

/**
 * Common names of other load balancers (haproxy, nginx, …) for the IPVS schedulers, keyed lower case
 * without `-`/`_`: the quick fix of an unknown scheduler.
 */
export const SCHEDULER_ALIASES: Readonly<Record<string, string>> = {
  roundrobin: 'rr', robin: 'rr', weightedroundrobin: 'wrr', leastconn: 'lc', leastconnection: 'lc',
  leastconnections: 'lc', weightedleastconnection: 'wlc', weightedleastconnections: 'wlc', source: 'sh',
  sourcehash: 'sh', iphash: 'sh', hash: 'sh', destinationhash: 'dh', maglev: 'mh', maglevhash: 'mh',
  failover: 'fo', weightedfailover: 'fo', overflow: 'ovf', shortestexpecteddelay: 'sed', neverqueue: 'nq',
  locality: 'lblc', twochoices: 'twos', poweroftwo: 'twos', random: 'twos',
};

/** Key names that hold secrets, anywhere in the file (case-insensitive substring). */
export const SECRET_KEY = /pass(?:word|wd|phrase)|secret|token|private_?key|api_?key|credential/i;
