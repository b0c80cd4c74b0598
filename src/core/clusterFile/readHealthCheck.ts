/**
 * Reads `healthCheck:` of a service or a real server (keepalived clusters): the checker type and its options,
 * each value validated so that it can be written into keepalived.conf as one word. A real server's mapping
 * inherits every key it does not set from its service's (type-specific keys only while the type stays the
 * same); `resolveHealthCheck` merges the two and fills the defaults.
 */

import { isScalar } from 'yaml';
import { describe, itemEntry, spanOf, type Entry, type EntryReader } from './entryReader';
import { ENUMS } from './formatKeys';
import { removeFix, type Span } from './quickFixes';
import { isSafePath } from './stringRules';
import type { DnsRecordType, HealthCheckSpec, HealthCheckType } from './types';

/** Defaults of a health check (docs/ha.md): a server down is noticed within about interval + (timeout + retryDelay) × (retries + 1). */
export const HEALTH_CHECK_DEFAULTS = { interval: 5, timeout: 3, retries: 2, retryDelay: 1 } as const;

/** Keys that belong to some check types only. */
const TYPE_KEYS: Readonly<Record<string, readonly HealthCheckType[]>> = {
  path: ['http', 'https'], statusCodes: ['http', 'https'], digest: ['http', 'https'], virtualHost: ['http', 'https'],
  dnsName: ['dns'], dnsType: ['dns'], script: ['misc'],
};

/** An HTTP request path keepalived.conf can hold as one word: no blanks, quotes, braces, `#`, `!`, `$`, `;`, `\`. */
const URL_PATH = /^\/[A-Za-z0-9._~%/?=&+:@,*()-]{0,1023}$/;
/** A DNS name (trailing dot allowed) or `.`. */
const DNS_NAME = /^(?:\.|[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_][A-Za-z0-9_-]{0,62})*\.?)$/;
const MD5_HEX = /^[0-9a-fA-F]{32}$/;

export function isUrlPath(text: string): boolean {
  return URL_PATH.test(text);
}

export function isDnsName(text: string): boolean {
  return text.length <= 253 && DNS_NAME.test(text);
}

/** What one `healthCheck:` mapping sets, before defaults and inheritance. */
export interface HealthCheckFields {
  type?: HealthCheckType;
  port?: number;
  interval?: number;
  timeout?: number;
  retries?: number;
  retryDelay?: number;
  warmup?: number;
  inhibitOnFailure?: boolean;
  path?: string;
  statusCodes?: number[];
  digest?: string;
  virtualHost?: string;
  dnsName?: string;
  dnsType?: DnsRecordType;
  script?: string;
  /** The `healthCheck` key, for diagnostics about the whole check. */
  keySpan: Span;
}

/** A number of seconds in [min, max], fractions allowed (LVS006 / LVS016 otherwise). */
export function readSeconds(r: EntryReader, e: Entry | undefined, min: number, max: number, what: string): number | undefined {
  if (!e) return undefined;
  const v = e.value;
  if (v === null || !isScalar(v) || typeof v.value !== 'number' || !Number.isFinite(v.value)) {
    return r.wrongType(e, 'a number of seconds (fractions allowed, like 0.5)');
  }
  const n = v.value;
  if (n < min || n > max) {
    r.sink.report('LVS016', e.valueSpan, `${what} must be between ${min} and ${max} seconds; found ${n}.`);
    return undefined;
  }
  return n;
}

/**
 * Reads one `healthCheck:` mapping. `inherited` is the service's check when reading a real server's override
 * (its type then need not be repeated).
 */
export function readHealthCheck(r: EntryReader, entry: Entry, inherited?: HealthCheckFields): HealthCheckFields | undefined {
  const map = r.mapping(entry);
  if (!map) return undefined;
  const e = r.entries(map, 'healthCheck');
  const out: HealthCheckFields = { keySpan: entry.keySpan };
  const typeEntry = e.get('type');
  const type = r.enumValue<HealthCheckType>(typeEntry, ENUMS.healthCheckType, 'health check type');
  if (type !== undefined) out.type = type;
  else if (!typeEntry && !inherited?.type) {
    r.missing(map, 'healthCheck', 'type', ` (${ENUMS.healthCheckType.join(', ')})`);
  }
  if (typeEntry && type === undefined) return undefined;
  const effective = type ?? inherited?.type;

  const port = r.ranged(e.get('port'), 1, 65535, 'LVS011', 'A health check port');
  if (port !== undefined) out.port = port;
  const interval = readSeconds(r, e.get('interval'), 0.001, 86400, 'The check interval');
  if (interval !== undefined) out.interval = interval;
  const timeout = readSeconds(r, e.get('timeout'), 0.001, 3600, 'The check timeout');
  if (timeout !== undefined) out.timeout = timeout;
  const retries = r.ranged(e.get('retries'), 0, 100, 'LVS016', 'The number of retries');
  if (retries !== undefined) out.retries = retries;
  const retryDelay = readSeconds(r, e.get('retryDelay'), 0, 3600, 'The retry delay');
  if (retryDelay !== undefined) out.retryDelay = retryDelay;
  const warmup = readSeconds(r, e.get('warmup'), 0, 86400, 'The warm-up');
  if (warmup !== undefined) out.warmup = warmup;
  const inhibit = r.boolean(e.get('inhibitOnFailure'));
  if (inhibit !== undefined) out.inhibitOnFailure = inhibit;

  for (const [key, types] of Object.entries(TYPE_KEYS)) {
    const k = e.get(key);
    if (!k || effective === undefined || types.includes(effective)) continue;
    r.sink.report('LVS048', k.keySpan, `"${key}" only applies to ${types.join(' and ')} checks; this one is ${effective}.`,
      [removeFix(`Remove "${key}"`, r.text, r.sink.lines, k.pairSpan)]);
    e.delete(key);
  }
  const path = r.safe(e.get('path'), isUrlPath, 'an HTTP path starting with "/" (letters, digits and . _ ~ % / ? = & + : @ , * ( ) -, no blanks or quotes)');
  if (path !== undefined) out.path = path;
  const codes = readStatusCodes(r, e.get('statusCodes'));
  if (codes !== undefined) out.statusCodes = codes;
  const digestEntry = e.get('digest');
  const digest = r.string(digestEntry);
  if (digest !== undefined && digestEntry) {
    if (MD5_HEX.test(digest)) out.digest = digest.toLowerCase();
    else r.sink.report('LVS009', digestEntry.valueSpan, `"${digest}" is not an MD5 digest (32 hexadecimal digits, as genhash prints).`);
  }
  const vhost = r.safe(e.get('virtualHost'), isDnsName, 'a host name for the Host header (letters, digits, "-", "_" and dots)');
  if (vhost !== undefined) out.virtualHost = vhost;
  const dnsName = r.safe(e.get('dnsName'), isDnsName, 'a DNS name to query (letters, digits, "-", "_" and dots, or ".")');
  if (dnsName !== undefined) out.dnsName = dnsName;
  const dnsType = r.enumValue<DnsRecordType>(e.get('dnsType'), ENUMS.dnsType, 'DNS record type');
  if (dnsType !== undefined) out.dnsType = dnsType;
  const scriptEntry = e.get('script');
  const script = r.safe(scriptEntry, (s) => s.startsWith('/') && isSafePath(s),
    'an absolute script path of safe characters (letters, digits, . _ @ + / -), without arguments');
  if (script !== undefined) out.script = script;
  if (effective === 'misc' && !scriptEntry && !(inherited?.type === 'misc' && inherited.script !== undefined)) {
    r.missing(map, 'healthCheck', 'script', ' (the absolute path of the check script; exit 0 means healthy)');
  }
  return out;
}

function readStatusCodes(r: EntryReader, e: Entry | undefined): number[] | undefined {
  const items = r.list(e);
  if (!items || !e) return undefined;
  const codes = new Set<number>();
  for (const node of items) {
    const item = itemEntry('statusCodes', node, node);
    const v = node;
    if (!isScalar(v) || typeof v.value !== 'number' || !Number.isInteger(v.value)) {
      r.sink.report('LVS006', spanOf(node), `A status code is a whole number like 200; found ${describe(v)}.`);
      continue;
    }
    const code = r.ranged(item, 100, 599, 'LVS016', 'An HTTP status code');
    if (code !== undefined) codes.add(code);
  }
  if (codes.size === 0) {
    r.sink.report('LVS005', e.valueSpan, 'statusCodes needs at least one HTTP status code (default [200]).');
    return undefined;
  }
  return [...codes].sort((a, b) => a - b);
}

const TYPE_SPECIFIC: readonly (keyof HealthCheckFields)[] = ['path', 'statusCodes', 'digest', 'virtualHost', 'dnsName', 'dnsType', 'script'];

/** The effective check: `own` over `inherited` (type-specific keys only while the type is the same), defaults filled. */
export function resolveHealthCheck(inherited: HealthCheckFields | undefined, own: HealthCheckFields | undefined): HealthCheckSpec | undefined {
  const type = own?.type ?? inherited?.type;
  if (type === undefined) return undefined;
  const base: Partial<HealthCheckFields> = { ...inherited };
  if (own?.type !== undefined && inherited?.type !== own.type) for (const k of TYPE_SPECIFIC) delete base[k];
  const m: Partial<HealthCheckFields> = { ...base, ...own };
  if (type === 'misc' && m.script === undefined) return undefined;
  const spec: HealthCheckSpec = {
    type,
    interval: m.interval ?? HEALTH_CHECK_DEFAULTS.interval,
    timeout: m.timeout ?? HEALTH_CHECK_DEFAULTS.timeout,
    retries: m.retries ?? HEALTH_CHECK_DEFAULTS.retries,
    retryDelay: m.retryDelay ?? HEALTH_CHECK_DEFAULTS.retryDelay,
    inhibitOnFailure: m.inhibitOnFailure ?? false,
  };
  if (m.port !== undefined) spec.port = m.port;
  if (m.warmup !== undefined) spec.warmup = m.warmup;
  if (type === 'http' || type === 'https') {
    spec.path = m.path ?? '/';
    spec.statusCodes = m.statusCodes ?? [200];
    if (m.digest !== undefined) spec.digest = m.digest;
    if (m.virtualHost !== undefined) spec.virtualHost = m.virtualHost;
  }
  if (type === 'dns') {
    if (m.dnsName !== undefined) spec.dnsName = m.dnsName;
    if (m.dnsType !== undefined) spec.dnsType = m.dnsType;
  }
  if (type === 'misc') spec.script = m.script;
  return spec;
}
