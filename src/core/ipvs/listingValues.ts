/**
 * The values a listing may hold and their kernel ranges, shared by the listing parsers: the names
 * ipvsadm and /proc print (in Maps, so `constructor` or `__proto__` are never a protocol or a method),
 * and decimal numbers read only when they are all digits and inside their range. Every number a
 * parser returns is a safe integer: a counter above 2^53 − 1 is an error on its line, not a rounded
 * value (the model's counters are plain numbers).
 */

import type { ForwardingMethod, Protocol, TunnelChecksum } from './types';

/** Ports, and the weight as ipvsadm sets it (`-w 0…65535`). */
export const U16_MAX = 0xffff;
/** Connection counts, thresholds, firewall marks, timeouts: the kernel's u32 fields. */
export const U32_MAX = 0xffffffff;

export const PROTOCOLS: ReadonlyMap<string, Protocol> = new Map([['TCP', 'tcp'], ['UDP', 'udp'], ['SCTP', 'sctp']]);
export const METHODS: ReadonlyMap<string, ForwardingMethod> = new Map([['Route', 'dr'], ['Masq', 'nat'], ['Tunnel', 'tun'], ['Local', 'dr']]);
/** `--tun-info` checksum spellings. */
export const CHECKSUMS: ReadonlyMap<string, TunnelChecksum> = new Map([['-c', 'nocsum'], ['+c', 'csum'], ['r+c', 'remcsum']]);

/** `text` as a decimal integer in [min, max] (digits only, no sign), or undefined. */
export function decimalIn(text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined || text.length === 0) return undefined;
  let z = 0;
  while (z < text.length - 1 && text.charCodeAt(z) === 48) z++; // leading zeros
  if (text.length - z > 16) return undefined; // beyond 2^53 whatever follows
  let x = 0;
  for (let i = z; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    x = x * 10 + (c - 48);
  }
  return x >= min && x <= max ? x : undefined;
}

/** `text` as a hexadecimal integer in [0, max], or undefined (max is a safe integer). */
export function hexIn(text: string | undefined, max: number): number | undefined {
  if (text === undefined || text.length === 0 || !/^[0-9A-Fa-f]+$/.test(text)) return undefined;
  let z = 0;
  while (z < text.length - 1 && text.charCodeAt(z) === 48) z++; // leading zeros
  if (text.length - z > 14) return undefined; // beyond 2^53 whatever follows
  // parseInt rounds above 2^53, but never below 2^53: such a value still fails `<= max`.
  const x = parseInt(text.slice(z), 16);
  return x <= max ? x : undefined;
}

/** `IP Virtual Server version 1.2.1 (size=4096)` → version and size, or undefined when unreadable. */
export function versionLine(line: string): { version: string; size: number } | undefined {
  const m = /^IP Virtual Server version (\S+) \(size=(\d+)\)\s*$/.exec(line);
  if (!m) return undefined;
  const size = decimalIn(m[2], 1, U32_MAX);
  return size === undefined ? undefined : { version: m[1], size };
}
