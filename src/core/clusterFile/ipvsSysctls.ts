/**
 * The integer IPVS sysctls (net.ipv4.vs.*) a cluster file may set, with the values the kernel accepts
 * (Documentation/networking/ipvs-sysctl.rst). Vector and string sysctls (sync_threshold, est_cpulist) and
 * debug_level (debug kernels only) are not managed.
 */

export interface SysctlInfo {
  min: number;
  max: number;
  /** The kernel's own default. */
  kernelDefault: number;
  /** The kernel only accepts powers of two (sync_ports). */
  powerOfTwo?: boolean;
  description: string;
}

const INT_MAX = 2147483647;
const bool = (kernelDefault: number, description: string): SysctlInfo => ({ min: 0, max: 1, kernelDefault, description });

export const IPVS_SYSCTLS: Readonly<Record<string, SysctlInfo>> = {
  am_droprate: { min: 0, max: INT_MAX, kernelDefault: 10, description: 'Drop rate of the always mode (mode 3) of the drop_packet defence.' },
  amemthresh: { min: 0, max: INT_MAX, kernelDefault: 1024, description: 'Available memory threshold (pages) of the automatic defence modes.' },
  backup_only: bool(0, 'Disable the director function while the sync daemon runs in backup mode.'),
  cache_bypass: bool(0, 'Forward packets directly to the original destination when no cache server is available.'),
  conn_reuse_mode: { min: 0, max: 3, kernelDefault: 1, description: 'Bitmap: how connections that reuse a port are rescheduled (0 none, 1 reschedule when safe, 2 also TIME_WAIT TCP).' },
  conntrack: bool(0, 'Keep netfilter connection tracking entries for IPVS connections (needed for iptables rules on IPVS traffic).'),
  drop_entry: { min: 0, max: 3, kernelDefault: 0, description: 'Randomly drop connection entries under memory pressure (0 off, 1/2 automatic, 3 always).' },
  drop_packet: { min: 0, max: 3, kernelDefault: 0, description: 'Drop packets at a rate under memory pressure (0 off, 1/2 automatic, 3 always).' },
  est_nice: { min: -20, max: 19, kernelDefault: 0, description: 'Nice value of the rate estimation kthreads.' },
  expire_nodest_conn: bool(0, 'Expire connections at once when their real server is removed (instead of dropping packets until timeout).'),
  expire_quiescent_template: bool(0, 'Expire persistence templates when their real server is quiesced (weight 0).'),
  ignore_tunneled: bool(0, 'Ignore packets tunnelled to this host (they are not for IPVS).'),
  lblc_expiration: { min: 0, max: INT_MAX, kernelDefault: 86400, description: 'Seconds before an unused lblc entry expires.' },
  lblcr_expiration: { min: 0, max: INT_MAX, kernelDefault: 86400, description: 'Seconds before an unused lblcr entry expires.' },
  nat_icmp_send: bool(0, 'Send ICMP errors for NAT connections whose real server is gone.'),
  pmtu_disc: bool(1, 'Path MTU discovery for DR/TUN: send ICMP "fragmentation needed" for oversized DF packets.'),
  run_estimation: bool(1, 'Run the rate estimators (ipvsadm --rate); 0 saves CPU on large tables.'),
  schedule_icmp: bool(0, 'Schedule ICMP packets to real servers when no connection exists.'),
  secure_tcp: { min: 0, max: 3, kernelDefault: 0, description: 'Use the stricter TCP state table under SYN floods (0 off, 1/2 automatic, 3 always).' },
  sloppy_sctp: bool(0, 'Create connections for SCTP packets other than INIT (for director failover).'),
  sloppy_tcp: bool(0, 'Create connections for TCP packets other than SYN (for director failover).'),
  snat_reroute: bool(1, 'Re-route SNAT-ed replies of NAT connections (policy routing by source).'),
  sync_persist_mode: bool(0, 'Sync only persistence templates, not every connection.'),
  sync_ports: { min: 1, max: 65535, kernelDefault: 1, powerOfTwo: true, description: 'Number of sync daemon threads / UDP ports (a power of two).' },
  sync_qlen_max: { min: 1, max: INT_MAX, kernelDefault: 0, description: 'Hard limit of queued sync messages.' },
  sync_refresh_period: { min: 0, max: INT_MAX, kernelDefault: 0, description: 'Seconds between sync messages for a connection whose state did not change.' },
  sync_retries: { min: 0, max: 3, kernelDefault: 0, description: 'Retries of sync messages when sync_refresh_period is set.' },
  sync_sock_size: { min: 0, max: INT_MAX, kernelDefault: 0, description: 'Send/receive buffer size of the sync socket (0 = system default).' },
  sync_version: bool(1, 'Sync protocol version (0 for old backups).'),
};

/** Why `value` is not acceptable for `name`, or undefined when it is. */
export function sysctlValueProblem(name: string, value: number): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(IPVS_SYSCTLS, name)) return undefined; // not `constructor` & co.
  const info = IPVS_SYSCTLS[name];
  if (!Number.isInteger(value) || value < info.min || value > info.max) {
    return info.min === 0 && info.max === 1
      ? `net.ipv4.vs.${name} takes 0 or 1`
      : `net.ipv4.vs.${name} takes an integer from ${info.min} to ${info.max}`;
  }
  if (info.powerOfTwo && (value & (value - 1)) !== 0) return `net.ipv4.vs.${name} must be a power of two`;
  return undefined;
}
