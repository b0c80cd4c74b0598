/**
 * The cluster file format v1 as a typed tree of keys, for completion and hover (see the YAML shape in
 * `../clusterFile/types.ts`). The JSON schema (`schemas/lvs-cluster.schema.json`) is what validates; this
 * table adds what a schema cannot say (which values name a host of the file, markdown for hovers) and is
 * checked against the validator's key lists (`../clusterFile/formatKeys.ts`) and the schema by
 * `test/unit/languageCluster.test.ts`, so they cannot drift apart.
 */

import { IPVS_SYSCTLS } from '../clusterFile/ipvsSysctls';
import { SCHED_FLAGS, SCHEDULERS } from '../ipvs/types';

interface SpecBase {
  /** Markdown, one or two sentences. */
  doc: string;
}

export type FieldSpec =
  | (SpecBase & { type: 'object'; fields: Readonly<Record<string, FieldSpec>> })
  | (SpecBase & { type: 'list'; item: FieldSpec })
  /** A mapping with open-ended keys: `keys` are suggestions, each maps to `value`. */
  | (SpecBase & { type: 'map'; keys: readonly string[]; value: FieldSpec })
  | (SpecBase & { type: 'enum'; values: readonly (string | number)[] })
  /** Names a host of the file's `hosts` list (`free`: or any other text, e.g. `user@bastion:2222`). */
  | (SpecBase & { type: 'hostRef'; free?: boolean })
  | (SpecBase & { type: 'string' | 'integer' | 'boolean' | 'address'; example?: string });

export const PROTOCOLS = ['tcp', 'udp', 'sctp'] as const;
export const METHODS = ['dr', 'nat', 'tun'] as const;
export const STRICT_HOST_KEY_CHECKING = ['yes', 'accept-new', 'ask', 'no'] as const;
export const TUNNEL_TYPES = ['ipip', 'gue', 'gre'] as const;
export const TUNNEL_CHECKSUMS = ['nocsum', 'csum', 'remcsum'] as const;
export const FAMILIES = ['ipv4', 'ipv6'] as const;

const SSH: FieldSpec = {
  type: 'object',
  doc: 'How to reach the host over SSH. Every key is optional; `~/.ssh/config` is honoured.',
  fields: {
    host: { type: 'string', doc: 'Host name or address to connect to. Default: the `~/.ssh/config` alias named like the host, else its address.', example: '192.168.116.3' },
    port: { type: 'integer', doc: 'SSH port (default 22).', example: '22' },
    user: { type: 'string', doc: 'Login user (default: from `~/.ssh/config`, else the local user).', example: 'root' },
    identityFile: { type: 'string', doc: 'Private key file; `~` is expanded.', example: '~/.ssh/id_ed25519' },
    knownHostsFile: { type: 'string', doc: 'known_hosts file used to check the host key (default `~/.ssh/known_hosts`).', example: '~/.ssh/known_hosts' },
    strictHostKeyChecking: {
      type: 'enum',
      values: STRICT_HOST_KEY_CHECKING,
      doc: 'What to do with an unknown or changed host key: `yes` refuse unknown keys, `accept-new` trust and record new keys (never changed ones), `ask` prompt, `no` accept anything (insecure).',
    },
    proxyJump: { type: 'hostRef', free: true, doc: 'Jump host: a host name of this file, or `[user@]host[:port]`.' },
    sudo: { type: 'boolean', doc: 'Run privileged commands (`ipvsadm`, `sysctl`, `ip`) through `sudo -n` when not logging in as root.' },
  },
};

const HOST: FieldSpec = {
  type: 'object',
  doc: 'A machine of the cluster: a director, a real server, or both.',
  fields: {
    name: { type: 'string', doc: 'Unique name, used by `directors[].host`, `realServers[].host` and `proxyJump`.', example: 'node1' },
    address: { type: 'address', doc: 'Data-plane address (IPv4 or IPv6). Use `addresses` for both families.', example: '192.168.116.3' },
    addresses: { type: 'list', item: { type: 'address', doc: 'An IPv4 or IPv6 address.' }, doc: 'Data-plane addresses, one per family (`[v4, v6]`).' },
    interface: { type: 'string', doc: 'Data-plane interface. On a DR real server the ARP sysctls are set on it; on a director it carries the VIP by default.', example: 'eth0' },
    ssh: SSH,
  },
};

const DIRECTOR: FieldSpec = {
  type: 'object',
  doc: 'A host that runs IPVS for this cluster and holds its VIPs.',
  fields: {
    host: { type: 'hostRef', doc: 'The `name` of a host of this file.' },
    interface: { type: 'string', doc: 'Interface that carries the VIP (default: the host\'s `interface`).', example: 'eth0' },
    vipLabel: { type: 'string', doc: 'Optional `ip addr add ... label` for the VIP, e.g. `eth0:1`.', example: 'eth0:1' },
    priority: { type: 'integer', doc: 'keepalived clusters: VRRP priority 1..254 (the highest running director holds the VIPs). Default: 150 for the first director, 10 less for each next one.', example: '150' },
  },
};

export const ENGINES = ['ipvsadm', 'keepalived'] as const;
export const MODES = ['active-passive', 'active-active'] as const;

const BGP: FieldSpec = {
  type: 'object',
  doc: 'Active-active clusters: every director announces the VIPs to the router over BGP (BIRD, `lvsctl render --bird`); the router spreads the flows by ECMP. See docs/scale-out.md.',
  fields: {
    localAs: { type: 'integer', doc: 'The directors\' AS number (1..4294967295; private: 64512..65534, 4200000000..4294967294).', example: '65116' },
    peers: {
      type: 'list',
      doc: 'The routers every director opens a BGP session to.',
      item: {
        type: 'object',
        doc: 'A BGP peer (`neighbor ADDRESS as AS`).',
        fields: {
          address: { type: 'address', doc: 'The router\'s address on the directors\' link.', example: '192.168.116.1' },
          as: { type: 'integer', doc: 'The router\'s AS number.', example: '65000' },
          multihop: { type: 'integer', doc: 'eBGP multihop TTL (1..255) for a peer that is not on the directors\' link.', example: '2' },
        },
      },
    },
    holdTime: { type: 'integer', doc: 'BGP hold time in seconds (3..65535, default 90): the router drops a silent director\'s routes after it.', example: '9' },
    keepaliveTime: { type: 'integer', doc: 'Seconds between keepalives (default: a third of the hold time).', example: '3' },
    bfd: { type: 'boolean', doc: 'BFD on every session (`bfd on`): failure detection in milliseconds; the router must run BFD too.' },
    announce: { type: 'list', item: { type: 'address', doc: 'A VIP of the cluster.' }, doc: 'The VIPs to announce (as /32 or /128 routes); default every service VIP of the cluster.' },
  },
};
export const HEALTH_CHECK_TYPES = ['tcp', 'http', 'https', 'dns', 'smtp', 'misc'] as const;
export const DNS_TYPES = ['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA'] as const;

const VRRP: FieldSpec = {
  type: 'object',
  doc: 'keepalived clusters: the VRRP instance that moves the VIPs between the directors (`vrrp_instance`). No password: VRRPv3 has no authentication.',
  fields: {
    virtualRouterId: { type: 'integer', doc: 'VRRP virtual router id 1..255 (`virtual_router_id`): the same on every director of the cluster, unique on the link.', example: '51' },
    advertInterval: { type: 'integer', doc: 'Seconds between adverts (`advert_int`, fractions allowed, default 1). Failover takes about 3 × this plus a skew.', example: '1' },
    preempt: { type: 'boolean', doc: 'A director of higher priority takes the VIPs back when it returns (default `true`; `false` renders `nopreempt`).' },
    preemptDelay: { type: 'integer', doc: 'Seconds a returning director waits before taking the VIPs back (`preempt_delay`).', example: '0' },
    multicast: { type: 'boolean', doc: 'Multicast adverts to 224.0.0.18 instead of unicast to the other directors\' addresses (default `false`).' },
    strict: { type: 'boolean', doc: 'keepalived `vrrp_strict`: RFC compliance; needs `multicast: true` and `accept: true` to keep the VIPs reachable.' },
    accept: { type: 'boolean', doc: 'Accept packets to the VIPs when not the address owner (`accept`); needed with `strict`.' },
    syncConnections: { type: 'boolean', doc: 'Run the kernel\'s IPVS connection sync daemon (`lvs_sync_daemon IF INSTANCE`): the master sends its connection table to the backup, so established connections survive a failover.' },
  },
};

const HEALTH_CHECK: FieldSpec = {
  type: 'object',
  doc: 'keepalived clusters: how keepalived checks each real server; a failed server leaves the table (or gets weight 0 with `inhibitOnFailure`). A real server\'s `healthCheck` overrides keys of the service\'s.',
  fields: {
    type: { type: 'enum', values: HEALTH_CHECK_TYPES, doc: 'Checker: `tcp` (TCP_CHECK), `http` (HTTP_GET), `https` (SSL_GET), `dns` (DNS_CHECK), `smtp` (SMTP_CHECK), `misc` (MISC_CHECK, a script).' },
    port: { type: 'integer', doc: 'Port to check (`connect_port`); default the real server\'s port. Needed for fwmark services.', example: '80' },
    interval: { type: 'integer', doc: 'Seconds between checks (`delay_loop`, fractions allowed, default 5).', example: '5' },
    timeout: { type: 'integer', doc: 'Seconds a check may take (`connect_timeout`, `misc_timeout`; default 3).', example: '3' },
    retries: { type: 'integer', doc: 'Retries before the server is marked down (`retry`, default 2).', example: '2' },
    retryDelay: { type: 'integer', doc: 'Seconds between retries (`delay_before_retry`, default 1).', example: '1' },
    warmup: { type: 'integer', doc: 'Random delay of up to this many seconds before the first check (`warmup`).', example: '0' },
    inhibitOnFailure: { type: 'boolean', doc: 'On failure set weight 0 instead of removing the server, so its connections drain (`inhibit_on_failure`).' },
    path: { type: 'string', doc: '`http`/`https`: URL path to request (`url { path }`, default `/`).', example: '/' },
    statusCodes: { type: 'list', item: { type: 'integer', doc: 'An HTTP status code.' }, doc: '`http`/`https`: status codes that mean healthy (`status_code`, default `[200]`).' },
    digest: { type: 'string', doc: '`http`/`https`: MD5 of the expected body (`digest`, as `genhash` prints).', example: '9b3a0c85a887a256d6939da88aabd8cd' },
    virtualHost: { type: 'string', doc: '`http`/`https`: Host header to send (`virtualhost`).', example: 'www.example.com' },
    dnsName: { type: 'string', doc: '`dns`: name to query (`name`).', example: 'example.com' },
    dnsType: { type: 'enum', values: DNS_TYPES, doc: '`dns`: record type to query (`type`).' },
    script: { type: 'string', doc: '`misc`: absolute path of the check script (`misc_path`; exit 0 = healthy), run under keepalived\'s script security.', example: '/usr/local/bin/check-app' },
  },
};

const SORRY_SERVER: FieldSpec = {
  type: 'object',
  doc: 'keepalived clusters: the server that gets the traffic when every real server is down (`sorry_server`).',
  fields: {
    address: { type: 'address', doc: 'Address of the sorry server.', example: '192.168.116.9' },
    port: { type: 'integer', doc: 'Its port (default: the service\'s port).', example: '80' },
  },
};

const TUNNEL: FieldSpec = {
  type: 'object',
  doc: 'TUN only: the encapsulation (`ipvsadm --tun-type`, `--tun-port`, `--tun-nocsum|--tun-csum|--tun-remcsum`).',
  fields: {
    type: { type: 'enum', values: TUNNEL_TYPES, doc: 'Encapsulation: `ipip` (default), `gue` (UDP, needs `port`) or `gre`.' },
    port: { type: 'integer', doc: 'Destination UDP port for `gue`.', example: '6080' },
    checksum: { type: 'enum', values: TUNNEL_CHECKSUMS, doc: 'GUE/GRE checksum: `nocsum` (default), `csum`, `remcsum` (remote checksum offload, GUE).' },
  },
};

const REAL_SERVER: FieldSpec = {
  type: 'object',
  doc: 'A real server (`ipvsadm -a`) of the service.',
  fields: {
    host: { type: 'hostRef', doc: 'The `name` of a host of this file (its address of the service\'s family is used). Or give `address`.' },
    address: { type: 'address', doc: 'Address of a real server that is not a host of this file.', example: '192.168.116.4' },
    port: { type: 'integer', doc: 'Real server port. DR and TUN cannot change the port: it must equal the service port.', example: '80' },
    method: { type: 'enum', values: METHODS, doc: 'Forwarding method: `dr` direct routing (`-g`), `nat` masquerading (`-m`), `tun` IP tunnelling (`-i`).' },
    weight: { type: 'integer', doc: 'Weight 0..65535 (`-w`, default 1); 0 makes the server quiescent: no new connections.', example: '1' },
    upperThreshold: { type: 'integer', doc: 'Upper connection threshold (`-x`); the server gets no new connections above it. 0 = unlimited.', example: '0' },
    lowerThreshold: { type: 'integer', doc: 'Lower connection threshold (`-y`); an overloaded server gets new connections again below it. 0 = unset.', example: '0' },
    tunnel: TUNNEL,
    healthCheck: { ...HEALTH_CHECK, doc: 'keepalived clusters: overrides of the service\'s health check for this real server (any key; type-specific keys are inherited only while the type stays the same).' },
  },
};

const PERSISTENCE: FieldSpec = {
  type: 'object',
  doc: 'Persistence (`-p`, `-M`): connections from one client (or client network) go to the same real server for `timeout` seconds.',
  fields: {
    timeout: { type: 'integer', doc: 'Persistence timeout in seconds (`-p`; default 300 in this file, while a bare `-p` in ipvsadm means 360).', example: '300' },
    netmask: { type: 'string', doc: 'Group clients by network (`-M`): a dotted IPv4 netmask, or a prefix length for IPv6. Default: per client address.', example: '255.255.255.0' },
  },
};

const SERVICE: FieldSpec = {
  type: 'object',
  doc: 'A virtual service (`ipvsadm -A`): protocol + VIP + port, or a firewall mark.',
  fields: {
    name: { type: 'string', doc: 'Optional label for the service.', example: 'http' },
    protocol: { type: 'enum', values: PROTOCOLS, doc: 'Service protocol: `tcp` (`-t`), `udp` (`-u`) or `sctp` (`--sctp-service`). Leave out for a fwmark service.' },
    fwmark: { type: 'integer', doc: 'Firewall-mark service (`-f`): balances packets marked by iptables/nftables instead of one VIP:port.', example: '10' },
    family: { type: 'enum', values: FAMILIES, doc: 'Address family of a fwmark service (`-6` for `ipv6`); default `ipv4`.' },
    vip: { type: 'address', doc: 'Virtual IP address the clients connect to; held by the directors.', example: '192.168.116.200' },
    port: { type: 'integer', doc: 'Virtual service port (0 with persistence means all ports).', example: '80' },
    scheduler: { type: 'enum', values: SCHEDULERS, doc: 'Scheduling algorithm (`-s`); the kernel\'s default is `wlc`.' },
    schedulerFlags: { type: 'list', item: { type: 'enum', values: SCHED_FLAGS, doc: 'A scheduler flag.' }, doc: 'Scheduler flags (`-b`), e.g. `sh-port`, `sh-fallback` for `sh`; `mh-port`, `mh-fallback` for `mh`.' },
    persistence: PERSISTENCE,
    pe: { type: 'enum', values: ['sip'], doc: 'Persistence engine (`--pe`): `sip` groups by SIP Call-ID; needs persistence.' },
    onePacket: { type: 'boolean', doc: 'One-packet scheduling (`-o`, UDP only): schedule every datagram on its own, keeping no connection entry.' },
    healthCheck: HEALTH_CHECK,
    sorryServer: SORRY_SERVER,
    quorum: { type: 'integer', doc: 'keepalived clusters: minimum sum of the weights of healthy real servers for the service to count as up (`quorum`).', example: '1' },
    hysteresis: { type: 'integer', doc: 'keepalived clusters: margin around `quorum` before the service goes up or down again (`hysteresis`).', example: '0' },
    realServers: { type: 'list', item: REAL_SERVER, doc: 'The real servers (`ipvsadm -a`) behind this service.' },
  },
};

const SYSCTLS: FieldSpec = {
  type: 'map',
  keys: Object.keys(IPVS_SYSCTLS),
  value: { type: 'integer', doc: 'Integer value.' },
  doc: '`net.ipv4.vs.*` sysctls set on the directors. Defaults merged in: `expire_nodest_conn: 1`, `expire_quiescent_template: 1` (as kube-proxy).',
};

const CLUSTER: FieldSpec = {
  type: 'object',
  doc: 'A load-balanced cluster: its directors, IPVS sysctls and virtual services.',
  fields: {
    name: { type: 'string', doc: 'Unique cluster name.', example: 'web' },
    directors: { type: 'list', item: DIRECTOR, doc: 'Hosts running IPVS for this cluster (one, or more behind keepalived/VRRP).' },
    sysctls: SYSCTLS,
    prune: { type: 'boolean', doc: 'Delete IPVS services on the directors that this file does not declare (default `false`).' },
    engine: { type: 'enum', values: ENGINES, doc: 'Who writes the IPVS table and holds the VIPs: `ipvsadm` (default: lvsctl writes the table) or `keepalived` (lvsctl renders keepalived.conf; keepalived moves the VIPs by VRRP and runs the health checks). See docs/ha.md.' },
    vrrp: VRRP,
    mode: { type: 'enum', values: MODES, doc: 'How the directors share the VIPs: `active-passive` (default: one director, or the VRRP master, holds them) or `active-active` (every director holds them on `lo` and announces them over `bgp`; use the `mh` scheduler). See docs/scale-out.md.' },
    bgp: BGP,
    services: { type: 'list', item: SERVICE, doc: 'The virtual services of the cluster.' },
  },
};

export const CLUSTER_FILE_SPEC: FieldSpec = {
  type: 'object',
  doc: 'An LVS cluster file (format v1).',
  fields: {
    version: { type: 'enum', values: [1], doc: 'Format version; must be `1`.' },
    hosts: { type: 'list', item: HOST, doc: 'The machines: directors and real servers, with how to reach them.' },
    clusters: { type: 'list', item: CLUSTER, doc: 'The clusters: directors, sysctls and virtual services.' },
  },
};

/** A path segment: a key, or `[]` for "an item of the list". */
export type PathSegment = string;
export const ITEM: PathSegment = '[]';

/** The spec at `path`, or undefined when the path leaves the format. */
export function specAt(path: readonly PathSegment[]): FieldSpec | undefined {
  let spec: FieldSpec = CLUSTER_FILE_SPEC;
  for (const seg of path) {
    if (seg === ITEM) {
      if (spec.type !== 'list') return undefined;
      spec = spec.item;
    } else if (spec.type === 'object') {
      if (!Object.hasOwn(spec.fields, seg)) return undefined;
      spec = spec.fields[seg];
    } else if (spec.type === 'map') {
      spec = spec.value;
    } else {
      return undefined;
    }
  }
  return spec;
}

/** `clusters[].services[].scheduler` */
export function formatPath(path: readonly PathSegment[]): string {
  return path.map((s, i) => (s === ITEM ? '[]' : i === 0 ? s : `.${s}`)).join('');
}

/** A short type name for hovers and completion details. */
export function typeLabel(spec: FieldSpec): string {
  switch (spec.type) {
    case 'object': return 'mapping';
    case 'list': return `list of ${typeLabel(spec.item)}`;
    case 'map': return 'mapping';
    case 'enum': return spec.values.map((v) => String(v)).join(' | ');
    case 'hostRef': return spec.free ? 'host name or [user@]host[:port]' : 'host name';
    case 'address': return 'IP address';
    default: return spec.type;
  }
}
