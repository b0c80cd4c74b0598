/**
 * "Exactly one MAC answers ARP for the VIP": asked from the director itself. The director sends ARP requests
 * for each IPv4 VIP of a DR/TUN cluster (arping, or busybox arping) from its own address; it never sees its
 * own answer, so every reply comes from ANOTHER host claiming the VIP — a real server without arp_ignore,
 * one with the VIP on a LAN interface, or an address conflict. Zero replies plus the VIP on the director's
 * interface means the director's MAC is the only one. (IPv6 has no ARP; neighbour discovery only answers
 * for addresses on the receiving interface, so a VIP on lo never answers.)
 */
import type { ClusterFile } from '../clusterFile/types';
import type { HostState, StateQuery } from './hostState';

export interface ArpProbe {
  /** Director host name. */
  host: string;
  dev: string;
  source: string;
  vip: string;
}

export function arpProbes(file: ClusterFile, clusterName: string): ArpProbe[] {
  const cluster = file.clusters.find((c) => c.name === clusterName);
  if (!cluster) return [];
  const vips = new Set<string>();
  for (const s of cluster.services) {
    if (s.vip !== undefined && s.family === 'inet' && s.realServers.some((r) => r.method !== 'nat')) vips.add(s.vip);
  }
  const out: ArpProbe[] = [];
  for (const d of cluster.directors) {
    const host = file.hosts.find((h) => h.name === d.host);
    const dev = d.interface ?? host?.interface;
    const source = host?.addresses.find((a) => !a.includes(':'));
    if (!dev || !source) continue;
    for (const vip of vips) out.push({ host: d.host, dev, source, vip });
  }
  return out;
}

export function arpQuery(probes: readonly ArpProbe[]): StateQuery {
  return { arp: probes.map((p) => ({ dev: p.dev, source: p.source, vip: p.vip })) };
}

export type ArpVerdict =
  | { vip: string; kind: 'only-director' }
  | { vip: string; kind: 'others-answer'; macs: string[] }
  | { vip: string; kind: 'no-tool' };

export function arpVerdicts(probes: readonly ArpProbe[], state: HostState): ArpVerdict[] {
  const hasTool = state.tools.has('arping') || state.tools.has('busybox');
  return probes.map((p) => {
    if (!hasTool) return { vip: p.vip, kind: 'no-tool' };
    const macs = state.arp.get(p.vip) ?? [];
    return macs.length ? { vip: p.vip, kind: 'others-answer', macs } : { vip: p.vip, kind: 'only-director' };
  });
}
