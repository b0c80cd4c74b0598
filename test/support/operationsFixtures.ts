/** A loaded cluster (the classic DR example) and a director's live state from rules text, for the operations tests. */
import assert from 'node:assert/strict';
import type { LiveState } from '../../src/core/apply/liveState';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import { loadClusterText } from '../../src/core/operations/clusterSelection';
import type { LoadedCluster } from '../../src/core/operations/clusterSelection';
import { CLASSIC_DR_EXAMPLE } from '../builders/clusterFileText';

export function loaded(text = CLASSIC_DR_EXAMPLE, name?: string): LoadedCluster {
  const s = loadClusterText(text, name);
  assert.ok(s.ok, s.ok ? '' : s.message);
  return s.loaded;
}

export function live(rules: string, counters: Record<string, [number, number]> = {}): LiveState {
  const r = parseRules(rules);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  const map = new Map<string, { activeConn: number; inactConn: number }>();
  for (const [k, [a, i]] of Object.entries(counters)) map.set(k, { activeConn: a, inactConn: i });
  return { saveText: rules, table: r.table, counters: map, sysctls: { expire_nodest_conn: 1, expire_quiescent_template: 1 }, managed: new Set() };
}

/** The classic example's table as a director holding it prints it. */
export const MATCHING = '-A -t 192.168.116.200:80 -s rr\n-a -t 192.168.116.200:80 -r 192.168.116.4:80 -g -w 1\n-a -t 192.168.116.200:80 -r 192.168.116.5:80 -g -w 1\n';
export const SVC = 'tcp:192.168.116.200:80';
