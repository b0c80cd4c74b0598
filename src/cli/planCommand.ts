import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { BirdDirectorPlan } from '../core/bird/applyBirdCluster';
import { birdPoolLink, planBirdCluster } from '../core/bird/applyBirdCluster';
import { birdPlanJson, birdPlanText } from '../core/bird/birdPlanText';
import { formatDiagnostic, hasErrors } from '../core/diagnostics';
import { parseRules } from '../core/ipvs/rulesParser';
import type { DirectorPreview } from '../core/operations/directorPreview';
import { previewDirectors, previewHasChanges, previewJson, previewText } from '../core/operations/directorPreview';
import { planTable } from '../core/plan/planTable';
import { parseCommandArgs, UsageError } from './cliIo';
import type { CliCommand, CliIo } from './cliIo';
import { keepalivedPlan } from './keepalivedCommands';
import { loadClusterFile } from './loadClusterFile';
import { openSshSession } from './sshSession';

const USAGE = `Usage: lvsctl plan FILE [--cluster NAME] [--json] [--live SNAPSHOT] [--trust-store PATH] [--detailed-exitcode]

Reads each director's live IPVS table over SSH (one exec per director) and prints the steps that
would make it equal to the cluster file: + add, ~ edit/drain, - delete, each with its exact
ipvsadm -R line. Services on the director that the file does not declare are listed as foreign
(kept unless the cluster says prune: true).

Options:
  --cluster NAME        the cluster (needed when FILE defines more than one)
  --json                print {"directors":[{"host","steps":[{op,line,service,server?,changes?,note?}],
                        "pending":[…],"foreign":[…],"sysctls":[…]}]}; op is one of add-service,
                        edit-service, add-server, edit-server, drain-server, delete-server, delete-service
  --live SNAPSHOT       plan against a saved \`ipvsadm -S -n\` file instead of the directors (no SSH;
                        no counters, so removed real servers are drained, not deleted)
  --trust-store PATH    where accepted host keys are stored (default ~/.config/vscode-lvs/known_hosts)
  --detailed-exitcode   exit 3 when the plan has changes (0: none)

Exit codes: 0 ok, 1 the file has errors, 2 usage, 3 changes (with --detailed-exitcode),
4 a director could not be read, or its kernel lacks what the file needs (a scheduler module, …).`;

export const planCommand: CliCommand = {
  name: 'plan',
  summary: "show what apply would change on the cluster's directors",
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const parsed = parseCommandArgs(args, {
          cluster: { type: 'string' }, json: { type: 'boolean' }, live: { type: 'string' },
          'trust-store': { type: 'string' }, 'detailed-exitcode': { type: 'boolean' },
        });
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError('exactly one FILE is needed');
    const loaded = await loadClusterFile('plan', positionals[0], values.cluster, io);
    if (typeof loaded === 'number') return loaded;
    // engine: keepalived — its own plan (src/cli/keepalivedCommands.ts).
    if (loaded.cluster.engine === 'keepalived') return keepalivedPlan(loaded, { file: positionals[0], json: values.json ?? false, detailedExitcode: values['detailed-exitcode'] ?? false, ...(values['trust-store'] !== undefined ? { trustStore: values['trust-store'] } : {}), ...(values.live !== undefined ? { live: values.live } : {}) }, io);

    let previews: DirectorPreview[];
    let bird: BirdDirectorPlan[] = [];
    if (values.live !== undefined) {
      let text: string;
      try {
        text = await readFile(resolve(io.cwd ?? process.cwd(), values.live), 'utf8');
      } catch (err) {
        io.stderr.write(`lvsctl plan: ${values.live}: ${(err as Error).message}\n`);
        return 2;
      }
      const rules = parseRules(text);
      if (hasErrors(rules.diagnostics)) {
        for (const d of rules.diagnostics.filter((x) => x.severity === 'error')) io.stderr.write(`${formatDiagnostic(values.live, d)}\n`);
        return 1;
      }
      const plan = planTable(loaded.desired, { table: rules.table }, { prune: loaded.cluster.prune });
      previews = loaded.cluster.directors.map((d) => ({ host: d.host, plan, sysctls: [] }));
    } else {
      const { pool } = openSshSession(loaded.model, values['trust-store'] !== undefined ? { trustStore: values['trust-store'] } : {});
      try {
        previews = await previewDirectors(pool, loaded, false);
        // mode: active-active — each director's bird.conf, live ↔ rendered.
        if (loaded.cluster.mode === 'active-active' && loaded.cluster.bgp) bird = await planBirdCluster((h) => birdPoolLink(pool, h), loaded.model, loaded.cluster.name, basename(positionals[0]));
      } finally {
        pool.close();
      }
    }
    if (values.json) io.stdout.write(`${JSON.stringify({ directors: previews.map(previewJson), ...(bird.length > 0 ? { bird: bird.map(birdPlanJson) } : {}) }, null, 2)}\n`);
    else {
      for (const p of previews) io.stdout.write(previewText(p));
      for (const b of bird) io.stdout.write(birdPlanText(b));
    }
    if (previews.some((p) => p.error !== undefined || p.kernel !== undefined)) {
      for (const p of previews) if (p.error !== undefined && values.json) io.stderr.write(`lvsctl plan: ${p.host}: ${p.error}\n`);
      for (const p of previews) for (const k of p.kernel ?? []) if (values.json) io.stderr.write(`lvsctl plan: ${p.host}: ${k.message}\n`);
      return 4;
    }
    if (bird.some((b) => b.error !== undefined)) {
      if (values.json) for (const b of bird) if (b.error !== undefined) io.stderr.write(`lvsctl plan: ${b.host}: ${b.error}\n`);
      return 4;
    }
    return values['detailed-exitcode'] && (previews.some(previewHasChanges) || bird.some((b) => b.changes)) ? 3 : 0;
  },
};
