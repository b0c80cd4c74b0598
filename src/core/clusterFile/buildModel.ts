/** The model from the walked and checked file: every item not dropped, in file order. */

import type { ParsedFile } from './parsedFile';
import type { ClusterFile } from './types';

export function buildModel(file: ParsedFile): ClusterFile {
  const model: ClusterFile = { version: 1, hosts: [], clusters: [] };
  for (const host of file.hosts) if (!host.dropped) model.hosts.push(host.spec);
  for (const cluster of file.clusters) {
    if (cluster.dropped) continue;
    const spec = cluster.spec;
    spec.directors = [];
    for (const d of cluster.directors) if (!d.dropped) spec.directors.push(d.spec);
    spec.services = [];
    for (const s of cluster.services) {
      if (s.dropped) continue;
      s.spec.realServers = [];
      for (const rs of s.realServers) if (!rs.dropped) s.spec.realServers.push(rs.spec);
      spec.services.push(s.spec);
    }
    model.clusters.push(spec);
  }
  return model;
}
