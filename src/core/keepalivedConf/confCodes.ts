/**
 * The diagnostic codes of the keepalived.conf validator, with their severity and a one-line title.
 * Documented with a bad and a good example each in docs/keepalived-conf.md.
 */

import type { Severity } from '../diagnostics';

export const KEEPALIVED_CODES = {
  KAL001: { severity: 'error', title: 'unbalanced braces' },
  KAL002: { severity: 'error', title: 'unterminated quote' },
  KAL003: { severity: 'error', title: 'unknown keyword in this block' },
  KAL004: { severity: 'warning', title: 'keyword newer than keepalived 2.2.7' },
  KAL005: { severity: 'warning', title: 'deprecated keyword' },
  KAL006: { severity: 'error', title: 'block missing or not expected' },
  KAL007: { severity: 'error', title: 'missing or extra value' },
  KAL008: { severity: 'error', title: 'value out of range or invalid' },
  KAL009: { severity: 'error', title: 'unknown scheduler' },
  KAL010: { severity: 'error', title: 'unknown forwarding method' },
  KAL011: { severity: 'error', title: 'duplicate virtual server, real server or named block' },
  KAL012: { severity: 'warning', title: 'include matches no file' },
  KAL013: { severity: 'error', title: 'invalid address' },
  KAL014: { severity: 'error', title: 'reference to a name not defined (above)' },
} as const satisfies Record<string, { severity: Severity; title: string }>;

export type KeepalivedCode = keyof typeof KEEPALIVED_CODES;
