/**
 * The last known live state of each cluster (its directors' previews and the view the tree shows), read on
 * demand: Refresh, after every action, and every `lvs.tree.autoRefreshSeconds` while the Clusters view is
 * visible. One read per cluster at a time; a read that is asked for while one runs joins it.
 */
import * as vscode from 'vscode';
import { keepalivedClusterStatus, readKeepalivedDirectors } from '../core/keepalived/keepalivedClusterStatus';
import type { KeepalivedClusterStatus } from '../core/keepalived/keepalivedClusterStatus';
import { keepalivedLiveView } from '../core/keepalived/keepalivedLiveView';
import { readKeepalivedStatus } from '../core/keepalived/keepalivedStatusRead';
import { clusterLiveView } from '../core/operations/clusterLiveView';
import type { ClusterLiveView } from '../core/operations/clusterLiveView';
import { selectCluster } from '../core/operations/clusterSelection';
import type { LoadedCluster } from '../core/operations/clusterSelection';
import { previewDirectors } from '../core/operations/directorPreview';
import type { DirectorPreview } from '../core/operations/directorPreview';
import type { ClusterWorkspace } from './clusterWorkspace';
import type { LvsLog } from './log';
import type { SshService } from './ssh/sshService';
import type { ClusterRef } from '../shared/statsProtocol';

export function clusterKeyString(k: ClusterRef): string {
  return `${k.file}#${k.cluster}`;
}

export interface LiveRecord {
  loaded: LoadedCluster;
  /** ipvsadm clusters: each director's preview (keepalived clusters: none, their state is `ha`). */
  previews: DirectorPreview[];
  view: ClusterLiveView;
  /** keepalived clusters: VRRP roles and checker verdicts (the reading `lvsctl status` makes). */
  ha?: KeepalivedClusterStatus;
  readAt: Date;
}

export class LiveStates implements vscode.Disposable {
  private readonly records = new Map<string, LiveRecord>();
  private readonly reading = new Map<string, Promise<LiveRecord | undefined>>();
  private readonly changed = new vscode.EventEmitter<ClusterRef>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly workspace: ClusterWorkspace,
    private readonly ssh: () => SshService,
    private readonly log: LvsLog,
  ) {}

  get(key: ClusterRef): LiveRecord | undefined {
    return this.records.get(clusterKeyString(key));
  }

  isReading(key: ClusterRef): boolean {
    return this.reading.has(clusterKeyString(key));
  }

  /** Loads the cluster from the file's current model; a message when it cannot be used. */
  load(key: ClusterRef): LoadedCluster | string {
    const entry = this.workspace.get(key.file);
    if (!entry) return `${key.file} is not a cluster file of this workspace`;
    if (entry.errors.length > 0) return `${vscode.workspace.asRelativePath(entry.uri)} has ${entry.errors.length} error${entry.errors.length === 1 ? '' : 's'} (see the Problems panel); fix ${entry.errors.length === 1 ? 'it' : 'them'} first`;
    const s = selectCluster(entry.model, key.cluster, vscode.workspace.asRelativePath(entry.uri));
    return s.ok ? s.loaded : s.message;
  }

  /** Reads every director of the cluster; resolves to undefined when the file cannot be used. */
  refresh(key: ClusterRef): Promise<LiveRecord | undefined> {
    const id = clusterKeyString(key);
    const running = this.reading.get(id);
    if (running) return running;
    const loaded = this.load(key);
    if (typeof loaded === 'string') {
      this.log.warn(`[${key.cluster}] live state not read: ${loaded}`);
      return Promise.resolve(undefined);
    }
    const entry = this.workspace.get(key.file);
    if (!entry) return Promise.resolve(undefined);
    const run = (async () => {
      try {
        this.changed.fire(key);
        const pool = this.ssh().poolFor(entry.uri, entry.model);
        // `return await`: the finally below must run after the read, not when it starts.
        if (loaded.cluster.engine === 'keepalived') return await this.readKeepalived(id, key, loaded, pool);
        const previews = await previewDirectors(pool, loaded);
        for (const p of previews) if (p.error) this.log.warn(`[${key.cluster}] ${p.host}: cannot read the live table: ${p.error}`);
        const record: LiveRecord = { loaded, previews, view: clusterLiveView(loaded, previews), readAt: new Date() };
        this.records.set(id, record);
        const v = record.view;
        this.log.info(`[${key.cluster}] live state: ${v.reachable}/${previews.length} directors reachable${v.reachable === 0 ? '' : v.drift ? ', the live table differs from the file' : ', matches the file'}`);
        return record;
      } finally {
        this.reading.delete(id);
        this.changed.fire(key);
      }
    })();
    this.reading.set(id, run);
    return run;
  }

  /** A keepalived cluster: one exec per director (keepalived's data dumps and its IPVS table). */
  private async readKeepalived(id: string, key: ClusterRef, loaded: LoadedCluster, pool: ReturnType<SshService['poolFor']>): Promise<LiveRecord> {
    const outcomes = await readKeepalivedDirectors((host) => readKeepalivedStatus((h, c) => pool.run(h, c), host), loaded.cluster);
    for (const o of outcomes) if ('error' in o) this.log.warn(`[${key.cluster}] ${o.host}: cannot read keepalived's state: ${o.error}`);
    const ha = keepalivedClusterStatus(loaded.cluster, outcomes);
    const record: LiveRecord = { loaded, previews: [], view: keepalivedLiveView(loaded, outcomes), ha, readAt: new Date() };
    this.records.set(id, record);
    const down = ha.services.reduce((n, s) => n + s.realServers.filter((r) => r.verdicts.some((v) => v.verdict === 'down')).length, 0);
    this.log.info(`[${key.cluster}] keepalived: ${ha.directors.map((d) => `${d.host} ${d.role ?? 'unreadable'}`).join(', ')}; ${down} real server${down === 1 ? '' : 's'} down`);
    return record;
  }

  /** Keeps the live state of a cluster whose previews an action just read (plan, apply). */
  remember(key: ClusterRef, loaded: LoadedCluster, previews: DirectorPreview[]): void {
    // A keepalived cluster's state is keepalived's, not an ipvsadm preview: read it again instead.
    if (loaded.cluster.engine === 'keepalived') { void this.refresh(key); return; }
    this.records.set(clusterKeyString(key), { loaded, previews, view: clusterLiveView(loaded, previews), readAt: new Date() });
    this.changed.fire(key);
  }

  /** Every cluster of every valid file. */
  allKeys(): ClusterRef[] {
    const out: ClusterRef[] = [];
    for (const f of this.workspace.files()) if (f.errors.length === 0) for (const c of f.model.clusters) out.push({ file: f.uri.toString(), cluster: c.name });
    return out;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
