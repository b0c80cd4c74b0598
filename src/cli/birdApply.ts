/** `lvsctl apply` of an active-active cluster: the BIRD step beside the IPVS apply (docs/scale-out.md). */

import { basename } from 'node:path';
import { applyBirdCluster, birdPoolLink, birdResultText, planBirdCluster, type BirdDirectorPlan } from '../core/bird/applyBirdCluster';
import type { LoadedCluster } from '../core/operations/clusterSelection';
import type { SshPool } from '../core/ssh/connectionPool';
import type { CliIo } from './cliIo';

/** The BIRD plan of every director, one line each. */
export async function previewBird(pool: SshPool, loaded: LoadedCluster, file: string, io: CliIo): Promise<BirdDirectorPlan[]> {
  const plans = await planBirdCluster((h) => birdPoolLink(pool, h), loaded.model, loaded.cluster.name, basename(file));
  for (const p of plans) {
    let line: string;
    if (p.error !== undefined) line = `cannot apply: ${p.error}`;
    else if (!p.changes) line = 'unchanged (BIRD runs the file\'s configuration)';
    else {
      const what = p.live?.conf === undefined ? 'written' : 'replaced';
      line = `will be ${what}${p.foreignConf !== undefined ? ` (the live one is ${p.foreignConf}: needs --take-over)` : ''}, checked with bird -p, then BIRD ${p.live?.running ? 'reconfigured' : 'started'}`;
    }
    io.stdout.write(`${p.host}: bird.conf ${line}\n`);
  }
  return plans;
}

/** Applies the BIRD plans; the exit-code classes of lvsctl apply: 'ok', 'failed' (restored) or 'rollback-failed'. */
export async function applyBird(pool: SshPool, loaded: LoadedCluster, plans: BirdDirectorPlan[], options: { takeOver: boolean; holder: string; lockWaitSeconds: number }, io: CliIo):
  Promise<'ok' | 'failed' | 'rollback-failed'> {
  const results = await applyBirdCluster((h) => birdPoolLink(pool, h), loaded.model, loaded.cluster.name, plans, options);
  let outcome: 'ok' | 'failed' | 'rollback-failed' = 'ok';
  for (const r of results) {
    io.stdout.write(birdResultText(r));
    if (r.status === 'rollback-failed') outcome = 'rollback-failed';
    else if ((r.status === 'rolled-back' || r.status === 'not-applied') && outcome === 'ok') outcome = 'failed';
  }
  return outcome;
}
