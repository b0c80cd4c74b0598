/**
 * From cluster-file text to one cluster ready to plan: validate, refuse files with errors, pick the cluster
 * by name (or the only one), compute its desired IPVS table. Shared by lvsctl and the extension.
 */
import { desiredTable } from '../clusterFile/desiredTable';
import type { ClusterFile, ClusterSpec } from '../clusterFile/types';
import { validateClusterFile } from '../clusterFile/validate';
import type { Diagnostic } from '../diagnostics';
import type { IpvsTable } from '../ipvs/types';

export interface LoadedCluster {
  model: ClusterFile;
  cluster: ClusterSpec;
  desired: IpvsTable;
}

export type ClusterSelection =
  | { ok: true; loaded: LoadedCluster }
  /** `errors`: the file has errors (listed); `ambiguous`: several clusters and no name; `unknown`: no such cluster; `empty`: no cluster at all. */
  | { ok: false; reason: 'errors'; errors: Diagnostic[]; message: string }
  | { ok: false; reason: 'ambiguous' | 'unknown' | 'empty'; names: string[]; message: string };

/** Picks `name` (or the only cluster) out of a validated model. */
export function selectCluster(model: ClusterFile, name: string | undefined, fileLabel = 'the file'): ClusterSelection {
  const names = model.clusters.map((c) => c.name);
  if (name === undefined) {
    if (names.length === 0) return { ok: false, reason: 'empty', names, message: `${fileLabel} defines no cluster` };
    if (names.length > 1) {
      return { ok: false, reason: 'ambiguous', names, message: `${fileLabel} defines ${names.length} clusters (${names.join(', ')}); choose one` };
    }
    name = names[0];
  }
  const cluster = model.clusters.find((c) => c.name === name);
  if (!cluster) return { ok: false, reason: 'unknown', names, message: `no cluster '${name}' in ${fileLabel} (it has: ${names.join(', ') || 'none'})` };
  return { ok: true, loaded: { model, cluster, desired: desiredTable(model, cluster.name) } };
}

/** Validates `text` and selects a cluster; a file with errors selects nothing. */
export function loadClusterText(text: string, name: string | undefined, fileLabel = 'the file'): ClusterSelection {
  const { model, diagnostics } = validateClusterFile(text);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    return { ok: false, reason: 'errors', errors, message: `${fileLabel} has ${errors.length} error${errors.length === 1 ? '' : 's'}; fix ${errors.length === 1 ? 'it' : 'them'} first` };
  }
  return selectCluster(model, name, fileLabel);
}
