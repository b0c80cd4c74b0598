/**
 * The cluster file's diagnostic codes: one stable code per rule, with its fixed severity and a one-line
 * summary. docs/cluster-file.md lists them with a bad and a good example each.
 */

import type { Severity } from '../diagnostics';

export interface CodeInfo {
  severity: Severity;
  summary: string;
}

export const CLUSTER_FILE_CODES = {
  LVS001: { severity: 'error', summary: 'YAML syntax error' },
  LVS002: { severity: 'warning', summary: 'YAML warning' },
  LVS003: { severity: 'error', summary: '`version` missing or not 1' },
  LVS004: { severity: 'error', summary: 'unknown key' },
  LVS005: { severity: 'error', summary: 'missing required key or empty required list' },
  LVS006: { severity: 'error', summary: 'wrong value type' },
  LVS007: { severity: 'error', summary: 'duplicate key in one mapping' },
  LVS008: { severity: 'error', summary: 'secret in the file' },
  LVS009: { severity: 'error', summary: 'string not allowed (it would reach a shell): bad name, interface, user, path or ssh host' },
  LVS010: { severity: 'error', summary: 'invalid IP address or CIDR' },
  LVS011: { severity: 'error', summary: 'invalid port' },
  LVS012: { severity: 'error', summary: 'invalid firewall mark' },
  LVS013: { severity: 'error', summary: 'unknown value for an enumerated key' },
  LVS014: { severity: 'error', summary: 'unknown scheduler' },
  LVS015: { severity: 'warning', summary: 'scheduler flag ignored by the scheduler' },
  LVS016: { severity: 'error', summary: 'number out of range' },
  LVS017: { severity: 'error', summary: 'lower threshold above upper threshold' },
  LVS018: { severity: 'error', summary: 'invalid persistence netmask' },
  LVS019: { severity: 'error', summary: 'persistence engine without persistence' },
  LVS020: { severity: 'warning', summary: 'option ignored for this protocol (pe sip)' },
  LVS021: { severity: 'warning', summary: 'DR/TUN real server port differs from the service port' },
  LVS022: { severity: 'error', summary: 'invalid tunnel options' },
  LVS023: { severity: 'error', summary: 'duplicate item' },
  LVS024: { severity: 'error', summary: 'service declared by two clusters sharing a director' },
  LVS025: { severity: 'error', summary: 'reference to an unknown host' },
  LVS026: { severity: 'warning', summary: 'proxyJump names no host of this file' },
  LVS027: { severity: 'error', summary: 'host has no address where one is needed' },
  LVS028: { severity: 'error', summary: 'VIP is the own address of a host' },
  LVS029: { severity: 'warning', summary: 'DR real server not on the director\'s subnet' },
  LVS030: { severity: 'error', summary: 'real server address family differs from the service (DR/NAT)' },
  LVS031: { severity: 'warning', summary: 'TUN real server address family differs from the service' },
  LVS032: { severity: 'warning', summary: 'host is a real server with conflicting forwarding methods' },
  LVS033: { severity: 'error', summary: 'NAT real server behind different directors' },
  LVS034: { severity: 'error', summary: 'host is both a director and a real server of the same cluster' },
  LVS035: { severity: 'error', summary: 'unknown IPVS sysctl' },
  LVS036: { severity: 'error', summary: 'invalid IPVS sysctl value' },
  LVS037: { severity: 'error', summary: 'conflicting or misplaced keys' },
  LVS038: { severity: 'error', summary: 'vipLabel not prefixed by the interface name' },
  LVS039: { severity: 'error', summary: 'director has no interface for the VIP' },
  LVS040: { severity: 'error', summary: 'onePacket on a TCP or SCTP service (ipvsadm refuses -o there)' },
  LVS041: { severity: 'warning', summary: 'host keys not checked (strictHostKeyChecking no) or trusted on first use (accept-new)' },
  LVS042: { severity: 'warning', summary: 'knownHostsFile outside the user\'s own files' },
  LVS043: { severity: 'error', summary: 'keepalived key on a cluster of engine ipvsadm' },
  LVS044: { severity: 'error', summary: 'VRRP virtual router id used twice on one link' },
  LVS045: { severity: 'warning', summary: 'two directors with the same VRRP priority (split-brain risk)' },
  LVS046: { severity: 'warning', summary: 'vrrp strict without accept: the VIP does not answer' },
  LVS047: { severity: 'error', summary: 'health check of a fwmark service without a port' },
  LVS048: { severity: 'error', summary: 'health check option that does not apply to its type' },
  LVS049: { severity: 'warning', summary: 'active-active service with a scheduler other than mh or sh (an ECMP rehash breaks its flows)' },
  LVS050: { severity: 'error', summary: 'AS number out of range (1..4294967295) or AS_TRANS' },
  LVS051: { severity: 'warning', summary: 'BGP peer not on the link of a director (and no multihop)' },
  LVS052: { severity: 'error', summary: 'active-active VIP also moved by VRRP (engine keepalived)' },
  LVS053: { severity: 'error', summary: 'announced address is not a VIP of the cluster' },
  LVS054: { severity: 'warning', summary: 'announced VIP of an address family no BGP peer carries' },
} as const satisfies Record<string, CodeInfo>;

export type ClusterFileCode = keyof typeof CLUSTER_FILE_CODES;
