/**
 * What the values of a keepalived keyword may be, what it means, and its old spellings — the part of
 * the keyword table written by hand from keepalived.conf(5) and the keyword handlers of keepalived 2.2.7
 * (ranges as the handlers check them: `read_unsigned_strvec(…, min, max)`, `read_timer`, the string
 * compares). The table of which keywords exist where is ./keywordTable.ts; ./keywords.ts joins them.
 *
 * Keys are `block.keyword` (block ids of the table); `*.keyword` applies in every block without its own.
 */

/** How a keyword's values are checked; keywords without a spec accept anything. */
export type ValueSpec =
  | { kind: 'integer'; min: number; max: number; /** Words allowed after the number. */ then?: readonly string[] }
  /** Seconds, with up to 6 decimals (keepalived's `read_timer` / `read_decimal_unsigned`). */
  | { kind: 'seconds'; min: number; max?: number }
  | { kind: 'choice'; values: readonly string[]; /** keepalived compares with strcasecmp. */ anyCase?: boolean }
  | { kind: 'scheduler' }
  | { kind: 'method' }
  | { kind: 'word' }
  | { kind: 'none' };

export interface Deprecation {
  /** The keyword to write instead (same block), when it is a plain rename. */
  replacement?: string;
  /** What to do when it is not a rename. */
  advice?: string;
  since: string;
}

export interface KeywordSpec {
  doc?: string;
  value?: ValueSpec;
  /** Values name the block (vrrp_instance NAME …), shown in the outline. */
  named?: boolean;
  deprecated?: Deprecation;
}

const PORT = { kind: 'integer', min: 1, max: 65535 } as const;
const SECONDS_NONZERO = { kind: 'seconds', min: 0.000001 } as const;
const SECONDS = { kind: 'seconds', min: 0 } as const;
const RETRY = { kind: 'integer', min: 0, max: 4294967295 } as const;
/** Whole seconds read with `read_unsigned_strvec(…, 0, UINT_MAX / TIMER_HZ)`: no decimals in 2.2.7. */
const WHOLE_SECONDS = { kind: 'integer', min: 0, max: 4294 } as const;
const CHECKER = 'A health checker of the real server: while it fails, keepalived removes the real server from the IPVS table (or sets its weight to 0 with inhibit_on_failure).';

export const KEYWORD_SPECS: Readonly<Record<string, KeywordSpec>> = {
  // ---- top level ----
  'root.global_defs': { doc: 'Settings of the whole keepalived process: router_id, notification e-mail, script security, VRRP and LVS defaults.' },
  'root.vrrp_instance': { named: true, value: { kind: 'word' }, doc: 'A VRRP instance: a virtual router (virtual_router_id) on an interface that holds the virtual IP addresses while it is MASTER.' },
  'root.vrrp_sync_group': { named: true, value: { kind: 'word' }, doc: 'VRRP instances that change state together (all MASTER or all BACKUP), e.g. the outside and inside VIPs of a NAT director.' },
  'root.vrrp_script': { named: true, value: { kind: 'word' }, doc: 'A script run every `interval` seconds; a VRRP instance that tracks it (track_script) changes priority or goes to FAULT when it fails.' },
  'root.virtual_server': { doc: 'An IPVS virtual service: `virtual_server IP PORT`, `virtual_server fwmark MARK` or `virtual_server group NAME`, with its scheduler, forwarding method, real servers and their health checks.' },
  'root.virtual_server_group': { named: true, value: { kind: 'word' }, doc: 'A set of `IP PORT`, `IP-range PORT` and `fwmark N` entries served by one `virtual_server group NAME`.' },
  'root.static_ipaddress': { doc: 'Addresses keepalived adds at start-up whatever the VRRP state (one `IP/len dev IF` per line).' },
  'root.static_routes': { doc: 'Routes keepalived adds at start-up whatever the VRRP state.' },
  'root.static_rules': { doc: 'Policy routing rules keepalived adds at start-up whatever the VRRP state.' },
  'root.linkbeat_interfaces': { doc: 'Interfaces whose link state keepalived polls (MII/ethtool) instead of relying on netlink.' },
  'root.vrrp_track_process': { named: true, value: { kind: 'word' }, doc: 'A process keepalived watches (track_process in a VRRP instance).' },
  'root.track_file': { named: true, value: { kind: 'word' }, doc: 'A file holding a number that changes the priority of the instances tracking it (or the weight of a real server with FILE_CHECK).' },
  'root.vrrp_track_file': { named: true, value: { kind: 'word' }, deprecated: { replacement: 'track_file', since: '2.1.0' } },
  'root.bfd_instance': { named: true, value: { kind: 'word' }, doc: 'A BFD session to a neighbour (BFD_CHECK, track_bfd).' },
  'root.track_group': { named: true, value: { kind: 'word' } },
  'root.garp_group': { doc: 'Gratuitous ARP / unsolicited NA settings shared by interfaces.' },
  'root.net_namespace': { value: { kind: 'word' }, doc: 'Run keepalived in this network namespace.' },
  'root.SSL': { doc: 'The client certificate and CA the SSL_GET checkers use.' },

  // ---- global_defs ----
  'global_defs.router_id': { value: { kind: 'word' }, doc: 'The name of this machine in notifications (default: the host name).' },
  'global_defs.notification_email': { doc: 'Addresses that receive the notification e-mails (one per line).' },
  'global_defs.notification_email_from': { value: { kind: 'word' } },
  'global_defs.smtp_server': { doc: 'The SMTP server (IP or name, optional port) notification e-mails go through.' },
  'global_defs.smtp_connect_timeout': { value: WHOLE_SECONDS },
  'global_defs.enable_script_security': { doc: 'Refuse to run scripts that a non-root user could modify (keepalived -t exits with 5 when one would).' },
  'global_defs.script_user': { doc: 'The user (and group) scripts run as: `script_user USER [GROUP]`.' },
  'global_defs.vrrp_strict': { doc: 'Strict RFC 5798 compliance: no unicast, no authentication, and an iptables/nftables rule that drops packets to the VIPs unless the instance has `accept` — a frequent cause of unreachable VIPs.' },
  'global_defs.lvs_sync_daemon': { doc: 'Run the kernel IPVS connection sync daemon: `lvs_sync_daemon INTERFACE [VRRP_INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group IP]`; the master/backup role follows the VRRP instance.' },
  'global_defs.lvs_flush': { doc: 'Clear the whole IPVS table at start-up, entries keepalived did not create included.' },
  'global_defs.lvs_flush_on_stop': { doc: 'Remove the IPVS entries when keepalived stops (`VS` for its own virtual servers only).' },
  'global_defs.lvs_flush_onstop': { deprecated: { replacement: 'lvs_flush_on_stop', since: '2.1.5' } },
  'global_defs.lvs_process_name': { deprecated: { replacement: 'checker_process_name', since: '2.2.0' } },
  'global_defs.vrrp_rlimit_rtime': { deprecated: { replacement: 'vrrp_rlimit_rttime', since: '2.1.0' } },
  'global_defs.checker_rlimit_rtime': { deprecated: { replacement: 'checker_rlimit_rttime', since: '2.1.0' } },
  'global_defs.bfd_rlimit_rtime': { deprecated: { replacement: 'bfd_rlimit_rttime', since: '2.1.0' } },
  'global_defs.vrrp_vmac_garp_intvl': { deprecated: { replacement: 'vrrp_garp_extra_if', since: '2.2.2' } },
  'global_defs.enable_snmp_keepalived': { deprecated: { replacement: 'enable_snmp_vrrp', since: '2.0.0' } },
  'global_defs.vrrp_version': { value: { kind: 'choice', values: ['2', '3'] } },
  'global_defs.vrrp_garp_master_delay': { value: WHOLE_SECONDS },
  'global_defs.vrrp_mcast_group4': { value: { kind: 'word' } },
  'global_defs.reload_check_config': { doc: 'Check the new configuration (as keepalived -t) before a reload, and keep the running one if it has errors.' },
  'global_defs.max_auto_priority': { doc: 'Run keepalived with real-time scheduling priority (optionally the value).' },

  // ---- vrrp_instance ----
  'vrrp_instance.state': { value: { kind: 'choice', values: ['MASTER', 'BACKUP'] }, doc: 'The state the instance starts in. The priorities decide who becomes MASTER; with `nopreempt` all instances must start as BACKUP.' },
  'vrrp_instance.interface': { value: { kind: 'word' }, doc: 'The interface VRRP adverts are sent on (and the VIPs are added to, unless they name a `dev`).' },
  'vrrp_instance.virtual_router_id': { value: { kind: 'integer', min: 1, max: 255 }, doc: 'The VRRP router id (VRID), 1–255, the same on every router of the instance and unique on the link.' },
  'vrrp_instance.priority': { value: { kind: 'integer', min: 1, max: 255 }, doc: 'Election priority 1–255 (255: the address owner). The highest priority is MASTER; give the routers different priorities to avoid split-brain ties.' },
  'vrrp_instance.advert_int': { value: { kind: 'seconds', min: 0.01, max: 255 }, doc: 'Seconds between VRRP adverts (0.01–255, default 1). A backup takes over after about 3 × advert_int.' },
  'vrrp_instance.virtual_ipaddress': { doc: 'The virtual IP addresses the MASTER holds: `IP[/len] [dev IF] [label L] …`, one per line.' },
  'vrrp_instance.virtual_ipaddress_excluded': { doc: 'Virtual addresses not carried in the VRRP adverts (e.g. IPv6 next to IPv4, or beyond 20 addresses).' },
  'vrrp_instance.virtual_routes': { doc: 'Routes added while MASTER.' },
  'vrrp_instance.virtual_rules': { doc: 'Policy routing rules added while MASTER.' },
  'vrrp_instance.track_interface': { doc: 'Interfaces whose failure puts the instance in FAULT (or changes its priority with `weight`).' },
  'vrrp_instance.track_script': { doc: 'vrrp_script names whose result changes the priority (weight) or puts the instance in FAULT.' },
  'vrrp_instance.track_file': { doc: 'track_file names whose value changes the priority.' },
  'vrrp_instance.unicast_peer': { doc: 'Send adverts by unicast to these addresses instead of multicast (one per line).' },
  'vrrp_instance.unicast_src_ip': { value: { kind: 'word' }, doc: 'Source address of unicast adverts.' },
  'vrrp_instance.mcast_src_ip': { value: { kind: 'word' } },
  'vrrp_instance.nopreempt': { doc: 'A higher-priority router that comes back does not take MASTER over (needs `state BACKUP`).' },
  'vrrp_instance.preempt_delay': { value: { kind: 'seconds', min: 0, max: 1000 }, doc: 'Seconds to wait after start-up before preempting a lower-priority MASTER.' },
  'vrrp_instance.accept': { doc: 'Accept packets to the VIPs that are not the address owner’s — needed with vrrp_strict for the VIPs to answer.' },
  'vrrp_instance.use_vmac': { doc: 'Use the VRRP virtual MAC address on a macvlan interface (optionally named).' },
  'vrrp_instance.version': { value: { kind: 'choice', values: ['2', '3'] }, doc: 'VRRP version 2 or 3 (default: global vrrp_version, 2).' },
  'vrrp_instance.garp_master_delay': { value: WHOLE_SECONDS },
  'vrrp_instance.garp_master_repeat': { value: { kind: 'integer', min: 0, max: 4294967295 } },
  'vrrp_instance.lvs_sync_daemon_interface': { deprecated: { advice: 'Move it to global_defs as `lvs_sync_daemon INTERFACE INSTANCE`.', since: '1.2.19' }, doc: 'The interface of the IPVS sync daemon, set in the VRRP instance (before 1.2.19).' },
  'vrrp_instance.vmac_garp_intvl': { deprecated: { replacement: 'garp_extra_if', since: '2.2.2' } },
  'vrrp_instance.linkbeat_use_polling': { deprecated: { advice: 'List the interface in a top-level linkbeat_interfaces block.', since: '2.1.0' } },
  'vrrp_instance.notify_master': { doc: 'Script run when the instance becomes MASTER.' },
  'vrrp_instance.notify_backup': { doc: 'Script run when the instance becomes BACKUP.' },
  'vrrp_instance.notify_fault': { doc: 'Script run when the instance goes to FAULT.' },
  'vrrp_instance.notify': { doc: 'Script run on every state change with the arguments `INSTANCE|GROUP NAME STATE PRIORITY`.' },
  'vrrp_instance.authentication': { doc: 'VRRPv2 authentication (auth_type PASS|AH, auth_pass); not allowed with vrrp_strict.' },
  'authentication.auth_type': { value: { kind: 'choice', values: ['PASS', 'AH'] } },
  'authentication.auth_pass': { value: { kind: 'word' }, doc: 'The password; only its first 8 characters are used.' },

  // ---- vrrp_sync_group, vrrp_script ----
  'vrrp_sync_group.group': { doc: 'The VRRP instances of the group (one name per line).' },
  'vrrp_sync_group.global_tracking': { deprecated: { advice: 'Put track_interface / track_script / track_file on the sync group.', since: '2.0.0' } },
  'vrrp_script.script': { doc: 'The command to run (quote it when it has arguments).' },
  'vrrp_script.interval': { value: WHOLE_SECONDS, doc: 'Whole seconds between runs (default 1; keepalived 2.2.7 reads no decimals here).' },
  'vrrp_script.timeout': { value: WHOLE_SECONDS, doc: 'Whole seconds after which a run counts as failed.' },
  'vrrp_script.weight': { value: { kind: 'integer', min: -253, max: 253, then: ['reverse'] }, doc: 'Priority change while the script succeeds (> 0) or fails (< 0); 0 or absent: failure puts the instance in FAULT.' },
  'vrrp_script.rise': { value: { kind: 'integer', min: 1, max: 2147483647 }, doc: 'Successes needed to count as OK.' },
  'vrrp_script.fall': { value: { kind: 'integer', min: 1, max: 2147483647 }, doc: 'Failures needed to count as KO.' },
  'vrrp_script.user': { doc: 'The user (and group) the script runs as.' },

  // ---- virtual_server ----
  'virtual_server.lvs_sched': { value: { kind: 'scheduler' }, doc: 'The IPVS scheduler (rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos).' },
  'virtual_server.lb_algo': { value: { kind: 'scheduler' }, deprecated: { replacement: 'lvs_sched', since: '1.1.5' } },
  'virtual_server.lvs_method': { value: { kind: 'method' }, doc: 'Forwarding method: NAT, DR or TUN (`TUN type ipip|gue port N|gre`).' },
  'virtual_server.lb_kind': { value: { kind: 'method' }, deprecated: { replacement: 'lvs_method', since: '1.1.5' } },
  'virtual_server.delay_loop': { value: SECONDS_NONZERO, doc: 'Seconds between health checks (default 60).' },
  'virtual_server.protocol': { value: { kind: 'choice', values: ['TCP', 'UDP', 'SCTP'], anyCase: true }, doc: 'TCP (default), UDP or SCTP (any case).' },
  'virtual_server.persistence_timeout': { value: { kind: 'integer', min: 1, max: 2678400 }, doc: 'Persistence in seconds (1–2678400): a client keeps its real server while it comes back within this time.' },
  'virtual_server.persistence_granularity': { value: { kind: 'word' }, doc: 'Netmask (IPv4) or prefix length (IPv6) grouping clients for persistence.' },
  'virtual_server.quorum': { value: { kind: 'integer', min: 1, max: 4294967295 }, doc: 'Minimum total weight of the healthy real servers; below it the sorry server (if any) takes over.' },
  'virtual_server.hysteresis': { value: { kind: 'integer', min: 0, max: 4294967295 } },
  'virtual_server.sorry_server': { doc: 'The server used when every real server is down (or quorum is lost): `sorry_server IP PORT`.' },
  'virtual_server.sorry_server_lvs_method': { value: { kind: 'method' } },
  'virtual_server.ha_suspend': { doc: 'Add the virtual server only while the VRRP instance holding its address is MASTER.' },
  'virtual_server.alpha': { doc: 'Real servers start as down until their first successful check.' },
  'virtual_server.omega': { doc: 'Run quorum_down when the virtual server is removed.' },
  'virtual_server.inhibit_on_failure': { doc: 'Set a failed real server’s weight to 0 instead of removing it (established connections continue).' },
  'virtual_server.real_server': { doc: 'A real server: `real_server IP [PORT]`, with its weight and health checkers.' },
  'virtual_server.connect_timeout': { value: SECONDS_NONZERO },
  'virtual_server.retry': { value: { kind: 'integer', min: 1, max: 4294967295 } },
  'virtual_server.delay_before_retry': { value: SECONDS },
  'virtual_server.warmup': { value: SECONDS },
  'virtual_server.ip_family': { value: { kind: 'choice', values: ['inet', 'inet6'] } },

  // ---- real_server ----
  'real_server.weight': { value: { kind: 'integer', min: 0, max: 2147483647 }, doc: 'IPVS weight (default 1; 0: no new connections).' },
  'real_server.lvs_method': { value: { kind: 'method' }, doc: 'Forwarding method of this real server, overriding the virtual server’s.' },
  'real_server.notify_up': { doc: 'Script run when the real server comes up.' },
  'real_server.notify_down': { doc: 'Script run when the real server goes down.' },
  'real_server.uthreshold': { value: { kind: 'integer', min: 0, max: 4294967295 }, doc: 'Upper connection threshold.' },
  'real_server.lthreshold': { value: { kind: 'integer', min: 0, max: 4294967295 }, doc: 'Lower connection threshold.' },
  'real_server.inhibit_on_failure': { doc: 'Set the weight to 0 on failure instead of removing the real server.' },
  'real_server.HTTP_GET': { doc: `${CHECKER} HTTP_GET requests each url and compares the status code (and digest).` },
  'real_server.SSL_GET': { doc: `${CHECKER} SSL_GET is HTTP_GET over TLS.` },
  'real_server.TCP_CHECK': { doc: `${CHECKER} TCP_CHECK opens a TCP connection.` },
  'real_server.SMTP_CHECK': { doc: `${CHECKER} SMTP_CHECK expects an SMTP greeting and HELO answer.` },
  'real_server.DNS_CHECK': { doc: `${CHECKER} DNS_CHECK sends a DNS query (type, name).` },
  'real_server.MISC_CHECK': { doc: `${CHECKER} MISC_CHECK runs a script (misc_path): exit 0 is up (misc_dynamic: exit 2–255 sets the weight).` },
  'real_server.BFD_CHECK': { doc: `${CHECKER} BFD_CHECK follows a bfd_instance.` },
  'real_server.UDP_CHECK': { doc: `${CHECKER} UDP_CHECK sends a UDP payload (and may require a reply).` },
  'real_server.PING_CHECK': { doc: `${CHECKER} PING_CHECK sends ICMP echo requests.` },
  'real_server.FILE_CHECK': { doc: `${CHECKER} FILE_CHECK reads a track_file: 0 is down, other values adjust the weight — a way to take a real server out of rotation without a reload.` },

  // ---- checkers ----
  '*.connect_port': { value: PORT, doc: 'The port the checker connects to (default: the real server port).' },
  '*.bind_port': { value: PORT },
  '*.connect_ip': { value: { kind: 'word' }, doc: 'The address the checker connects to (default: the real server address).' },
  '*.bindto': { value: { kind: 'word' }, doc: 'Source address of the checker’s connections.' },
  '*.connect_timeout': { value: SECONDS_NONZERO, doc: 'Seconds to wait for the connection (default 5).' },
  '*.retry': { value: RETRY, doc: 'Failed checks in a row before the real server is marked down.' },
  '*.delay_before_retry': { value: SECONDS, doc: 'Seconds between the retries of a failed check.' },
  '*.delay_loop': { value: SECONDS_NONZERO, doc: 'Seconds between checks.' },
  '*.warmup': { value: SECONDS },
  'HTTP_GET.nb_get_retry': { value: RETRY, deprecated: { replacement: 'retry', since: '2.0.15' } },
  'SSL_GET.nb_get_retry': { value: RETRY, deprecated: { replacement: 'retry', since: '2.0.15' } },
  'HTTP_GET.url': { doc: 'A URL to request: path, and the expected status_code and/or digest.' },
  'SSL_GET.url': { doc: 'A URL to request: path, and the expected status_code and/or digest.' },
  'HTTP_GET.http_protocol': { value: { kind: 'choice', values: ['1.0', '1.1', '1.0C', '1.0c'] } },
  'SSL_GET.http_protocol': { value: { kind: 'choice', values: ['1.0', '1.1', '1.0C', '1.0c'] } },
  'url.path': { value: { kind: 'word' }, doc: 'The path requested (e.g. /health).' },
  'url.digest': { value: { kind: 'word' }, doc: 'The MD5 digest of the expected body (genhash computes it).' },
  'url.status_code': { doc: 'Expected HTTP status codes: numbers and ranges such as `200-299` (default: any 2xx).' },
  'MISC_CHECK.misc_path': { doc: 'The script to run (quoted with its arguments).' },
  'MISC_CHECK.misc_timeout': { value: WHOLE_SECONDS, doc: 'Whole seconds after which the script counts as failed.' },
  'MISC_CHECK.misc_dynamic': { doc: 'The exit code sets the weight: 0 up, 1 down, 2–255 up with weight code − 2.' },
  'DNS_CHECK.type': { value: { kind: 'word' }, doc: 'The query type: A (default), NS, CNAME, SOA, MX, TXT, AAAA, RRSIG or DNSKEY (any case).' },
  'DNS_CHECK.name': { value: { kind: 'word' } },
  'FILE_CHECK.track_file': { value: { kind: 'word' }, doc: 'The track_file whose value drives this real server.' },
  'BFD_CHECK.name': { value: { kind: 'word' } },
  'SMTP_CHECK.host': { deprecated: { advice: 'Define one SMTP_CHECK per host instead of host blocks.', since: '2.0.0' } },
  'SMTP_CHECK.helo_name': { value: { kind: 'word' } },
};
