/**
 * The BIRD 2 configuration (`/etc/bird/bird.conf`) one director of an active-active cluster gets: it
 * announces the cluster's VIPs as host routes over BGP to every peer of their family, and nothing else.
 *
 *   router id <the director's IPv4 address>;
 *   protocol device          interfaces (BIRD needs it for the BGP sessions' source addresses)
 *   protocol static          one `route VIP/32 blackhole;` per VIP: a route inside BIRD only (no `protocol
 *                            kernel`, so the director's own routing table is left alone); the VIP itself
 *                            sits on `lo` (host preparation)
 *   filter lvs_export4/6     accepts exactly the VIPs (and only static routes), rejects the rest
 *   protocol bfd             when `bfd: true`
 *   protocol bgp per peer    local <director address> as <localAs>; neighbor <peer> as <as>; hold/keepalive
 *                            time; multihop; `bfd on`; import none; export through the filter, next hop self
 *
 * Deterministic: the same model gives the same bytes. Every word comes from the validated model (addresses in
 * canonical form, numbers, names of [A-Za-z0-9._-]); protocol names are generated, never taken from the file.
 */

import type { BgpPeerSpec, ClusterFile, ClusterSpec, HostSpec } from '../clusterFile/types';
import type { AddressFamily } from '../ipvs/types';

export interface BirdRenderInput {
  model: ClusterFile;
  cluster: string;
  director: string;
  /** Names the source in the header (the cluster file's name as given). */
  sourceLabel: string;
}

export interface RenderedBirdConf {
  director: string;
  text: string;
}

/** The marker line of the header; a live bird.conf without it was not written by lvsctl. */
const MARKER = /^# lvsctl-managed: cluster=(\S+) director=(\S+)$/m;

const FAMILIES: readonly { family: AddressFamily; channel: 'ipv4' | 'ipv6'; suffix: '4' | '6'; hostBits: number }[] = [
  { family: 'inet', channel: 'ipv4', suffix: '4', hostBits: 32 },
  { family: 'inet6', channel: 'ipv6', suffix: '6', hostBits: 128 },
];

function familyOf(address: string): AddressFamily {
  return address.includes(':') ? 'inet6' : 'inet';
}

/** A comment's text on one line, without anything BIRD's lexer could read as the end of the comment. */
function commentText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, '?');
}

export function findActiveActiveCluster(model: ClusterFile, name: string): ClusterSpec {
  const cluster = model.clusters.find((c) => c.name === name);
  if (!cluster) throw new Error(`The cluster file has no cluster named "${name}".`);
  if (cluster.mode !== 'active-active' || !cluster.bgp) throw new Error(`Cluster "${name}" is not active-active (set "mode: active-active" and "bgp").`);
  return cluster;
}

/** The protocol name of the session to the `index`-th peer (1-based): `lvs_peer1`, … */
export function peerProtocolName(index: number): string {
  return `lvs_peer${index}`;
}

/** The bird.conf of director `input.director` of active-active cluster `input.cluster`. */
export function renderBirdConf(input: BirdRenderInput): string {
  const cluster = findActiveActiveCluster(input.model, input.cluster);
  const bgp = cluster.bgp;
  if (!bgp) throw new Error(`Cluster "${cluster.name}" has no bgp settings.`);
  const director = cluster.directors.find((d) => d.host === input.director);
  if (!director) throw new Error(`"${input.director}" is not a director of cluster "${cluster.name}" (its directors: ${cluster.directors.map((d) => d.host).join(', ')}).`);
  const host: HostSpec | undefined = input.model.hosts.find((h) => h.name === director.host);
  const routerId = host?.addresses.find((a) => familyOf(a) === 'inet');
  if (routerId === undefined) throw new Error(`Director "${director.host}" has no IPv4 address for BIRD's router id.`);
  const own = (family: AddressFamily): string | undefined => host?.addresses.find((a) => familyOf(a) === family);

  const out: string[] = [
    `# bird.conf of director ${director.host}, cluster ${cluster.name}: rendered by lvsctl (vscode-lvs) from ${commentText(input.sourceLabel)}.`,
    '# Do not edit: lvsctl apply replaces this file. Change the cluster file and apply instead.',
    `# lvsctl-managed: cluster=${cluster.name} director=${director.host}`,
    `# Announces ${bgp.announce.length === 0 ? 'no VIP' : bgp.announce.join(', ')} over BGP; imports nothing.`,
    '',
    `router id ${routerId};`,
    '',
    'protocol device {',
    '}',
  ];
  const families = FAMILIES.filter((f) => bgp.peers.some((p) => p.family === f.family));
  for (const f of families) {
    const vips = bgp.announce.filter((a) => familyOf(a) === f.family);
    out.push('', `protocol static lvs_vips${f.suffix} {`, `    ${f.channel};`);
    for (const vip of vips) out.push(`    route ${vip}/${f.hostBits} blackhole;`);
    out.push('}', '', `filter lvs_export${f.suffix} {`);
    if (vips.length > 0) out.push(`    if source = RTS_STATIC && net ~ [ ${vips.map((v) => `${v}/${f.hostBits}`).join(', ')} ] then accept;`);
    out.push('    reject;', '}');
  }
  if (bgp.bfd) out.push('', 'protocol bfd lvs_bfd {', '}');
  bgp.peers.forEach((peer, i) => {
    const source = own(peer.family);
    if (source === undefined) return;
    out.push('', ...bgpProtocol(peerProtocolName(i + 1), peer, source, bgp.localAs, bgp.holdTime, bgp.keepaliveTime, bgp.bfd));
  });
  return `${out.join('\n')}\n`;
}

function bgpProtocol(name: string, peer: BgpPeerSpec, source: string, localAs: number, hold: number, keepalive: number, bfd: boolean): string[] {
  const f = FAMILIES.find((x) => x.family === peer.family) ?? FAMILIES[0];
  const lines = [
    `protocol bgp ${name} {`,
    `    description "lvsctl: peer ${peer.address} AS ${peer.as}";`,
    `    local ${source} as ${localAs};`,
    `    neighbor ${peer.address} as ${peer.as};`,
    `    hold time ${hold};`,
    `    keepalive time ${keepalive};`,
  ];
  if (peer.multihop !== undefined) lines.push(`    multihop ${peer.multihop};`);
  if (bfd) lines.push('    bfd on;');
  lines.push(
    `    ${f.channel} {`,
    '        import none;',
    `        export filter lvs_export${f.suffix};`,
    '        next hop self;',
    '    };',
    '}',
  );
  return lines;
}

/** The bird.conf of every director of an active-active cluster, in the file's order of directors. */
export function renderBirdConfs(model: ClusterFile, cluster: string, sourceLabel: string): RenderedBirdConf[] {
  return findActiveActiveCluster(model, cluster).directors.map((d) => ({
    director: d.host,
    text: renderBirdConf({ model, cluster, director: d.host, sourceLabel }),
  }));
}

/** The cluster and director named by a bird.conf's header, or undefined for a file lvsctl did not write. */
export function birdManagedHeader(text: string): { cluster: string; director: string } | undefined {
  const m = MARKER.exec(text.slice(0, 2048));
  return m ? { cluster: m[1], director: m[2] } : undefined;
}
