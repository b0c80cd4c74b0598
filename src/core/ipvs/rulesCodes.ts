/**
 * The diagnostic codes of the ipvsadm rules validator, with their severity and a one-line title.
 * Documented with a bad and a good example each in docs/ipvsadm-rules.md.
 */

import type { Severity } from '../diagnostics';

export const RULES_CODES = {
  IPVSADM001: { severity: 'error', title: 'line without a command' },
  IPVSADM002: { severity: 'error', title: 'unknown option' },
  IPVSADM003: { severity: 'error', title: 'option not allowed with this command' },
  IPVSADM004: { severity: 'error', title: 'missing required option' },
  IPVSADM005: { severity: 'error', title: 'command or option given twice' },
  IPVSADM006: { severity: 'error', title: 'missing or unexpected argument' },
  IPVSADM007: { severity: 'error', title: 'invalid address' },
  IPVSADM008: { severity: 'information', title: 'host name not resolved' },
  IPVSADM009: { severity: 'error', title: 'unknown port name' },
  IPVSADM010: { severity: 'error', title: 'port out of range' },
  IPVSADM011: { severity: 'error', title: 'port 0 on a non-persistent service' },
  IPVSADM012: { severity: 'error', title: 'unknown scheduler' },
  IPVSADM013: { severity: 'error', title: 'invalid or incompatible scheduler flag' },
  IPVSADM014: { severity: 'warning', title: 'scheduler flag ignored by the scheduler' },
  IPVSADM015: { severity: 'error', title: 'persistence timeout out of range' },
  IPVSADM016: { severity: 'error', title: 'invalid netmask' },
  IPVSADM017: { severity: 'warning', title: 'persistence option without -p' },
  IPVSADM018: { severity: 'error', title: 'invalid firewall mark' },
  IPVSADM019: { severity: 'error', title: 'weight out of range' },
  IPVSADM020: { severity: 'error', title: 'invalid connection thresholds' },
  IPVSADM021: { severity: 'error', title: 'one-packet scheduling on a non-UDP service' },
  IPVSADM022: { severity: 'error', title: '-6 without a preceding -f' },
  IPVSADM023: { severity: 'error', title: 'unknown persistence engine' },
  IPVSADM024: { severity: 'error', title: 'service not defined (yet)' },
  IPVSADM025: { severity: 'error', title: 'service already exists' },
  IPVSADM026: { severity: 'error', title: 'no such service' },
  IPVSADM027: { severity: 'error', title: 'real server already exists' },
  IPVSADM028: { severity: 'error', title: 'no such real server' },
  IPVSADM029: { severity: 'warning', title: 'edit resets unspecified settings' },
  IPVSADM030: { severity: 'warning', title: 'real server port ignored (DR/TUN)' },
  IPVSADM031: { severity: 'error', title: 'address family mismatch without tunneling' },
  IPVSADM032: { severity: 'error', title: 'tunnel options without -i' },
  IPVSADM033: { severity: 'error', title: 'tunnel option invalid for the tunnel type' },
  IPVSADM034: { severity: 'error', title: 'invalid tunnel type or port' },
  IPVSADM035: { severity: 'warning', title: 'command without effect in a rules file' },
  IPVSADM036: { severity: 'warning', title: 'IPv4 netmask written as a number' },
  IPVSADM037: { severity: 'error', title: 'invalid timeout or sync daemon value' },
} as const satisfies Record<string, { severity: Severity; title: string }>;

export type RulesCode = keyof typeof RULES_CODES;
