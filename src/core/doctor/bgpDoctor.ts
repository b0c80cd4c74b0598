/**
 * The doctor's findings for an active-active cluster (pure): BGP sessions not Established and VIPs an
 * Established session does not export (from the announcing state, bird/birdAnnounceStatus.ts), directors
 * whose IPVS tables differ for the cluster's services (ECMP sends a flow to either director: with different
 * tables it lands on different real servers), and schedulers other than `mh` / `sh`.
 */
import type { AnnounceClusterStatus } from '../bird/birdAnnounceStatus';
import type { ClusterSpec } from '../clusterFile/types';
import type { IpvsService, IpvsTable } from '../ipvs/types';
import { realServerKeyString, serviceKeyString } from '../ipvs/types';
import type { Finding } from './finding';

const HASHING = new Set(['mh', 'sh']);

export function announceFindings(status: AnnounceClusterStatus): Finding[] {
  const out: Finding[] = [];
  for (const d of status.directors) {
    if (d.error !== undefined) {
      out.push({ severity: 'error', host: d.host, code: 'bgp-session-down', title: `BGP not read: ${d.error}`,
        why: 'the director announces nothing: the router sends it no traffic, the others carry all of it', fix: 'start BIRD (lvsctl apply writes and starts it) and check `birdc show protocols all` on the director' });
      continue;
    }
    for (const s of d.sessions) {
      if (s.bgpState === 'Established') continue;
      out.push({ severity: 'error', host: d.host, code: 'bgp-session-down',
        title: `BGP session ${s.protocol}${s.neighbor !== undefined ? ` to ${s.neighbor}` : ''} is ${s.bgpState ?? s.state}${s.lastError !== undefined ? ` (${s.lastError})` : ''}`,
        why: 'the router learns no route to the VIPs from this director over this session: it gets no traffic through that router',
        fix: 'check the link and the route to the peer, the peer\'s BGP configuration (neighbor address and AS of this director) and a firewall on TCP port 179' });
    }
    const established = d.sessions.filter((s) => s.bgpState === 'Established');
    for (const vip of status.vips) {
      if (established.length === 0 || d.announcing.includes(vip)) continue;
      out.push({ severity: 'error', host: d.host, code: 'bgp-vip-not-exported', title: `${vip} is not exported on ${established.map((s) => s.protocol).join(', ')}`,
        why: 'the session is up but the router has no route to the VIP through this director',
        fix: 'lvsctl apply the cluster (bird.conf\'s static route and export filter carry the VIPs); `birdc show route export lvs_peer1` shows what is exported' });
    }
  }
  return out;
}

function serviceText(s: IpvsService): string {
  const servers = s.realServers.map((r) => `${realServerKeyString(r)} ${r.method} w${r.weight}`).sort();
  return `${s.scheduler}${s.schedFlags.length > 0 ? ` -b ${s.schedFlags.join(',')}` : ''}; ${servers.join(', ') || 'no real server'}`;
}

/** Directors whose table differs, per service of the cluster, from the first director read. */
export function tableFindings(cluster: ClusterSpec, desired: IpvsTable, tables: readonly { host: string; table: IpvsTable }[]): Finding[] {
  const out: Finding[] = [];
  if (tables.length < 2) return out;
  const [first, ...others] = tables;
  for (const want of desired.services) {
    const id = serviceKeyString(want.key);
    const text = (t: IpvsTable): string => {
      const s = t.services.find((x) => serviceKeyString(x.key) === id);
      return s ? serviceText(s) : 'missing';
    };
    const ref = text(first.table);
    for (const o of others) {
      const mine = text(o.table);
      if (mine === ref) continue;
      out.push({ severity: 'error', host: `${first.host}, ${o.host}`, code: 'aa-tables-differ', title: `${id} differs: ${first.host} ${ref} · ${o.host} ${mine}`,
        why: `ECMP sends a flow to either director of ${cluster.name}: with different tables the same flow lands on different real servers and breaks when the router rehashes`,
        fix: `lvsctl apply the cluster (one apply writes every director the same table)` });
    }
  }
  return out;
}

export function schedulerFindings(cluster: ClusterSpec, desired: IpvsTable): Finding[] {
  return desired.services.filter((s) => !HASHING.has(s.scheduler)).map((s) => ({
    severity: 'warning' as const, host: cluster.directors.map((d) => d.host).join(', '), code: 'aa-scheduler',
    title: `${serviceKeyString(s.key)} uses ${s.scheduler} on the active-active cluster ${cluster.name}`,
    why: 'a director that did not see a connection start schedules its next packets itself: with rr/wlc… it picks another real server and the connection breaks when the router rehashes; mh and sh pick from the packet alone, the same on every director',
    fix: 'scheduler: mh (or sh) on every service of the cluster',
  }));
}
