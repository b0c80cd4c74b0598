import { runDoctor } from '../core/doctor/runDoctor';
import { formatFinding } from '../core/doctor/finding';
import { parseCommandArgs, UsageError } from './cliIo';
import type { CliCommand, CliIo } from './cliIo';
import { loadClusterFile } from './loadClusterFile';
import { openSshSession } from './sshSession';

const USAGE = `Usage: lvsctl doctor FILE [--cluster NAME] [--json] [--no-persist] [--trust-store PATH]

Checks every host of a cluster, read-only: ipvsadm and the ip_vs module on directors; the preparation
lvsctl prepare would make (VIPs, sysctls, modules, tunnels, persistence files, NAT routes); iptables and
nftables rules dropping traffic to VIP:port; each real server accepting TCP connections from the director;
no host but the director answering ARP for a VIP; for mode: active-active the BGP sessions, the exported
VIPs, the directors' IPVS tables side by side and the scheduler (docs/scale-out.md). Prints each finding with host, what is wrong, why it
matters and the fix.

Options:
  --cluster NAME     the cluster (default: the only one of the file)
  --no-persist       do not report missing persistence files
  --json             print {"findings":[{severity, host, code, title, why, fix}]}
  --trust-store PATH host keys accepted here (default ~/.config/vscode-lvs/known_hosts)

Exit codes: 0 no error finding, 1 an error finding, 2 wrong usage or unreadable file.`;

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'check the hosts of a cluster read-only and explain every problem found',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const parsed = parseCommandArgs(args, { cluster: { type: 'string' }, json: { type: 'boolean' }, 'no-persist': { type: 'boolean' }, 'trust-store': { type: 'string' } });
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError('exactly one FILE is needed');
    const loaded = await loadClusterFile('doctor', positionals[0], values.cluster, io);
    if (typeof loaded === 'number') return loaded;
    const session = openSshSession(loaded.model, values['trust-store'] !== undefined ? { trustStore: values['trust-store'] } : {});
    try {
      const findings = await runDoctor(session.run, loaded.model, loaded.cluster.name, { persist: !values['no-persist'] });
      if (values.json) io.stdout.write(`${JSON.stringify({ cluster: loaded.cluster.name, findings }, null, 2)}\n`);
      else {
        for (const f of findings) io.stdout.write(`${formatFinding(f)}\n`);
        const errors = findings.filter((f) => f.severity === 'error').length;
        io.stderr.write(`${errors} error${errors === 1 ? '' : 's'}, ${findings.length - errors} other finding${findings.length - errors === 1 ? '' : 's'} in cluster ${loaded.cluster.name}\n`);
      }
      return findings.some((f) => f.severity === 'error') ? 1 : 0;
    } finally {
      session.close();
    }
  },
};
