/**
 * The events of a keepalived cluster (pure), derived from two successive live statuses
 * (keepalivedClusterStatus.ts) of the statistics poll: a failover (the master changed from A to B), a real
 * server going down (with keepalived's reason) or up on a director, a VIP held by no director or by two
 * (split brain) and its return to one holder. The first poll reports only what is already wrong, so a panel
 * opened on a broken cluster says so at once.
 */
import type { KeepalivedClusterStatus } from '../keepalived/keepalivedClusterStatus';

export type HaEventKind = 'failover' | 'server-down' | 'server-up' | 'vip-none' | 'vip-split' | 'vip-one';

export interface HaEvent {
  /** Poll time, milliseconds since the epoch. */
  at: number;
  kind: HaEventKind;
  /** e.g. `master changed from director to director2`, `rs1 down on director: HTTP_GET / failed`. */
  text: string;
}

type VipHolding = 'none' | 'one' | 'split' | 'unread';

function holding(status: KeepalivedClusterStatus, vip: string): { state: VipHolding; holders: string[] } {
  const holders = status.directors.filter((d) => d.heldVips.includes(vip)).map((d) => d.host);
  if (holders.length > 1) return { state: 'split', holders };
  if (holders.length === 1) return { state: 'one', holders };
  // No holder seen: only a fact when every director was read.
  return { state: status.directors.some((d) => d.error !== undefined) ? 'unread' : 'none', holders };
}

function verdictMap(status: KeepalivedClusterStatus): Map<string, { name: string; director: string; up: boolean; detail?: string }> {
  const m = new Map<string, { name: string; director: string; up: boolean; detail?: string }>();
  for (const svc of status.services) {
    for (const rs of svc.realServers) {
      for (const v of rs.verdicts) {
        if (v.verdict !== 'up' && v.verdict !== 'down') continue;
        const entry: { name: string; director: string; up: boolean; detail?: string } = { name: rs.name, director: v.director, up: v.verdict === 'up' };
        if (v.detail !== undefined) entry.detail = v.detail;
        m.set(`${svc.service}\u0000${rs.server}\u0000${v.director}`, entry);
      }
    }
  }
  return m;
}

/** Events between `previous` (undefined on the first poll) and `current`, read at `at`. */
export function deriveHaEvents(previous: KeepalivedClusterStatus | undefined, current: KeepalivedClusterStatus, vips: readonly string[], at: number): HaEvent[] {
  const events: HaEvent[] = [];
  const master = (s: KeepalivedClusterStatus): string | undefined => (s.masters.length === 1 ? s.masters[0] : undefined);
  const was = previous ? master(previous) : undefined;
  const now = master(current);
  if (was !== undefined && now !== undefined && was !== now) events.push({ at, kind: 'failover', text: `master changed from ${was} to ${now}` });

  for (const vip of vips) {
    const before = previous ? holding(previous, vip).state : 'one';
    const after = holding(current, vip);
    if (after.state === before || after.state === 'unread') continue;
    if (after.state === 'none') events.push({ at, kind: 'vip-none', text: `VIP ${vip} held by no director` });
    else if (after.state === 'split') events.push({ at, kind: 'vip-split', text: `VIP ${vip} held by ${after.holders.join(' and ')} (split brain)` });
    else if (before !== 'unread') events.push({ at, kind: 'vip-one', text: `VIP ${vip} held by ${after.holders[0]} alone again` });
  }

  const prior = previous ? verdictMap(previous) : new Map<string, { up: boolean }>();
  for (const [key, v] of verdictMap(current)) {
    const p = prior.get(key);
    if (v.up && p !== undefined && !p.up) events.push({ at, kind: 'server-up', text: `${v.name} up on ${v.director}` });
    if (!v.up && (p === undefined ? true : p.up)) events.push({ at, kind: 'server-down', text: `${v.name} down on ${v.director}${v.detail !== undefined ? `: ${v.detail}` : ''}` });
  }
  return events;
}
