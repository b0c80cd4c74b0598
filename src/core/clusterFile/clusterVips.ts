import type { ClusterSpec } from './types';

/** The VIPs the cluster file gives a cluster's services (fwmark services have none), each once, in the file's order. */
export function clusterVips(cluster: Pick<ClusterSpec, 'services'>): string[] {
  const vips: string[] = [];
  for (const s of cluster.services) if (s.vip !== undefined && !vips.includes(s.vip)) vips.push(s.vip);
  return vips;
}
