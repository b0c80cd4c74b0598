/**
 * From a validated cluster file to what the collector needs: the cluster's directors and the service names
 * (the SSH pool is the shared one: `clusterSshPool` in src/core/operations/clusterPool.ts).
 */
import type { ClusterFile, ClusterSpec } from '../clusterFile/types';
import { desiredService } from '../clusterFile/desiredTable';
import { serviceKeyString } from '../ipvs/types';

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
