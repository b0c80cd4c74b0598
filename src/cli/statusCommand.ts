/**
 * `lvsctl status FILE [--cluster NAME] [--json]`: what runs now, per cluster. For `engine: keepalived`: per
 * director its VRRP role (MASTER / BACKUP / FAULT), priority, the VIPs it holds or the master it hears; per
 * real server each director's checker verdict and whether its IPVS table has it (one exec per director:
 * src/core/keepalived/keepalivedStatusRead.ts). For `engine: ipvsadm`: which directors answer and how their
 * tables drift from the file (the Clusters tree's view, src/core/operations/clusterLiveView.ts); for
 * `mode: active-active` also per director the VIPs announced or withdrawn and the BGP sessions
 * (src/core/bird/birdAnnounceStatus.ts, one more exec per director).
 *
 * SSH: the CLI's shared session (sshSession.ts). Read-only: nothing is changed on any host.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AnnounceClusterStatus } from '../core/bird/birdAnnounceStatus';
import { clusterAnnounceText, directorAnnounceText, readAnnounceCluster } from '../core/bird/birdAnnounceStatus';
import type { KeepalivedClusterStatus, ServerVerdict } from '../core/keepalived/keepalivedClusterStatus';
import { readKeepalivedCluster } from '../core/keepalived/keepalivedClusterStatus';
import { readKeepalivedStatus } from '../core/keepalived/keepalivedStatusRead';
import { serviceKeyString } from '../core/ipvs/types';
import { clusterLiveView } from '../core/operations/clusterLiveView';
import type { ClusterLiveView } from '../core/operations/clusterLiveView';
import { loadClusterText } from '../core/operations/clusterSelection';
import type { LoadedCluster } from '../core/operations/clusterSelection';
import { previewDirectors } from '../core/operations/directorPreview';
import { parseCommandArgs, UsageError } from './cliIo';
import type { CliCommand, CliIo } from './cliIo';
import { loadClusterFile } from './loadClusterFile';
import { openSshSession } from './sshSession';

const USAGE = `Usage: lvsctl status FILE [--cluster NAME] [--json]

Reads what runs now on the directors of FILE's clusters (every cluster, or --cluster NAME) over SSH,
one exec per director, and changes nothing:

  engine: keepalived   per director the VRRP role of the cluster's instance (MASTER, BACKUP, FAULT),
                       its priority and the VIPs it holds (or the master it hears); per real server
                       each director's checker verdict (up, down with the failed check, not checked)
                       and whether the director's IPVS table has it. Read from keepalived's own data
                       dumps (keepalived --signum=DATA).
  engine: ipvsadm      which directors answer, and how each one's table differs from the file.
  mode: active-active  also, per director, the VIPs it announces over BGP or has withdrawn and
                       each BGP session's state with BIRD's last error (birdc show protocols all,
                       show route export; one more exec per director).

Options:
  --cluster NAME       one cluster only
  --json               {"clusters":[...]} instead of text
  --trust-store PATH   where accepted host keys are written (default ~/.config/vscode-lvs/known_hosts)

Exit codes: 0 every director read, 1 FILE has errors or a director could not be read (unreachable,
keepalived not running), 2 wrong usage or unreadable FILE.`;

type ClusterReport =
  | { engine: 'keepalived'; status: KeepalivedClusterStatus }
  | { engine: 'ipvsadm'; view: ClusterLiveView; announce?: AnnounceClusterStatus };

function time(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function verdictText(v: ServerVerdict): string {
  const word = v.verdict === 'up' ? 'UP' : v.verdict === 'down' ? 'DOWN' : v.verdict === 'unchecked' ? 'not checked' : 'unknown';
  const table = v.inTable ? 'in the table' : 'out of the table';
  return `${v.director}: ${word}${v.detail ? ` (${v.detail})` : ''}, ${table}`;
}

/** The readable status of a keepalived cluster (exported for the tests). */
export function keepalivedStatusText(s: KeepalivedClusterStatus): string {
  const lines = [`cluster ${s.cluster} (engine keepalived)`];
  const width = Math.max(...s.directors.map((d) => d.host.length));
  for (const d of s.directors) {
    if (d.role === undefined) { lines.push(`  ${d.host.padEnd(width)}  UNREADABLE: ${d.error ?? 'not read'}`); continue; }
    const parts = [d.role.padEnd(6), `priority ${d.effectivePriority ?? d.priority ?? '?'}`];
    if (d.heldVips.length > 0) parts.push(`holds ${d.heldVips.join(', ')}`);
    if (d.masterRouter !== undefined) parts.push(`master ${d.masterRouter}`);
    if (d.since !== undefined) parts.push(`since ${time(d.since)}`);
    lines.push(`  ${d.host.padEnd(width)}  ${parts.join('  ')}`);
  }
  if (s.masters.length === 0) lines.push('  ! no director is MASTER: the VIPs are not served');
  else if (s.masters.length > 1) lines.push(`  ! ${s.masters.length} directors are MASTER (${s.masters.join(', ')}): split brain`);
  for (const svc of s.services) {
    lines.push(`  ${svc.label}${svc.sorryServer ? ` (sorry server ${svc.sorryServer})` : ''}`);
    if (svc.quorumLostOn.length > 0) lines.push(`    ! quorum lost on ${svc.quorumLostOn.join(', ')}${svc.sorryServer ? ': the sorry server is in use' : ''}`);
    const nameWidth = Math.max(...svc.realServers.map((r) => r.name.length));
    for (const rs of svc.realServers) {
      const addr = `${rs.address}:${rs.port}`;
      lines.push(`    ${rs.name.padEnd(nameWidth)}  ${rs.name === addr ? '' : `${addr}  `}${rs.verdicts.map(verdictText).join(' · ') || 'no director read'}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The readable status of an ipvsadm cluster (exported for the tests). */
export function ipvsadmStatusText(v: ClusterLiveView, loaded: LoadedCluster): string {
  const lines = [`cluster ${v.cluster} (engine ipvsadm)`];
  for (const d of v.directors) {
    if (!d.reachable) { lines.push(`  ${d.host}  UNREACHABLE: ${d.error ?? 'not read'}`); continue; }
    const drift = d.changes === 0 ? 'matches the file' : `${d.changes} change${d.changes === 1 ? '' : 's'} to apply`;
    lines.push(`  ${d.host}  reachable, ${drift}${d.foreign.length > 0 ? `; not in the file: ${d.foreign.join(', ')}` : ''}`);
  }
  loaded.cluster.services.forEach((s, i) => {
    const sid = s.fwmark !== undefined ? `fwmark ${s.fwmark}` : `${s.protocol ?? 'tcp'} ${s.vip ?? ''}:${s.port}`;
    const desired = loaded.desired.services[i];
    const key = desired === undefined ? undefined : serviceKeyString(desired.key);
    const sv = key === undefined ? undefined : v.services.get(key);
    lines.push(`  ${sid}${s.name ? ` (${s.name})` : ''}: on ${sv?.presentOn ?? 0}/${v.reachable} reachable directors${sv && sv.drift.length > 0 ? `; ${sv.drift.join('; ')}` : ''}`);
    for (const [k, server] of v.servers) {
      if (key === undefined || !k.startsWith(`${key} `)) continue;
      const flags = [`weight ${server.weights.length > 0 ? server.weights.join('/') : '–'} (file ${server.desiredWeight})`, `${server.activeConn} active, ${server.inactConn} inactive`];
      if (server.drained) flags.push('drained');
      if (server.drift.length > 0) flags.push(server.drift.join('; '));
      lines.push(`    ${k.slice(key.length + 1)}  ${flags.join(', ')}`);
    }
  });
  return `${lines.join('\n')}\n`;
}

/** The announcing state of an active-active cluster (exported for the tests). */
export function announceStatusText(s: AnnounceClusterStatus): string {
  const lines = [`  ${clusterAnnounceText(s)}`];
  const width = Math.max(...s.directors.map((d) => d.host.length));
  for (const d of s.directors) lines.push(`    ${d.host.padEnd(width)}  ${directorAnnounceText(d)}`);
  return `${lines.join('\n')}\n`;
}

function reportJson(r: ClusterReport): unknown {
  if (r.engine === 'keepalived') return { engine: 'keepalived', ...r.status };
  const v = r.view;
  return {
    engine: 'ipvsadm', cluster: v.cluster, directors: v.directors, reachable: v.reachable, drift: v.drift,
    services: [...v.services].map(([service, s]) => ({ service, ...s })),
    servers: [...v.servers].map(([server, s]) => ({ server, ...s })),
    ...(r.announce ? { announce: r.announce } : {}),
  };
}

function unreadable(r: ClusterReport): number {
  if (r.engine === 'keepalived') return r.status.directors.filter((d) => d.role === undefined).length;
  return r.view.directors.filter((d) => !d.reachable).length + (r.announce?.directors.filter((d) => d.error !== undefined).length ?? 0);
}

/** FILE's clusters: `--cluster NAME`, else every one. A number is the exit code of a file that cannot be used. */
async function loadClusters(file: string, name: string | undefined, io: CliIo): Promise<LoadedCluster[] | number> {
  if (name !== undefined) {
    const one = await loadClusterFile('status', file, name, io);
    return typeof one === 'number' ? one : [one];
  }
  let text: string | undefined;
  try {
    text = await readFile(resolve(io.cwd ?? process.cwd(), file), 'utf8');
  } catch {
    text = undefined;
  }
  const selection = text === undefined ? undefined : loadClusterText(text, undefined, file);
  if (selection?.ok) return [selection.loaded];
  if (text === undefined || selection?.reason !== 'ambiguous') {
    // Unreadable, errors, no cluster: loadClusterFile prints why and returns the exit code.
    const printed = await loadClusterFile('status', file, undefined, io);
    return typeof printed === 'number' ? printed : [printed];
  }
  const all: LoadedCluster[] = [];
  for (const n of selection.names) {
    const s = loadClusterText(text, n, file);
    if (s.ok) all.push(s.loaded);
  }
  return all;
}

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'what runs now: VRRP roles and checker verdicts (keepalived), reachability and drift (ipvsadm)',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, { cluster: { type: 'string' }, json: { type: 'boolean' }, 'trust-store': { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('exactly one FILE is needed');
    const clusters = await loadClusters(positionals[0], values.cluster, io);
    if (typeof clusters === 'number') return clusters;
    if (clusters.length === 0) return 0;
    const session = openSshSession(clusters[0].model, values['trust-store'] !== undefined ? { trustStore: values['trust-store'] } : {});
    const reports: ClusterReport[] = [];
    try {
      const read = (host: string): ReturnType<typeof readKeepalivedStatus> => readKeepalivedStatus((h, c) => session.run(h, c), host);
      for (const loaded of clusters) {
        if (loaded.cluster.engine === 'keepalived') reports.push({ engine: 'keepalived', status: await readKeepalivedCluster(read, loaded.cluster) });
        else {
          const view = clusterLiveView(loaded, await previewDirectors(session.pool, loaded));
          if (loaded.cluster.mode === 'active-active' && loaded.cluster.bgp) reports.push({ engine: 'ipvsadm', view, announce: await readAnnounceCluster((h, c) => session.run(h, c), loaded.cluster) });
          else reports.push({ engine: 'ipvsadm', view });
        }
      }
    } finally {
      session.close();
    }
    if (values.json) io.stdout.write(`${JSON.stringify({ clusters: reports.map(reportJson) }, null, 2)}\n`);
    else {
      reports.forEach((r, i) => {
        if (r.engine === 'keepalived') { io.stdout.write(keepalivedStatusText(r.status)); return; }
        io.stdout.write(ipvsadmStatusText(r.view, clusters[i]));
        if (r.announce) io.stdout.write(announceStatusText(r.announce));
      });
    }
    return reports.some((r) => unreadable(r) > 0) ? 1 : 0;
  },
};
