/**
 * From a validated cluster file to what the collector needs: the cluster's directors, the service names and
 * the host names of the real servers (the SSH pool is the shared one: `clusterSshPool` in src/core/operations/clusterPool.ts).
 */
import type { ClusterFile, ClusterSpec } from '../clusterFile/types';
import { desiredService } from '../clusterFile/desiredTable';
import { realServerKeyString, serviceKeyString } from '../ipvs/types';

export interface StatsTarget {
  cluster: ClusterSpec;
  /** Host names of the directors, in file order. */
  directors: string[];
  /** Cluster-file service names by service id (serviceKeyString). */
  serviceNames: Map<string, string>;
  /** Host names of the real servers declared with `host:`, by real server id (`<serviceId>|<address:port>`). */
  serverHosts: Map<string, string>;
}

export function statsTarget(file: ClusterFile, clusterName: string): StatsTarget {
  const cluster = file.clusters.find((c) => c.name === clusterName);
  if (!cluster) throw new Error(`no cluster '${clusterName}' (the file has: ${file.clusters.map((c) => c.name).join(', ') || 'none'})`);
  const serviceNames = new Map<string, string>();
  const serverHosts = new Map<string, string>();
  for (const s of cluster.services) {
    try {
      const desired = desiredService(s);
      const id = serviceKeyString(desired.key);
      if (s.name !== undefined) serviceNames.set(id, s.name);
      s.realServers.forEach((rs, i) => {
        const real = desired.realServers[i];
        if (rs.host !== undefined && real) serverHosts.set(`${id}|${realServerKeyString(real)}`, rs.host);
      });
    } catch {
      // a service the model cannot turn into a key (invalid file): no names for it
    }
  }
  return { cluster, directors: cluster.directors.map((d) => d.host), serviceNames, serverHosts };
}
