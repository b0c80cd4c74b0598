import { hostRequirements } from '../core/hostprep/hostRequirements';
import type { InitSystem } from '../core/hostprep/persistence';
import { formatArpVerdict, prepareCluster } from '../core/operations/prepareCluster';
import { formatReport } from '../core/operations/prepareReport';
import { parseCommandArgs, UsageError } from './cliIo';
import type { CliCommand, CliIo } from './cliIo';
import { loadClusterFile } from './loadClusterFile';
import { openSshSession } from './sshSession';

const USAGE = `Usage: lvsctl prepare FILE [--cluster NAME] [--dry-run] [--teardown] [--no-persist] [--json]
                      [--init auto|systemd|ifupdown|none] [--host NAME]... [--concurrency N] [--trust-store PATH]

Prepares the hosts of a cluster for LVS: directors get the VIPs, the ipvs modules (and
/etc/modules-load.d/lvs.conf), the cluster's net.ipv4.vs.* sysctls and ip_forward for NAT; DR real servers
arp_ignore/arp_announce and the VIP on lo; TUN real servers the tunnel device with the VIP and rp_filter=0;
NAT real servers get their route back checked (never changed). Each step is checked first and changed only
if needed, then verified; what was changed is recorded on the host (/var/lib/vscode-lvs/hostprep.json) so
that --teardown removes exactly that. Hosts run in parallel; one failing host does not stop the others.

Options:
  --cluster NAME     the cluster (default: the only one of the file)
  --dry-run          print the plan (what is done, what would change) and change nothing
  --teardown         remove what earlier runs added, restore previous values
  --no-persist       do not write /etc/sysctl.d, /etc/modules-load.d, the boot-time VIP restore
  --init KIND        how VIPs are restored at boot (default auto: systemd, else ifupdown, else none)
  --host NAME        only this host (repeatable)
  --concurrency N    hosts at a time (default 8)
  --trust-store PATH host keys accepted here (default ~/.config/vscode-lvs/known_hosts)
  --json             print the reports as JSON
  --verbose          SSH debug lines on stderr (never a secret)

Exit codes: 0 every host ready, 1 a host failed or needs manual action, 2 wrong usage or unreadable file.`;

export const prepareCommand: CliCommand = {
  name: 'prepare',
  summary: 'prepare directors and real servers (VIPs, sysctls, modules, tunnels); --teardown undoes it',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const parsed = parseCommandArgs(args, {
          cluster: { type: 'string' }, 'dry-run': { type: 'boolean' }, teardown: { type: 'boolean' }, 'no-persist': { type: 'boolean' },
          json: { type: 'boolean' }, init: { type: 'string' }, host: { type: 'string', multiple: true }, concurrency: { type: 'string' },
          'trust-store': { type: 'string' }, verbose: { type: 'boolean' },
        });
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError('exactly one FILE is needed');
    const init = values.init ?? 'auto';
    if (!['auto', 'systemd', 'ifupdown', 'none'].includes(init)) throw new UsageError(`--init must be auto, systemd, ifupdown or none, not '${init}'`);
    const concurrency = values.concurrency !== undefined ? Number(values.concurrency) : undefined;
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) throw new UsageError('--concurrency takes a positive integer');
    const loaded = await loadClusterFile('prepare', positionals[0], values.cluster, io);
    if (typeof loaded === 'number') return loaded;
    let reqs = hostRequirements(loaded.model, loaded.cluster.name);
    if (values.host?.length) {
      const unknown = values.host.filter((h) => !reqs.some((r) => r.host === h));
      if (unknown.length) throw new UsageError(`not a host of cluster ${loaded.cluster.name}: ${unknown.join(', ')}`);
      reqs = reqs.filter((r) => values.host?.includes(r.host));
    }
    const session = openSshSession(loaded.model, {
      ...(values['trust-store'] !== undefined ? { trustStore: values['trust-store'] } : {}),
      ...(values.verbose ? { log: (l: string) => io.stderr.write(`debug: ${l}\n`) } : {}),
    });
    try {
      const dryRun = values['dry-run'] ?? false;
      const teardown = values.teardown ?? false;
      const result = await prepareCluster(session.run, loaded.model, loaded.cluster.name, reqs, {
        dryRun, teardown, persist: !values['no-persist'], init: init as InitSystem | 'auto',
        ...(concurrency !== undefined ? { concurrency } : {}),
        onHostDone: (r) => { if (!values.json) io.stdout.write(`${formatReport(r)}\n\n`); },
      });
      const { reports, arp } = result;
      for (const e of result.arpErrors) io.stderr.write(`lvsctl prepare: ARP check from ${e.director} failed: ${e.error}\n`);
      const failed = reports.filter((r) => !r.ok);
      if (values.json) {
        io.stdout.write(`${JSON.stringify({ cluster: loaded.cluster.name, mode: teardown ? 'teardown' : 'prepare', dryRun, hosts: reports, arp: arp.map((a) => ({ director: a.director, ...a.verdict })) }, null, 2)}\n`);
      } else {
        for (const a of arp) io.stdout.write(`${formatArpVerdict(a)}\n`);
        const changed = reports.filter((r) => r.steps.some((s) => s.outcome === 'changed')).length;
        io.stderr.write(`${reports.length} host${reports.length === 1 ? '' : 's'}: ${changed} changed, ${failed.length} failed or needing attention${dryRun ? ' (dry run: nothing changed)' : ''}\n`);
      }
      return result.ok ? 0 : 1;
    } finally {
      session.close();
    }
  },
};
