/**
 * The Clusters tree's live view (ClusterLiveView) of a keepalived cluster, from the same one-exec readings as
 * `lvsctl status` (pure): a director is reachable when its keepalived was read; services and real servers are
 * counted from the IPVS table keepalived built (`ipvsadm -S -n` of the reading), weights included. keepalived
 * owns that table, so nothing here is drift: a real server missing from it is the checkers' verdict, which the
 * tree shows from KeepalivedClusterStatus.
 */
import { realServerKeyString, serviceKeyString } from '../ipvs/types';
import type { ClusterLiveView } from '../operations/clusterLiveView';
import { emptyLiveView, serverViewKey } from '../operations/clusterLiveView';
import type { LoadedCluster } from '../operations/clusterSelection';
import type { DirectorReadOutcome } from './keepalivedClusterStatus';

export function keepalivedLiveView(loaded: LoadedCluster, outcomes: readonly DirectorReadOutcome[]): ClusterLiveView {
  const view = emptyLiveView(loaded);
  for (const o of outcomes) {
    if ('error' in o) { view.directors.push({ host: o.host, reachable: false, error: o.error, changes: 0, foreign: [] }); continue; }
    view.reachable++;
    view.directors.push({ host: o.host, reachable: true, changes: 0, foreign: [] });
    for (const live of o.reading.table.services) {
      const sid = serviceKeyString(live.key);
      const sv = view.services.get(sid);
      if (!sv) continue;
      sv.presentOn++;
      for (const rs of live.realServers) {
        const v = view.servers.get(serverViewKey(sid, realServerKeyString(rs)));
        if (!v) continue;
        v.presentOn++;
        v.weights.push(rs.weight);
      }
    }
  }
  return view;
}
