/**
 * The vocabulary of ipvsadm's command line as `ipvsadm -R` reads it line by line (ipvsadm v1.31): every
 * command and option with its short and long spelling, whether it takes an argument, the option group
 * ipvsadm counts it in (its `optnames`, used in its messages), and the command/option compatibility
 * table (`commands_v_options`: required, optional, exclusive; anything absent is illegal).
 */

export type CommandId =
  | 'add-service' | 'edit-service' | 'delete-service' | 'flush' | 'list' | 'add-server' | 'delete-server'
  | 'edit-server' | 'set' | 'start-daemon' | 'stop-daemon' | 'restore' | 'save' | 'zero' | 'help' | 'version';

/** ipvsadm's `optnames`: the name an option is counted and reported under. */
export type OptionGroup =
  | 'numeric' | 'connection' | 'service-address' | 'scheduler' | 'persistent' | 'netmask' | 'real-server'
  | 'forwarding-method' | 'weight' | 'u-threshold' | 'l-threshold' | 'mcast-interface' | 'timeout' | 'daemon'
  | 'stats' | 'rate' | 'thresholds' | 'persistent-conn' | 'nosort' | 'syncid' | 'exact' | 'ops' | 'pe'
  | 'sched-flags' | 'mcast-group' | 'mcast-port' | 'mcast-ttl' | 'sync-maxlen' | 'tun-info' | 'tun-type'
  | 'tun-port' | 'tun-nocsum' | 'tun-csum' | 'tun-remcsum';

export type OptionId =
  | 'tcp-service' | 'udp-service' | 'sctp-service' | 'fwmark-service' | 'ipv6' | 'scheduler' | 'persistent'
  | 'netmask' | 'pe' | 'sched-flags' | 'ops' | 'real-server' | 'gatewaying' | 'ipip' | 'masquerading'
  | 'weight' | 'u-threshold' | 'l-threshold' | 'tun-type' | 'tun-port' | 'tun-nocsum' | 'tun-csum'
  | 'tun-remcsum' | 'numeric' | 'connection' | 'timeout' | 'daemon' | 'stats' | 'rate' | 'thresholds'
  | 'persistent-conn' | 'tun-info' | 'nosort' | 'sort' | 'exact' | 'mcast-interface' | 'syncid'
  | 'mcast-group' | 'mcast-port' | 'mcast-ttl' | 'sync-maxlen';

export type ArgKind = 'none' | 'required' | 'optional';

export interface CommandSpec {
  id: CommandId;
  short?: string;
  /** Other short spellings (`-l` for `-L`). */
  shortAliases?: string[];
  long: string;
  /** `--start-daemon master`: the command itself takes an argument. */
  arg: ArgKind;
  /** Meaningful in a rules file (`ipvsadm -R` input) for the IPVS table. */
  changesTable: boolean;
  summary: string;
  doc: string;
}

export interface OptionSpec {
  id: OptionId;
  short?: string;
  long: string;
  arg: ArgKind;
  /** Counted under this name; undefined for `-6` and `--sort`, which ipvsadm does not count. */
  group?: OptionGroup;
  argName?: string;
  summary: string;
  doc: string;
}

export const COMMANDS: readonly CommandSpec[] = [
  { id: 'add-service', short: 'A', long: 'add-service', arg: 'none', changesTable: true, summary: 'add a virtual service',
    doc: 'Adds a virtual service: a protocol, address and port (`-t`, `-u`, `--sctp-service`) or a firewall mark (`-f`). Options: scheduler `-s` (default `wlc`), persistence `-p [timeout]` with `-M netmask`, scheduler flags `-b`, `--pe sip`, one-packet scheduling `-o`. Fails with *Service already exists* if it is defined.' },
  { id: 'edit-service', short: 'E', long: 'edit-service', arg: 'none', changesTable: true, summary: 'edit a virtual service',
    doc: 'Replaces the settings of an existing virtual service. **Every setting you leave out is reset to its default** (scheduler `wlc`, no persistence, no flags, no persistence engine, no `-o`): repeat the ones you want to keep. Fails with *No such service* if it is not defined.' },
  { id: 'delete-service', short: 'D', long: 'delete-service', arg: 'none', changesTable: true, summary: 'delete a virtual service',
    doc: 'Deletes a virtual service and all its real servers. Fails with *No such service* if it is not defined.' },
  { id: 'flush', short: 'C', long: 'clear', arg: 'none', changesTable: true, summary: 'clear the whole table',
    doc: 'Deletes every virtual service and real server.' },
  { id: 'list', short: 'L', shortAliases: ['l'], long: 'list', arg: 'none', changesTable: false, summary: 'list the table',
    doc: 'Lists the virtual server table (`-n` numeric, `--stats`, `--rate`, `--thresholds`, `--persistent-conn`, `-c` connections). Prints only; does not change the table.' },
  { id: 'add-server', short: 'a', long: 'add-server', arg: 'none', changesTable: true, summary: 'add a real server',
    doc: 'Adds a real server `-r address[:port]` to a virtual service, with forwarding method `-g` (direct routing, default), `-m` (NAT) or `-i` (tunnel), weight `-w` (default 1) and connection thresholds `-x`/`-y`. Fails with *Service not defined* if the service does not exist, *Destination already exists* if the server is already there.' },
  { id: 'edit-server', short: 'e', long: 'edit-server', arg: 'none', changesTable: true, summary: 'edit a real server',
    doc: 'Replaces the settings of a real server. **Every setting you leave out is reset to its default** (method `-g`, weight 1, thresholds 0, tunnel ipip). Fails with *No such destination* if the server is not there.' },
  { id: 'delete-server', short: 'd', long: 'delete-server', arg: 'none', changesTable: true, summary: 'delete a real server',
    doc: 'Removes a real server from a virtual service. Fails with *No such destination* if it is not there.' },
  { id: 'set', long: 'set', arg: 'none', changesTable: false, summary: 'set connection timeouts',
    doc: '`--set tcp tcpfin udp`: sets the TCP, TCP FIN and UDP connection timeouts in seconds (0 keeps the current value).' },
  { id: 'start-daemon', long: 'start-daemon', arg: 'required', changesTable: false, summary: 'start the connection sync daemon',
    doc: '`--start-daemon master|backup`: starts the connection synchronisation daemon (`--mcast-interface`, `--syncid`, `--sync-maxlen`, `--mcast-group`, `--mcast-port`, `--mcast-ttl`).' },
  { id: 'stop-daemon', long: 'stop-daemon', arg: 'required', changesTable: false, summary: 'stop the connection sync daemon',
    doc: '`--stop-daemon master|backup`: stops the connection synchronisation daemon.' },
  { id: 'restore', short: 'R', long: 'restore', arg: 'none', changesTable: false, summary: 'restore rules from stdin',
    doc: 'Reads rules like these from standard input. Not allowed inside a rules file.' },
  { id: 'save', short: 'S', long: 'save', arg: 'none', changesTable: false, summary: 'save rules to stdout',
    doc: 'Prints the table as rules (`-n` for numeric addresses and ports). Prints only.' },
  { id: 'zero', short: 'Z', long: 'zero', arg: 'none', changesTable: true, summary: 'zero counters',
    doc: 'Zeroes the packet, byte and rate counters of one virtual service, or of all.' },
  { id: 'help', short: 'h', long: 'help', arg: 'none', changesTable: false, summary: 'display help', doc: 'Prints the usage.' },
  { id: 'version', short: 'v', long: 'version', arg: 'none', changesTable: false, summary: 'display the version', doc: 'Prints the version.' },
];

export const OPTIONS: readonly OptionSpec[] = [
  { id: 'tcp-service', short: 't', long: 'tcp-service', arg: 'required', group: 'service-address', argName: 'address:port', summary: 'TCP virtual service',
    doc: 'A TCP virtual service `address[:port]`; IPv6 as `[addr]:port`. Port 0 (or none) needs persistence.' },
  { id: 'udp-service', short: 'u', long: 'udp-service', arg: 'required', group: 'service-address', argName: 'address:port', summary: 'UDP virtual service',
    doc: 'A UDP virtual service `address[:port]`; IPv6 as `[addr]:port`.' },
  { id: 'sctp-service', long: 'sctp-service', arg: 'required', group: 'service-address', argName: 'address:port', summary: 'SCTP virtual service',
    doc: 'An SCTP virtual service `address[:port]`; IPv6 as `[addr]:port`.' },
  { id: 'fwmark-service', short: 'f', long: 'fwmark-service', arg: 'required', group: 'service-address', argName: 'fwmark', summary: 'firewall-mark virtual service',
    doc: 'A virtual service matching packets by firewall mark (an integer 1…4294967295 set by iptables/nftables). Add `-6` for IPv6.' },
  { id: 'ipv6', short: '6', long: 'ipv6', arg: 'none', summary: 'IPv6 firewall-mark service',
    doc: 'The firewall-mark service (`-f`, which must come first) is IPv6.' },
  { id: 'scheduler', short: 's', long: 'scheduler', arg: 'required', group: 'scheduler', argName: 'scheduler', summary: 'scheduling algorithm',
    doc: 'The scheduling algorithm: rr, wrr, lc, wlc (default), lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos.' },
  { id: 'persistent', short: 'p', long: 'persistent', arg: 'optional', group: 'persistent', argName: 'timeout', summary: 'persistent service',
    doc: 'Sends all connections of a client to the same real server for `timeout` seconds after its last connection (default 360: the built-in value of ipvsadm v1.31, although its man page says 300; at most 2678400).' },
  { id: 'netmask', short: 'M', long: 'netmask', arg: 'required', group: 'netmask', argName: 'netmask', summary: 'persistence granularity',
    doc: 'Clients in the same network share persistence: a dotted netmask for IPv4 (`255.255.255.0`), a prefix length for IPv6 (`64`). Default: one client address.' },
  { id: 'pe', long: 'pe', arg: 'required', group: 'pe', argName: 'engine', summary: 'persistence engine',
    doc: 'A persistence engine: `sip` (persistence by SIP Call-ID). Needs `-p`.' },
  { id: 'sched-flags', short: 'b', long: 'sched-flags', arg: 'required', group: 'sched-flags', argName: 'flags', summary: 'scheduler flags',
    doc: 'Comma-separated scheduler flags: `sh-fallback`, `sh-port` (sh), `mh-fallback`, `mh-port` (mh), or the generic `flag-1`, `flag-2`, `flag-3`.' },
  { id: 'ops', short: 'o', long: 'ops', arg: 'none', group: 'ops', summary: 'one-packet scheduling',
    doc: 'One-packet scheduling: every UDP datagram is scheduled on its own (UDP and firewall-mark services only).' },
  { id: 'real-server', short: 'r', long: 'real-server', arg: 'required', group: 'real-server', argName: 'address:port', summary: 'real server',
    doc: 'The real server `address[:port]`; IPv6 as `[addr]:port`. Without a port, the service port is used; with `-g` and `-i` the service port is always used.' },
  { id: 'gatewaying', short: 'g', long: 'gatewaying', arg: 'none', group: 'forwarding-method', summary: 'direct routing (default)',
    doc: 'Direct routing (DR): the director rewrites only the MAC address; the real server must hold the VIP on a non-ARPing interface and answers the client directly. The real server port is always the service port.' },
  { id: 'ipip', short: 'i', long: 'ipip', arg: 'none', group: 'forwarding-method', summary: 'tunneling',
    doc: 'Tunneling: the director encapsulates packets (IPIP, GUE or GRE, see `--tun-type`); the real server decapsulates, holds the VIP and answers directly.' },
  { id: 'masquerading', short: 'm', long: 'masquerading', arg: 'none', group: 'forwarding-method', summary: 'NAT (masquerading)',
    doc: 'NAT: the director rewrites the destination (and the replies); real servers must route their replies through the director. The real server port may differ from the service port.' },
  { id: 'weight', short: 'w', long: 'weight', arg: 'required', group: 'weight', argName: 'weight', summary: 'real server weight',
    doc: 'Relative capacity 0…65535 (default 1). 0 quiesces the server: no new connections.' },
  { id: 'u-threshold', short: 'x', long: 'u-threshold', arg: 'required', group: 'u-threshold', argName: 'upper', summary: 'upper connection threshold',
    doc: 'No new connections once the server has this many (0 = no limit).' },
  { id: 'l-threshold', short: 'y', long: 'l-threshold', arg: 'required', group: 'l-threshold', argName: 'lower', summary: 'lower connection threshold',
    doc: 'An overloaded server gets connections again below this many (0 = no limit). Must not exceed `-x`.' },
  { id: 'tun-type', long: 'tun-type', arg: 'required', group: 'tun-type', argName: 'type', summary: 'tunnel type',
    doc: 'Tunnel encapsulation for `-i`: `ipip` (default), `gue` (needs `--tun-port`), `gre`.' },
  { id: 'tun-port', long: 'tun-port', arg: 'required', group: 'tun-port', argName: 'port', summary: 'GUE tunnel port',
    doc: 'Destination UDP port of the GUE tunnel (1…65535); only with `--tun-type gue`.' },
  { id: 'tun-nocsum', long: 'tun-nocsum', arg: 'none', group: 'tun-nocsum', summary: 'tunnel without checksum', doc: 'GUE/GRE encapsulation without checksum (default).' },
  { id: 'tun-csum', long: 'tun-csum', arg: 'none', group: 'tun-csum', summary: 'tunnel with checksum', doc: 'GUE/GRE encapsulation with checksum.' },
  { id: 'tun-remcsum', long: 'tun-remcsum', arg: 'none', group: 'tun-remcsum', summary: 'tunnel with remote checksum offload', doc: 'GUE/GRE encapsulation with remote checksum offload.' },
  { id: 'numeric', short: 'n', long: 'numeric', arg: 'none', group: 'numeric', summary: 'numeric output', doc: 'Prints addresses and ports as numbers.' },
  { id: 'connection', short: 'c', long: 'connection', arg: 'none', group: 'connection', summary: 'list connections', doc: 'Lists the connection table.' },
  { id: 'timeout', long: 'timeout', arg: 'none', group: 'timeout', summary: 'list timeouts', doc: 'Prints the tcp, tcpfin and udp timeouts.' },
  { id: 'daemon', long: 'daemon', arg: 'none', group: 'daemon', summary: 'list sync daemons', doc: 'Prints the sync daemon state.' },
  { id: 'stats', long: 'stats', arg: 'none', group: 'stats', summary: 'list statistics', doc: 'Lists connection, packet and byte counters.' },
  { id: 'rate', long: 'rate', arg: 'none', group: 'rate', summary: 'list rates', doc: 'Lists connections, packets and bytes per second.' },
  { id: 'thresholds', long: 'thresholds', arg: 'none', group: 'thresholds', summary: 'list thresholds', doc: 'Lists the connection thresholds.' },
  { id: 'persistent-conn', long: 'persistent-conn', arg: 'none', group: 'persistent-conn', summary: 'list persistent connections', doc: 'Lists persistent connection counts.' },
  { id: 'tun-info', long: 'tun-info', arg: 'none', group: 'tun-info', summary: 'list tunnel information', doc: 'Lists the tunnel settings of real servers.' },
  { id: 'nosort', long: 'nosort', arg: 'none', group: 'nosort', summary: 'do not sort', doc: 'Lists in kernel order.' },
  { id: 'sort', long: 'sort', arg: 'none', summary: 'sort (default)', doc: 'Does nothing; kept for compatibility.' },
  { id: 'exact', short: 'X', long: 'exact', arg: 'none', group: 'exact', summary: 'exact numbers', doc: 'Prints exact counters instead of K/M/G/T abbreviations.' },
  { id: 'mcast-interface', long: 'mcast-interface', arg: 'required', group: 'mcast-interface', argName: 'interface', summary: 'sync multicast interface', doc: 'Interface of the sync daemon (default eth0).' },
  { id: 'syncid', long: 'syncid', arg: 'required', group: 'syncid', argName: 'id', summary: 'sync id', doc: 'Sync id 0…255 of the sync daemon.' },
  { id: 'mcast-group', long: 'mcast-group', arg: 'required', group: 'mcast-group', argName: 'address', summary: 'sync multicast group', doc: 'Multicast group of the sync daemon.' },
  { id: 'mcast-port', long: 'mcast-port', arg: 'required', group: 'mcast-port', argName: 'port', summary: 'sync multicast port', doc: 'UDP port of the sync daemon.' },
  { id: 'mcast-ttl', long: 'mcast-ttl', arg: 'required', group: 'mcast-ttl', argName: 'ttl', summary: 'sync multicast TTL', doc: 'Multicast TTL 1…255 of the sync daemon.' },
  { id: 'sync-maxlen', long: 'sync-maxlen', arg: 'required', group: 'sync-maxlen', argName: 'length', summary: 'sync message length', doc: 'Maximum sync message length.' },
];

export type Compat = '+' | ' ' | '1';

/** commands_v_options: what each command requires ('+'), allows (' ') or allows one of ('1'). Absent: illegal. */
export const COMMAND_OPTIONS: Readonly<Record<CommandId, Partial<Record<OptionGroup, Compat>>>> = {
  'add-service': { 'service-address': '+', scheduler: ' ', persistent: ' ', netmask: ' ', ops: ' ', pe: ' ', 'sched-flags': ' ' },
  'edit-service': { 'service-address': '+', scheduler: ' ', persistent: ' ', netmask: ' ', ops: ' ', pe: ' ', 'sched-flags': ' ' },
  'delete-service': { 'service-address': '+' },
  flush: {},
  list: {
    numeric: ' ', connection: '1', 'service-address': '1', timeout: '1', daemon: '1', stats: ' ', rate: ' ', thresholds: ' ',
    'persistent-conn': ' ', nosort: ' ', syncid: ' ', exact: ' ', 'tun-info': ' ',
  },
  'add-server': {
    'service-address': '+', 'real-server': '+', 'forwarding-method': ' ', weight: ' ', 'u-threshold': ' ', 'l-threshold': ' ',
    'tun-type': ' ', 'tun-port': ' ', 'tun-nocsum': ' ', 'tun-csum': ' ', 'tun-remcsum': ' ',
  },
  'delete-server': { 'service-address': '+', 'real-server': '+' },
  'edit-server': {
    'service-address': '+', 'real-server': '+', 'forwarding-method': ' ', weight: ' ', 'u-threshold': ' ', 'l-threshold': ' ',
    'tun-type': ' ', 'tun-port': ' ', 'tun-nocsum': ' ', 'tun-csum': ' ', 'tun-remcsum': ' ',
  },
  set: {},
  'start-daemon': { 'mcast-interface': ' ', syncid: ' ', 'mcast-group': ' ', 'mcast-port': ' ', 'mcast-ttl': ' ', 'sync-maxlen': ' ' },
  'stop-daemon': { syncid: ' ' },
  restore: {},
  save: { numeric: ' ' },
  zero: { 'service-address': ' ' },
  help: {},
  version: {},
};

const commandByShort = new Map<string, CommandSpec>();
const commandByLong = new Map<string, CommandSpec>();
for (const c of COMMANDS) {
  if (c.short) commandByShort.set(c.short, c);
  for (const a of c.shortAliases ?? []) commandByShort.set(a, c);
  commandByLong.set(c.long, c);
}
const optionByShort = new Map<string, OptionSpec>();
const optionByLong = new Map<string, OptionSpec>();
for (const o of OPTIONS) {
  if (o.short) optionByShort.set(o.short, o);
  optionByLong.set(o.long, o);
}

export type Switch = { kind: 'command'; spec: CommandSpec } | { kind: 'option'; spec: OptionSpec };

export function lookupShort(ch: string): Switch | undefined {
  const c = commandByShort.get(ch);
  if (c) return { kind: 'command', spec: c };
  const o = optionByShort.get(ch);
  return o ? { kind: 'option', spec: o } : undefined;
}

export function lookupLong(name: string): Switch | undefined {
  const c = commandByLong.get(name);
  if (c) return { kind: 'command', spec: c };
  const o = optionByLong.get(name);
  return o ? { kind: 'option', spec: o } : undefined;
}

export function commandSpec(id: CommandId): CommandSpec {
  return COMMANDS.find((c) => c.id === id) as CommandSpec;
}

/** `-A` or `--set`: how a switch is usually written. */
export function switchSpelling(spec: CommandSpec | OptionSpec): string {
  return spec.short ? `-${spec.short}` : `--${spec.long}`;
}

/** Whether `group` may appear with `command`. */
export function optionAllowed(command: CommandId, group: OptionGroup | undefined): boolean {
  return group === undefined || COMMAND_OPTIONS[command][group] !== undefined;
}
