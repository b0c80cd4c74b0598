import { CONFIRM_SCRIPT } from '../core/apply/guardian';
import { LOCK_DIR, localHolder } from '../core/apply/remoteLock';
import { rawCommand } from '../core/ssh/remoteCommand';
import type { SshPool } from '../core/ssh/connectionPool';
import type { LoadedCluster } from '../core/operations/clusterSelection';
import { applyCluster, applyResultText } from '../core/operations/applyCluster';
import { previewDirectors, previewHasChanges, previewText } from '../core/operations/directorPreview';
import { parseCommandArgs, UsageError } from './cliIo';
import type { CliCommand, CliIo } from './cliIo';
import { applyBird, previewBird } from './birdApply';
import { keepalivedApply } from './keepalivedCommands';
import { loadClusterFile } from './loadClusterFile';
import { openSshSession } from './sshSession';
import { approveApply, confirm } from './terminalQuestions';

/** Exit codes of `lvsctl apply` (documented in docs/plan-apply.md). */
export const APPLY_EXIT = {
  ok: 0,
  fileErrors: 1,
  usage: 2,
  notConfirmed: 3,
  failedUnchanged: 4,
  rollbackFailed: 5,
} as const;

const USAGE = `Usage: lvsctl apply FILE [--cluster NAME] [--yes] [--force] [--drain-timeout S] [--persist]
                   [--lock-wait S] [--confirm-within S] [--trust-store PATH]
       lvsctl apply FILE --confirm [--cluster NAME] [--trust-store PATH]

Shows the plan (as lvsctl plan does), asks for confirmation, then applies it to every director:
takes the director's apply lock, snapshots the table, sets the cluster's IPVS sysctls that differ,
sends every step as ONE ipvsadm -R stream, reads the table back and proves it equals the file.
Real servers removed from the file are drained (weight 0) and deleted once idle. Any failure or
Ctrl-C restores the snapshot (a diff back, never a flush). Each director runs the batch under a
guardian that restores the snapshot by itself if lvsctl dies or the connection drops before it commits.

Options:
  --cluster NAME       the cluster (needed when FILE defines more than one)
  --yes                do not ask (required when stdin is not a terminal)
  --force              delete removed real servers and services at once, without draining
  --drain-timeout S    wait up to S seconds (default 30) for drained real servers to go idle,
                       then delete them anyway
  --persist            also write the boot rules file of the distro's ipvsadm service
                       (/etc/ipvsadm.rules or /etc/sysconfig/ipvsadm), only when it changes
  --lock-wait S        wait up to S seconds (default 30) for another apply's lock
  --confirm-within S   keep the change only if confirmed within S seconds, else each director rolls
                       it back by itself: on a terminal lvsctl asks "Keep these changes?"; with --yes
                       (or no terminal) it returns at once and \`lvsctl apply FILE --confirm\` confirms
  --confirm            confirm the change a --confirm-within apply left waiting on every director
  --trust-store PATH   where accepted host keys are stored (default ~/.config/vscode-lvs/known_hosts)
  --take-over          engine keepalived: replace a keepalived.conf lvsctl did not write (docs/ha.md);
                       mode active-active: replace a bird.conf lvsctl did not write (docs/scale-out.md)

mode: active-active: the IPVS table goes to every director as above, then each director's bird.conf
(lvsctl render --bird): checked with bird -p, swapped in, birdc configure, read back until every session
is Established and exports exactly the VIPs; restored on failure.

Exit codes: 0 every director holds the file's table (applied, or nothing to do); 1 the file has
errors; 2 usage; 3 not confirmed (answered no, or no terminal and no --yes); 4 failed on some director,
and every director that failed has its table as before (nothing changed, or rolled back to the snapshot),
while the others hold the file's table (a line per director says which); 5 failed and the rollback failed
too: that director's table may be partly applied (its snapshot is printed).
With --confirm: 0 every director confirmed, 4 some director had nothing waiting (rolled back already?).`;

export const applyCommand: CliCommand = {
  name: 'apply',
  summary: "make the cluster's directors hold the file's IPVS table (plan, confirm, apply, verify)",
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const parsed = parseCommandArgs(args, {
          cluster: { type: 'string' }, yes: { type: 'boolean', short: 'y' }, force: { type: 'boolean' },
          'drain-timeout': { type: 'string' }, persist: { type: 'boolean' }, 'lock-wait': { type: 'string' },
          'trust-store': { type: 'string' }, 'take-over': { type: 'boolean' }, 'confirm-within': { type: 'string' }, confirm: { type: 'boolean' },
        });
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError('exactly one FILE is needed');
    const seconds = (name: string, v: string | undefined, dflt: number): number => {
      if (v === undefined) return dflt;
      if (!/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`--${name} takes a number of seconds, not '${v}'`);
      return Number(v);
    };
    const drainTimeout = seconds('drain-timeout', values['drain-timeout'], 30);
    const lockWait = seconds('lock-wait', values['lock-wait'], 30);
    const confirmWithin = values['confirm-within'] === undefined ? undefined : seconds('confirm-within', values['confirm-within'], 0);
    if (confirmWithin !== undefined && confirmWithin < 5) throw new UsageError('--confirm-within needs at least 5 seconds');
    const loaded = await loadClusterFile('apply', positionals[0], values.cluster, io);
    if (typeof loaded === 'number') return loaded;
    // engine: keepalived — its own apply (src/cli/keepalivedCommands.ts).
    if (loaded.cluster.engine === 'keepalived') return keepalivedApply(loaded, { file: positionals[0], yes: values.yes ?? false, takeOver: values['take-over'] ?? false, lockWaitSeconds: lockWait, ...(values['trust-store'] !== undefined ? { trustStore: values['trust-store'] } : {}) }, io);
    const force = values.force ?? false;

    const { pool } = openSshSession(loaded.model, values['trust-store'] !== undefined ? { trustStore: values['trust-store'] } : {});
    if (values.confirm) {
      try { return await confirmPending(pool, loaded, io); } finally { pool.close(); }
    }
    const interactive = !values.yes && process.stdin.isTTY === true;
    if (confirmWithin !== undefined && values.persist && !interactive) {
      pool.close();
      throw new UsageError('--persist with --confirm-within needs the prompt (a terminal, without --yes): the boot rules file is written only once the change is kept');
    }
    const controller = new AbortController();
    const onSigint = (): void => {
      io.stderr.write('\nlvsctl apply: cancelled; rolling back…\n');
      controller.abort();
    };
    try {
      const previews = await previewDirectors(pool, loaded, force);
      for (const p of previews) io.stdout.write(previewText(p));
      if (previews.some((p) => p.error !== undefined)) {
        io.stderr.write('lvsctl apply: a director could not be read; nothing applied\n');
        return APPLY_EXIT.failedUnchanged;
      }
      if (previews.some((p) => p.kernel !== undefined)) {
        io.stderr.write('lvsctl apply: a director\'s kernel cannot hold the file\'s table (see above); nothing applied\n');
        return APPLY_EXIT.failedUnchanged;
      }
      const activeActive = loaded.cluster.mode === 'active-active';
      const birdPlans = activeActive ? await previewBird(pool, loaded, positionals[0], io) : [];
      if (birdPlans.some((p) => p.error !== undefined)) {
        io.stderr.write('lvsctl apply: a director cannot run the file\'s BIRD configuration (see above); nothing applied\n');
        return APPLY_EXIT.failedUnchanged;
      }
      const birdChanges = birdPlans.some((p) => p.changes);
      const tableChanges = previews.some(previewHasChanges);
      if (!tableChanges && !birdChanges) {
        io.stdout.write('Nothing to do: every director matches the file.\n');
        return APPLY_EXIT.ok;
      }
      if (!(await approveApply(io, values.yes ?? false))) return APPLY_EXIT.notConfirmed;
      process.on('SIGINT', onSigint);
      const holder = localHolder('lvsctl', loaded.cluster.name);
      const results = !tableChanges ? [] : await applyCluster(pool, loaded, previews, {
        force,
        drainTimeoutMs: drainTimeout * 1000,
        persist: values.persist ?? false,
        lockWaitSeconds: lockWait,
        holder,
        signal: controller.signal,
        onEvent: (e) => { if (e.phase === 'drain-wait') io.stderr.write(`${e.host}: draining ${e.detail ?? ''}\n`); },
        ...(confirmWithin !== undefined ? {
          confirmWithinSeconds: confirmWithin,
          confirm: async () => {
            if (!interactive) return 'detach' as const;
            return (await confirm(`Applied and verified. Keep these changes? [y/N] (every director rolls back by itself in ${confirmWithin} s) `)) ? 'commit' as const : 'rollback' as const;
          },
        } : {}),
      });
      let exit: number = APPLY_EXIT.ok;
      for (const r of results) {
        io.stdout.write(applyResultText(r));
        if (r.status === 'rollback-failed') exit = APPLY_EXIT.rollbackFailed;
        else if ((r.status === 'rolled-back' || r.status === 'not-applied') && exit === APPLY_EXIT.ok) exit = APPLY_EXIT.failedUnchanged;
      }
      // The routes only once every director holds the table: a director announces the VIPs it can serve.
      if (birdChanges && exit === APPLY_EXIT.ok) {
        const bird = await applyBird(pool, loaded, birdPlans, { takeOver: values['take-over'] ?? false, holder, lockWaitSeconds: lockWait }, io);
        if (bird === 'rollback-failed') exit = APPLY_EXIT.rollbackFailed;
        else if (bird === 'failed') exit = APPLY_EXIT.failedUnchanged;
      }
      return exit;
    } finally {
      process.off('SIGINT', onSigint);
      pool.close();
    }
  },
};

/** `lvsctl apply FILE --confirm`: confirms the change waiting on every director (one exec each). */
async function confirmPending(pool: SshPool, loaded: LoadedCluster, io: CliIo): Promise<number> {
  const hosts = loaded.cluster.directors.map((d) => d.host);
  const outcomes = await pool.runOnHosts(hosts, () => rawCommand(['sh', '-c', CONFIRM_SCRIPT, 'sh', LOCK_DIR], { timeoutMs: 30_000 }), { concurrency: Math.max(1, hosts.length) });
  let exit: number = APPLY_EXIT.ok;
  for (const o of outcomes) {
    const word = o.ok ? o.value.stdout.trim() : '';
    if (word === 'CONFIRMED') io.stdout.write(`${o.host}: confirmed; the change is kept\n`);
    else {
      exit = APPLY_EXIT.failedUnchanged;
      if (!o.ok) io.stdout.write(`${o.host}: cannot confirm: ${o.error.message}\n`);
      else if (word === 'WAITING') io.stdout.write(`${o.host}: the confirmation was written but the guardian has not taken it yet\n`);
      else io.stdout.write(`${o.host}: nothing waits for a confirmation (never applied with --confirm-within, or already rolled back)\n`);
    }
  }
  return exit;
}
