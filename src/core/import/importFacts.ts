/**
 * What an import reads on a machine, in ONE exec: a constant sh script (no value of ours is spliced into
 * it; its only argument, the role, is quoted by shellQuote like every argv) prints
 *   - in hostState's format (`@@lvs@@ KIND ARG`): addresses with labels, links, loaded modules, the ARP /
 *     rp_filter / redirect / forwarding sysctls of every interface, the routes towards "a client anywhere";
 *   - on a director, in liveState's format: `ipvsadm -S -n`, `ipvsadm -Ln --thresholds`, `ipvsadm -Ln`,
 *     the net.ipv4.vs.* sysctls, and what a cluster file cannot hold but an import must not lose: the
 *     connection timeouts (`ipvsadm -L --timeout`) and the sync daemons (`ipvsadm -L --daemon`).
 * parseHostState and parseLiveState read their parts, so the facts are the ones prepare and plan see.
 */
import { parseLiveState, SECTION_MARK, splitSections } from '../apply/liveState';
import type { HostState } from '../hostprep/hostState';
import { CLIENT_PROBE } from '../hostprep/hostRequirements';
import { parseHostState } from '../hostprep/hostState';
import { parseDaemonListing } from '../ipvs/settingsParser';
import type { IpvsTimeouts, SyncDaemon } from '../ipvs/settingsParser';
import type { IpvsTable } from '../ipvs/types';
import type { CommandOutput, RemoteCommand } from '../ssh/remoteCommand';

export type FactsRole = 'director' | 'host';

export interface MachineFacts {
  /** The host's addresses, links, modules, network sysctls (by /proc path) and routes. */
  state: HostState;
  /** Directors only: the IPVS table, thresholds merged in. */
  table?: IpvsTable;
  /** Directors only: net.ipv4.vs.<name> → value. */
  ipvsSysctls: Record<string, number>;
  /** Directors only: connection timeouts (`ipvsadm --set`), when they could be read. */
  timeouts?: IpvsTimeouts;
  /** Directors only: running connection sync daemons. */
  daemons?: SyncDaemon[];
}

const NET_SYSCTLS = [
  '/proc/sys/net/ipv4/conf/*/arp_ignore', '/proc/sys/net/ipv4/conf/*/arp_announce', '/proc/sys/net/ipv4/conf/*/rp_filter',
  '/proc/sys/net/ipv4/conf/*/send_redirects', '/proc/sys/net/ipv4/ip_forward', '/proc/sys/net/ipv6/conf/all/forwarding',
];

/** The reader. `$1` is the role; everything else is constant. */
export const FACTS_SCRIPT = [
  `m='@@lvs@@'`,
  'echo "$m addr"; ip -o addr show 2>/dev/null',
  'echo "$m link"; ip -o link show 2>/dev/null',
  'echo "$m modules"; [ -r /proc/modules ] && while read -r name rest; do echo "$name"; done < /proc/modules',
  `for p in ${NET_SYSCTLS.join(' ')}; do [ -r "$p" ] && { echo "$m sysctl $p"; cat -- "$p"; }; done`,
  `echo "$m route ${CLIENT_PROBE.inet}"; ip -o route get ${CLIENT_PROBE.inet} 2>&1`,
  `echo "$m route ${CLIENT_PROBE.inet6}"; ip -o -6 route get ${CLIENT_PROBE.inet6} 2>&1`,
  'echo "$m end"',
  '[ "$1" = director ] || exit 0',
  `s=${SECTION_MARK}`,
  'sec() { printf "%s %s\\n" "$s" "$1"; }',
  'rc() { printf "%s-rc %s %s\\n" "$s" "$1" "$2"; }',
  'sec save; ipvsadm -S -n; rc save $?',
  'sec thresholds; ipvsadm -Ln --thresholds; rc thresholds $?',
  'sec list; ipvsadm -Ln; rc list $?',
  'sec timeout; ipvsadm -L --timeout; rc timeout $?',
  'sec daemon; ipvsadm -L --daemon; rc daemon $?',
  'sec sysctl; grep -r . /proc/sys/net/ipv4/vs/ 2>/dev/null; rc sysctl 0',
  'sec end',
].join('\n');

export function parseFacts(role: FactsRole, output: CommandOutput): MachineFacts {
  const state = parseHostState(output.stdout.split(`\n${SECTION_MARK} `)[0] ?? '');
  if (role === 'host') return { state, ipvsSysctls: {} };
  const live = parseLiveState(output);
  // The IPVS sysctls by path too, as prepare reads them.
  for (const [name, value] of Object.entries(live.sysctls)) state.sysctls.set(`/proc/sys/net/ipv4/vs/${name}`, String(value));
  const facts: MachineFacts = { state, table: live.table, ipvsSysctls: live.sysctls };
  if (live.timeouts) facts.timeouts = live.timeouts;
  const daemon = splitSections(output.stdout).get('daemon');
  if (daemon && daemon.rc === 0) facts.daemons = parseDaemonListing(daemon.text).daemons;
  return facts;
}

/** The one exec of an import on a machine. */
export function factsCommand(role: FactsRole, timeoutMs = 60_000): RemoteCommand<MachineFacts> {
  return {
    argv: ['sh', '-c', FACTS_SCRIPT, 'lvs-import', role],
    timeoutMs,
    parse: (output) => parseFacts(role, output),
  };
}
