/**
 * From a validated cluster file to what the collector needs: the cluster's directors, the service names,
 * and an SshPool that resolves each host with its `ssh:` settings (used by lvsctl, the extension and the
 * lab tests alike).
 */
import type { ClusterFile, ClusterSpec } from '../clusterFile/types';
import { desiredService } from '../clusterFile/desiredTable';
import { serviceKeyString } from '../ipvs/types';
import { SshPool } from '../ssh/connectionPool';
import type { ConnectOptions } from '../ssh/connect';
import { resolveHost } from '../ssh/resolveHost';
import type { ResolveOptions } from '../ssh/resolveHost';

export interface StatsTarget {
  cluster: ClusterSpec;
  /** Host names of the directors, in file order. */
  directors: string[];
  /** Cluster-file service names by service id (serviceKeyString). */
  serviceNames: Map<string, string>;
}

export function statsTarget(file: ClusterFile, clusterName: string): StatsTarget {
  const cluster = file.clusters.find((c) => c.name === clusterName);
  if (!cluster) throw new Error(`no cluster '${clusterName}' (the file has: ${file.clusters.map((c) => c.name).join(', ') || 'none'})`);
  const serviceNames = new Map<string, string>();
  for (const s of cluster.services) {
    if (s.name === undefined) continue;
    try {
      serviceNames.set(serviceKeyString(desiredService(s).key), s.name);
    } catch {
      // a service the model cannot turn into a key (invalid file): no name for it
    }
  }
  return { cluster, directors: cluster.directors.map((d) => d.host), serviceNames };
}

export interface StatsPoolOptions extends ConnectOptions {
  resolve?: Omit<ResolveOptions, 'settingsFor' | 'fallbackAddress'>;
  idleTimeoutMs?: number;
}

/** An SshPool whose host names are the cluster file's hosts. */
export function createStatsPool(file: ClusterFile, options: StatsPoolOptions): SshPool {
  const hosts = new Map(file.hosts.map((h) => [h.name, h]));
  return new SshPool({
    ...options,
    resolve: (name: string) => {
      const spec = hosts.get(name);
      const ro: ResolveOptions = { ...(options.resolve ?? {}), settingsFor: (n) => hosts.get(n)?.ssh };
      if (options.log) ro.log = options.log;
      if (spec?.addresses[0] !== undefined) ro.fallbackAddress = spec.addresses[0];
      return resolveHost(name, spec?.ssh ?? {}, ro);
    },
  });
}
