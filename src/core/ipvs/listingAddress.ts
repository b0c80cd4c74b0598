/**
 * Endpoints as ipvsadm listings print them: `10.0.0.1:80`, `[2001:db8::1]:80`, and without `-n`
 * `vip:http` (host names kept as written, port names resolved from the built-in /etc/services subset).
 */

import { formatIPv6, parseIPv4, parseIPv6 } from './address';
import type { AddressFamily, Protocol } from './types';
import { serviceNameToPort } from './wellKnownServices';

export interface ListedEndpoint {
  address: string;
  family: AddressFamily;
  port: number;
  /** The address is a host name (listing without -n): not canonical, not comparable. */
  hostName?: true;
  /** The port was a name missing from the built-in subset (port is then 0). */
  unknownPortName?: string;
}

export function parseListedEndpoint(text: string, protocol: Protocol): ListedEndpoint | undefined {
  let host: string;
  let portText: string;
  let family: AddressFamily = 'inet';
  let address: string;
  let hostName = false;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1 || text[close + 1] !== ':') return undefined;
    host = text.slice(1, close);
    portText = text.slice(close + 2);
    const g = parseIPv6(host);
    if (g) address = formatIPv6(g);
    else if (/^[A-Za-z0-9_.-]+$/.test(host)) { address = host; hostName = true; }
    else return undefined;
    family = 'inet6';
  } else {
    const colon = text.lastIndexOf(':');
    if (colon <= 0) return undefined;
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    const v4 = parseIPv4(host);
    if (v4) address = v4.join('.');
    else if (/^[A-Za-z0-9_.-]+$/.test(host)) { address = host; hostName = true; }
    else return undefined;
  }
  const out: ListedEndpoint = { address, family, port: 0 };
  if (hostName) out.hostName = true;
  if (/^\d{1,5}$/.test(portText) && Number(portText) <= 65535) {
    out.port = Number(portText);
  } else if (/^[A-Za-z0-9_.+-]+$/.test(portText)) {
    const p = serviceNameToPort(portText, protocol);
    if (p === undefined) out.unknownPortName = portText;
    else out.port = p;
  } else {
    return undefined;
  }
  return out;
}

/** `0A7400C8` → `10.116.0.200`; `2001:0db8:0000:…` (kernel %pI6) → canonical IPv6. */
export function parseKernelAddress(text: string): { address: string; family: AddressFamily } | undefined {
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  if (text.includes(':')) {
    const g = parseIPv6(text);
    return g ? { address: formatIPv6(g), family: 'inet6' } : undefined;
  }
  if (!/^[0-9A-Fa-f]{8}$/.test(text)) return undefined;
  const n = parseInt(text, 16);
  return { address: `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`, family: 'inet' };
}
