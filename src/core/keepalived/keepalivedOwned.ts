/**
 * The IPVS services keepalived owns on the directors: those of the file's keepalived clusters. The ipvsadm
 * engine never deletes them (not even with `prune: true`) nor lists them as foreign, so `engine: ipvsadm`
 * and `engine: keepalived` clusters can share a director (keepalived does not restore what others delete,
 * acassen/keepalived#1877).
 */
import { serviceKeyOf } from '../clusterFile/semanticChecks';
import type { ClusterFile } from '../clusterFile/types';
import { serviceKeyString } from '../ipvs/types';

export function keepalivedOwnedServiceKeys(model: ClusterFile): Set<string> {
  const keys = new Set<string>();
  for (const c of model.clusters) if (c.engine === 'keepalived') for (const s of c.services) keys.add(serviceKeyString(serviceKeyOf(s)));
  return keys;
}
