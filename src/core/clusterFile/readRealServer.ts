/** Reads a real server of a service: host or address, forwarding method, port, weight, thresholds, tunnel. */

import type { YAMLMap } from 'yaml';
import type { ForwardingMethod, TunnelChecksum, TunnelType } from '../ipvs/types';
import { spanOf, type Entry, type EntryReader } from './entryReader';
import { ENUMS } from './formatKeys';
import type { ParsedRealServer } from './parsedFile';
import { removeFix, replaceFix } from './quickFixes';
import { readHealthCheck, resolveHealthCheck, type HealthCheckFields } from './readHealthCheck';
import type { RealServerSpec, ServiceSpec, TunnelSpec } from './types';

const INT_MAX = 2147483647;

export function readRealServer(r: EntryReader, map: YAMLMap.Parsed, service: ServiceSpec, serviceCheck?: HealthCheckFields): ParsedRealServer | undefined {
  const e = r.entries(map, 'realServer');
  const hostEntry = e.get('host');
  const addressEntry = e.get('address');
  let ok = true;
  let host: string | undefined;
  let address = '';
  let family = service.family;
  if (hostEntry && addressEntry) {
    r.sink.report('LVS037', addressEntry.keySpan, 'A real server is either "host" (a host of this file) or "address"; remove one of them.');
    ok = false;
  } else if (!hostEntry && !addressEntry) {
    r.missing(map, 'realServer', 'host', ' (a host of this file) or "address"');
    ok = false;
  } else if (hostEntry) {
    host = r.name(hostEntry, 'host name');
    if (host === undefined) ok = false;
  } else if (addressEntry) {
    const text = r.string(addressEntry);
    const a = text === undefined ? undefined : r.address(text);
    if (text !== undefined && !a) {
      r.sink.report('LVS010', addressEntry.valueSpan, `"${text}" is not an IPv4 or IPv6 address.`);
    }
    if (!a) ok = false;
    else {
      address = a.text;
      family = a.family;
    }
  }
  const isFwmark = service.fwmark !== undefined;
  const method = r.enumValue<ForwardingMethod>(e.get('method'), ENUMS.method, 'forwarding method') ?? 'dr';
  const portEntry = e.get('port');
  let port = service.port;
  const p = r.ranged(portEntry, isFwmark ? 0 : 1, 65535, 'LVS011', isFwmark ? 'A real server port of a fwmark service' : 'A port');
  if (p !== undefined && portEntry) {
    if ((method === 'dr' || method === 'tun') && !isFwmark && p !== service.port) {
      r.sink.report('LVS021', portEntry.valueSpan,
        `With ${method.toUpperCase()} the packet reaches the real server unchanged, so ipvsadm forces the port to the service's port ${service.port}; ${p} is ignored. Use NAT to map ports.`,
        [replaceFix(`Set the port to ${service.port}`, r.sink.lines, portEntry.valueSpan, String(service.port))]);
    } else port = p;
  }
  const weight = r.ranged(e.get('weight'), 0, 65535, 'LVS016', 'A weight') ?? 1;
  const upper = r.ranged(e.get('upperThreshold'), 0, INT_MAX, 'LVS016', 'A connection threshold') ?? 0;
  const lowerEntry = e.get('lowerThreshold');
  let lower = r.ranged(lowerEntry, 0, INT_MAX, 'LVS016', 'A connection threshold') ?? 0;
  if (lower > upper && lowerEntry) {
    r.sink.report('LVS017', lowerEntry.valueSpan, upper === 0
      ? `The kernel rejects a lower threshold (${lower}) above the upper one, even when the upper is 0 (unlimited). Set upperThreshold above ${lower}, or remove lowerThreshold.`
      : `The lower threshold (${lower}) is above the upper threshold (${upper}); the kernel rejects it.`);
    lower = 0;
  }
  const tunnelEntry = e.get('tunnel');
  let tunnel: TunnelSpec | undefined;
  if (tunnelEntry) {
    const tmap = r.mapping(tunnelEntry);
    if (tmap) {
      tunnel = readTunnel(r, tmap);
      if (method !== 'tun') {
        r.sink.report('LVS022', tunnelEntry.keySpan, `Tunnel options only apply to "method: tun"; this real server uses ${method}.`,
          [removeFix('Remove the tunnel options', r.text, r.sink.lines, tunnelEntry.pairSpan)]);
        tunnel = undefined;
      }
    }
  }
  const checkEntry = e.get('healthCheck');
  const ownCheck = checkEntry ? readHealthCheck(r, checkEntry, serviceCheck) : undefined;
  const healthCheck = checkEntry && !ownCheck ? undefined : resolveHealthCheck(serviceCheck, ownCheck);
  if (!ok) return undefined;
  const spec: RealServerSpec = {
    range: r.sink.lines.range(map.range[0], map.range[1]),
    address, family, port, method, weight, upperThreshold: upper, lowerThreshold: lower,
  };
  if (host !== undefined) spec.host = host;
  if (tunnel) spec.tunnel = tunnel;
  if (healthCheck) spec.healthCheck = healthCheck;
  const target = (hostEntry ?? addressEntry) as Entry;
  const parsed: ParsedRealServer = { spec, item: spanOf(map), target: target.valueSpan };
  if (checkEntry) parsed.healthCheck = checkEntry.keySpan;
  return parsed;
}

function readTunnel(r: EntryReader, map: YAMLMap.Parsed): TunnelSpec {
  const e = r.entries(map, 'tunnel');
  const type = r.enumValue<TunnelType>(e.get('type'), ENUMS.tunnelType, 'tunnel type') ?? 'ipip';
  const out: TunnelSpec = { type };
  const portEntry = e.get('port');
  const port = r.ranged(portEntry, 1, 65535, 'LVS011', 'A tunnel port');
  if (type === 'gue') {
    if (!portEntry) r.sink.report('LVS022', r.headSpan(map), 'A GUE tunnel needs "port" (the real server\'s GUE UDP port).');
    else if (port !== undefined) out.port = port;
  } else if (portEntry) {
    r.sink.report('LVS022', portEntry.keySpan, `Only GUE tunnels have a port; ${type} has none.`,
      [removeFix('Remove "port"', r.text, r.sink.lines, portEntry.pairSpan)]);
  }
  const csEntry = e.get('checksum');
  const checksum = r.enumValue<TunnelChecksum>(csEntry, ENUMS.tunnelChecksum, 'tunnel checksum');
  if (checksum !== undefined && csEntry) {
    if (type === 'ipip') r.sink.report('LVS022', csEntry.keySpan, 'IPIP tunnels have no checksum option (only GUE and GRE).');
    else if (type === 'gre' && checksum === 'remcsum') r.sink.report('LVS022', csEntry.valueSpan, 'Remote checksum offload (remcsum) is GUE only; GRE takes nocsum or csum.');
    else out.checksum = checksum;
  }
  return out;
}