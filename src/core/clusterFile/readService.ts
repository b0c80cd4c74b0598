/**
 * Reads a virtual service of the cluster file: protocol + VIP + port or fwmark, family, persistence,
 * scheduler and its flags, persistence engine, one-packet scheduling, and its real servers.
 */

import { isScalar, type YAMLMap } from 'yaml';
import { ipv4NetmaskPrefix, ipv4PrefixNetmask, parseAddress, parseCidr } from '../ipvs/address';
import { DEFAULT_SCHEDULER } from '../ipvs/schedulers';
import type { AddressFamily, Protocol, SchedFlag, Scheduler } from '../ipvs/types';
import { SCHED_FLAGS } from '../ipvs/types';
import { itemEntry, spanOf, type Entry, type EntryReader } from './entryReader';
import { ENUMS, SCHEDULER_ALIASES } from './formatKeys';
import type { KeepalivedKeyUse, ParsedRealServer, ParsedService } from './parsedFile';
import { removeFix, replaceFix } from './quickFixes';
import { readHealthCheck, type HealthCheckFields } from './readHealthCheck';
import { readRealServer } from './readRealServer';
import type { ServiceSpec, SorryServerSpec } from './types';

/** The persistence timeout of `persistence:` without a value, seconds. */
export const DEFAULT_PERSISTENCE_TIMEOUT = 300;
/** ipvsadm accepts persistence timeouts up to 31 days. */
export const MAX_PERSISTENCE_TIMEOUT = 86400 * 31;
const MAX_U32 = 4294967295;
const INT_MAX = 2147483647;
/** Check types that connect to a port (the real server's, or the check's own `port`). */
const PORT_CHECKS = new Set(['tcp', 'http', 'https', 'smtp']);

function familyName(family: AddressFamily): string {
  return family === 'inet' ? 'IPv4' : 'IPv6';
}

export function readService(r: EntryReader, map: YAMLMap.Parsed): ParsedService | undefined {
  const e = r.entries(map, 'service');
  let ok = true;
  const nameEntry = e.get('name');
  const name = nameEntry ? r.name(nameEntry, 'service name') : undefined;
  const protocolEntry = e.get('protocol');
  const fwmarkEntry = e.get('fwmark');
  const protocol = r.enumValue<Protocol>(protocolEntry, ENUMS.protocol, 'protocol');
  const fwmark = r.ranged(fwmarkEntry, 1, MAX_U32, 'LVS012', 'A firewall mark');
  if (protocolEntry && fwmarkEntry) {
    r.sink.report('LVS037', fwmarkEntry.keySpan, 'A service is either "protocol" + "vip" + "port" or "fwmark"; remove one of them.');
    ok = false;
  } else if (!protocolEntry && !fwmarkEntry) {
    r.missing(map, 'service', 'protocol', ' (tcp, udp or sctp, with "vip" and "port") or "fwmark"');
    ok = false;
  }
  if ((protocolEntry && protocol === undefined) || (fwmarkEntry && fwmark === undefined)) ok = false;
  const isFwmark = fwmarkEntry !== undefined && !protocolEntry;

  // VIP and family.
  const vipEntry = e.get('vip');
  let vip: string | undefined;
  let family: AddressFamily | undefined;
  const vipText = r.string(vipEntry);
  if (vipText !== undefined && vipEntry) {
    const a = parseAddress(vipText);
    if (!a) {
      const cidr = parseCidr(vipText);
      r.sink.report('LVS010', vipEntry.valueSpan, cidr
        ? `A VIP is one address, without a prefix: "${cidr.address}".`
        : `"${vipText}" is not an IPv4 or IPv6 address.`,
      cidr ? [replaceFix(`Change to ${cidr.address}`, r.sink.lines, vipEntry.valueSpan, cidr.address)] : undefined);
      ok = false;
    } else {
      vip = a.text;
      family = a.family;
    }
  } else if (vipEntry) ok = false;
  if (!vipEntry && !isFwmark && protocolEntry) {
    r.missing(map, 'service', 'vip', ' (the virtual IP address clients connect to)');
    ok = false;
  }
  const familyEntry = e.get('family');
  const familyValue = r.enumValue<'ipv4' | 'ipv6'>(familyEntry, ENUMS.family, 'family');
  if (familyValue !== undefined && familyEntry) {
    const f: AddressFamily = familyValue === 'ipv4' ? 'inet' : 'inet6';
    if (family !== undefined && f !== family) {
      r.sink.report('LVS037', familyEntry.valueSpan, `"family: ${familyValue}" contradicts the VIP ${vip}, which is ${familyName(family)}.`);
    } else family = f;
  }
  family ??= 'inet';

  // Persistence first: port 0 is legal for persistent services.
  const persistenceEntry = e.get('persistence');
  let persistence: ServiceSpec['persistence'];
  if (persistenceEntry) {
    if (r.isEmpty(persistenceEntry.value)) persistence = { timeout: DEFAULT_PERSISTENCE_TIMEOUT };
    else {
      const pmap = r.mapping(persistenceEntry);
      if (pmap) persistence = readPersistence(r, pmap, family);
    }
  }

  const portEntry = e.get('port');
  let port = 0;
  if (isFwmark) {
    const p = r.integer(portEntry);
    if (p !== undefined && p !== 0 && portEntry) {
      r.sink.report('LVS037', portEntry.keySpan, 'A fwmark service has no port (ipvsadm -f takes none): the mark selects the packets. Set ports on the real servers if NAT must rewrite them.',
        [removeFix('Remove "port"', r.text, r.sink.lines, portEntry.pairSpan)]);
    }
  } else if (protocolEntry) {
    if (!portEntry) {
      r.missing(map, 'service', 'port');
      ok = false;
    } else {
      const p = r.integer(portEntry);
      if (p === undefined) ok = false;
      else if (p < 0 || p > 65535 || (p === 0 && !persistence)) {
        r.sink.report('LVS011', portEntry.valueSpan, p === 0
          ? 'Port 0 (all ports) is only allowed for persistent services ("persistence") and fwmark services.'
          : `A port must be between 1 and 65535; found ${p}.`);
        ok = false;
      } else port = p;
    }
  }

  const scheduler = r.enumValue<Scheduler>(e.get('scheduler'), ENUMS.scheduler, 'scheduler', SCHEDULER_ALIASES) ?? DEFAULT_SCHEDULER;
  const flags = readSchedulerFlags(r, e.get('schedulerFlags'), scheduler);

  const peEntry = e.get('pe');
  const pe = r.enumValue<'sip'>(peEntry, ENUMS.pe, 'persistence engine');
  if (pe !== undefined && peEntry) {
    if (!persistence) {
      r.sink.report('LVS019', peEntry.valueSpan, 'The SIP persistence engine needs "persistence": it keys persistence templates by Call-ID.');
    } else if (protocol !== undefined && protocol !== 'udp') {
      r.sink.report('LVS020', peEntry.valueSpan, `The SIP persistence engine only parses UDP packets; on ${protocol} it never matches.`);
    }
  }
  const onePacketEntry = e.get('onePacket');
  const onePacket = r.boolean(onePacketEntry) ?? false;
  if (onePacket && onePacketEntry && protocol !== undefined && protocol !== 'udp') {
    r.sink.report('LVS040', onePacketEntry.valueSpan, `One-packet scheduling (-o) is only for UDP and firewall-mark services; ipvsadm refuses it on ${protocol}.`,
      [replaceFix('Set onePacket to false', r.sink.lines, onePacketEntry.valueSpan, 'false')]);
  }

  const spec: ServiceSpec = {
    range: r.sink.lines.range(map.range[0], map.range[1]),
    family, port, scheduler, schedulerFlags: flags, onePacket, realServers: [],
  };
  if (name !== undefined) spec.name = name;
  if (isFwmark && fwmark !== undefined) spec.fwmark = fwmark;
  else if (protocol !== undefined) spec.protocol = protocol;
  if (vip !== undefined) spec.vip = vip;
  if (persistence) spec.persistence = persistence;
  if (pe !== undefined) spec.pe = pe;

  // keepalived: health check (inherited by the real servers), sorry server, quorum.
  const keepalivedKeys: KeepalivedKeyUse[] = [];
  for (const key of ['healthCheck', 'sorryServer', 'quorum', 'hysteresis']) {
    const k = e.get(key);
    if (k) keepalivedKeys.push({ key, span: k.keySpan });
  }
  const checkEntry = e.get('healthCheck');
  const check: HealthCheckFields | undefined = checkEntry ? readHealthCheck(r, checkEntry) : undefined;
  const sorryEntry = e.get('sorryServer');
  if (sorryEntry) {
    const sorry = readSorryServer(r, sorryEntry, spec);
    if (sorry) spec.sorryServer = sorry;
  }
  const quorum = r.ranged(e.get('quorum'), 1, INT_MAX, 'LVS016', 'A quorum (sum of the weights of healthy real servers)');
  if (quorum !== undefined) spec.quorum = quorum;
  const hysteresisEntry = e.get('hysteresis');
  const hysteresis = r.ranged(hysteresisEntry, 0, INT_MAX, 'LVS016', 'A hysteresis');
  if (hysteresis !== undefined && hysteresisEntry) {
    if (!e.get('quorum')) {
      r.sink.report('LVS037', hysteresisEntry.keySpan, '"hysteresis" is the margin around "quorum"; without a quorum it has no effect.',
        [removeFix('Remove "hysteresis"', r.text, r.sink.lines, hysteresisEntry.pairSpan)]);
    } else spec.hysteresis = hysteresis;
  }

  const realServers: ParsedRealServer[] = [];
  for (const item of r.itemMaps(e.get('realServers'), 'realServer')) {
    const rs = readRealServer(r, item, spec, check);
    if (rs) {
      realServers.push(rs);
      if (rs.healthCheck) keepalivedKeys.push({ key: 'healthCheck', span: rs.healthCheck });
    }
  }
  if (isFwmark) reportPortlessChecks(r, realServers, check);
  if (!ok) return undefined;
  const identity = vipEntry ? vipEntry.valueSpan : fwmarkEntry ? fwmarkEntry.valueSpan : r.headSpan(map);
  const parsed: ParsedService = { spec, item: spanOf(map), identity, realServers, keepalivedKeys };
  if (vipEntry) parsed.vip = vipEntry.valueSpan;
  const schedulerEntry = e.get('scheduler');
  if (schedulerEntry) parsed.scheduler = schedulerEntry.valueSpan;
  return parsed;
}

function readSchedulerFlags(r: EntryReader, entry: Entry | undefined, scheduler: Scheduler): SchedFlag[] {
  const items = r.list(entry);
  if (!items || !entry) return [];
  const set = new Set<SchedFlag>();
  for (const node of items) {
    const e = itemEntry('schedulerFlags', node, node);
    const flag = r.enumValue<SchedFlag>(e, ENUMS.schedulerFlag, 'scheduler flag');
    if (flag === undefined) continue;
    const prefix = flag.slice(0, 3);
    let problem: string | undefined;
    if (prefix === 'sh-' && scheduler !== 'sh') problem = `"${flag}" only applies to the sh scheduler; ${scheduler} ignores it.`;
    else if (prefix === 'mh-' && scheduler !== 'mh') problem = `"${flag}" only applies to the mh scheduler; ${scheduler} ignores it.`;
    else if (flag === 'flag-3') problem = 'No scheduler of the kernel uses flag-3.';
    else if ((flag === 'flag-1' || flag === 'flag-2') && scheduler !== 'sh' && scheduler !== 'mh') {
      problem = `${flag} is only read by the sh and mh schedulers; ${scheduler} ignores it.`;
    }
    if (problem) r.sink.report('LVS015', spanOf(node), problem);
    set.add(flag);
  }
  return SCHED_FLAGS.filter((f) => set.has(f));
}

function readPersistence(r: EntryReader, map: YAMLMap.Parsed, family: AddressFamily): ServiceSpec['persistence'] {
  const e = r.entries(map, 'persistence');
  const timeout = r.ranged(e.get('timeout'), 1, MAX_PERSISTENCE_TIMEOUT, 'LVS016', 'A persistence timeout (seconds)') ?? DEFAULT_PERSISTENCE_TIMEOUT;
  const out: { timeout: number; netmask?: string } = { timeout };
  const nm = e.get('netmask');
  if (nm && nm.value !== null && isScalar(nm.value)) {
    const v = nm.value.value;
    if (family === 'inet') {
      if (typeof v === 'string' && ipv4NetmaskPrefix(v) !== undefined) out.netmask = v;
      else if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 32) {
        const dotted = ipv4PrefixNetmask(v);
        r.sink.report('LVS018', nm.valueSpan, `An IPv4 persistence netmask is written dotted: /${v} is ${dotted}.`,
          [replaceFix(`Change to ${dotted}`, r.sink.lines, nm.valueSpan, dotted)]);
      } else {
        r.sink.report('LVS018', nm.valueSpan, `"${String(v)}" is not a contiguous IPv4 netmask like 255.255.255.0.`);
      }
    } else {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,3}$/.test(v) ? Number(v) : NaN;
      // ipvsadm refuses -M 0 for IPv6 ("invalid netmask"): 1..128.
      if (Number.isInteger(n) && n >= 1 && n <= 128) out.netmask = String(n);
      else r.sink.report('LVS018', nm.valueSpan, `An IPv6 persistence netmask is a prefix length from 1 to 128 (ipvsadm refuses 0); found "${String(v)}".`);
    }
  } else if (nm) r.wrongType(nm, family === 'inet' ? 'a netmask like 255.255.255.0' : 'a prefix length from 1 to 128');
  return out;
}
/** A fwmark service has no port: a check that connects needs the real server's port or its own. */
function reportPortlessChecks(r: EntryReader, realServers: ParsedRealServer[], serviceCheck: HealthCheckFields | undefined): void {
  let reportedService = false;
  for (const rs of realServers) {
    const c = rs.spec.healthCheck;
    if (!c || !PORT_CHECKS.has(c.type) || c.port !== undefined || rs.spec.port !== 0) continue;
    const span = rs.healthCheck ?? serviceCheck?.keySpan;
    if (!span || (span === serviceCheck?.keySpan && reportedService)) continue;
    if (span === serviceCheck?.keySpan) reportedService = true;
    r.sink.report('LVS047', span,
      `A ${c.type} check of a fwmark service needs a port: the service has none and real server ${rs.spec.host ?? rs.spec.address} sets none. Give the check "port" (or the real server "port").`);
  }
}

function readSorryServer(r: EntryReader, entry: Entry, service: ServiceSpec): SorryServerSpec | undefined {
  const map = r.mapping(entry);
  if (!map) return undefined;
  const e = r.entries(map, 'sorryServer');
  const addressEntry = e.get('address');
  if (!addressEntry) r.missing(map, 'sorryServer', 'address');
  const text = r.string(addressEntry);
  const a = text === undefined ? undefined : r.address(text);
  if (text !== undefined && !a && addressEntry) r.sink.report('LVS010', addressEntry.valueSpan, `"${text}" is not an IPv4 or IPv6 address.`);
  const portEntry = e.get('port');
  const port = r.ranged(portEntry, 1, 65535, 'LVS011', 'A sorry server port');
  if (!portEntry && service.fwmark !== undefined) r.missing(map, 'sorryServer', 'port', ' (a fwmark service has no port to default to)');
  if (!a) return undefined;
  if (a.family !== service.family && addressEntry) {
    r.sink.report('LVS030', addressEntry.valueSpan, `The sorry server ${a.text} is ${familyName(a.family)}; the service is ${familyName(service.family)}.`);
    return undefined;
  }
  const p = port ?? service.port;
  if (p === 0) return undefined;
  return { address: a.text, port: p };
}
