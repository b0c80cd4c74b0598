/**
 * keepalived's health checks as the import reads them: the timing keys a virtual server, a real server and a
 * checker may each set (the nearer one wins), and one checker block (TCP_CHECK, HTTP_GET, SSL_GET, DNS_CHECK,
 * SMTP_CHECK, MISC_CHECK) with its url blocks → the EFFECTIVE HealthCheckSpec, keepalived's defaults applied.
 * Whatever the cluster file cannot hold is reported through SiteNotes, naming its file and line.
 */
import type { DnsRecordType, HealthCheckSpec, HealthCheckType } from '../clusterFile/types';
import type { ConfNode } from '../keepalivedConf/confParser';
import { KEEPALIVED_DEFAULTS } from './keepalivedSiteTypes';

/** Where the readers report: a statement kept with a remark, or one the cluster file has no key for. */
export interface SiteNotes {
  warn(n: ConfNode, text: string): void;
  lost(n: ConfNode, where: string, why?: string): void;
}

export const CHECKERS: Readonly<Record<string, HealthCheckType>> = {
  TCP_CHECK: 'tcp', HTTP_GET: 'http', SSL_GET: 'https', DNS_CHECK: 'dns', SMTP_CHECK: 'smtp', MISC_CHECK: 'misc',
};
export const UNSUPPORTED_CHECKERS = new Set(['PING_CHECK', 'UDP_CHECK', 'FILE_CHECK', 'BFD_CHECK']);
const DNS_TYPES: readonly DnsRecordType[] = ['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA'];

/** Timing keys a virtual server, a real server and a checker may each set (the nearer one wins). */
export interface Timing {
  delayLoop?: number;
  connectTimeout?: number;
  retry?: number;
  delayBeforeRetry?: number;
  warmup?: number;
  inhibit?: boolean;
}

export const num = (text: string | undefined): number | undefined => {
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
};
export const int = (text: string | undefined): number | undefined => (text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined);

/** Reads a timing key into `into`; false when `n` is none. */
export function readTiming(n: ConfNode, into: Timing): boolean {
  const v = n.args[0]?.text;
  switch (n.keyword.text) {
    case 'delay_loop': { const x = num(v); if (x !== undefined) into.delayLoop = x; return true; }
    case 'connect_timeout': { const x = num(v); if (x !== undefined) into.connectTimeout = x; return true; }
    case 'retry': case 'nb_get_retry': { const x = int(v); if (x !== undefined) into.retry = x; return true; }
    case 'delay_before_retry': { const x = num(v); if (x !== undefined) into.delayBeforeRetry = x; return true; }
    case 'warmup': { const x = num(v); if (x !== undefined) into.warmup = x; return true; }
    case 'inhibit_on_failure': into.inhibit = v === undefined || v === 'true' || v === 'on' || v === 'yes'; return true;
    default: return false;
  }
}

export function readChecker(notes: SiteNotes, b: ConfNode, where: string, inherited: Timing, vsVirtualHost: string | undefined): HealthCheckSpec | undefined {
  const type = CHECKERS[b.keyword.text];
  const own: Timing = {};
  let port: number | undefined;
  let checkerVhost: string | undefined;
  let url: { path?: string; digest?: string; codes?: number[]; vhost?: string } | undefined;
  let dnsType: DnsRecordType | undefined;
  let dnsName: string | undefined;
  let script: string | undefined;
  let scriptOk = true;
  let miscTimeout: number | undefined;
  const here = `${b.keyword.text} of ${where}`;
  for (const n of b.block?.children ?? []) {
    const v = n.args.map((t) => t.text);
    if (n.keyword.text !== 'inhibit_on_failure' && readTiming(n, own)) continue;
    switch (n.keyword.text) {
      case 'connect_port': port = int(v[0]); break;
      case 'virtualhost': if (type === 'http' || type === 'https') checkerVhost = v[0]; else notes.lost(n, here); break;
      case 'url':
        if (type !== 'http' && type !== 'https') { notes.lost(n, here); break; }
        if (url) { notes.lost(n, here, 'the cluster file holds one URL per check; the first is imported'); break; }
        url = readUrl(notes, n, here);
        break;
      case 'type': if (type === 'dns' && (DNS_TYPES as readonly string[]).includes(v[0] ?? '')) dnsType = v[0] as DnsRecordType; else notes.lost(n, here); break;
      case 'name': if (type === 'dns') dnsName = v[0]; else notes.lost(n, here); break;
      case 'misc_path':
        if (type !== 'misc') { notes.lost(n, here); break; }
        script = v[0];
        if (n.args.length !== 1 || !(script ?? '').startsWith('/') || /\s/.test(script ?? '')) {
          scriptOk = false;
          notes.lost(b, where, `misc_path "${v.join(' ')}" is not one absolute path without arguments, the only script the cluster file holds: the check is not imported`);
        }
        break;
      case 'misc_timeout': miscTimeout = int(v[0]); break;
      default: notes.lost(n, here);
    }
  }
  if (type === 'misc' && (script === undefined || !scriptOk)) {
    if (script === undefined) notes.lost(b, where, 'MISC_CHECK without misc_path: keepalived ignores it');
    return undefined;
  }
  const t: Timing = { ...inherited, ...own };
  const interval = t.delayLoop ?? KEEPALIVED_DEFAULTS.delayLoop;
  const spec: HealthCheckSpec = {
    type,
    interval,
    timeout: type === 'misc' ? (miscTimeout ?? interval) : (t.connectTimeout ?? KEEPALIVED_DEFAULTS.connectTimeout),
    retries: t.retry ?? (type === 'misc' ? KEEPALIVED_DEFAULTS.miscRetry : KEEPALIVED_DEFAULTS.retry),
    retryDelay: t.delayBeforeRetry ?? KEEPALIVED_DEFAULTS.delayBeforeRetry,
    inhibitOnFailure: inherited.inhibit ?? false,
  };
  if (port !== undefined) spec.port = port;
  if (t.warmup !== undefined) spec.warmup = t.warmup;
  if (type === 'http' || type === 'https') {
    if (!url) { notes.lost(b, where, 'an HTTP check without url: keepalived checks nothing'); return undefined; }
    spec.path = url.path ?? '/';
    const { min, max } = KEEPALIVED_DEFAULTS.statusCodes;
    spec.statusCodes = url.codes ?? Array.from({ length: max - min + 1 }, (_, i) => min + i);
    if (url.digest !== undefined) spec.digest = url.digest.toLowerCase();
    const vh = url.vhost ?? checkerVhost ?? vsVirtualHost;
    if (vh !== undefined) spec.virtualHost = vh;
  }
  if (type === 'dns') {
    if (dnsType !== undefined) spec.dnsType = dnsType;
    if (dnsName !== undefined) spec.dnsName = dnsName;
  }
  if (type === 'misc') spec.script = script;
  return spec;
}

function readUrl(notes: SiteNotes, b: ConfNode, where: string): { path?: string; digest?: string; codes?: number[]; vhost?: string } {
  const out: { path?: string; digest?: string; codes?: number[]; vhost?: string } = {};
  for (const n of b.block?.children ?? []) {
    const v = n.args.map((t) => t.text);
    switch (n.keyword.text) {
      case 'path': out.path = v[0]; break;
      case 'digest': out.digest = v[0]; break;
      case 'virtualhost': out.vhost = v[0]; break;
      case 'status_code': {
        const codes = new Set(out.codes ?? []);
        for (const word of v) {
          const m = /^(\d{3})(?:-(\d{3}))?$/.exec(word);
          if (!m) { notes.warn(n, `status code "${word}" is not one keepalived accepts; not imported`); continue; }
          for (let c = Number(m[1]); c <= Number(m[2] ?? m[1]); c++) if (c >= 100 && c <= 599) codes.add(c);
        }
        if (codes.size > 0) out.codes = [...codes].sort((x, y) => x - y);
        break;
      }
      default: notes.lost(n, `url of ${where}`);
    }
  }
  return out;
}
