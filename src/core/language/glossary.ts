/**
 * Short, accurate explanations of the IPVS vocabulary a cluster file or an ipvsadm rules file uses:
 * the 14 schedulers, the 3 forwarding methods, the `net.ipv4.vs.*` sysctls, the ARP sysctls a DR real
 * server needs, and the `-b` scheduler flags. Plain data (markdown strings), shared by every hover and
 * completion provider (cluster file, ipvsadm rules) and usable by the CLI.
 *
 * Sources: ipvsadm(8), the kernel's Documentation/networking/ipvs-sysctl.rst and ip-sysctl.rst, and
 * net/netfilter/ipvs/ip_vs_*.c.
 */

import type { ForwardingMethod, SchedFlag, Scheduler } from '../ipvs/types';

export interface GlossaryEntry {
  /** Human title, e.g. `Weighted Least-Connection`. */
  title: string;
  /** One paragraph of markdown. */
  doc: string;
}

export const SCHEDULER_GLOSSARY: Readonly<Record<Scheduler, GlossaryEntry>> = {
  rr: {
    title: 'Round Robin',
    doc:
      'Hands new connections to the real servers in turn, one after the other, ignoring their weights ' +
      '(except that a server of weight 0 is quiescent and gets no new connections). Good when the servers ' +
      'are equal and requests cost about the same.',
  },
  wrr: {
    title: 'Weighted Round Robin',
    doc:
      'Round robin in proportion to the weights: a server of weight 3 gets three new connections for every ' +
      'one a server of weight 1 gets, and servers of higher weight are served first. Equal weights behave ' +
      'like `rr`. It looks at no connection counts, so long-lived connections can still pile up unevenly.',
  },
  lc: {
    title: 'Least-Connection',
    doc:
      'Sends each new connection to the server with the fewest connections, counting an active ' +
      'connection as 256 inactive ones (`activeconns * 256 + inactconns`); weights are ignored except 0. ' +
      'Adapts to requests of uneven length.',
  },
  wlc: {
    title: 'Weighted Least-Connection',
    doc:
      'Least-connection relative to the weight: picks the server with the smallest ' +
      '`(activeconns * 256 + inactconns) / weight`. The kernel\'s default scheduler and a sound choice for ' +
      'most TCP services whose servers differ in capacity.',
  },
  lblc: {
    title: 'Locality-Based Least-Connection',
    doc:
      'Meant for cache clusters: connections to the same destination IP address go to the same server ' +
      'as long as it is available and not overloaded (more active connections than its weight, while ' +
      'another server is at less than half its load); otherwise the least-connection server is taken and ' +
      'remembered for that destination. Entries expire after `lblc_expiration` (default 24 h) unused.',
  },
  lblcr: {
    title: 'Locality-Based Least-Connection with Replication',
    doc:
      'Like `lblc`, but each destination IP address maps to a *set* of servers: a new connection goes to the ' +
      'least-connection member of the set; when all members are overloaded, the least-connection server of ' +
      'the whole cluster is added to the set. A set not modified for a while loses its busiest member, ' +
      'limiting replication. For caches serving very popular destinations.',
  },
  dh: {
    title: 'Destination Hashing',
    doc:
      'Chooses the server by looking the destination IP address up in a static hash table that spreads its ' +
      'slots over the servers. The same destination always lands on the same server (servers of weight 0 or ' +
      'overloaded count as unavailable); used for cache and firewall clusters, often with fwmark services.',
  },
  sh: {
    title: 'Source Hashing',
    doc:
      'Chooses the server by looking the client\'s source IP address up in a static hash table (weights ' +
      'decide how many slots a server gets), so a client sticks to one server without persistence templates. ' +
      'Flags: `sh-port` hashes the source port too, `sh-fallback` picks another server when the hashed one is ' +
      'unavailable or has weight 0.',
  },
  sed: {
    title: 'Shortest Expected Delay',
    doc:
      'Sends each new connection to the server with the shortest expected delay `(Ci + 1) / Ui`, where `Ci` ' +
      'is the number of active connections on server *i* and `Ui` its weight (its service rate). Unlike ' +
      '`wlc` it counts only active connections and the one being placed, which favours fast servers.',
  },
  nq: {
    title: 'Never Queue',
    doc:
      'Gives a new connection to an idle server (no active connections) if there is one, even if a faster ' +
      'server exists; when every server is busy it falls back to shortest expected delay (`sed`).',
  },
  fo: {
    title: 'Weighted Failover',
    doc:
      'Sends every new connection to the available server with the highest weight that is not overloaded; ' +
      'the others are standbys. Lowering the active server\'s weight (or its failing) moves new traffic to the ' +
      'next one. Useful for active/passive pairs.',
  },
  ovf: {
    title: 'Weighted Overflow',
    doc:
      'Sends new connections to the available server with the highest weight until its active connections ' +
      'exceed its weight, then overflows to the server with the next highest weight. The weight acts as a ' +
      'connection limit per server.',
  },
  mh: {
    title: 'Maglev Hashing',
    doc:
      'Consistent hashing from Google\'s Maglev: a lookup table (65521 entries by default) filled from the ' +
      'weighted servers, indexed by a hash of the source address. Connections spread evenly and, when a server ' +
      'is added or removed, few clients move. Flags: `mh-port` hashes the source port too, `mh-fallback` picks ' +
      'another server when the hashed one is unavailable or has weight 0.',
  },
  twos: {
    title: 'Weighted Random Twos Choice',
    doc:
      'Picks two servers at random, with probabilities proportional to their weights, and sends the ' +
      'connection to the one with fewer active connections relative to its weight ("power of two choices"). ' +
      'Close to least-connection balance at a constant cost per connection.',
  },
};

export const METHOD_GLOSSARY: Readonly<Record<ForwardingMethod, GlossaryEntry & { flag: string }>> = {
  dr: {
    title: 'Direct Routing (gatewaying)',
    flag: '-g',
    doc:
      'The director rewrites only the destination MAC address and sends the frame to the real server on ' +
      'the same L2 segment; the real server holds the VIP on a non-ARPing interface (usually `lo`) and ' +
      'answers the client directly. Fastest method, replies bypass the director; needs `arp_ignore=1` and ' +
      '`arp_announce=2` on the real servers and the real server port must equal the service port ' +
      '(`ipvsadm -g`, the default).',
  },
  nat: {
    title: 'NAT (masquerading)',
    flag: '-m',
    doc:
      'The director rewrites the destination address (and port) of requests and the source of replies, so ' +
      'replies must flow back through it: the real servers use the director as their default gateway (or a ' +
      'route for client traffic), and the director needs `net.ipv4.ip_forward=1`. The only method that can ' +
      'map to a different port (`ipvsadm -m`).',
  },
  tun: {
    title: 'Tunnelling (IP-in-IP)',
    flag: '-i',
    doc:
      'The director encapsulates the request in an IPIP (or GUE/GRE) packet to the real server, which may be ' +
      'in another network; the real server decapsulates it, holds the VIP on its tunnel device with ARP ' +
      'suppressed and `rp_filter` relaxed, and replies directly to the client. Mind the MTU lost to ' +
      'encapsulation (`ipvsadm -i`).',
  },
};

export const SCHED_FLAG_GLOSSARY: Readonly<Record<SchedFlag, string>> = {
  'flag-1': 'Generic scheduler flag 1; `sh-fallback` for `sh`, `mh-fallback` for `mh`.',
  'flag-2': 'Generic scheduler flag 2; `sh-port` for `sh`, `mh-port` for `mh`.',
  'flag-3': 'Generic scheduler flag 3; unused by the in-tree schedulers.',
  'sh-fallback': '`sh`: when the hashed server is unavailable or has weight 0, pick another one instead of dropping.',
  'sh-port': '`sh`: hash the source port as well as the source address.',
  'mh-fallback': '`mh`: when the hashed server is unavailable or has weight 0, pick another one instead of dropping.',
  'mh-port': '`mh`: hash the source port as well as the source address.',
};

export interface SysctlEntry extends GlossaryEntry {
  /** Kernel default, when it is a constant. */
  default?: number;
}

/** `net.ipv4.vs.*` sysctls that hold one integer (the ones a cluster file may set). */
export const IPVS_SYSCTL_GLOSSARY: Readonly<Record<string, SysctlEntry>> = {
  am_droprate: {
    title: 'Always-mode drop rate',
    default: 10,
    doc: 'The drop rate used by `drop_packet` when that defense is in mode 3 (always on): one packet in `am_droprate` is dropped.',
  },
  amemthresh: {
    title: 'Available memory threshold',
    default: 1024,
    doc: 'Available memory (in pages) below which the automatic modes (1, 2) of `drop_entry`, `drop_packet` and `secure_tcp` switch on.',
  },
  backup_only: {
    title: 'Backup only',
    default: 0,
    doc: 'When set, a director in connection-sync backup mode does not balance traffic itself, to avoid packet loops between directors with DR/TUN.',
  },
  cache_bypass: {
    title: 'Cache bypass',
    default: 0,
    doc: 'When no cache server is available and the destination is not local, forward packets straight to their original destination (transparent web cache clusters).',
  },
  conn_reuse_mode: {
    title: 'Connection reuse mode',
    default: 1,
    doc:
      'What IPVS does when a new connection reuses the source port of an old one it still tracks. 0: send it to ' +
      'the old server. Bit 1: reschedule when safe (old server gone with `expire_nodest_conn`, or TCP in TIME_WAIT, NAT only). ' +
      'Bit 2: also for TCP in FIN_WAIT, the last state a DR director sees. Known to delay connections by ~1 s on some ' +
      'kernels when set, which is why kube-proxy sets it to 0 on older kernels.',
  },
  conntrack: {
    title: 'Netfilter connection tracking',
    default: 0,
    doc: 'Keep conntrack entries for connections IPVS handles; needed when stateful iptables/nftables rules (or SNAT) must see them, a cost otherwise.',
  },
  drop_entry: {
    title: 'Drop-entry defense',
    default: 0,
    doc: 'Defense against SYN floods: randomly drop connection entries in SYN-RECV state to free memory. 0 off, 1/2 automatic (on while memory is below `amemthresh`), 3 always.',
  },
  drop_packet: {
    title: 'Drop-packet defense',
    default: 0,
    doc: 'Drop 1/rate of the packets before forwarding them. Modes as `drop_entry`; in automatic mode the rate follows memory pressure, in mode 3 it is `am_droprate`.',
  },
  est_nice: {
    title: 'Estimator niceness',
    default: 0,
    doc: 'Nice value (-20..19) of the kthreads that compute the rate estimates.',
  },
  expire_nodest_conn: {
    title: 'Expire connections without destination',
    default: 0,
    doc:
      'When set, a packet of a connection whose real server was removed expires the connection at once, so the ' +
      'client sees it closed and reconnects to another server; when 0 such packets are silently dropped. This file ' +
      'defaults it to 1 (as kube-proxy does).',
  },
  expire_quiescent_template: {
    title: 'Expire quiescent persistence templates',
    default: 0,
    doc:
      'When set, a persistence template pointing at a quiescent server (weight 0) is expired when it would schedule ' +
      'a new connection, so persistent clients move to another server while you drain one. This file defaults it to 1.',
  },
  ignore_tunneled: {
    title: 'Ignore tunnelled packets',
    default: 0,
    doc: 'Mark packets of unrecognised protocols (e.g. IPIP) as already handled, preventing IPVS routing loops on a host that is both director and real server.',
  },
  nat_icmp_send: {
    title: 'NAT ICMP send',
    default: 0,
    doc: 'With NAT, answer packets from real servers that match no connection entry with ICMP destination unreachable.',
  },
  pmtu_disc: {
    title: 'Path MTU discovery',
    default: 1,
    doc: 'Reject DF packets larger than the path MTU with ICMP "fragmentation needed" (default); for TUN it can be turned off to fragment them instead.',
  },
  run_estimation: {
    title: 'Rate estimation',
    default: 1,
    doc: 'Compute the rate statistics shown by `ipvsadm -L --rate`; turning it off stops the estimation kthreads (and those rates read 0).',
  },
  schedule_icmp: {
    title: 'Schedule ICMP',
    default: 0,
    doc: 'Schedule ICMP errors that match no connection entry to a real server instead of dropping them, e.g. so path-MTU errors reach a server behind stateless ECMP in front of several directors.',
  },
  secure_tcp: {
    title: 'Secure TCP defense',
    default: 0,
    doc: 'Use a stricter TCP state table (for NAT, ESTABLISHED only after the three-way handshake) against SYN floods. Modes as `drop_entry`.',
  },
  sloppy_sctp: {
    title: 'Sloppy SCTP',
    default: 0,
    doc: 'Create a connection entry from any SCTP packet, not only INIT: lets a backup director take over existing associations after a failover.',
  },
  sloppy_tcp: {
    title: 'Sloppy TCP',
    default: 0,
    doc: 'Create a connection entry from any TCP packet, not only SYN: lets a backup director take over existing connections after a failover.',
  },
  snat_reroute: {
    title: 'SNAT reroute',
    default: 1,
    doc: 'Route NAT replies from real servers as if they originated on the director (matters with policy routing); turning it off saves a route lookup.',
  },
  sync_persist_mode: {
    title: 'Sync persistence mode',
    default: 0,
    doc: 'Connection sync for persistent services: 0 syncs every connection, 1 only the persistence templates (backups may then need `sloppy_tcp`/`sloppy_sctp`).',
  },
  sync_ports: {
    title: 'Sync ports',
    default: 1,
    doc: 'Number of connection-sync threads, each with its own UDP port from 8848 up.',
  },
  sync_qlen_max: {
    title: 'Sync queue limit',
    doc: 'Hard limit of queued, unsent sync messages; the kernel default is computed from memory size (1/32 of the pages).',
  },
  sync_refresh_period: {
    title: 'Sync refresh period',
    default: 0,
    doc: 'Seconds of change in a connection\'s timer that trigger a new sync message for an unchanged connection (0: sync on state changes and thresholds only).',
  },
  sync_retries: {
    title: 'Sync retries',
    default: 0,
    doc: 'Retries (0..3) of a sync message at `sync_refresh_period / 8` intervals, against lost sync messages.',
  },
  sync_sock_size: {
    title: 'Sync socket buffer',
    default: 0,
    doc: 'SNDBUF (master) or RCVBUF (backup) of the sync socket; 0 keeps the system default.',
  },
  sync_version: {
    title: 'Sync protocol version',
    default: 1,
    doc: 'Version of the connection-sync protocol sent: 1 (current) or 0 for legacy backups.',
  },
  lblc_expiration: {
    title: 'LBLC expiration',
    default: 86400,
    doc: 'Seconds (default 24 h) after which an unused `lblc` destination-to-server entry is dropped.',
  },
  lblcr_expiration: {
    title: 'LBLCR expiration',
    default: 86400,
    doc: 'Seconds (default 24 h) after which an unused `lblcr` destination server set is dropped.',
  },
};

/** The ARP sysctls a DR/TUN real server needs so it does not answer ARP for the VIP. */
export const ARP_SYSCTL_GLOSSARY: Readonly<Record<'arp_ignore' | 'arp_announce' | 'rp_filter', GlossaryEntry>> = {
  arp_ignore: {
    title: 'net.ipv4.conf.*.arp_ignore',
    doc:
      'Which ARP requests a host answers. DR real servers use `1`: reply only if the target address is configured ' +
      'on the interface the request came in on — so the VIP, held on `lo`, is never announced and clients keep ' +
      'sending to the director. Set it on `all` and on the data-plane interface (the kernel uses the larger value).',
  },
  arp_announce: {
    title: 'net.ipv4.conf.*.arp_announce',
    doc:
      'Which source address a host puts in its own ARP requests. DR real servers use `2`: always the best local ' +
      'address for the target, never the VIP, so neighbours do not learn the VIP at the real server\'s MAC. ' +
      'Set it on `all` and on the data-plane interface (the kernel uses the larger value).',
  },
  rp_filter: {
    title: 'net.ipv4.conf.*.rp_filter',
    doc:
      'Reverse-path filtering. TUN real servers receive packets for the VIP on the tunnel device while the route ' +
      'back to the client leaves by another interface, so strict mode (1) drops them: use 0 or 2 (loose) on the ' +
      'tunnel device and `all` (the kernel uses the larger value).',
  },
};

export const PROTOCOL_GLOSSARY: Readonly<Record<'tcp' | 'udp' | 'sctp', string>> = {
  tcp: 'A TCP virtual service (`ipvsadm -t VIP:PORT`).',
  udp: 'A UDP virtual service (`ipvsadm -u VIP:PORT`); connection entries live as long as the UDP timeout (`ipvsadm --set`).',
  sctp: 'An SCTP virtual service (`ipvsadm --sctp-service VIP:PORT`).',
};

/** The values of a cluster's `engine`. */
export const ENGINE_GLOSSARY: Readonly<Record<'ipvsadm' | 'keepalived', string>> = {
  ipvsadm: 'lvsctl writes the IPVS table on the directors over SSH (`ipvsadm -R`) and prepare adds the VIPs. No failover and no health checks: a dead real server keeps its share, a dead director takes the VIP with it.',
  keepalived: 'lvsctl renders each director\'s `keepalived.conf` (checked with `keepalived -t`, swapped in, reloaded); keepalived owns the VIPs (VRRP moves them to the backup) and the IPVS table (its checkers take failed real servers out). See docs/ha.md.',
};

/** The health check types that are not also protocol names (`tcp` is documented as a protocol). */
export const HEALTH_CHECK_GLOSSARY: Readonly<Record<'http' | 'https' | 'dns' | 'smtp' | 'misc', string>> = {
  http: 'keepalived `HTTP_GET`: requests `path` from the real server and compares the status code (and the body\'s MD5 `digest`, when given).',
  https: 'keepalived `SSL_GET`: the same request as `http`, over TLS.',
  dns: 'keepalived `DNS_CHECK`: sends a query for `dnsName` of `dnsType` and expects an answer.',
  smtp: 'keepalived `SMTP_CHECK`: connects, expects the 220 greeting and says HELO.',
  misc: 'keepalived `MISC_CHECK`: runs `script` on the director (as root, under script security); exit 0 means healthy.',
};

/** Markdown for a scheduler: `**wlc** — Weighted Least-Connection` and the paragraph. */
export function schedulerMarkdown(name: Scheduler): string {
  const e = SCHEDULER_GLOSSARY[name];
  return `**${name}** — ${e.title} scheduler\n\n${e.doc}`;
}

export function methodMarkdown(name: ForwardingMethod): string {
  const e = METHOD_GLOSSARY[name];
  return `**${name}** (\`${e.flag}\`) — ${e.title}\n\n${e.doc}`;
}

export function sysctlMarkdown(name: string): string | undefined {
  if (!Object.hasOwn(IPVS_SYSCTL_GLOSSARY, name)) return undefined;
  const e = IPVS_SYSCTL_GLOSSARY[name];
  const def = e.default === undefined ? '' : ` (kernel default \`${e.default}\`)`;
  return `**net.ipv4.vs.${name}** — ${e.title}${def}\n\n${e.doc}`;
}

/** Looks a bare word up in every table: scheduler, method, sysctl, scheduler flag, ARP sysctl, protocol, engine, check type. */
export function glossaryMarkdown(word: string): string | undefined {
  if (Object.hasOwn(SCHEDULER_GLOSSARY, word)) return schedulerMarkdown(word as Scheduler);
  if (Object.hasOwn(METHOD_GLOSSARY, word)) return methodMarkdown(word as ForwardingMethod);
  const sysctl = word.replace(/^net\.ipv4\.vs\./, '');
  if (Object.hasOwn(IPVS_SYSCTL_GLOSSARY, sysctl)) return sysctlMarkdown(sysctl);
  if (Object.hasOwn(SCHED_FLAG_GLOSSARY, word)) return `**${word}** — scheduler flag (\`-b\`)\n\n${SCHED_FLAG_GLOSSARY[word as SchedFlag]}`;
  if (Object.hasOwn(ARP_SYSCTL_GLOSSARY, word)) {
    const e = ARP_SYSCTL_GLOSSARY[word as keyof typeof ARP_SYSCTL_GLOSSARY];
    return `**${e.title}**\n\n${e.doc}`;
  }
  if (Object.hasOwn(PROTOCOL_GLOSSARY, word)) return `**${word}**\n\n${PROTOCOL_GLOSSARY[word as keyof typeof PROTOCOL_GLOSSARY]}`;
  if (Object.hasOwn(ENGINE_GLOSSARY, word)) return `**engine ${word}**\n\n${ENGINE_GLOSSARY[word as keyof typeof ENGINE_GLOSSARY]}`;
  if (Object.hasOwn(HEALTH_CHECK_GLOSSARY, word)) return `**${word}** health check\n\n${HEALTH_CHECK_GLOSSARY[word as keyof typeof HEALTH_CHECK_GLOSSARY]}`;
  return undefined;
}
