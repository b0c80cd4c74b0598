/**
 * Does the scheduler spread the load as the weights say? Expected share of a real server = its weight /
 * the sum of the service's weights (weight 0 = quiesced: expected 0); observed share = its part of the new
 * connections since a baseline (the first reading the poller saw), or of the all-time totals while there
 * are no new connections yet. For rr/wrr the two converge quickly; for lc/wlc/sh/… they only agree on
 * average, which is what an operator wants to see.
 */
import type { ShareOfTraffic, ShareRow } from '../../shared/statsProtocol';

export interface ShareInput {
  id: string;
  endpoint: string;
  /** The cluster file's host name of the real server, when it names one. */
  host?: string | undefined;
  /** undefined = the listing did not show weights: treated as equal weights. */
  weight?: number;
  /** Cumulative connections (the `--stats` Conns column). */
  conns: number;
  /** Connections at the baseline; undefined = not seen at the baseline (counts from 0 … its first value). */
  baselineConns?: number;
}

export function shareOfTraffic(servers: readonly ShareInput[]): ShareOfTraffic {
  const weights = servers.map((s) => Math.max(0, s.weight ?? 1));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const window = servers.map((s) => Math.max(0, s.conns - (s.baselineConns ?? s.conns)));
  const windowSum = window.reduce((a, b) => a + b, 0);
  const basis: ShareOfTraffic['basis'] = windowSum > 0 ? 'window' : 'totals';
  const counted = basis === 'window' ? window : servers.map((s) => s.conns);
  const connections = counted.reduce((a, b) => a + b, 0);
  let maxDeviation = 0;
  const rows: ShareRow[] = servers.map((s, i) => {
    const expected = weightSum > 0 ? weights[i] / weightSum : 0;
    const observed = connections > 0 ? counted[i] / connections : 0;
    if (connections > 0) maxDeviation = Math.max(maxDeviation, Math.abs(observed - expected));
    const row: ShareRow = { id: s.id, endpoint: s.endpoint, weight: s.weight ?? 1, expected, observed };
    if (s.host !== undefined) row.host = s.host;
    return row;
  });
  return { basis, connections, rows, maxDeviation };
}
