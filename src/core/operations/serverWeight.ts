/**
 * Changing one real server's weight on a director, live: Drain (weight 0: no new connections, the
 * established ones finish), Restore (the file's weight back) and Set weight. Under the director's apply
 * lock, the `-e` line is built from the live entry with only the weight changed (ipvsadm resets any field
 * an `-e` leaves out: forwarding method, thresholds, tunnel), sent with `ipvsadm -R` on stdin (no shell),
 * then read back.
 */
import type { DirectorLink } from '../apply/applyDirector';
import { liveStateCommand } from '../apply/liveState';
import { lockSpec } from '../apply/remoteLock';
import { restoreCommand } from '../apply/restoreBatch';
import { ipvsadmLine } from '../plan/ipvsadmLines';
import type { IpvsRealServer, IpvsService, IpvsTable } from '../ipvs/types';
import { realServerKeyString, serviceKeyString } from '../ipvs/types';

/** ipvsadm accepts weights 0..65535 (`-w`). */
export const MAX_WEIGHT = 65535;

export function checkWeight(weight: number): string | undefined {
  if (!Number.isInteger(weight) || weight < 0 || weight > MAX_WEIGHT) return `a weight is a whole number from 0 to ${MAX_WEIGHT}`;
  return undefined;
}

export interface WeightTarget {
  /** `serviceKeyString` of the virtual service (`tcp:10.0.0.1:80`). */
  service: string;
  /** `realServerKeyString` of the real server (`10.0.0.11:80`). */
  server: string;
  weight: number;
}

export type WeightOutcome = 'changed' | 'unchanged' | 'absent' | 'failed';

export interface WeightResult {
  host: string;
  service: string;
  server: string;
  outcome: WeightOutcome;
  /** The live weight before. */
  from?: number;
  to: number;
  /** The exact `ipvsadm -R` line sent. */
  line?: string;
  error?: string;
}

export function findServer(table: IpvsTable, service: string, server: string): { service: IpvsService; server: IpvsRealServer } | undefined {
  const s = table.services.find((x) => serviceKeyString(x.key) === service);
  const rs = s?.realServers.find((r) => realServerKeyString(r) === server);
  return s && rs ? { service: s, server: rs } : undefined;
}

/** The `-e` line giving `server` of `service` the new weight, every other field as it is live (pure). */
export function weightLine(service: IpvsService, server: IpvsRealServer, weight: number): string {
  return ipvsadmLine({ kind: 'edit-server', key: service.key, server: { ...server, weight } });
}

export interface SetWeightOptions {
  cluster: string;
  holder: string;
  lockWaitSeconds?: number;
}

/** Sets the weight on one director; never throws (the outcome says what happened). */
export async function setServerWeight(link: DirectorLink, target: WeightTarget, options: SetWeightOptions): Promise<WeightResult> {
  const result: WeightResult = { host: link.host, service: target.service, server: target.server, outcome: 'failed', to: target.weight };
  const bad = checkWeight(target.weight);
  if (bad) { result.error = bad; return result; }
  let lock;
  try {
    lock = await link.lock(lockSpec(options.holder, options.lockWaitSeconds ?? 30));
  } catch (err) {
    result.error = (err as Error).message;
    return result;
  }
  try {
    const live = await link.run(liveStateCommand(options.cluster));
    const found = findServer(live.table, target.service, target.server);
    if (!found) { result.outcome = 'absent'; result.error = `${target.server} is not a real server of ${target.service} on ${link.host}`; return result; }
    result.from = found.server.weight;
    if (found.server.weight === target.weight) { result.outcome = 'unchanged'; return result; }
    result.line = weightLine(found.service, found.server, target.weight);
    const res = await link.run(restoreCommand(`${result.line}\n`, 30_000));
    const after = findServer((await link.run(liveStateCommand(options.cluster))).table, target.service, target.server);
    if (after?.server.weight !== target.weight) {
      result.error = `ipvsadm did not take ${result.line}${res.stderr.trim() ? `: ${res.stderr.trim()}` : ''} (live weight is ${after?.server.weight ?? 'gone'})`;
      return result;
    }
    result.outcome = 'changed';
    return result;
  } catch (err) {
    result.error = (err as Error).message;
    return result;
  } finally {
    lock.release();
  }
}

export function weightResultText(r: WeightResult): string {
  switch (r.outcome) {
    case 'changed': return `${r.host}: ${r.server} of ${r.service}: weight ${r.from ?? '?'} → ${r.to}`;
    case 'unchanged': return `${r.host}: ${r.server} of ${r.service}: weight already ${r.to}`;
    case 'absent': return `${r.host}: ${r.error ?? 'absent'}`;
    case 'failed': return `${r.host}: ${r.server} of ${r.service}: FAILED: ${r.error ?? ''}`;
  }
}
