/**
 * Service and real server addresses of a rules line the way ipvsadm's parse_service reads them: IPv4
 * `a.b.c.d[:port]`, IPv6 `[addr]:port` or bare `addr`, host names (resolved by ipvsadm, kept as written
 * here), ports as numbers or /etc/services names. Clean results are cached per file.
 */

import { formatIPv6, parseIPv4, parseIPv6 } from './address';
import type { RuleLineContext } from './rulesLineContext';
import { parseUint } from './rulesLineContext';
import type { RuleToken } from './rulesLexer';
import type { AddressFamily, Protocol } from './types';
import { serviceNameToPort } from './wellKnownServices';

/** Endpoints already parsed cleanly in this file (every `-a` line repeats its service address). */
export type EndpointCache = Map<string, Endpoint>;

export interface Endpoint {
  address: string;
  family: AddressFamily;
  port?: number;
  /** The host part as written (`10.0.0.1`, `[fd00::1]`, `rs1`). */
  hostText: string;
}

const HOSTNAME = /^(?=.*[A-Za-z_])[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;

export function ruleEndpoint(c: RuleLineContext, arg: RuleToken, protocol: Protocol, what: string): Endpoint | undefined {
  const cacheKey = `${protocol} ${arg.text}`;
  const hit = c.cache.get(cacheKey);
  if (hit) return hit;
  const before = c.diagnostics.length;
  const ep = parseEndpoint(c, arg, protocol, what);
  if (ep && c.diagnostics.length === before) c.cache.set(cacheKey, ep);
  return ep;
}

function parseEndpoint(c: RuleLineContext, arg: RuleToken, protocol: Protocol, what: string): Endpoint | undefined {
  const text = arg.text;
  let hostText: string;
  let portText: string | undefined;
  let address: string;
  let family: AddressFamily = 'inet';
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1 || text[close + 1] !== ':') {
      c.report(arg.range, 'IPVSADM007', `Invalid ${what} '${text}': write an IPv6 address with its port as [address]:port.`);
      return undefined;
    }
    hostText = text.slice(0, close + 1);
    portText = text.slice(close + 2);
    const g = parseIPv6(text.slice(1, close));
    if (!g) {
      c.report(arg.range, 'IPVSADM007', `Invalid ${what} '${text}': '${text.slice(1, close)}' is not an IPv6 address.`);
      return undefined;
    }
    address = formatIPv6(g);
    family = 'inet6';
  } else {
    const first = text.indexOf(':');
    if (first !== -1 && first !== text.lastIndexOf(':')) {
      const g = parseIPv6(text);
      if (!g) {
        c.report(arg.range, 'IPVSADM007', `Invalid ${what} '${text}': not an IPv6 address (with a port, write [address]:port).`);
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
      c.report(arg.range, 'IPVSADM007', `Invalid ${what} '${text}': '${hostText}' is not a dotted-quad IPv4 address.`);
      return undefined;
    } else if (HOSTNAME.test(hostText)) {
      c.report(arg.range, 'IPVSADM008',
        `'${hostText}' is a host name: ipvsadm resolves it (first IPv4 address) when the rule is applied; it is kept as written here and cannot be compared with addresses. Use ipvsadm -S -n for numeric rules.`);
      address = hostText;
    } else {
      c.report(arg.range, 'IPVSADM007', `Invalid ${what} '${text}': not an IPv4 address, an [IPv6] address or a host name.`);
      return undefined;
    }
  }
  if (portText === undefined) return { address, family, hostText };
  if (portText === '') {
    c.report(arg.range, 'IPVSADM007', `Invalid ${what} '${text}': empty port after ':'.`);
    return undefined;
  }
  const n = parseUint(portText);
  if (n !== undefined) {
    if (n > 65535) {
      c.report(arg.range, 'IPVSADM010', `Port ${portText} is out of range: 0…65535.`);
      return undefined;
    }
    return { address, family, port: n, hostText };
  }
  const named = serviceNameToPort(portText, protocol);
  if (named === undefined) {
    c.report(arg.range, 'IPVSADM009', `Unknown port name '${portText}' for ${protocol}: ipvsadm looks names up in /etc/services; write the port number.`);
    return undefined;
  }
  return { address, family, port: named, hostText };
}