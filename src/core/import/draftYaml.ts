/**
 * An ImportDraft as cluster-file text (format v1), built with the `yaml` Document API so that every
 * comment sits above the item it is about. Real servers, `persistence` and `tunnel` are written in flow
 * style (one line each), the rest in block style, as in docs/cluster-file.md.
 */
import { Document, isMap, isSeq, YAMLMap, YAMLSeq } from 'yaml';
import type { Node } from 'yaml';
import type { DraftCluster, DraftHost, DraftRealServer, DraftService, ImportDraft } from './importDraft';

type Plain = Record<string, unknown>;

function commentText(lines: readonly string[]): string | undefined {
  return lines.length === 0 ? undefined : lines.map((l) => ` ${l}`).join('\n');
}

function hostPlain(h: DraftHost): Plain {
  const out: Plain = { name: h.name };
  if (h.addresses.length === 1) out.address = h.addresses[0];
  else if (h.addresses.length > 1) out.addresses = [...h.addresses];
  if (h.interface !== undefined) out.interface = h.interface;
  if (Object.keys(h.ssh).length > 0) out.ssh = { ...h.ssh };
  return out;
}

function realServerPlain(rs: DraftRealServer): Plain {
  const out: Plain = rs.host !== undefined ? { host: rs.host } : { address: rs.address };
  if (rs.port !== undefined) out.port = rs.port;
  out.method = rs.method;
  out.weight = rs.weight;
  if (rs.upperThreshold !== 0) out.upperThreshold = rs.upperThreshold;
  if (rs.lowerThreshold !== 0) out.lowerThreshold = rs.lowerThreshold;
  if (rs.tunnel) out.tunnel = { ...rs.tunnel };
  if (rs.healthCheck) out.healthCheck = { ...rs.healthCheck };
  return out;
}

function servicePlain(s: DraftService): Plain {
  const out: Plain = { name: s.name };
  if (s.fwmark !== undefined) {
    out.fwmark = s.fwmark;
    if (s.family !== undefined) out.family = s.family;
  } else out.protocol = s.protocol;
  if (s.vip !== undefined) out.vip = s.vip;
  if (s.port !== undefined) out.port = s.port;
  out.scheduler = s.scheduler;
  if (s.schedulerFlags.length > 0) out.schedulerFlags = [...s.schedulerFlags];
  if (s.persistence) out.persistence = { ...s.persistence };
  if (s.pe) out.pe = s.pe;
  if (s.onePacket) out.onePacket = true;
  if (s.healthCheck) out.healthCheck = { ...s.healthCheck };
  if (s.sorryServer) out.sorryServer = { ...s.sorryServer };
  if (s.quorum !== undefined) out.quorum = s.quorum;
  if (s.hysteresis !== undefined) out.hysteresis = s.hysteresis;
  out.realServers = [];
  return out;
}

function flowIn(map: YAMLMap, key: string): void {
  const node = map.get(key, true);
  if (isMap(node)) node.flow = true;
}

function withComment<T extends Node>(node: T, lines: readonly string[]): T {
  const text = commentText(lines);
  if (text !== undefined) node.commentBefore = text;
  return node;
}

function serviceNode(doc: Document, s: DraftService): YAMLMap {
  const node = withComment(doc.createNode(servicePlain(s)) as YAMLMap, s.comments);
  flowIn(node, 'persistence');
  flowIn(node, 'sorryServer');
  const check = node.get('healthCheck', true);
  if (isMap(check)) { const codes = check.get('statusCodes', true); if (isSeq(codes)) codes.flow = true; }
  const flags = node.get('schedulerFlags', true);
  if (isSeq(flags)) flags.flow = true;
  const servers = new YAMLSeq();
  for (const rs of s.realServers) {
    const item = withComment(doc.createNode(realServerPlain(rs)) as YAMLMap, rs.comments);
    item.flow = true;
    flowIn(item, 'tunnel');
    flowIn(item, 'healthCheck');
    servers.items.push(item);
  }
  node.set('realServers', servers);
  if (s.realServers.length === 0) servers.flow = true;
  return node;
}

function clusterNode(doc: Document, c: DraftCluster): YAMLMap {
  const node = withComment(new YAMLMap(), c.comments);
  node.set('name', c.name);
  if (c.engine !== undefined) node.set('engine', c.engine);
  const directors = new YAMLSeq();
  for (const d of c.directors) {
    const plain: Plain = { host: d.host };
    if (d.interface !== undefined) plain.interface = d.interface;
    if (d.vipLabel !== undefined) plain.vipLabel = d.vipLabel;
    if (d.priority !== undefined) plain.priority = d.priority;
    directors.items.push(withComment(doc.createNode(plain) as YAMLMap, d.comments));
  }
  node.set('directors', directors);
  if (Object.keys(c.sysctls).length > 0 || c.sysctlComments.length > 0) {
    const sysctls = doc.createNode({ ...c.sysctls }) as YAMLMap;
    if (Object.keys(c.sysctls).length === 0) sysctls.flow = true;
    const pair = doc.createPair('sysctls', sysctls);
    withComment(pair.key as Node, c.sysctlComments);
    node.items.push(pair);
  }
  if (c.vrrp) node.set('vrrp', doc.createNode({ ...c.vrrp }));
  const services = new YAMLSeq();
  for (const s of c.services) services.items.push(serviceNode(doc, s));
  if (c.services.length === 0) services.flow = true;
  node.set('services', services);
  return node;
}

export function draftToYamlText(draft: ImportDraft): string {
  const doc = new Document();
  const root = new YAMLMap();
  root.set('version', 1);
  const hosts = new YAMLSeq();
  for (const h of draft.hosts) {
    const node = withComment(doc.createNode(hostPlain(h)) as YAMLMap, h.comments);
    flowIn(node, 'ssh');
    hosts.items.push(node);
  }
  root.set('hosts', hosts);
  const clusters = new YAMLSeq();
  for (const c of draft.clusters) clusters.items.push(clusterNode(doc, c));
  root.set('clusters', clusters);
  doc.contents = root;
  const header = commentText(draft.header);
  if (header !== undefined) doc.commentBefore = header;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}
