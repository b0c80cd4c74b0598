/**
 * Parsers of keepalived's live-state dumps (pure): what its VRRP process writes to /tmp/keepalived.data and
 * its checker process to /tmp/keepalived_check.data on `keepalived --signum=DATA` (SIGUSR1), in the layout of
 * keepalived 2.2.x (vrrp_data.c dump_vrrp, check_data.c dump_check_data, check_api.c dump_checker).
 *
 * Only the fields the status needs are kept: per VRRP instance its state, priorities, the master it hears,
 * the last transition and its virtual addresses (and whether this director holds each: keepalived appends
 * ` set`); per virtual server each real server's verdict (`alive`), weights and checkers (`Up = yes|no`).
 * Nothing else of the text is kept (the dumps can show a VRRPv2 or SSL password of a hand-written file).
 *
 * The dumps are line oriented: a section starts with `------< Name >------`, an object with one space of
 * indent (` VRRP Instance = NAME`, ` VS VIP = A, VPORT = P`, ` [VIP]:tcp:80 -> [RIP]:tcp:80`), its fields
 * have three (`   Key = value`) and the members of a list five. Unknown lines are skipped, so a newer
 * keepalived adding fields still parses; a dump without the section it must have is refused.
 */

export type VrrpState = 'MASTER' | 'BACKUP' | 'FAULT' | 'INIT' | 'unknown';

export interface VrrpAddress {
  /** The address as keepalived prints it (with `/len` when not a host address). */
  address: string;
  dev?: string;
  /** This director has the address on its interface (keepalived's ` set`). */
  held: boolean;
}

export interface VrrpInstanceStatus {
  name: string;
  state: VrrpState;
  wantState?: VrrpState;
  virtualRouterId?: number;
  interface?: string;
  /** Configured priority. */
  priority?: number;
  /** Priority after tracking (what the election uses). */
  effectivePriority?: number;
  /** The master this director hears (in BACKUP only). */
  masterRouter?: string;
  masterPriority?: number;
  /** Last state change, seconds since the epoch (with microseconds). */
  lastTransition?: number;
  addresses: VrrpAddress[];
  /** `virtual_ipaddress_excluded`: moved like the others, not in adverts. */
  excludedAddresses: VrrpAddress[];
}

export interface VrrpDump {
  routerId?: string;
  instances: VrrpInstanceStatus[];
}

export interface CheckerStatus {
  /** `HTTP_GET`, `SSL_GET`, `TCP_CHECK`, `MISC_CHECK`, … (keepalived's `Keepalive method`). */
  method?: string;
  enabled: boolean;
  up: boolean;
  /** The checker has run at least once (a checker that never ran has no verdict yet). */
  hasRun: boolean;
  /** `[addr]:port` the checker connects to. */
  dest?: string;
  /** HTTP_GET/SSL_GET: the URL that failed last. */
  failedUrl?: string;
  /** errno of the checker's last failed connection, when keepalived kept one. */
  lastErrno?: number;
}

export interface RealServerStatus {
  address: string;
  port: number;
  /** keepalived's verdict: in the service (or at its weight) because every checker is up. */
  alive: boolean;
  weight: number;
  effectiveWeight: number;
  failedCheckers: number;
  inhibitOnFailure: boolean;
  checkers: CheckerStatus[];
}

export type VirtualServerKey =
  | { kind: 'address'; address: string; port: number; protocol: string }
  | { kind: 'fwmark'; fwmark: number }
  | { kind: 'group'; name: string };

export interface VirtualServerStatus {
  key: VirtualServerKey;
  /** keepalived's own text for the service, as its checkers name it (`[10.0.0.1]:tcp:80`, `FWM 5`). */
  label: string;
  alive: boolean;
  quorum?: number;
  /** The quorum is met (otherwise the sorry server, if any, is in use). */
  quorumUp: boolean;
  /** `[addr]:proto:port` of the sorry server, when configured. */
  sorryServer?: string;
  realServers: RealServerStatus[];
}

export interface CheckDump {
  routerId?: string;
  virtualServers: VirtualServerStatus[];
}

/** A dump that is not what keepalived writes (e.g. an empty or cut file). */
export class KeepalivedDumpError extends Error {
  override readonly name = 'KeepalivedDumpError';
}

const SECTION = /^------< (.+) >------$/;

interface Line {
  indent: number;
  text: string;
}

function linesOf(text: string): Line[] {
  return text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '').map((l) => ({ indent: l.length - l.trimStart().length, text: l.trim() }));
}

/** The sections of a dump by name, each its lines (without the heading). */
function sections(text: string): Map<string, Line[]> {
  const out = new Map<string, Line[]>();
  let current: Line[] | undefined;
  for (const line of linesOf(text)) {
    const m = line.indent === 0 ? SECTION.exec(line.text) : null;
    if (m) {
      current = [];
      out.set(m[1], current);
    } else if (current) current.push(line);
  }
  return out;
}

/** `Key = value` → [key, value]; undefined for other lines. */
function field(line: Line): [string, string] | undefined {
  const i = line.text.indexOf(' = ');
  if (i < 0) return line.text.endsWith(' =') ? [line.text.slice(0, -2), ''] : undefined;
  return [line.text.slice(0, i), line.text.slice(i + 3)];
}

function intOf(value: string): number | undefined {
  return /^-?\d+$/.test(value) ? Number(value) : undefined;
}

function stateOf(value: string): VrrpState {
  return value === 'MASTER' || value === 'BACKUP' || value === 'FAULT' || value === 'INIT' ? value : 'unknown';
}

function routerIdOf(s: Map<string, Line[]>): string | undefined {
  for (const line of s.get('Global definitions') ?? []) {
    const f = field(line);
    if (f && f[0] === 'Router ID') return f[1];
  }
  return undefined;
}

/** `10.0.0.1 dev eth0 scope global set` (keepalived's format_ipaddress). */
function addressOf(text: string): VrrpAddress {
  const words = text.split(/\s+/);
  const a: VrrpAddress = { address: words[0] ?? '', held: words.slice(1).includes('set') };
  const dev = words.indexOf('dev');
  if (dev > 0 && words[dev + 1] !== undefined) a.dev = words[dev + 1];
  return a;
}

/** /tmp/keepalived.data: the VRRP instances (an empty list when the configuration has none). */
export function parseVrrpDump(text: string): VrrpDump {
  const s = sections(text);
  if (!s.has('Global definitions')) throw new KeepalivedDumpError('not a keepalived data dump (no "Global definitions" section)');
  const dump: VrrpDump = { instances: [] };
  const routerId = routerIdOf(s);
  if (routerId !== undefined) dump.routerId = routerId;
  let inst: VrrpInstanceStatus | undefined;
  let list: VrrpAddress[] | undefined;
  for (const line of s.get('VRRP Topology') ?? []) {
    const f = field(line);
    if (line.indent === 1) {
      list = undefined;
      inst = undefined;
      if (f && f[0] === 'VRRP Instance') {
        inst = { name: f[1], state: 'unknown', addresses: [], excludedAddresses: [] };
        dump.instances.push(inst);
      }
      continue;
    }
    if (!inst) continue;
    if (line.indent >= 5) {
      if (list) list.push(addressOf(line.text));
      continue;
    }
    list = undefined;
    if (/^Virtual IP \(\d+\):$/.test(line.text)) { list = inst.addresses; continue; }
    if (line.text === 'Virtual IP Excluded :') { list = inst.excludedAddresses; continue; }
    if (!f) continue;
    const [key, value] = f;
    switch (key) {
      case 'State': inst.state = stateOf(value); break;
      case 'Wantstate': inst.wantState = stateOf(value); break;
      case 'Master router': inst.masterRouter = value; break;
      case 'Master priority': { const n = intOf(value); if (n !== undefined) inst.masterPriority = n; break; }
      case 'Virtual Router ID': { const n = intOf(value); if (n !== undefined) inst.virtualRouterId = n; break; }
      case 'Priority': { const n = intOf(value); if (n !== undefined) inst.priority = n; break; }
      case 'Effective priority': { const n = intOf(value); if (n !== undefined) inst.effectivePriority = n; break; }
      case 'Interface': inst.interface = value.split(/[ ,]/)[0]; break;
      case 'Last transition': { const m = /^(\d+\.\d+)/.exec(value); if (m) inst.lastTransition = Number(m[1]); break; }
      default: break;
    }
  }
  return dump;
}

/** `[10.0.0.1]:tcp:80` (keepalived's inet_sockaddrtotrio) → address and port. */
function trioOf(text: string): { address: string; port: number } | undefined {
  const m = /^\[([^\]]+)\]:[a-z]+:(\d+)$/.exec(text);
  return m ? { address: m[1], port: Number(m[2]) } : undefined;
}

function vsKeyOf(value: string, line: Line): VirtualServerKey | undefined {
  const f = field(line);
  if (!f) return undefined;
  if (f[0] === 'VS FWMARK') { const n = intOf(value); return n === undefined ? undefined : { kind: 'fwmark', fwmark: n }; }
  if (f[0] === 'VS GROUP') return { kind: 'group', name: value.replace(/^\[|\]:\d+$/g, '') };
  const m = /^(.+), VPORT = (\d+)$/.exec(value);
  return m ? { kind: 'address', address: m[1], port: Number(m[2]), protocol: '' } : undefined;
}

function vsLabel(vs: VirtualServerStatus, groupPort?: string): string {
  switch (vs.key.kind) {
    case 'fwmark': return `FWM ${vs.key.fwmark}`;
    case 'group': return `[${vs.key.name}]:${groupPort ?? '0'}`;
    case 'address': return `[${vs.key.address}]:${vs.key.protocol}:${vs.key.port}`;
  }
}

/** /tmp/keepalived_check.data: the virtual servers with their real servers' verdicts and checkers. */
export function parseCheckDump(text: string): CheckDump {
  const s = sections(text);
  if (!s.has('Global definitions')) throw new KeepalivedDumpError('not a keepalived checker dump (no "Global definitions" section)');
  const dump: CheckDump = { virtualServers: [] };
  const routerId = routerIdOf(s);
  if (routerId !== undefined) dump.routerId = routerId;

  let vs: VirtualServerStatus | undefined;
  let rs: RealServerStatus | undefined;
  const groupPorts = new Map<VirtualServerStatus, string>();
  for (const line of s.get('LVS Topology') ?? []) {
    if (line.text === '------< Virtual server >------') { vs = undefined; rs = undefined; continue; }
    if (line.text === '------< Real server >------') {
      rs = undefined;
      if (vs) { rs = { address: '', port: 0, alive: false, weight: 0, effectiveWeight: 0, failedCheckers: 0, inhibitOnFailure: false, checkers: [] }; vs.realServers.push(rs); }
      continue;
    }
    const f = field(line);
    if (line.indent === 1 && f && /^VS (VIP|FWMARK|GROUP)$/.test(f[0])) {
      const key = vsKeyOf(f[1], line);
      if (!key) { vs = undefined; continue; }
      vs = { key, label: '', alive: false, quorumUp: false, realServers: [] };
      const port = key.kind === 'group' ? /\]:(\d+)$/.exec(f[1])?.[1] : undefined;
      if (port !== undefined) groupPorts.set(vs, port);
      dump.virtualServers.push(vs);
      rs = undefined;
      continue;
    }
    if (!vs) continue;
    if (rs) {
      const rip = /^RIP = (.+), RPORT = (\d+), WEIGHT = (-?\d+) EFF WEIGHT = (-?\d+)$/.exec(line.text);
      if (rip) { rs.address = rip[1]; rs.port = Number(rip[2]); rs.weight = Number(rip[3]); rs.effectiveWeight = Number(rip[4]); }
      else if (line.text === 'Inhibit on failure is ON') rs.inhibitOnFailure = true;
      else if (f?.[0] === 'alive') rs.alive = f[1] === '1';
      else if (f?.[0] === 'num failed checkers') rs.failedCheckers = intOf(f[1]) ?? 0;
      continue;
    }
    if (!f) continue;
    const [key, value] = f;
    if (key === 'protocol' && vs.key.kind === 'address') vs.key.protocol = value.toLowerCase();
    else if (key === 'alive') vs.alive = value === '1';
    else if (key === 'quorum_state_up') vs.quorumUp = value === '1';
    else if (key === 'quorum') { const m = /^(\d+), hysteresis/.exec(value); if (m) vs.quorum = Number(m[1]); }
    else if (key.startsWith('sorry server')) vs.sorryServer = value;
  }
  for (const v of dump.virtualServers) v.label = vsLabel(v, groupPorts.get(v));

  // Checkers: ` VS -> RS` then their fields; attached to the real server they check.
  const byLabel = new Map(dump.virtualServers.map((v) => [v.label, v]));
  let checker: CheckerStatus | undefined;
  for (const line of s.get('Health checkers') ?? []) {
    if (line.indent === 1) {
      checker = undefined;
      const m = /^(.+) -> (.+)$/.exec(line.text);
      const target = m ? trioOf(m[2]) : undefined;
      const server = m && target ? byLabel.get(m[1])?.realServers.find((r) => r.address === target.address && r.port === target.port) : undefined;
      if (server) { checker = { enabled: false, up: false, hasRun: false }; server.checkers.push(checker); }
      continue;
    }
    const f = checker ? field(line) : undefined;
    if (!checker || !f) continue;
    const [key, value] = f;
    switch (key) {
      case 'Enabled': checker.enabled = value === 'yes'; break;
      case 'Up': checker.up = value === 'yes'; break;
      case 'Has run': checker.hasRun = value === 'yes'; break;
      case 'Dest': checker.dest = value; break;
      case 'Failed URL': checker.failedUrl = value; break;
      case 'Last errno': { const n = intOf(value); if (n !== undefined) checker.lastErrno = n; break; }
      case 'Keepalive method': checker.method = value.split(',')[0].trim(); break;
      default: break;
    }
  }
  return dump;
}
