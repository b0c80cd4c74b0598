/**
 * IPVS schedulers and their `-b` flags as the kernel stores them: three flag bits (IP_VS_SVC_F_SCHED1..3)
 * whose names depend on the scheduler (`sh-fallback` is bit 1 for sh, `mh-fallback` bit 1 for mh,
 * `flag-1` bit 1 for any), how ipvsadm parses them (sh-/mh- names only with their scheduler) and prints them.
 */

import type { SchedFlag, Scheduler } from './types';
import { SCHED_FLAGS, SCHEDULERS } from './types';

export const DEFAULT_SCHEDULER: Scheduler = 'wlc';

export const SCHEDULER_DOCS: Readonly<Record<Scheduler, { name: string; doc: string }>> = {
  rr: { name: 'Round Robin', doc: 'Each new connection goes to the next real server in turn; weights are ignored (except 0).' },
  wrr: { name: 'Weighted Round Robin', doc: 'Round robin in proportion to the weights.' },
  lc: { name: 'Least-Connection', doc: 'The real server with the fewest active connections.' },
  wlc: { name: 'Weighted Least-Connection', doc: 'The fewest connections relative to the weight. The default scheduler.' },
  lblc: { name: 'Locality-Based Least-Connection', doc: 'Same destination IP → same server unless it is overloaded (for caches).' },
  lblcr: { name: 'Locality-Based Least-Connection with Replication', doc: 'Like lblc, with a set of servers per destination IP.' },
  dh: { name: 'Destination Hashing', doc: 'A static hash of the destination IP address.' },
  sh: { name: 'Source Hashing', doc: 'A static hash of the client IP address (and port with `-b sh-port`); `-b sh-fallback` skips unavailable servers.' },
  sed: { name: 'Shortest Expected Delay', doc: 'The server with the shortest expected delay (active connections + 1) / weight.' },
  nq: { name: 'Never Queue', doc: 'An idle server if there is one, otherwise shortest expected delay.' },
  fo: { name: 'Weighted Failover', doc: 'The available server with the highest weight.' },
  ovf: { name: 'Weighted Overflow', doc: 'The highest-weight server until its active connections exceed its weight.' },
  mh: { name: 'Maglev Hashing', doc: 'Consistent Maglev hashing of the client address (and port with `-b mh-port`); `-b mh-fallback` skips unavailable servers.' },
  twos: { name: 'Weighted Random Twos Choice', doc: 'Picks two servers at random by weight and takes the less loaded one.' },
};

export const SCHED_FLAG_DOCS: Readonly<Record<SchedFlag, string>> = {
  'flag-1': 'Generic scheduler flag 1 (`sh-fallback` for sh, `mh-fallback` for mh; ignored by other schedulers).',
  'flag-2': 'Generic scheduler flag 2 (`sh-port` for sh, `mh-port` for mh; ignored by other schedulers).',
  'flag-3': 'Generic scheduler flag 3 (unused by the kernel schedulers).',
  'sh-fallback': 'sh: when the hashed server is unavailable, try the next one instead of dropping.',
  'sh-port': 'sh: hash the client port too, not only the address.',
  'mh-fallback': 'mh: when the hashed server is unavailable, try the next one instead of dropping.',
  'mh-port': 'mh: hash the client port too, not only the address.',
};

export function isScheduler(name: string): name is Scheduler {
  return (SCHEDULERS as readonly string[]).includes(name);
}

export function isSchedFlag(name: string): name is SchedFlag {
  return (SCHED_FLAGS as readonly string[]).includes(name);
}

const BIT: Readonly<Record<SchedFlag, number>> = {
  'flag-1': 1, 'flag-2': 2, 'flag-3': 4, 'sh-fallback': 1, 'sh-port': 2, 'mh-fallback': 1, 'mh-port': 2,
};

/** The scheduler a flag name belongs to (sh-*, mh-*), undefined for the generic flag-N. */
export function flagScheduler(flag: SchedFlag): Scheduler | undefined {
  return flag.startsWith('sh-') ? 'sh' : flag.startsWith('mh-') ? 'mh' : undefined;
}

export function schedFlagBits(flags: readonly SchedFlag[]): number {
  let bits = 0;
  for (const f of flags) bits |= BIT[f];
  return bits;
}

/** The names ipvsadm prints for the bits, in its order (sh: sh-fallback,sh-port,flag-3). */
export function printedSchedFlags(scheduler: Scheduler, bits: number): SchedFlag[] {
  const names: SchedFlag[] =
    scheduler === 'sh' ? ['sh-fallback', 'sh-port', 'flag-3'] : scheduler === 'mh' ? ['mh-fallback', 'mh-port', 'flag-3'] : ['flag-1', 'flag-2', 'flag-3'];
  return names.filter((_, i) => (bits & (1 << i)) !== 0);
}

/** The model's canonical form: the printed names, in SCHED_FLAGS order. */
export function canonicalSchedFlags(scheduler: Scheduler, flags: readonly SchedFlag[]): SchedFlag[] {
  const printed = new Set(printedSchedFlags(scheduler, schedFlagBits(flags)));
  return SCHED_FLAGS.filter((f) => printed.has(f));
}

/** Whether the scheduler reads bit 1/2 (only sh and mh use flags). */
export function schedulerUsesFlags(scheduler: Scheduler): boolean {
  return scheduler === 'sh' || scheduler === 'mh';
}
