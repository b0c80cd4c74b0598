/**
 * `lvsctl plan` and `lvsctl apply` for clusters with `engine: keepalived` (planCommand and applyCommand hand
 * such clusters over here): per director the diff of its keepalived.conf and of the IPVS table keepalived
 * builds, then write, `keepalived -t`, swap, reload, read back, restore on failure (docs/ha.md).
 */
import { basename } from 'node:path';
import { localHolder } from '../core/apply/remoteLock';
import type { LoadedCluster } from '../core/operations/clusterSelection';
import { applyKeepalivedCluster, keepalivedPoolLink, keepalivedResultText } from '../core/keepalived/applyKeepalivedCluster';
import type { KeepalivedDirectorPlan } from '../core/keepalived/keepalivedPlan';
import { keepalivedPlanHasChanges, keepalivedPlanJson, keepalivedPlanText, previewKeepalivedDirectors } from '../core/keepalived/keepalivedPlan';
import type { CliIo } from './cliIo';
import { APPLY_EXIT } from './applyCommand';
import { openSshSession } from './sshSession';
import { approveApply } from './terminalQuestions';

export interface KeepalivedPlanArgs {
  file: string;
  json: boolean;
  detailedExitcode: boolean;
  trustStore?: string;
  live?: string;
}

export async function keepalivedPlan(loaded: LoadedCluster, args: KeepalivedPlanArgs, io: CliIo): Promise<number> {
  if (args.live !== undefined) {
    io.stderr.write(`lvsctl plan: --live plans an ipvsadm table; cluster '${loaded.cluster.name}' has engine keepalived\n`);
    return 2;
  }
  const { pool } = openSshSession(loaded.model, args.trustStore !== undefined ? { trustStore: args.trustStore } : {});
  let plans: KeepalivedDirectorPlan[];
  try {
    plans = await previewKeepalivedDirectors(pool, loaded.model, loaded.cluster.name, basename(args.file));
  } finally {
    pool.close();
  }
  if (args.json) io.stdout.write(`${JSON.stringify({ directors: plans.map(keepalivedPlanJson) }, null, 2)}\n`);
  else for (const p of plans) io.stdout.write(keepalivedPlanText(p));
  if (plans.some((p) => p.error !== undefined)) return 4;
  return args.detailedExitcode && plans.some(keepalivedPlanHasChanges) ? 3 : 0;
}

export interface KeepalivedApplyArgs {
  file: string;
  yes: boolean;
  takeOver: boolean;
  lockWaitSeconds: number;
  trustStore?: string;
}

export async function keepalivedApply(loaded: LoadedCluster, args: KeepalivedApplyArgs, io: CliIo): Promise<number> {
  const { pool } = openSshSession(loaded.model, args.trustStore !== undefined ? { trustStore: args.trustStore } : {});
  try {
    const plans = await previewKeepalivedDirectors(pool, loaded.model, loaded.cluster.name, basename(args.file));
    for (const p of plans) io.stdout.write(keepalivedPlanText(p));
    if (plans.some((p) => p.error !== undefined)) {
      io.stderr.write('lvsctl apply: a director could not be read; nothing applied\n');
      return APPLY_EXIT.failedUnchanged;
    }
    if (!plans.some(keepalivedPlanHasChanges)) {
      io.stdout.write('Nothing to do: every director runs the file\'s keepalived configuration.\n');
      return APPLY_EXIT.ok;
    }
    if (!(await approveApply(io, args.yes))) return APPLY_EXIT.notConfirmed;
    const holder = localHolder('lvsctl', loaded.cluster.name);
    const result = await applyKeepalivedCluster((h) => keepalivedPoolLink(pool, h), loaded.model, loaded.cluster.name, plans, {
      takeOver: args.takeOver, holder, lockWaitSeconds: args.lockWaitSeconds,
      onEvent: (host, phase, detail) => io.stderr.write(`${host}: ${phase}${detail ? ` (${detail})` : ''}\n`),
    });
    let exit: number = APPLY_EXIT.ok;
    for (const r of result.directors) {
      io.stdout.write(keepalivedResultText(r));
      if (r.status === 'rollback-failed') exit = APPLY_EXIT.rollbackFailed;
      else if ((r.status === 'rolled-back' || r.status === 'not-applied') && exit === APPLY_EXIT.ok) exit = APPLY_EXIT.failedUnchanged;
    }
    if (exit === APPLY_EXIT.ok) {
      io.stdout.write(`VIPs held by ${result.vipHolders.join(', ')}\n`);
      for (const [host, down] of Object.entries(result.down)) io.stdout.write(`${host}: out of the table by keepalived's checks: ${down.join(', ')}\n`);
    }
    return exit;
  } finally {
    pool.close();
  }
}
