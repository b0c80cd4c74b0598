/** Reads a cluster of the cluster file: its name, directors, IPVS sysctls, prune flag, engine, mode, BGP and services. */

import { isScalar, isSeq, type YAMLMap } from 'yaml';
import { closestName } from '../closestName';
import { describe, spanOf, type EntryReader, type YNode } from './entryReader';
import { IPVS_SYSCTLS, sysctlValueProblem } from './ipvsSysctls';
import { ENUMS } from './formatKeys';
import type { KeepalivedKeyUse, ParsedCluster, ParsedDirector, ParsedService } from './parsedFile';
import { removeFix, replaceFix, type Span } from './quickFixes';
import { readBgp, type ParsedBgp } from './readBgp';
import { readService } from './readService';
import { readVrrp, type ParsedVrrp } from './readVrrp';
import { isVipLabel } from './stringRules';
import { IPVS_SYSCTL_DEFAULTS, type ClusterEngine, type ClusterMode } from './types';

export function readCluster(r: EntryReader, map: YAMLMap.Parsed): ParsedCluster | undefined {
  const e = r.entries(map, 'cluster');
  const nameEntry = e.get('name');
  if (!nameEntry) r.missing(map, 'cluster', 'name');
  const name = r.name(nameEntry, 'cluster name');
  const directorsEntry = e.get('directors');
  const directors: ParsedDirector[] = [];
  if (!directorsEntry) r.missing(map, 'cluster', 'directors', ' (the hosts that hold the IPVS table)');
  else {
    const items = r.itemMaps(directorsEntry, 'director');
    const v = directorsEntry.value;
    if (r.isEmpty(v) || (v !== null && isSeq(v) && v.items.length === 0)) {
      r.sink.report('LVS005', directorsEntry.keySpan, 'A cluster needs at least one director.');
    }
    for (const item of items) {
      const d = readDirector(r, item);
      if (d) directors.push(d);
    }
  }
  const sysctls: Record<string, number> = { ...IPVS_SYSCTL_DEFAULTS };
  const sysctlMap = r.mapping(e.get('sysctls'));
  if (sysctlMap) readSysctls(r, sysctlMap, sysctls);
  const prune = r.boolean(e.get('prune')) ?? false;
  const engine = r.enumValue<ClusterEngine>(e.get('engine'), ENUMS.engine, 'engine') ?? 'ipvsadm';
  const vrrpEntry = e.get('vrrp');
  let vrrp: ParsedVrrp | undefined;
  if (vrrpEntry) vrrp = readVrrp(r, vrrpEntry);
  else if (engine === 'keepalived') r.missing(map, 'cluster', 'vrrp', ' (with "virtualRouterId": keepalived moves the VIPs between the directors by VRRP)');
  const modeEntry = e.get('mode');
  const mode = r.enumValue<ClusterMode>(modeEntry, ENUMS.mode, 'mode') ?? 'active-passive';
  const bgpEntry = e.get('bgp');
  let bgp: ParsedBgp | undefined;
  if (bgpEntry) bgp = readBgp(r, bgpEntry);
  if (mode === 'active-active') {
    if (!bgpEntry) r.missing(map, 'cluster', 'bgp', ' (with "localAs" and "peers": active-active directors announce the VIPs to the router over BGP)');
    if (engine === 'keepalived' && modeEntry) {
      r.sink.report('LVS052', modeEntry.valueSpan,
        'Active-active directors all hold every VIP at once and announce it over BGP; keepalived\'s VRRP instance gives each VIP to one director only, so the two would fight over the VIPs. Use "engine: ipvsadm" (lvsctl writes the same IPVS table to every director) or "mode: active-passive".');
    }
  } else if (bgpEntry) {
    r.sink.report('LVS037', bgpEntry.keySpan, '"bgp" only applies to clusters with "mode: active-active": a single director or a VRRP pair keeps the VIP on its link and needs no route announcement. Set "mode: active-active" or remove "bgp".',
      [removeFix('Remove "bgp"', r.text, r.sink.lines, bgpEntry.pairSpan)]);
  }
  const services: ParsedService[] = [];
  for (const item of r.itemMaps(e.get('services'), 'service')) {
    const s = readService(r, item);
    if (s) services.push(s);
  }
  if (engine === 'ipvsadm') {
    const uses: KeepalivedKeyUse[] = [];
    if (vrrpEntry) uses.push({ key: 'vrrp', span: vrrpEntry.keySpan });
    for (const d of directors) if (d.priority) uses.push({ key: 'priority', span: d.priority });
    for (const s of services) uses.push(...s.keepalivedKeys);
    for (const u of uses) {
      r.sink.report('LVS043', u.span, `"${u.key}" only applies to clusters with "engine: keepalived"; this cluster's engine is ipvsadm, which has no VRRP or health checks. Set "engine: keepalived" or remove "${u.key}".`);
    }
  }
  if (name === undefined) return undefined;
  const parsed: ParsedCluster = {
    spec: { range: r.sink.lines.range(map.range[0], map.range[1]), name, directors: [], sysctls, prune, engine, mode, services: [] },
    item: spanOf(map),
    name: nameEntry ? nameEntry.valueSpan : r.headSpan(map),
    directors,
    services,
  };
  if (mode === 'active-active' && bgp) {
    parsed.spec.bgp = bgp.spec;
    parsed.bgp = bgp;
  }
  if (mode === 'active-active' && modeEntry) parsed.mode = modeEntry.valueSpan;
  if (vrrp && engine === 'keepalived') {
    parsed.spec.vrrp = vrrp.spec;
    parsed.vrrp = vrrp;
  }
  return parsed;
}

function readDirector(r: EntryReader, map: YAMLMap.Parsed): ParsedDirector | undefined {
  const e = r.entries(map, 'director');
  const hostEntry = e.get('host');
  if (!hostEntry) r.missing(map, 'director', 'host', ' (a host name of this file)');
  const host = r.name(hostEntry, 'host name');
  const iface = r.interfaceName(e.get('interface'));
  const labelEntry = e.get('vipLabel');
  const vipLabel = r.safe(labelEntry, isVipLabel, 'a valid address label (the interface name, optionally followed by ":" and letters or digits, at most 15 characters, like eth0:1)');
  const priorityEntry = e.get('priority');
  // 255 is the address owner's priority in VRRP; keepalived's directors are never the owner of a VIP.
  const priority = r.ranged(priorityEntry, 1, 254, 'LVS016', 'A VRRP priority');
  if (host === undefined || !hostEntry) return undefined;
  const parsed: ParsedDirector = { spec: { range: r.sink.lines.range(map.range[0], map.range[1]), host }, item: spanOf(map), host: hostEntry.valueSpan };
  if (iface !== undefined) {
    parsed.spec.interface = iface;
    parsed.ownInterface = iface;
  }
  if (vipLabel !== undefined && labelEntry) {
    parsed.spec.vipLabel = vipLabel;
    parsed.vipLabel = labelEntry.valueSpan;
  }
  if (priorityEntry) parsed.priority = priorityEntry.valueSpan;
  if (priority !== undefined) parsed.spec.priority = priority;
  return parsed;
}

function readSysctls(r: EntryReader, map: YAMLMap.Parsed, out: Record<string, number>): void {
  const known = Object.keys(IPVS_SYSCTLS);
  const seen = new Set<string>();
  for (const pair of map.items) {
    const keyNode = pair.key as YNode | null;
    if (keyNode === null || !isScalar(keyNode) || typeof keyNode.value !== 'string') {
      r.sink.report('LVS006', keyNode ? spanOf(keyNode) : spanOf(map), `Sysctl names are plain names like expire_nodest_conn; found ${describe(keyNode)}.`);
      continue;
    }
    const key = keyNode.value;
    const keySpan = spanOf(keyNode);
    const pairSpan: Span = [keySpan[0], pair.value ? (pair.value as YNode).range[1] : keySpan[1]];
    if (!Object.prototype.hasOwnProperty.call(IPVS_SYSCTLS, key)) {
      const stripped = key.replace(/^(?:net\.ipv4\.vs\.|net\/ipv4\/vs\/)/, '');
      const suggestion = stripped !== key && Object.prototype.hasOwnProperty.call(IPVS_SYSCTLS, stripped)
        ? stripped : closestName(stripped, known);
      r.sink.report('LVS035', keySpan,
        `Unknown IPVS sysctl "${key}"${suggestion ? `. Did you mean "${suggestion}"?` : '.'} Names are written without "net.ipv4.vs." and must be one of: ${known.join(', ')}.`,
        suggestion ? [replaceFix(`Change to "${suggestion}"`, r.sink.lines, keySpan, suggestion)] : undefined);
      continue;
    }
    if (seen.has(key)) {
      r.sink.report('LVS007', keySpan, `"${key}" is set twice in sysctls; YAML keeps only one of them.`,
        [removeFix(`Remove this "${key}"`, r.text, r.sink.lines, pairSpan)]);
      continue;
    }
    seen.add(key);
    const value = r.resolve(pair.value as YNode | null);
    const valueSpan = pair.value ? spanOf(pair.value as YNode) : keySpan;
    const n = value !== null && isScalar(value) && typeof value.value === 'number' ? value.value : undefined;
    if (n === undefined) {
      r.sink.report('LVS036', valueSpan, `net.ipv4.vs.${key} takes a number; found ${describe(value)}.`);
      continue;
    }
    const problem = sysctlValueProblem(key, n);
    if (problem) {
      r.sink.report('LVS036', valueSpan, `${problem}; found ${n}.`);
      continue;
    }
    out[key] = n;
  }
}