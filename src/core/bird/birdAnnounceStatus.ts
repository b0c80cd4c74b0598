/**
 * The announcing state of an active-active cluster (pure, plus one read command): per director, per BGP
 * session lvsctl renders (`lvs_peer1`, …) BIRD's BGP state (Established, Active, Connect, …) and its last
 * error, and per VIP of the cluster's `bgp:` section whether the director announces it (exported on at least
 * one Established session) or has it withdrawn. Read from `birdc show protocols all` and `birdc show route
 * export lvs_peerN`, every one of them in one exec per director.
 */

import type { ClusterSpec } from '../clusterFile/types';
import { SECTION_MARK, splitSections } from '../apply/liveState';
import type { CommandOutput, HostRunner, RemoteCommand } from '../ssh/remoteCommand';
import { BIRD_SOCKET } from './birdRemote';
import { peerProtocolName } from './renderBirdConf';

export interface BgpSessionStatus {
  /** lvsctl's protocol name (`lvs_peer1`). */
  protocol: string;
  /** BIRD's protocol state (`up`, `start`, `down`…); `absent` when BIRD has no such protocol. */
  state: string;
  /** `BGP state:` (Established, Active, Connect, OpenSent, Idle, Down…). */
  bgpState?: string;
  neighbor?: string;
  /** `Last error:` of the session, when BIRD keeps one. */
  lastError?: string;
  /** Prefixes BIRD exports on this session (`address/len`). */
  exported: string[];
}

export interface DirectorAnnounceStatus {
  host: string;
  /** Why it could not be read (SSH failure, BIRD not running). */
  error?: string;
  sessions: BgpSessionStatus[];
  /** VIPs exported on at least one Established session. */
  announcing: string[];
  /** VIPs of the cluster the director does not announce. */
  withdrawn: string[];
}

export interface AnnounceClusterStatus {
  cluster: string;
  vips: string[];
  directors: DirectorAnnounceStatus[];
  /** Directors announcing every VIP. */
  announcingDirectors: number;
}

/** The protocol blocks of `birdc show protocols all`, keyed by protocol name. */
export function parseBirdProtocolsAll(text: string): Map<string, Omit<BgpSessionStatus, 'exported'>> {
  const out = new Map<string, Omit<BgpSessionStatus, 'exported'>>();
  let current: Omit<BgpSessionStatus, 'exported'> | undefined;
  for (const line of text.split('\n')) {
    const head = /^(\S+)\s+(\S+)\s+(\S+)\s+(up|down|start|stop|flush)\s/.exec(line);
    if (head && head[1] !== 'Name') {
      current = { protocol: head[1], state: head[4] };
      out.set(head[1], current);
      continue;
    }
    if (!current) continue;
    const field = /^\s+(BGP state|Neighbor address|Last error):\s+(.*\S)\s*$/.exec(line);
    if (!field) continue;
    if (field[1] === 'BGP state') current.bgpState = field[2];
    else if (field[1] === 'Neighbor address') current.neighbor = field[2];
    else current.lastError = field[2];
  }
  return out;
}

/** The prefixes of `birdc show route export NAME` (`10.116.0.202/32`). */
export function parseExportedRoutes(text: string): string[] {
  return [...text.matchAll(/^([0-9a-fA-F.:]+\/\d+)\s/gm)].map((m) => m[1]);
}

export interface BirdAnnounceReading {
  running: boolean;
  protocolsAll: string;
  /** Keyed by protocol name. */
  exports: Map<string, string>;
}

/** Reads BIRD's sessions and the routes exported on each of `protocols` (lvsctl's names only) in one exec. */
export function birdAnnounceCommand(protocols: readonly string[]): RemoteCommand<BirdAnnounceReading> {
  for (const p of protocols) if (!/^lvs_peer\d+$/.test(p)) throw new Error(`not a protocol lvsctl renders: ${p}`);
  const birdc = `birdc -s ${BIRD_SOCKET}`;
  const script = [
    `m=${SECTION_MARK}`,
    'sec() { printf "%s %s\\n" "$m" "$1"; }',
    `sec running; if ${birdc} show status >/dev/null 2>&1; then echo yes; else echo no; fi`,
    `sec protocols; ${birdc} show protocols all 2>/dev/null`,
    ...protocols.map((p) => `sec export:${p}; ${birdc} show route export ${p} 2>/dev/null`),
    'sec end',
  ].join('\n');
  return {
    argv: ['sh', '-c', script],
    timeoutMs: 30_000,
    parse: (o: CommandOutput) => {
      const s = splitSections(o.stdout);
      const exports = new Map<string, string>();
      for (const p of protocols) exports.set(p, s.get(`export:${p}`)?.text ?? '');
      return { running: (s.get('running')?.text ?? '').trim() === 'yes', protocolsAll: s.get('protocols')?.text ?? '', exports };
    },
  };
}

function vipPrefix(vip: string): string {
  return vip.includes(':') ? `${vip}/128` : `${vip}/32`;
}

/** One director's announcing state from its reading. */
export function directorAnnounceStatus(host: string, vips: readonly string[], protocols: readonly string[], reading: BirdAnnounceReading): DirectorAnnounceStatus {
  if (!reading.running) return { host, error: 'BIRD is not running (no answer on its control socket)', sessions: [], announcing: [], withdrawn: [...vips] };
  const blocks = parseBirdProtocolsAll(reading.protocolsAll);
  const sessions: BgpSessionStatus[] = protocols.map((p) => ({ ...(blocks.get(p) ?? { protocol: p, state: 'absent' }), exported: parseExportedRoutes(reading.exports.get(p) ?? '') }));
  const established = sessions.filter((s) => s.bgpState === 'Established');
  const announcing = vips.filter((v) => established.some((s) => s.exported.includes(vipPrefix(v))));
  return { host, sessions, announcing, withdrawn: vips.filter((v) => !announcing.includes(v)) };
}

/** Reads every director of an active-active cluster (one exec each, in parallel). */
export async function readAnnounceCluster(run: HostRunner, cluster: ClusterSpec): Promise<AnnounceClusterStatus> {
  const vips = cluster.bgp?.announce ?? [];
  const protocols = (cluster.bgp?.peers ?? []).map((_, i) => peerProtocolName(i + 1));
  const directors = await Promise.all(cluster.directors.map(async ({ host }): Promise<DirectorAnnounceStatus> => {
    try {
      return directorAnnounceStatus(host, vips, protocols, await run(host, birdAnnounceCommand(protocols)));
    } catch (err) {
      return { host, error: err instanceof Error ? err.message : String(err), sessions: [], announcing: [], withdrawn: [...vips] };
    }
  }));
  return { cluster: cluster.name, vips, directors, announcingDirectors: directors.filter((d) => d.error === undefined && vips.length > 0 && d.withdrawn.length === 0).length };
}

/** `BGP Established` / `BGP Active (Socket: Connection refused)` for one director (the sessions joined). */
export function sessionsText(d: DirectorAnnounceStatus): string {
  if (d.error !== undefined) return d.error;
  return d.sessions.map((s) => `BGP ${s.bgpState ?? s.state}${s.lastError !== undefined && s.bgpState !== 'Established' ? ` (${s.lastError})` : ''}`).join(', ') || 'no BGP session';
}

/** `announcing 10.116.0.202 · BGP Established`, `withdrawn 10.116.0.202 · BGP Active (…)`. */
export function directorAnnounceText(d: DirectorAnnounceStatus): string {
  const parts: string[] = [];
  if (d.announcing.length > 0) parts.push(`announcing ${d.announcing.join(', ')}`);
  if (d.withdrawn.length > 0) parts.push(`withdrawn ${d.withdrawn.join(', ')}`);
  parts.push(sessionsText(d));
  return parts.join(' · ');
}

/** `active-active · 2 of 2 announcing`. */
export function clusterAnnounceText(s: AnnounceClusterStatus): string {
  return `active-active · ${s.announcingDirectors} of ${s.directors.length} announcing`;
}
