/**
 * Generated statistics snapshots for the webview: the UI test of the bundle alone
 * (test/vscode/ui/statsWebview.test.ts) and the webview bench (bench/stats.bench.ts) post the same ones.
 */
import type { DirectorSnapshot, RealServerStats, ServiceStats } from '../../src/shared/statsProtocol';

/** `services` services of `per` real servers each; every value moves with `tick`. */
export function snapshotOf(services: number, per: number, tick: number): DirectorSnapshot {
  const rate = (k: number) => ({ cps: (k * 7 + tick) % 50, inPps: (k * 13 + tick * 3) % 900, outPps: (k + tick) % 7, inBps: (k * 1009 + tick * 77) % 900_000, outBps: (k * 31 + tick) % 4000 });
  const totals = (k: number) => ({ conns: k * 100 + tick * 3, inPkts: k * 900 + tick * 11, outPkts: k, inBytes: k * 90_000 + tick * 1234, outBytes: k * 10 });
  const svcs: ServiceStats[] = [];
  for (let s = 0; s < services; s++) {
    const realServers: RealServerStats[] = [];
    for (let r = 0; r < per; r++) {
      const k = s * per + r;
      const rs: RealServerStats = { id: `svc${s}|10.1.${s}.${r}:80`, endpoint: `10.1.${s}.${r}:80`, weight: r + 1, method: 'nat', activeConn: (k + tick) % 40, inactConn: (k * 3 + tick) % 90, totals: totals(k), rate: rate(k), approximate: false };
      // Every other real server is declared with a host name in the cluster file, the others by address only.
      if (r % 2 === 0) rs.host = `web${k}`;
      realServers.push(rs);
    }
    svcs.push({
      id: `svc${s}`, label: `TCP 10.0.0.${s}:80`, scheduler: 'wrr', activeConn: s, inactConn: 2 * s, totals: totals(s), rate: rate(s), approximate: false, realServers,
      share: { basis: 'window', connections: 100 + tick, maxDeviation: 0.02, rows: realServers.map((r, i) => ({ id: r.id, endpoint: r.endpoint, ...(r.host !== undefined ? { host: r.host } : {}), weight: i + 1, expected: 1 / per, observed: ((i + tick) % per) / per })) },
    });
  }
  return { director: 'director', time: 1_700_000_000_000 + tick * 2000, services: svcs, warnings: [] };
}
