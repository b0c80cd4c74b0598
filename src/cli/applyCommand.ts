import { hostname, userInfo } from 'node:os';
import { holderInfo } from '../core/apply/remoteLock';
import { applyCluster, applyResultText } from '../core/operations/applyCluster';
import { previewDirectors, previewHasChanges, previewText } from '../core/operations/directorPreview';
import { parseCommandArgs, UsageError } from './cliIo';
import type { CliCommand, CliIo } from './cliIo';
import { keepalivedApply } from './keepalivedCommands';
import { loadClusterFile } from './loadClusterFile';
import { clusterPool, confirm, defaultTrustStore } from './planCommand';

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
                   [--lock-wait S] [--trust-store PATH]

Shows the plan (as lvsctl plan does), asks for confirmation, then applies it to every director:
takes the director's apply lock, snapshots the table, sets the cluster's IPVS sysctls that differ,
sends every step as ONE ipvsadm -R stream, reads the table back and proves it equals the file.
Real servers removed from the file are drained (weight 0) and deleted once idle. Any failure or
Ctrl-C restores the snapshot (a diff back, never a flush).

Options:
  --cluster NAME       the cluster (needed when FILE defines more than one)
  --yes                do not ask (required when stdin is not a terminal)
  --force              delete removed real servers and services at once, without draining
  --drain-timeout S    wait up to S seconds (default 30) for drained real servers to go idle,
                       then delete them anyway
  --persist            also write the boot rules file of the distro's ipvsadm service
                       (/etc/ipvsadm.rules or /etc/sysconfig/ipvsadm), only when it changes
  --lock-wait S        wait up to S seconds (default 30) for another apply's lock
  --trust-store PATH   where accepted host keys are stored (default ~/.config/vscode-lvs/known_hosts)
  --take-over          engine keepalived: replace a keepalived.conf lvsctl did not write (docs/ha.md)

Exit codes: 0 every director holds the file's table (applied, or nothing to do); 1 the file has
errors; 2 usage; 3 not confirmed (answered no, or no terminal and no --yes); 4 failed on some director,
and every director that failed has its table as before (nothing changed, or rolled back to the snapshot),
while the others hold the file's table (a line per director says which); 5 failed and the rollback failed
too: that director's table may be partly applied (its snapshot is printed).`;

export const applyCommand: CliCommand = {
  name: 'apply',
  summary: "make the cluster's directors hold the file's IPVS table (plan, confirm, apply, verify)",
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const parsed = parseCommandArgs(args, {
          cluster: { type: 'string' }, yes: { type: 'boolean', short: 'y' }, force: { type: 'boolean' },
          'drain-timeout': { type: 'string' }, persist: { type: 'boolean' }, 'lock-wait': { type: 'string' },
          'trust-store': { type: 'string' }, 'take-over': { type: 'boolean' },
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
    const loaded = await loadClusterFile('apply', positionals[0], values.cluster, io);
    if (typeof loaded === 'number') return loaded;
    // engine: keepalived — its own apply (src/cli/keepalivedCommands.ts).
    if (loaded.cluster.engine === 'keepalived') return keepalivedApply(loaded, { file: positionals[0], yes: values.yes ?? false, takeOver: values['take-over'] ?? false, lockWaitSeconds: lockWait, ...(values['trust-store'] !== undefined ? { trustStore: values['trust-store'] } : {}) }, io);
    const force = values.force ?? false;

    const pool = clusterPool(loaded.model, values['trust-store'] ?? defaultTrustStore());
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
      if (!previews.some(previewHasChanges)) {
        io.stdout.write('Nothing to do: every director matches the file.\n');
        return APPLY_EXIT.ok;
      }
      if (!values.yes) {
        if (!process.stdin.isTTY) {
          io.stderr.write('lvsctl apply: stdin is not a terminal; pass --yes to apply without asking\n');
          return APPLY_EXIT.notConfirmed;
        }
        if (!(await confirm('Apply these changes? [y/N] '))) {
          io.stdout.write('Not applied.\n');
          return APPLY_EXIT.notConfirmed;
        }
      }
      process.on('SIGINT', onSigint);
      const holder = holderInfo({ user: userInfo().username, localHost: hostname(), pid: process.pid, cluster: loaded.cluster.name });
      const results = await applyCluster(pool, loaded, previews, {
        force,
        drainTimeoutMs: drainTimeout * 1000,
        persist: values.persist ?? false,
        lockWaitSeconds: lockWait,
        holder,
        signal: controller.signal,
        onEvent: (e) => { if (e.phase === 'drain-wait') io.stderr.write(`${e.host}: draining ${e.detail ?? ''}\n`); },
      });
      let exit: number = APPLY_EXIT.ok;
      for (const r of results) {
        io.stdout.write(applyResultText(r));
        if (r.status === 'rollback-failed') exit = APPLY_EXIT.rollbackFailed;
        else if ((r.status === 'rolled-back' || r.status === 'not-applied') && exit === APPLY_EXIT.ok) exit = APPLY_EXIT.failedUnchanged;
      }
      return exit;
    } finally {
      process.off('SIGINT', onSigint);
      pool.close();
    }
  },
};
