import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { ClusterFile } from '../core/clusterFile/types';
import { formatDiagnostic, hasErrors } from '../core/diagnostics';
import { classifyFile } from '../core/fileKinds';
import { parseRules } from '../core/ipvs/rulesParser';
import { renderRules } from '../core/ipvs/rulesRenderer';
import { renderBirdConfs } from '../core/bird/renderBirdConf';
import { renderKeepalivedConfs } from '../core/keepalived/renderKeepalivedConf';
import { parseCommandArgs, UsageError } from './cliIo';
import type { CliCommand, CliIo } from './cliIo';
import { loadClusterFile } from './loadClusterFile';

const USAGE = `Usage: lvsctl render FILE [--cluster NAME] [--keepalived | --bird] [--director HOST]

Prints the IPVS table a cluster's directors must hold, exactly as \`ipvsadm -S -n\` prints it
(the input \`ipvsadm -R\` reads). FILE may also be an ipvsadm rules file: it is printed in canonical
form (sorted and spelled as ipvsadm-save does). Exits 1 if FILE has errors (printed on stderr).

Options:
  --cluster NAME   the cluster to render (needed when FILE defines more than one)
  --keepalived     print the keepalived.conf of each director of a cluster with engine: keepalived
                   (each preceded by a "# ==> HOST <==" line when there are several)
  --bird           print the BIRD 2 bird.conf of each director of a cluster with mode: active-active
                   (each preceded by a "# ==> HOST <==" line when there are several; docs/scale-out.md)
  --director HOST  with --keepalived or --bird: only that director's file, exactly as apply writes it`;

export const renderCommand: CliCommand = {
  name: 'render',
  summary: "print a cluster's desired IPVS table in ipvsadm-save -n format",
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const parsed = parseCommandArgs(args, { cluster: { type: 'string' }, keepalived: { type: 'boolean' }, bird: { type: 'boolean' }, director: { type: 'string' } });
    if (parsed.values.keepalived && parsed.values.bird) throw new UsageError('--keepalived and --bird exclude each other');
    if (directorWithoutKeepalived(parsed.values)) throw new UsageError('--director needs --keepalived or --bird');
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError('exactly one FILE is needed');
    const file = positionals[0];
    if (classifyFile(file) === 'rules') {
      let text: string;
      try {
        text = await readFile(resolve(io.cwd ?? process.cwd(), file), 'utf8');
      } catch (err) {
        io.stderr.write(`lvsctl render: ${file}: ${(err as Error).message}\n`);
        return 2;
      }
      const result = parseRules(text);
      for (const d of result.diagnostics) io.stderr.write(`${formatDiagnostic(file, d)}\n`);
      if (hasErrors(result.diagnostics)) return 1;
      io.stdout.write(renderRules(result.table));
      return 0;
    }
    const loaded = await loadClusterFile('render', file, values.cluster, io);
    if (typeof loaded === 'number') return loaded;
    const { model } = loaded;
    const name = loaded.cluster.name;
    if (values.keepalived) return renderKeepalived(io, file, model, name, values.director);
    if (values.bird) return renderBird(io, file, model, name, values.director);
    io.stdout.write(renderRules(loaded.desired));
    return 0;
  },
};

function directorWithoutKeepalived(values: { keepalived?: boolean; bird?: boolean; director?: string }): boolean {
  return values.director !== undefined && !values.keepalived && !values.bird;
}

function renderBird(io: CliIo, file: string, model: ClusterFile, name: string, director: string | undefined): number {
  const cluster = model.clusters.find((c) => c.name === name);
  if (!cluster || cluster.mode !== 'active-active' || !cluster.bgp) {
    io.stderr.write(`lvsctl render: cluster '${name}' has mode ${cluster?.mode ?? 'active-passive'}; --bird renders clusters with "mode: active-active" and "bgp"\n`);
    return 2;
  }
  return printPerDirector(io, name, renderBirdConfs(model, name, basename(file)), director);
}

function printPerDirector(io: CliIo, name: string, confs: { director: string; text: string }[], director: string | undefined): number {
  if (director !== undefined) {
    const one = confs.find((c) => c.director === director);
    if (!one) {
      io.stderr.write(`lvsctl render: '${director}' is not a director of cluster '${name}' (its directors: ${confs.map((c) => c.director).join(', ')})\n`);
      return 2;
    }
    io.stdout.write(one.text);
    return 0;
  }
  io.stdout.write(confs.map((c) => (confs.length > 1 ? `# ==> ${c.director} <==\n${c.text}` : c.text)).join('\n'));
  return 0;
}

function renderKeepalived(io: CliIo, file: string, model: ClusterFile, name: string, director: string | undefined): number {
  const cluster = model.clusters.find((c) => c.name === name);
  if (!cluster || cluster.engine !== 'keepalived') {
    io.stderr.write(`lvsctl render: cluster '${name}' has engine ${cluster?.engine ?? 'ipvsadm'}; --keepalived renders clusters with "engine: keepalived"\n`);
    return 2;
  }
  return printPerDirector(io, name, renderKeepalivedConfs(model, name, basename(file)), director);
}
