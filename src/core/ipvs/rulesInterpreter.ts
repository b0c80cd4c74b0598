/**
 * Turns one lexed rules line into the command ipvsadm would send to the kernel, with the checks ipvsadm
 * makes before sending (option compatibility, value ranges, `parse_service`, defaults, the DR/TUN port
 * rule, address families, tunnel options) and the kernel's answer from the in-memory table. Every
 * finding is a Diagnostic on the offending token. A line with an error is not applied: ipvsadm would
 * refuse it (and `ipvsadm -R` stop there).
 */

import type { Diagnostic, Fix, Range } from '../diagnostics';
import { formatIPv6, ipv4PrefixNetmask, parseIPv4, parseIPv6 } from './address';
import { closestNames } from './closestName';
import type { IpvsCommand, IpvsServiceSettings, RealServerRef } from './ipvsCommand';
import type { IpvsError, IpvsMachine } from './ipvsEngine';
import type { RulesCode } from './rulesCodes';
import { RULES_CODES } from './rulesCodes';
import type { RuleLine, RuleSwitch, RuleToken } from './rulesLexer';
import type { OptionGroup, OptionId, OptionSpec } from './rulesSyntax';
import { COMMAND_OPTIONS } from './rulesSyntax';
import {
  canonicalSchedFlags, DEFAULT_SCHEDULER, flagScheduler, isSchedFlag, isScheduler, printedSchedFlags, schedFlagBits, schedulerUsesFlags,
} from './schedulers';
import type {
  AddressFamily, ForwardingMethod, IpvsRealServer, Protocol, SchedFlag, Scheduler, ServiceKey, TunnelChecksum, TunnelType,
} from './types';
import { SCHEDULERS } from './types';
import { serviceNameToPort } from './wellKnownServices';

export const MAX_TIMEOUT = 86400 * 31;
/** ipvsadm v1.31's IPVS_SVC_PERSISTENT_TIMEOUT (6*60): `-p` without a value gives 360 s (the man page says 300; checked in the lab). */
export const DEFAULT_PERSISTENCE_TIMEOUT = 360;
const INT_MAX = 2147483647;

export interface LineOutcome {
  /** The kernel command, when the line is valid and changes the table. */
  command?: IpvsCommand;
  /** The kernel's answer when applying it failed. */
  error?: IpvsError;
  diagnostics: Diagnostic[];
}

/** Endpoints already parsed cleanly in this file (every `-a` line repeats its service address). */
export type EndpointCache = Map<string, Endpoint>;

interface Endpoint {
  address: string;
  family: AddressFamily;
  port?: number;
  /** The host part as written (`10.0.0.1`, `[fd00::1]`, `rs1`). */
  hostText: string;
}

const HOSTNAME = /^(?=.*[A-Za-z_])[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;
const FWD: Readonly<Partial<Record<OptionId, ForwardingMethod>>> = { gatewaying: 'dr', masquerading: 'nat', ipip: 'tun' };
const FWD_SWITCH: Readonly<Record<ForwardingMethod, string>> = { dr: '-g', nat: '-m', tun: '-i' };
const FWD_NAME: Readonly<Record<ForwardingMethod, string>> = { dr: 'direct routing (-g)', nat: 'NAT (-m)', tun: 'tunneling (-i)' };
const PROTOCOL: Readonly<Partial<Record<OptionId, Protocol>>> = { 'tcp-service': 'tcp', 'udp-service': 'udp', 'sctp-service': 'sctp' };

/** The groups each command requires ('+' in commands_v_options). */
const REQUIRED = Object.fromEntries(
  (Object.keys(COMMAND_OPTIONS) as (keyof typeof COMMAND_OPTIONS)[]).map((c) => [c, (Object.keys(COMMAND_OPTIONS[c]) as OptionGroup[]).filter((g) => COMMAND_OPTIONS[c][g] === '+')]),
) as Record<keyof typeof COMMAND_OPTIONS, OptionGroup[]>;

function parseUint(text: string): number | undefined {
  return /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

function hostNetmaskOf(family: AddressFamily): string {
  return family === 'inet6' ? '128' : '255.255.255.255';
}

class LineChecker {
  readonly diagnostics: Diagnostic[] = [];
  fatal: boolean;
  private readonly byGroup = new Map<OptionGroup, RuleSwitch<OptionSpec>>();
  private readonly byId = new Map<OptionId, RuleSwitch<OptionSpec>>();

  constructor(private readonly line: RuleLine, private readonly machine: IpvsMachine, private readonly cache: EndpointCache) {
    this.fatal = line.syntaxErrors > 0;
  }

  report(range: Range, code: RulesCode, message: string, fixes?: Fix[], severity = RULES_CODES[code].severity): void {
    const d: Diagnostic = { range, severity, code, message };
    if (fixes && fixes.length > 0) d.fixes = fixes;
    this.diagnostics.push(d);
    if (severity === 'error') this.fatal = true;
  }

  private group(g: OptionGroup): RuleSwitch<OptionSpec> | undefined {
    return this.byGroup.get(g);
  }

  private insertAtEnd(title: string, text: string): Fix {
    const end = this.line.range.end;
    return { title, edits: [{ range: { start: end, end }, newText: text }], preferred: true };
  }

  run(): LineOutcome {
    const line = this.line;
    const cmd = line.command;
    if (!cmd) {
      if (line.syntaxErrors === 0) {
        this.report(line.tokens[0].range, 'IPVSADM001',
          `No command on this line ('${line.tokens[0].text}'): a rule starts with -A, -E, -D (services), -a, -e, -d (real servers), -C or -Z.`);
      }
      return { diagnostics: this.diagnostics };
    }
    for (const extra of line.extraCommands) {
      this.report(extra.token.range, 'IPVSADM005', `One command per line: ${extra.token.text} (${extra.spec.summary}) after ${cmd.token.text} (${cmd.spec.summary}); ipvsadm refuses the line ("multiple commands specified").`);
    }
    const id = cmd.spec.id;
    if (id === 'restore') {
      this.report(cmd.token.range, 'IPVSADM035', '-R inside a rules file: ipvsadm -R refuses it and stops reading.', undefined, 'error');
      return { diagnostics: this.diagnostics };
    }
    if (id === 'list' || id === 'save' || id === 'help' || id === 'version') {
      this.report(cmd.token.range, 'IPVSADM035', `${cmd.token.text} (${cmd.spec.summary}) only prints; it does not change the table. Remove it from the rules file.`);
      return { diagnostics: this.diagnostics };
    }
    this.collectOptions(id);
    this.checkPositionals(id);

    if (id === 'set') return this.finish(this.setCommand());
    if (id === 'start-daemon' || id === 'stop-daemon') return this.finish(this.daemonCommand(id));
    if (id === 'flush') return this.finish({ kind: 'flush' });

    const key = this.serviceKey();
    if (id === 'zero') return this.finish(key ? { kind: 'zero', key } : this.group('service-address') ? undefined : { kind: 'zero' });
    if (!key) return { diagnostics: this.diagnostics };
    if (id === 'delete-service') return this.finish({ kind: 'delete-service', key });
    if (id === 'add-service' || id === 'edit-service') {
      const settings = this.serviceSettings(key);
      if (id === 'edit-service') this.checkServiceReset(settings);
      return this.finish({ kind: id, service: settings });
    }
    // add-server, edit-server, delete-server
    return this.finish(this.serverCommand(id, key));
  }

  private finish(command: IpvsCommand | undefined): LineOutcome {
    if (!command || this.fatal) return { diagnostics: this.diagnostics };
    const error = this.machine.apply(command);
    if (error) this.reportKernelError(command, error);
    return error ? { command, error, diagnostics: this.diagnostics } : { command, diagnostics: this.diagnostics };
  }

  private reportKernelError(command: IpvsCommand, error: IpvsError): void {
    const svc = this.group('service-address');
    const svcRange = (svc?.arg ?? svc?.token ?? this.line.command?.token)?.range ?? this.line.range;
    const rs = this.group('real-server');
    const rsRange = (rs?.arg ?? rs?.token)?.range ?? svcRange;
    const svcText = svc?.arg?.text ?? '';
    switch (error) {
      case 'Service already exists':
        this.report(svcRange, 'IPVSADM025', `The service ${svcText} is already defined (ipvsadm: "Service already exists"). Use -E to change it, or remove this line.`);
        break;
      case 'No such service':
        this.report(svcRange, 'IPVSADM026', `No service ${svcText} is defined at this point (ipvsadm: "No such service").`);
        break;
      case 'Service not defined':
        this.report(svcRange, 'IPVSADM024', `The service ${svcText} is not defined at this point (ipvsadm: "Service not defined"): add it with -A before its real servers.`);
        break;
      case 'Destination already exists':
        this.report(rsRange, 'IPVSADM027', `The real server ${rs?.arg?.text ?? ''} is already in ${svcText} (ipvsadm: "Destination already exists"). Use -e to change it, or remove this line.`);
        break;
      case 'No such destination':
        this.report(rsRange, 'IPVSADM028', `The real server ${rs?.arg?.text ?? ''} is not in ${svcText} at this point (ipvsadm: "No such destination").`);
        break;
      default:
        this.report(command.kind === 'add-server' || command.kind === 'edit-server' ? rsRange : svcRange, 'IPVSADM020', `The kernel refuses this: "${error}".`);
    }
  }

  private collectOptions(id: keyof typeof COMMAND_OPTIONS): void {
    const cmd = this.line.command as RuleSwitch<{ summary: string }>;
    const allowed = COMMAND_OPTIONS[id];
    for (const o of this.line.options) {
      const g = o.spec.group;
      if (g) {
        const prev = this.byGroup.get(g);
        if (prev) {
          this.report(o.token.range, 'IPVSADM005', `${o.token.text} repeats ${prev.token.text} (${g}): ipvsadm refuses the line ("multiple '${g}' options specified").`);
          continue;
        }
        this.byGroup.set(g, o);
        if (allowed[g] === undefined) {
          this.report(o.token.range, 'IPVSADM003', `${o.token.text} (${o.spec.summary}) is not allowed with ${cmd.token.text} (${cmd.spec.summary}); ipvsadm refuses the line.`);
        }
      }
      if (!this.byId.has(o.spec.id)) this.byId.set(o.spec.id, o);
    }
    for (const g of REQUIRED[id]) {
      if (this.byGroup.has(g)) continue;
      const what = g === 'service-address'
        ? 'a virtual service: -t, -u or --sctp-service address:port, or -f fwmark'
        : g === 'real-server' ? 'a real server: -r address[:port]' : `--${g}`;
      this.report(cmd.token.range, 'IPVSADM004', `${cmd.token.text} (${cmd.spec.summary}) needs ${what}.`);
    }
  }

  private checkPositionals(id: string): void {
    if (id === 'set') return;
    const pos = this.line.positionals;
    for (let i = 0; i < pos.length; i++) {
      const t = pos[i];
      const fixes: Fix[] = [];
      let hint = '';
      if (t.text === 'ops') {
        hint = ' (old ipvsadm -S spelling of -o)';
        fixes.push({ title: 'Replace with -o', edits: [{ range: t.range, newText: '-o' }], preferred: true });
      } else if (t.text === 'pe' && pos[i + 1]) {
        hint = ' (old ipvsadm -S spelling of --pe)';
        fixes.push({ title: 'Replace with --pe', edits: [{ range: t.range, newText: '--pe' }], preferred: true });
        i++;
      }
      this.report(t.range, 'IPVSADM006', `Unexpected argument '${t.text}'${hint}: ipvsadm refuses the line.`, fixes);
    }
  }

  private setCommand(): IpvsCommand | undefined {
    const pos = this.line.positionals;
    const cmd = this.line.command as RuleSwitch<unknown>;
    if (pos.length !== 3) {
      this.report(pos.length > 3 ? pos[3].range : cmd.token.range, 'IPVSADM006', '--set needs exactly three timeouts in seconds: tcp tcpfin udp.');
      return undefined;
    }
    const values = pos.map((t) => {
      const n = parseUint(t.text);
      if (n === undefined || n > MAX_TIMEOUT) this.report(t.range, 'IPVSADM037', `Invalid timeout '${t.text}': seconds 0…${MAX_TIMEOUT} (0 keeps the current value).`);
      return n ?? 0;
    });
    return { kind: 'set-timeout', tcp: values[0], tcpFin: values[1], udp: values[2] };
  }

  private daemonCommand(id: 'start-daemon' | 'stop-daemon'): IpvsCommand | undefined {
    const cmd = this.line.command as RuleSwitch<unknown>;
    const state = cmd.arg?.text;
    if (cmd.arg && state !== 'master' && state !== 'backup') {
      this.report(cmd.arg.range, 'IPVSADM037', `Invalid sync daemon state '${state}': master or backup.`);
    }
    const ranges: [OptionGroup, number, number][] = [['syncid', 0, 255], ['mcast-port', 1, 65535], ['mcast-ttl', 1, 255], ['sync-maxlen', 1, 65535]];
    for (const [g, min, max] of ranges) {
      const o = this.group(g);
      if (!o?.arg) continue;
      const n = parseUint(o.arg.text);
      if (n === undefined || n < min || n > max) this.report(o.arg.range, 'IPVSADM037', `Invalid --${g} '${o.arg.text}': ${min}…${max}.`);
    }
    const grp = this.group('mcast-group');
    if (grp?.arg && !parseIPv4(grp.arg.text) && !parseIPv6(grp.arg.text)) {
      this.report(grp.arg.range, 'IPVSADM037', `Invalid --mcast-group '${grp.arg.text}': an IPv4 or IPv6 multicast address.`);
    }
    return state === 'master' || state === 'backup' ? { kind: id, state } : undefined;
  }

  private endpoint(arg: RuleToken, protocol: Protocol, what: string): Endpoint | undefined {
    const cacheKey = `${protocol} ${arg.text}`;
    const hit = this.cache.get(cacheKey);
    if (hit) return hit;
    const before = this.diagnostics.length;
    const ep = this.parseEndpoint(arg, protocol, what);
    if (ep && this.diagnostics.length === before) this.cache.set(cacheKey, ep);
    return ep;
  }

  private parseEndpoint(arg: RuleToken, protocol: Protocol, what: string): Endpoint | undefined {
    const text = arg.text;
    let hostText: string;
    let portText: string | undefined;
    let address: string;
    let family: AddressFamily = 'inet';
    if (text.startsWith('[')) {
      const close = text.indexOf(']');
      if (close === -1 || text[close + 1] !== ':') {
        this.report(arg.range, 'IPVSADM007', `Invalid ${what} '${text}': write an IPv6 address with its port as [address]:port.`);
        return undefined;
      }
      hostText = text.slice(0, close + 1);
      portText = text.slice(close + 2);
      const g = parseIPv6(text.slice(1, close));
      if (!g) {
        this.report(arg.range, 'IPVSADM007', `Invalid ${what} '${text}': '${text.slice(1, close)}' is not an IPv6 address.`);
        return undefined;
      }
      address = formatIPv6(g);
      family = 'inet6';
    } else {
      const first = text.indexOf(':');
      if (first !== -1 && first !== text.lastIndexOf(':')) {
        const g = parseIPv6(text);
        if (!g) {
          this.report(arg.range, 'IPVSADM007', `Invalid ${what} '${text}': not an IPv6 address (with a port, write [address]:port).`);
          return undefined;
        }
        return { address: formatIPv6(g), family: 'inet6', hostText: text };
      }
      hostText = first === -1 ? text : text.slice(0, first);
      portText = first === -1 ? undefined : text.slice(first + 1);
      const v4 = parseIPv4(hostText);
      if (v4) {
        address = v4.join('.');
      } else if (/^[\d.]*$/.test(hostText)) {
        this.report(arg.range, 'IPVSADM007', `Invalid ${what} '${text}': '${hostText}' is not a dotted-quad IPv4 address.`);
        return undefined;
      } else if (HOSTNAME.test(hostText)) {
        this.report(arg.range, 'IPVSADM008',
          `'${hostText}' is a host name: ipvsadm resolves it (first IPv4 address) when the rule is applied; it is kept as written here and cannot be compared with addresses. Use ipvsadm -S -n for numeric rules.`);
        address = hostText;
      } else {
        this.report(arg.range, 'IPVSADM007', `Invalid ${what} '${text}': not an IPv4 address, an [IPv6] address or a host name.`);
        return undefined;
      }
    }
    if (portText === undefined) return { address, family, hostText };
    if (portText === '') {
      this.report(arg.range, 'IPVSADM007', `Invalid ${what} '${text}': empty port after ':'.`);
      return undefined;
    }
    const n = parseUint(portText);
    if (n !== undefined) {
      if (n > 65535) {
        this.report(arg.range, 'IPVSADM010', `Port ${portText} is out of range: 0…65535.`);
        return undefined;
      }
      return { address, family, port: n, hostText };
    }
    const named = serviceNameToPort(portText, protocol);
    if (named === undefined) {
      this.report(arg.range, 'IPVSADM009', `Unknown port name '${portText}' for ${protocol}: ipvsadm looks names up in /etc/services; write the port number.`);
      return undefined;
    }
    return { address, family, port: named, hostText };
  }

  private serviceKey(): ServiceKey | undefined {
    const svc = this.group('service-address');
    let key: ServiceKey | undefined;
    if (svc?.arg) {
      if (svc.spec.id === 'fwmark-service') {
        const n = parseUint(svc.arg.text);
        if (n === undefined || n < 1 || n > 0xffffffff) {
          this.report(svc.arg.range, 'IPVSADM018', `Invalid firewall mark '${svc.arg.text}': a decimal integer 1…4294967295.`);
        } else {
          key = { kind: 'fwmark', fwmark: n, family: 'inet' };
        }
      } else {
        const protocol = PROTOCOL[svc.spec.id] as Protocol;
        const ep = this.endpoint(svc.arg, protocol, 'service address');
        if (ep) key = { kind: 'addr', protocol, address: ep.address, port: ep.port ?? 0, family: ep.family };
      }
    }
    const v6 = this.byId.get('ipv6');
    if (v6) {
      const f = this.byId.get('fwmark-service');
      if (!f || f.token.start > v6.token.start) {
        this.report(v6.token.range, 'IPVSADM022', '-6 must follow -f fwmark (it makes a firewall-mark service IPv6); ipvsadm refuses the line ("-6 used before -f").');
      } else if (key?.kind === 'fwmark') {
        key = { ...key, family: 'inet6' };
      }
    }
    return key;
  }

  private serviceSettings(key: ServiceKey): IpvsServiceSettings {
    let scheduler: Scheduler = DEFAULT_SCHEDULER;
    const s = this.group('scheduler');
    if (s?.arg) {
      if (isScheduler(s.arg.text)) {
        scheduler = s.arg.text;
      } else {
        const best = closestNames(s.arg.text, SCHEDULERS).slice(0, 3);
        const arg = s.arg;
        this.report(arg.range, 'IPVSADM012',
          `Unknown scheduler '${arg.text}' (the kernel answers "Scheduler not found"). Did you mean '${best[0]}'? Schedulers: ${SCHEDULERS.join(', ')}.`,
          best.map((b, i) => ({ title: `Change to '${b}'`, edits: [{ range: arg.range, newText: b }], preferred: i === 0 })));
      }
    }
    const p = this.group('persistent');
    let timeout = DEFAULT_PERSISTENCE_TIMEOUT;
    if (p?.arg) {
      const n = parseUint(p.arg.text);
      if (n === undefined || n < 1 || n > MAX_TIMEOUT) {
        this.report(p.arg.range, 'IPVSADM015', `Invalid persistence timeout '${p.arg.text}': seconds 1…${MAX_TIMEOUT} (31 days); -p alone means 360.`);
      } else {
        timeout = n;
      }
    }
    let netmask = hostNetmaskOf(key.family);
    const m = this.group('netmask');
    if (m?.arg) netmask = this.netmask(m.arg, key.family) ?? netmask;
    if (m && !p) this.report(m.token.range, 'IPVSADM017', '-M sets the persistence granularity: without -p it has no effect (and ipvsadm -S drops it).');
    let pe: 'sip' | undefined;
    const peOpt = this.group('pe');
    if (peOpt?.arg) {
      if (peOpt.arg.text === 'sip') pe = 'sip';
      else this.report(peOpt.arg.range, 'IPVSADM023', `Unknown persistence engine '${peOpt.arg.text}': the kernel has only 'sip' (module ip_vs_pe_sip).`,
        [{ title: "Change to 'sip'", edits: [{ range: peOpt.arg.range, newText: 'sip' }], preferred: true }]);
    }
    if (peOpt && !p) this.report(peOpt.token.range, 'IPVSADM017', '--pe works through persistence: without -p the persistence engine has no effect.');
    const flags = this.schedFlags(scheduler);
    const o = this.group('ops');
    if (o && key.kind === 'addr' && key.protocol !== 'udp') {
      this.report(o.token.range, 'IPVSADM021', `One-packet scheduling (-o) is only for UDP (and firewall-mark) services; ipvsadm refuses it on ${key.protocol.toUpperCase()}.`);
    }
    const svc = this.group('service-address');
    if (key.kind === 'addr' && key.port === 0 && !p && svc?.arg) {
      this.report(svc.arg.range, 'IPVSADM011', 'Port 0 (all ports) is only allowed for a persistent service: add -p, or give a port (ipvsadm: "Zero port specified for non-persistent service").');
    }
    const out: IpvsServiceSettings = { key, scheduler, schedFlags: canonicalSchedFlags(scheduler, flags), onePacket: !!o };
    if (p) out.persistence = { timeout, netmask };
    if (pe) out.pe = pe;
    return out;
  }

  private netmask(arg: RuleToken, family: AddressFamily): string | undefined {
    const text = arg.text;
    if (family === 'inet6') {
      const n = parseUint(text);
      if (n === undefined || n < 1 || n > 128) {
        this.report(arg.range, 'IPVSADM016', `Invalid IPv6 persistence netmask '${text}': a prefix length 1…128.`);
        return undefined;
      }
      return String(n);
    }
    const v4 = parseIPv4(text);
    if (v4) return v4.join('.');
    const n = parseUint(text);
    if (n !== undefined && n <= 0xffffffff) {
      // inet_aton reads a single number as the whole 32-bit address: -M 24 is 0.0.0.24.
      const literal = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
      const fixes: Fix[] = n <= 32 ? [{ title: `Change to ${ipv4PrefixNetmask(n)} (/${n})`, edits: [{ range: arg.range, newText: ipv4PrefixNetmask(n) }], preferred: true }] : [];
      this.report(arg.range, 'IPVSADM036', `For IPv4, -M takes a dotted netmask: ipvsadm reads '${text}' as ${literal}${n <= 32 ? `, not /${n} (${ipv4PrefixNetmask(n)})` : ''}.`, fixes);
      return literal;
    }
    this.report(arg.range, 'IPVSADM016', `Invalid IPv4 persistence netmask '${text}': a dotted netmask such as 255.255.255.0.`);
    return undefined;
  }

  private schedFlags(scheduler: Scheduler): SchedFlag[] {
    const b = this.group('sched-flags');
    if (!b?.arg) return [];
    const flags: SchedFlag[] = [];
    const arg = b.arg;
    let offset = 0;
    for (const part of arg.text.split(',')) {
      const range: Range = {
        start: { line: arg.range.start.line, character: arg.range.start.character + offset },
        end: { line: arg.range.start.line, character: arg.range.start.character + offset + part.length },
      };
      offset += part.length + 1;
      if (part === '') continue;
      if (!isSchedFlag(part)) {
        const best = closestNames(part, ['flag-1', 'flag-2', 'flag-3', `${scheduler === 'mh' ? 'mh' : 'sh'}-fallback`, `${scheduler === 'mh' ? 'mh' : 'sh'}-port`])[0];
        this.report(range, 'IPVSADM013', `Invalid scheduler flag '${part}' (ipvsadm: "invalid scheduler flag"). Flags: sh-fallback, sh-port, mh-fallback, mh-port, flag-1, flag-2, flag-3.`,
          [{ title: `Change to '${best}'`, edits: [{ range, newText: best }], preferred: true }]);
        continue;
      }
      const owner = flagScheduler(part);
      if (owner && owner !== scheduler) {
        this.report(range, 'IPVSADM013', `'${part}' is a flag of the ${owner} scheduler, not of ${scheduler}; ipvsadm refuses it ("incompatible scheduler flag").`);
        continue;
      }
      flags.push(part);
    }
    const bits = schedFlagBits(flags);
    const ignored = printedSchedFlags(scheduler, schedulerUsesFlags(scheduler) ? bits & 4 : bits);
    if (ignored.length > 0) {
      this.report(arg.range, 'IPVSADM014',
        `The ${scheduler} scheduler ignores ${ignored.join(', ')}: only sh (sh-fallback, sh-port) and mh (mh-fallback, mh-port) read scheduler flags.`);
    }
    return flags;
  }

  private checkServiceReset(settings: IpvsServiceSettings): void {
    const cur = this.machine.service(settings.key);
    if (!cur) return;
    const resets: string[] = [];
    let keep = '';
    const p = this.group('persistent');
    if (!this.group('scheduler') && cur.scheduler !== settings.scheduler) {
      resets.push(`scheduler ${cur.scheduler} → ${settings.scheduler}`);
      keep += ` -s ${cur.scheduler}`;
    }
    if (!this.group('sched-flags') && cur.schedFlags.length > 0) {
      const printed = printedSchedFlags(cur.scheduler, schedFlagBits(cur.schedFlags)).join(',');
      resets.push(`scheduler flags ${printed} → none`);
      keep += ` -b ${printed}`;
    }
    const host = hostNetmaskOf(settings.key.family);
    if (!p && cur.persistence) {
      resets.push(`persistence ${cur.persistence.timeout} s → off`);
      keep += ` -p ${cur.persistence.timeout}`;
      if (cur.persistence.netmask !== host && !this.group('netmask')) keep += ` -M ${cur.persistence.netmask}`;
    } else if (p && !this.group('netmask') && cur.persistence && cur.persistence.netmask !== host) {
      resets.push(`persistence netmask ${cur.persistence.netmask} → ${host}`);
      keep += ` -M ${cur.persistence.netmask}`;
    }
    if (!this.group('pe') && cur.pe) {
      resets.push(`persistence engine ${cur.pe} → none`);
      keep += ` --pe ${cur.pe}`;
    }
    if (!this.group('ops') && cur.onePacket) {
      resets.push('one-packet scheduling → off');
      keep += ' -o';
    }
    if (resets.length === 0) return;
    const cmd = this.line.command as RuleSwitch<unknown>;
    this.report(cmd.token.range, 'IPVSADM029',
      `-E replaces the whole service definition; what this line leaves out is reset to the default: ${resets.join(', ')}. Repeat the settings you want to keep.`,
      [this.insertAtEnd('Keep the current settings', keep)]);
  }

  private serverCommand(id: 'add-server' | 'edit-server' | 'delete-server', key: ServiceKey): IpvsCommand | undefined {
    const r = this.group('real-server');
    const protocol: Protocol = key.kind === 'addr' ? key.protocol : 'tcp';
    const ep = r?.arg ? this.endpoint(r.arg, protocol, 'real server address') : undefined;
    const svcPort = key.kind === 'addr' ? key.port : 0;
    if (id === 'delete-server') {
      return ep ? { kind: 'delete-server', key, server: { address: ep.address, port: ep.port ?? svcPort, family: ep.family } } : undefined;
    }
    const fwd = this.group('forwarding-method');
    const method: ForwardingMethod = fwd ? (FWD[fwd.spec.id] as ForwardingMethod) : 'dr';
    let weight = 1;
    const w = this.group('weight');
    if (w?.arg) {
      const n = parseUint(w.arg.text);
      if (n === undefined || n > 65535) this.report(w.arg.range, 'IPVSADM019', `Invalid weight '${w.arg.text}': 0…65535 (0 quiesces the server).`);
      else weight = n;
    }
    const threshold = (g: OptionGroup): number => {
      const o = this.group(g);
      if (!o?.arg) return 0;
      const n = parseUint(o.arg.text);
      if (n === undefined || n > INT_MAX) {
        this.report(o.arg.range, 'IPVSADM020', `Invalid connection threshold '${o.arg.text}': 0…${INT_MAX} (0 = no limit).`);
        return 0;
      }
      return n;
    };
    const upper = threshold('u-threshold');
    const lower = threshold('l-threshold');
    if (lower > upper) {
      const y = this.group('l-threshold') as RuleSwitch<OptionSpec>;
      this.report((y.arg ?? y.token).range, 'IPVSADM020',
        `Lower threshold ${lower} is above the upper threshold ${upper}${upper === 0 ? ' (no -x: 0)' : ''}: the kernel refuses it ("Numerical result out of range"). Set -x above -y.`);
    }
    const tunnel = this.tunnel(method);
    if (!ep) return undefined;
    if (ep.family !== key.family && method !== 'tun' && r?.arg) {
      this.report(r.arg.range, 'IPVSADM031',
        `${ep.family === 'inet' ? 'IPv4' : 'IPv6'} real server on an ${key.family === 'inet' ? 'IPv4' : 'IPv6'} service: only tunneling (-i) crosses address families; ipvsadm refuses it with ${FWD_NAME[method]} ("Different address family is allowed only for tunneling servers").`);
    }
    let port = ep.port ?? svcPort;
    if (key.kind === 'addr' && method !== 'nat') {
      if (ep.port !== undefined && ep.port !== svcPort && r?.arg) {
        const newText = `${ep.hostText}:${svcPort}`;
        this.report(r.arg.range, 'IPVSADM030',
          `With ${FWD_NAME[method]} the real server receives the packets on the service port ${svcPort}: ipvsadm silently replaces :${ep.port} by :${svcPort}. Use -m (NAT) to map ports.`,
          [{ title: `Change to ${newText}`, edits: [{ range: r.arg.range, newText }], preferred: true }]);
      }
      port = svcPort;
    }
    const server: IpvsRealServer = { address: ep.address, port, family: ep.family, method, weight, upperThreshold: upper, lowerThreshold: lower };
    if (tunnel) server.tunnel = tunnel;
    if (id === 'edit-server') this.checkServerReset(key, server);
    return { kind: id, key, server };
  }

  private tunnel(method: ForwardingMethod): IpvsRealServer['tunnel'] {
    const tunIds: OptionId[] = ['tun-type', 'tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum'];
    const present = this.line.options.filter((o) => tunIds.includes(o.spec.id));
    if (method !== 'tun') {
      if (present.length > 0) {
        this.report(present[0].token.range, 'IPVSADM032', `${present[0].token.text} needs the tunneling method -i; ipvsadm refuses it with ${FWD_NAME[method]} ("Tunnel options conflict with forward method").`);
      }
      return undefined;
    }
    let type: TunnelType = 'ipip';
    const tt = this.group('tun-type');
    if (tt?.arg) {
      if (tt.arg.text === 'ipip' || tt.arg.text === 'gue' || tt.arg.text === 'gre') type = tt.arg.text;
      else this.report(tt.arg.range, 'IPVSADM034', `Invalid tunnel type '${tt.arg.text}': ipip, gue or gre.`);
    }
    let port: number | undefined;
    const tp = this.group('tun-port');
    if (tp?.arg) {
      const n = parseUint(tp.arg.text);
      if (n === undefined || n < 1 || n > 65535) this.report(tp.arg.range, 'IPVSADM034', `Invalid tunnel port '${tp.arg.text}': 1…65535.`);
      else port = n;
    }
    const csums = present.filter((o) => o.spec.id !== 'tun-type' && o.spec.id !== 'tun-port');
    if (type === 'ipip') {
      for (const o of present) {
        if (o.spec.id !== 'tun-type') this.report(o.token.range, 'IPVSADM033', `${o.token.text} does not apply to ipip tunnels: use --tun-type gue${o.spec.id === 'tun-port' ? '' : ' or gre'}.`);
      }
    } else {
      if (type === 'gre' && tp) this.report(tp.token.range, 'IPVSADM033', '--tun-port applies to GUE tunnels only; GRE has no port.');
      if (type === 'gue' && !tp && tt) this.report(tt.token.range, 'IPVSADM033', "A GUE tunnel needs --tun-port (the real server's GUE UDP port).");
      for (let i = 1; i < csums.length; i++) {
        this.report(csums[i].token.range, 'IPVSADM033', `${csums[i].token.text} conflicts with ${csums[0].token.text}: choose one checksum mode.`);
      }
    }
    const checksum = (csums[0]?.spec.id.slice(4) ?? 'nocsum') as TunnelChecksum;
    if (type === 'ipip') return { type };
    if (type === 'gre') return { type, checksum };
    return port === undefined ? { type, checksum } : { type, port, checksum };
  }

  private checkServerReset(key: ServiceKey, server: IpvsRealServer): void {
    const ref: RealServerRef = { address: server.address, port: server.port, family: server.family };
    const cur = this.machine.realServer(key, ref);
    if (!cur) return;
    const resets: string[] = [];
    let keep = '';
    if (!this.group('forwarding-method') && cur.method !== server.method) {
      resets.push(`forwarding ${FWD_NAME[cur.method]} → ${FWD_NAME[server.method]}`);
      keep += ` ${FWD_SWITCH[cur.method]}`;
    }
    if (!this.group('weight') && cur.weight !== server.weight) {
      resets.push(`weight ${cur.weight} → ${server.weight}`);
      keep += ` -w ${cur.weight}`;
    }
    if (!this.group('u-threshold') && cur.upperThreshold !== 0) {
      resets.push(`upper threshold ${cur.upperThreshold} → 0`);
      keep += ` -x ${cur.upperThreshold}`;
    }
    if (!this.group('l-threshold') && cur.lowerThreshold !== 0) {
      resets.push(`lower threshold ${cur.lowerThreshold} → 0`);
      keep += ` -y ${cur.lowerThreshold}`;
    }
    const curTun = cur.method === 'tun' ? cur.tunnel ?? { type: 'ipip' as const } : undefined;
    const keepsTun = server.method === 'tun' || !this.group('forwarding-method');
    if (curTun && curTun.type !== 'ipip' && keepsTun && !this.group('tun-type')) {
      resets.push(`tunnel ${curTun.type} → ipip`);
      keep += ` --tun-type ${curTun.type}${curTun.type === 'gue' ? ` --tun-port ${curTun.port ?? 0}` : ''} --tun-${curTun.checksum ?? 'nocsum'}`;
    }
    if (resets.length === 0) return;
    const cmd = this.line.command as RuleSwitch<unknown>;
    this.report(cmd.token.range, 'IPVSADM029',
      `-e replaces the whole real server definition; what this line leaves out is reset to the default: ${resets.join(', ')}. Repeat the settings you want to keep.`,
      [this.insertAtEnd('Keep the current settings', keep)]);
  }
}

/** Checks one line against the table state before it and applies it when valid. */
export function interpretLine(line: RuleLine, machine: IpvsMachine, cache: EndpointCache = new Map()): LineOutcome {
  return new LineChecker(line, machine, cache).run();
}
