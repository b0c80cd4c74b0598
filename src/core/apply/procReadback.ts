/**
 * The cheap read back of a batch: `/proc/net/ip_vs` (~0.1 s on 5,000 entries, where one full ipvsadm listing
 * costs ~0.85 s) proves a step took effect when the step changes something that file shows. A line of
 * `ipvsadm -R` takes effect whole or not at all, so ONE visible change of a line proves the whole line
 * (its -x/-y, --pe, -b, tunnel options included). Used only when every step is provable that way; otherwise
 * (or when anything differs) apply reads the full state and names the failing lines from it.
 *
 * What the file shows, per IPv4 service (`TCP  0A010101:0050 wlc ops persistent 30000 FFFFFF00`): protocol,
 * address, port, scheduler, one-packet, persistence (timeout in jiffies: only its presence is used) and
 * netmask; per real server (`-> 0A74000B:1F90 Masq 3 0 0`): address, port, forwarding, weight, counters.
 * IPv6 and fwmark services (a fwmark line does not say its family) are never judged from it.
 */
import type { IpvsCommand } from '../ipvs/ipvsCommand';
import { IpvsMachine } from '../ipvs/ipvsEngine';
import { parseProcIpvs } from '../ipvs/procParser';
import type { IpvsRealServer, IpvsService, IpvsTable, ServiceKey } from '../ipvs/types';
import { serviceKeyString } from '../ipvs/types';
import { counterKey, serverChanges, serviceChanges } from '../plan/planTable';
import type { Plan, ServerCounters } from '../plan/planTypes';

function ipv4Service(key: ServiceKey): boolean {
  return key.kind === 'addr' && key.family === 'inet';
}

/** Does this step change something /proc/net/ip_vs shows (so that seeing it proves the line)? */
function visible(cmd: IpvsCommand, before: IpvsMachine): boolean {
  switch (cmd.kind) {
    case 'add-service': return ipv4Service(cmd.service.key);
    case 'delete-service': return ipv4Service(cmd.key);
    case 'edit-service': {
      const old = before.service(cmd.service.key);
      if (!ipv4Service(cmd.service.key) || !old) return false;
      const fields = serviceChanges(old, { ...cmd.service, realServers: [] }).map((c) => c.field);
      // Persistence: its presence and netmask show; its timeout (in jiffies) is not compared.
      const persistenceShows = (old.persistence === undefined) !== (cmd.service.persistence === undefined) || old.persistence?.netmask !== cmd.service.persistence?.netmask;
      return fields.some((f) => f === 'scheduler' || f === 'one-packet') || persistenceShows;
    }
    case 'add-server':
    case 'delete-server': return ipv4Service(cmd.key) && cmd.server.family === 'inet';
    case 'edit-server': {
      const old = before.realServer(cmd.key, cmd.server);
      if (!ipv4Service(cmd.key) || cmd.server.family !== 'inet' || !old) return false;
      return serverChanges(old, cmd.server).some((c) => c.field === 'weight' || c.field === 'method');
    }
    default: return false;
  }
}

/** True when /proc/net/ip_vs can prove every step of `plan` (taken from `snapshot`). */
export function procProvable(snapshot: IpvsTable, plan: Plan): boolean {
  const before = new IpvsMachine(snapshot);
  return plan.steps.length > 0 && plan.steps.every((s) => visible(s.command, before));
}

function serviceMatches(want: IpvsService | undefined, got: IpvsService | undefined): boolean {
  if (!want || !got) return want === undefined && got === undefined;
  if (got.scheduler !== want.scheduler || got.onePacket !== want.onePacket) return false;
  if ((got.persistence !== undefined) !== (want.persistence !== undefined)) return false;
  if (want.persistence && got.persistence?.netmask !== want.persistence.netmask) return false;
  if (got.realServers.length !== want.realServers.length) return false;
  const m = new IpvsMachine({ services: [got] });
  return want.realServers.every((rs: IpvsRealServer) => {
    const p = m.realServer(want.key, rs);
    return p !== undefined && p.method === rs.method && p.weight === rs.weight;
  });
}

/**
 * The read back from /proc/net/ip_vs: when every service a step touches shows exactly as `expected` (the
 * table the batch leaves when every line takes effect), the batch is proven and `expected` is the table
 * (with the counters /proc shows); undefined when anything differs (then read the full state).
 */
export function procReadback(plan: Plan, expected: IpvsTable, procText: string): { table: IpvsTable; counters: Map<string, ServerCounters> } | undefined {
  const listing = parseProcIpvs(procText);
  const proc = new IpvsMachine(listing.table);
  const want = new IpvsMachine(expected);
  const touched = new Map<string, ServiceKey>();
  for (const s of plan.steps) {
    const key = s.command.kind === 'add-service' || s.command.kind === 'edit-service' ? s.command.service.key : 'key' in s.command && s.command.key ? s.command.key : undefined;
    if (key) touched.set(serviceKeyString(key), key);
  }
  for (const key of touched.values()) {
    if (!ipv4Service(key) || !serviceMatches(want.service(key), proc.service(key))) return undefined;
  }
  const counters = new Map<string, ServerCounters>();
  listing.table.services.forEach((s, i) => {
    s.realServers.forEach((rs, j) => {
      const c = listing.counters[i]?.realServers[j];
      if (c) counters.set(counterKey(s.key, rs), { activeConn: c.activeConn, inactConn: c.inactConn });
    });
  });
  return { table: expected, counters };
}
