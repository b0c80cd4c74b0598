/**
 * The virtual service of a rules line (-t/-u/--sctp-service address:port or -f fwmark, -6) and the settings
 * of -A/-E: scheduler and its flags, persistence with netmask and engine, one-packet scheduling, with
 * ipvsadm's defaults, and what -E would silently reset.
 */

import type { Fix, Range } from '../diagnostics';
import { ipv4PrefixNetmask, parseIPv4 } from './address';
import { closestNames } from '../closestName';
import type { IpvsServiceSettings } from './ipvsCommand';
import { ruleEndpoint } from './rulesEndpoint';
import type { RuleLineContext } from './rulesLineContext';
import { MAX_TIMEOUT, parseUint } from './rulesLineContext';
import type { RuleSwitch, RuleToken } from './rulesLexer';
import type { OptionId } from './rulesSyntax';
import {
  canonicalSchedFlags, DEFAULT_SCHEDULER, flagScheduler, isSchedFlag, isScheduler, printedSchedFlags, schedFlagBits, schedulerUsesFlags,
} from './schedulers';
import type { AddressFamily, Protocol, SchedFlag, Scheduler, ServiceKey } from './types';
import { SCHEDULERS } from './types';

/** ipvsadm v1.31's IPVS_SVC_PERSISTENT_TIMEOUT (6*60): `-p` without a value gives 360 s (the man page says 300; checked in the lab). */
export const DEFAULT_PERSISTENCE_TIMEOUT = 360;

const PROTOCOL: Readonly<Partial<Record<OptionId, Protocol>>> = { 'tcp-service': 'tcp', 'udp-service': 'udp', 'sctp-service': 'sctp' };

function hostNetmaskOf(family: AddressFamily): string {
  return family === 'inet6' ? '128' : '255.255.255.255';
}

export function serviceKey(c: RuleLineContext): ServiceKey | undefined {
  const svc = c.group('service-address');
  let key: ServiceKey | undefined;
  if (svc?.arg) {
    if (svc.spec.id === 'fwmark-service') {
      const n = parseUint(svc.arg.text);
      if (n === undefined || n < 1 || n > 0xffffffff) {
        c.report(svc.arg.range, 'IPVSADM018', `Invalid firewall mark '${svc.arg.text}': a decimal integer 1…4294967295.`);
      } else {
        key = { kind: 'fwmark', fwmark: n, family: 'inet' };
      }
    } else {
      const protocol = PROTOCOL[svc.spec.id] as Protocol;
      const ep = ruleEndpoint(c, svc.arg, protocol, 'service address');
      if (ep) key = { kind: 'addr', protocol, address: ep.address, port: ep.port ?? 0, family: ep.family };
    }
  }
  const v6 = c.byId.get('ipv6');
  if (v6) {
    const f = c.byId.get('fwmark-service');
    if (!f || f.token.start > v6.token.start) {
      c.report(v6.token.range, 'IPVSADM022', '-6 must follow -f fwmark (it makes a firewall-mark service IPv6); ipvsadm refuses the line ("-6 used before -f").');
    } else if (key?.kind === 'fwmark') {
      key = { ...key, family: 'inet6' };
    }
  }
  return key;
}

export function serviceSettings(c: RuleLineContext, key: ServiceKey): IpvsServiceSettings {
  let scheduler: Scheduler = DEFAULT_SCHEDULER;
  const s = c.group('scheduler');
  if (s?.arg) {
    if (isScheduler(s.arg.text)) {
      scheduler = s.arg.text;
    } else {
      const best = closestNames(s.arg.text, SCHEDULERS).slice(0, 3);
      const arg = s.arg;
      c.report(arg.range, 'IPVSADM012',
        `Unknown scheduler '${arg.text}' (the kernel answers "Scheduler not found"). Did you mean '${best[0]}'? Schedulers: ${SCHEDULERS.join(', ')}.`,
        best.map((b, i) => ({ title: `Change to '${b}'`, edits: [{ range: arg.range, newText: b }], preferred: i === 0 })));
    }
  }
  const p = c.group('persistent');
  let timeout = DEFAULT_PERSISTENCE_TIMEOUT;
  if (p?.arg) {
    const n = parseUint(p.arg.text);
    if (n === undefined || n < 1 || n > MAX_TIMEOUT) {
      c.report(p.arg.range, 'IPVSADM015', `Invalid persistence timeout '${p.arg.text}': seconds 1…${MAX_TIMEOUT} (31 days); -p alone means 360.`);
    } else {
      timeout = n;
    }
  }
  let netmask = hostNetmaskOf(key.family);
  const m = c.group('netmask');
  if (m?.arg) netmask = persistenceNetmask(c, m.arg, key.family) ?? netmask;
  if (m && !p) c.report(m.token.range, 'IPVSADM017', '-M sets the persistence granularity: without -p it has no effect (and ipvsadm -S drops it).');
  let pe: 'sip' | undefined;
  const peOpt = c.group('pe');
  if (peOpt?.arg) {
    if (peOpt.arg.text === 'sip') pe = 'sip';
    else c.report(peOpt.arg.range, 'IPVSADM023', `Unknown persistence engine '${peOpt.arg.text}': the kernel has only 'sip' (module ip_vs_pe_sip).`,
      [{ title: "Change to 'sip'", edits: [{ range: peOpt.arg.range, newText: 'sip' }], preferred: true }]);
  }
  if (peOpt && !p) c.report(peOpt.token.range, 'IPVSADM017', '--pe works through persistence: without -p the persistence engine has no effect.');
  const flags = schedFlags(c, scheduler);
  const o = c.group('ops');
  if (o && key.kind === 'addr' && key.protocol !== 'udp') {
    c.report(o.token.range, 'IPVSADM021', `One-packet scheduling (-o) is only for UDP (and firewall-mark) services; ipvsadm refuses it on ${key.protocol.toUpperCase()}.`);
  }
  const svc = c.group('service-address');
  if (key.kind === 'addr' && key.port === 0 && !p && svc?.arg) {
    c.report(svc.arg.range, 'IPVSADM011', 'Port 0 (all ports) is only allowed for a persistent service: add -p, or give a port (ipvsadm: "Zero port specified for non-persistent service").');
  }
  const out: IpvsServiceSettings = { key, scheduler, schedFlags: canonicalSchedFlags(scheduler, flags), onePacket: !!o };
  if (p) out.persistence = { timeout, netmask };
  if (pe) out.pe = pe;
  return out;
}

function persistenceNetmask(c: RuleLineContext, arg: RuleToken, family: AddressFamily): string | undefined {
  const text = arg.text;
  if (family === 'inet6') {
    const n = parseUint(text);
    if (n === undefined || n < 1 || n > 128) {
      c.report(arg.range, 'IPVSADM016', `Invalid IPv6 persistence netmask '${text}': a prefix length 1…128.`);
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
    c.report(arg.range, 'IPVSADM036', `For IPv4, -M takes a dotted netmask: ipvsadm reads '${text}' as ${literal}${n <= 32 ? `, not /${n} (${ipv4PrefixNetmask(n)})` : ''}.`, fixes);
    return literal;
  }
  c.report(arg.range, 'IPVSADM016', `Invalid IPv4 persistence netmask '${text}': a dotted netmask such as 255.255.255.0.`);
  return undefined;
}

function schedFlags(c: RuleLineContext, scheduler: Scheduler): SchedFlag[] {
  const b = c.group('sched-flags');
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
      c.report(range, 'IPVSADM013', `Invalid scheduler flag '${part}' (ipvsadm: "invalid scheduler flag"). Flags: sh-fallback, sh-port, mh-fallback, mh-port, flag-1, flag-2, flag-3.`,
        [{ title: `Change to '${best}'`, edits: [{ range, newText: best }], preferred: true }]);
      continue;
    }
    const owner = flagScheduler(part);
    if (owner && owner !== scheduler) {
      c.report(range, 'IPVSADM013', `'${part}' is a flag of the ${owner} scheduler, not of ${scheduler}; ipvsadm refuses it ("incompatible scheduler flag").`);
      continue;
    }
    flags.push(part);
  }
  const bits = schedFlagBits(flags);
  const ignored = printedSchedFlags(scheduler, schedulerUsesFlags(scheduler) ? bits & 4 : bits);
  if (ignored.length > 0) {
    c.report(arg.range, 'IPVSADM014',
      `The ${scheduler} scheduler ignores ${ignored.join(', ')}: only sh (sh-fallback, sh-port) and mh (mh-fallback, mh-port) read scheduler flags.`);
  }
  return flags;
}

export function checkServiceReset(c: RuleLineContext, settings: IpvsServiceSettings): void {
  const cur = c.machine.service(settings.key);
  if (!cur) return;
  const resets: string[] = [];
  let keep = '';
  const p = c.group('persistent');
  if (!c.group('scheduler') && cur.scheduler !== settings.scheduler) {
    resets.push(`scheduler ${cur.scheduler} → ${settings.scheduler}`);
    keep += ` -s ${cur.scheduler}`;
  }
  if (!c.group('sched-flags') && cur.schedFlags.length > 0) {
    const printed = printedSchedFlags(cur.scheduler, schedFlagBits(cur.schedFlags)).join(',');
    resets.push(`scheduler flags ${printed} → none`);
    keep += ` -b ${printed}`;
  }
  const host = hostNetmaskOf(settings.key.family);
  if (!p && cur.persistence) {
    resets.push(`persistence ${cur.persistence.timeout} s → off`);
    keep += ` -p ${cur.persistence.timeout}`;
    if (cur.persistence.netmask !== host && !c.group('netmask')) keep += ` -M ${cur.persistence.netmask}`;
  } else if (p && !c.group('netmask') && cur.persistence && cur.persistence.netmask !== host) {
    resets.push(`persistence netmask ${cur.persistence.netmask} → ${host}`);
    keep += ` -M ${cur.persistence.netmask}`;
  }
  if (!c.group('pe') && cur.pe) {
    resets.push(`persistence engine ${cur.pe} → none`);
    keep += ` --pe ${cur.pe}`;
  }
  if (!c.group('ops') && cur.onePacket) {
    resets.push('one-packet scheduling → off');
    keep += ' -o';
  }
  if (resets.length === 0) return;
  const cmd = c.line.command as RuleSwitch<unknown>;
  c.report(cmd.token.range, 'IPVSADM029',
    `-E replaces the whole service definition; what this line leaves out is reset to the default: ${resets.join(', ')}. Repeat the settings you want to keep.`,
    [c.insertAtEnd('Keep the current settings', keep)]);
}