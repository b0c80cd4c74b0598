/**
 * IP address parsing and canonical formatting without any dependency: IPv4 dotted quads, IPv6 in every
 * textual form RFC 4291 allows (with embedded IPv4), printed back as RFC 5952 — what inet_ntop and so
 * ipvsadm print — so that addresses from a YAML file and from ipvsadm output compare as strings.
 */

import type { AddressFamily } from './types';

const IPV4_PART = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses a dotted-quad IPv4 address (no leading zeros, no shorthand). */
export function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!IPV4_PART.test(p)) return undefined;
    out.push(Number(p));
  }
  return out;
}

/** Parses an IPv6 address into 8 16-bit groups. Zone ids (`%eth0`) are not accepted. */
export function parseIPv6(text: string): number[] | undefined {
  if (text.length < 2 || text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let head = text;
  let tailV4: number[] | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tailV4 = parseIPv4(text.slice(lastColon + 1));
    if (!tailV4) return undefined;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = head.indexOf('::');
  if (dbl !== -1 && head.indexOf('::', dbl + 1) !== -1) return undefined;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[] | undefined;
  if (dbl === -1) {
    groups = parseGroups(head);
    if (!groups || groups.length !== 8) return undefined;
  } else {
    const left = parseGroups(head.slice(0, dbl));
    const right = parseGroups(head.slice(dbl + 2));
    if (!left || !right || left.length + right.length > 7) return undefined;
    groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  }
  if (tailV4) {
    groups[6] = (tailV4[0] << 8) | tailV4[1];
    groups[7] = (tailV4[2] << 8) | tailV4[3];
  }
  return groups;
}

/** RFC 5952 text: lower case, no leading zeros, the longest run (≥2) of zero groups as `::`. */
export function formatIPv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  // inet_ntop prints IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms with a dotted tail.
  const isMapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  const isCompat = groups.slice(0, 6).every((g) => g === 0) && groups[6] !== 0;
  if (isMapped || isCompat) {
    const v4 = `${groups[6] >> 8}.${groups[6] & 255}.${groups[7] >> 8}.${groups[7] & 255}`;
    return isMapped ? `::ffff:${v4}` : `::${v4}`;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export interface ParsedAddress {
  family: AddressFamily;
  /** Canonical text. */
  text: string;
}

/** Parses an IPv4 or IPv6 address and returns its canonical text, or undefined if it is not one. */
export function parseAddress(text: string): ParsedAddress | undefined {
  const v4 = parseIPv4(text);
  if (v4) return { family: 'inet', text: v4.join('.') };
  const v6 = parseIPv6(text);
  if (v6) return { family: 'inet6', text: formatIPv6(v6) };
  return undefined;
}

export interface ParsedCidr {
  family: AddressFamily;
  address: string;
  prefix: number;
}

/** `10.0.0.1/24`, `fd00::1/64`. */
export function parseCidr(text: string): ParsedCidr | undefined {
  const slash = text.indexOf('/');
  if (slash === -1) return undefined;
  const addr = parseAddress(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!addr || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > (addr.family === 'inet' ? 32 : 128)) return undefined;
  return { family: addr.family, address: addr.text, prefix };
}

/** A contiguous IPv4 netmask (`255.255.255.0`) → prefix length, else undefined. */
export function ipv4NetmaskPrefix(text: string): number | undefined {
  const parts = parseIPv4(text);
  if (!parts) return undefined;
  const n = ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
  const inverted = ~n >>> 0;
  if ((inverted & (inverted + 1)) !== 0) return undefined;
  let prefix = 0;
  for (let bit = 31; bit >= 0 && ((n >>> bit) & 1) === 1; bit--) prefix++;
  return prefix;
}

export function ipv4PrefixNetmask(prefix: number): string {
  const n = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Address bytes (4 or 16) for subnet arithmetic. */
export function addressBytes(text: string): number[] | undefined {
  const v4 = parseIPv4(text);
  if (v4) return v4;
  const v6 = parseIPv6(text);
  if (!v6) return undefined;
  return v6.flatMap((g) => [g >> 8, g & 255]);
}

/** True when both addresses are of one family and share the first `prefix` bits. */
export function sameSubnet(a: string, b: string, prefix: number): boolean {
  const x = addressBytes(a);
  const y = addressBytes(b);
  if (!x || !y || x.length !== y.length) return false;
  let bits = prefix;
  for (let i = 0; i < x.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((x[i] & mask) !== (y[i] & mask)) return false;
  }
  return true;
}

/** `addr:port` for IPv4, `[addr]:port` for IPv6 — ipvsadm's spelling. */
export function formatHostPort(address: string, port: number, family: AddressFamily): string {
  return family === 'inet6' ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Splits `10.0.0.1:80` / `[fd00::1]:80`; the address is canonicalised. */
export function parseHostPort(text: string): { address: string; family: AddressFamily; port: number } | undefined {
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1 || text[close + 1] !== ':') return undefined;
    host = text.slice(1, close);
    portText = text.slice(close + 2);
    const a = parseAddress(host);
    if (!a || a.family !== 'inet6') return undefined;
    host = a.text;
  } else {
    const colon = text.lastIndexOf(':');
    if (colon === -1) return undefined;
    const a = parseAddress(text.slice(0, colon));
    if (!a || a.family !== 'inet') return undefined;
    host = a.text;
    portText = text.slice(colon + 1);
  }
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port > 65535) return undefined;
  return { address: host, family: host.includes(':') ? 'inet6' : 'inet', port };
}
