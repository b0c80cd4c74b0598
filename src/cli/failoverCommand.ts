/**
 * `lvsctl failover FILE --cluster C --to DIRECTOR [--yes]` and `lvsctl failover FILE --cluster C --release`:
 * a controlled switchover of a keepalived cluster through its failover track file (no reload;
 * src/core/keepalived/keepalivedFailover.ts), then a read back until the new master holds the VIPs.
 */
import { readKeepalivedCluster } from '../core/keepalived/keepalivedClusterStatus';
import type { FailoverPlan } from '../core/keepalived/keepalivedFailover';
import { planFailover, planRelease, runFailover } from '../core/keepalived/keepalivedFailover';
import { readKeepalivedStatus } from '../core/keepalived/keepalivedStatusRead';
import { parseCommandArgs, UsageError } from './cliIo';
import type { CliCommand, CliIo } from './cliIo';
import { loadClusterFile } from './loadClusterFile';
import { openSshSession } from './sshSession';
import { confirm } from './terminalQuestions';

const USAGE = `Usage: lvsctl failover FILE --cluster NAME (--to DIRECTOR | --release) [--yes]

A controlled switchover of a keepalived cluster: --to DIRECTOR writes a number into the failover track
file keepalived watches on each director (/etc/keepalived/lvsctl-failover.NAME, rendered by lvsctl apply),
which raises DIRECTOR's priority above the others: keepalived makes it MASTER and the old master gives the
VIPs up. No reload. --release writes 0 everywhere: the configured priorities elect again. Both wait until
the read back shows one MASTER holding the VIPs.

Options:
  --cluster NAME       the keepalived cluster (needed when FILE has several)
  --to DIRECTOR        the director that becomes MASTER
  --release            give every director its configured priority back
  --yes                do not ask for confirmation
  --trust-store PATH   where accepted host keys are written (default ~/.config/vscode-lvs/known_hosts)

Exit codes: 0 switched over, 1 FILE has errors, a director could not be written or the read back does not
show the switchover, 2 wrong usage or unreadable FILE, 4 not confirmed.`;

export const failoverCommand: CliCommand = {
  name: 'failover',
  summary: 'controlled switchover of a keepalived cluster (--to DIRECTOR) and back (--release)',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, {
      cluster: { type: 'string' }, to: { type: 'string' }, release: { type: 'boolean' }, yes: { type: 'boolean' }, 'trust-store': { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('exactly one FILE is needed');
    if ((values.to === undefined) === (values.release !== true)) throw new UsageError('give either --to DIRECTOR or --release');
    const loaded = await loadClusterFile('failover', positionals[0], values.cluster, io);
    if (typeof loaded === 'number') return loaded;
    const cluster = loaded.cluster;
    if (cluster.engine !== 'keepalived') {
      io.stderr.write(`lvsctl failover: cluster '${cluster.name}' has engine ${cluster.engine}; failover steers keepalived's VRRP\n`);
      return 1;
    }
    const session = openSshSession(loaded.model, values['trust-store'] !== undefined ? { trustStore: values['trust-store'] } : {});
    try {
      const read = (): ReturnType<typeof readKeepalivedCluster> => readKeepalivedCluster((h) => readKeepalivedStatus((x, c) => session.run(x, c), h), cluster);
      let plan: FailoverPlan;
      try {
        plan = values.to !== undefined ? planFailover(cluster, values.to, (await read()).masters) : planRelease(cluster);
      } catch (err) {
        io.stderr.write(`lvsctl failover: ${err instanceof Error ? err.message : String(err)}\n`);
        return 1;
      }
      io.stdout.write(`${plan.effect}\n`);
      if (!values.yes) {
        if (!process.stdin.isTTY) {
          io.stderr.write('lvsctl failover: stdin is not a terminal; pass --yes to switch over without asking\n');
          return 4;
        }
        if (!(await confirm('Switch over? [y/N] '))) {
          io.stdout.write('Nothing changed.\n');
          return 4;
        }
      }
      try {
        const result = await runFailover(plan, { run: (h, c) => session.run(h, c), read, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
        (result.ok ? io.stdout : io.stderr).write(`${result.text}\n`);
        return result.ok ? 0 : 1;
      } catch (err) {
        io.stderr.write(`lvsctl failover: ${err instanceof Error ? err.message : String(err)}\n`);
        return 1;
      }
    } finally {
      session.close();
    }
  },
};
