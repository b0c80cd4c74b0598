/**
 * lvsctl import: a cluster file from what is already running — live directors over SSH (one exec per
 * machine) or an ipvsadm rules file. The file is validated before it is written; warnings (what the file
 * cannot hold) and notes (what the import could not decide) go to stderr and are comments in the file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, resolve } from 'node:path';
import { isName } from '../core/clusterFile/stringRules';
import { formatDiagnostic } from '../core/diagnostics';
import { draftFromRules } from '../core/import/draftFromRules';
import { importDirectors, ImportUsageError } from '../core/import/importDirectors';
import { importText } from '../core/import/importText';
import { importKeepalivedDirectors } from '../core/import/keepalivedDirectors';
import { importKeepalivedConfs } from '../core/import/keepalivedImport';
import type { IncludeFileSystem } from '../core/keepalivedConf/includeResolver';
import type { ImportResult } from '../core/import/importText';
import { parseCommandArgs, UsageError } from './cliIo';
import type { CliCommand, CliIo } from './cliIo';
import { DEFAULT_TRUST_STORE, terminalPrompts } from './sshSession';

const USAGE = `Usage: lvsctl import --director DEST [--director DEST]... [--host DEST]... [--ssh-config FILE] [-o FILE]
       lvsctl import RULES_FILE [--cluster NAME] [-o FILE]
       lvsctl import --keepalived KEEPALIVED_CONF... [-o FILE]
       lvsctl import --keepalived --director DEST [--director DEST]... [--ssh-config FILE] [-o FILE]

Writes a cluster file for what is already running. With --director, reads each director over SSH (one
exec each): its IPVS table with thresholds, tunnel options, scheduler flags and persistence, the VIPs and
labels on its interfaces and its net.ipv4.vs.* sysctls; each --host is a machine matched against the
real servers by address and read too (ARP sysctls, VIP on lo or the tunnel device), so that the file's
host preparation matches it. One cluster per set of directors holding the same services; services are
named after their well-known port. With RULES_FILE (ipvsadm-save -n format), the table ipvsadm -R would
build, as one cluster. With --keepalived, keepalived.conf files (one per director of a pair, includes
followed) or, with --director, each director's /etc/keepalived/keepalived.conf read over SSH: one
engine-keepalived cluster per VRRP instance, with its priorities, unicast peers, services, real servers
and health checks. The file is validated (zero errors) before it is written; what it cannot hold or
the import could not decide is a comment in it and a line on stderr.

DEST is an ssh destination ([user@]host or ssh://[user@]host[:port]) resolved as OpenSSH does. Without
--ssh-config the file keeps the destination (lvsctl resolves it again through your ssh config); with
--ssh-config the resolved address, port, user, key, known-hosts file and host-key policy are written.

Options:
  --director DEST     a director to read (repeatable)
  --host DEST         a real server to read and reference by name (repeatable)
  --ssh-config FILE   resolve destinations with this ssh config (as ssh -F)
  --keepalived        the files (or the directors' configuration) are keepalived.conf
  --cluster NAME      cluster name for a rules file import (default: the file's name)
  -o, --output FILE   write the cluster file here (default: stdout); an existing file needs --force
  --force             overwrite the --output file
  --trust-store PATH  host keys accepted here (default ~/.config/vscode-lvs/known_hosts)
  --verbose           SSH debug lines on stderr (never a secret)

Exit codes: 0 written, 1 the rules file has errors (or the import would not validate),
2 wrong usage or unreadable input, 4 a host could not be read.`;

async function output(result: ImportResult, file: string | undefined, force: boolean, io: CliIo): Promise<number> {
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  for (const w of result.draft.warnings) io.stderr.write(`lvsctl import: warning: ${w}\n`);
  for (const n of result.draft.notes) io.stderr.write(`lvsctl import: note: ${n}\n`);
  if (errors.length > 0) {
    for (const d of errors) io.stderr.write(`${formatDiagnostic(file ?? '<import>', d)}\n`);
    io.stderr.write('lvsctl import: the imported file would not validate (errors above, e.g. a NAT real server behind two director sets); nothing was written\n');
    return 1;
  }
  if (file === undefined) {
    io.stdout.write(result.text);
    return 0;
  }
  const path = resolve(io.cwd ?? process.cwd(), file);
  if (!force && existsSync(path)) {
    io.stderr.write(`lvsctl import: ${file} exists; nothing was written (--force overwrites it)\n`);
    return 2;
  }
  await writeFile(path, result.text, 'utf8');
  io.stderr.write(`lvsctl import: wrote ${file} (${result.draft.clusters.length} cluster${result.draft.clusters.length === 1 ? '' : 's'}, ${result.draft.hosts.length} host${result.draft.hosts.length === 1 ? '' : 's'}, ${result.draft.warnings.length} warning${result.draft.warnings.length === 1 ? '' : 's'})\n`);
  return 0;
}

const diskFs: IncludeFileSystem = {
  readDir: (p) => { try { return readdirSync(p); } catch { return undefined; } },
  isDirectory: (p) => { try { return statSync(p).isDirectory(); } catch { return false; } },
  readFile: (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } },
};

/** An import that found nothing the cluster file can hold writes nothing. */
function nothingImported(result: ImportResult, io: CliIo): number | undefined {
  if (result.draft.clusters.length > 0) return undefined;
  for (const w of result.draft.warnings) io.stderr.write(`lvsctl import: warning: ${w}\n`);
  io.stderr.write('lvsctl import: no virtual server the cluster file can hold (warnings above); nothing was written\n');
  return 1;
}

async function importKeepalivedFiles(files: string[], out: string | undefined, force: boolean, io: CliIo): Promise<number> {
  const sources = [];
  for (const file of files) {
    const path = resolve(io.cwd ?? process.cwd(), file);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      io.stderr.write(`lvsctl import: ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}\n`);
      return 2;
    }
    sources.push({ path, text, fs: diskFs });
  }
  const result = importKeepalivedConfs(sources, [`Imported by: lvsctl import --keepalived ${files.join(' ')}`]);
  return nothingImported(result, io) ?? output(result, out, force, io);
}

async function importRules(file: string, cluster: string | undefined, out: string | undefined, force: boolean, io: CliIo): Promise<number> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd ?? process.cwd(), file), 'utf8');
  } catch (err) {
    io.stderr.write(`lvsctl import: ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}\n`);
    return 2;
  }
  const base = basename(file).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]+/g, '-');
  const name = cluster ?? (isName(base) ? base : 'imported');
  if (!isName(name)) throw new UsageError(`--cluster ${JSON.stringify(name)} is no valid name`);
  const r = draftFromRules(text, { cluster: name, source: basename(file) });
  if (!r.ok) {
    for (const d of r.diagnostics) io.stderr.write(`${formatDiagnostic(file, d)}\n`);
    io.stderr.write(`lvsctl import: ${file} has errors; nothing was imported (lvsctl validate ${file})\n`);
    return 1;
  }
  return output(importText(r.draft), out, force, io);
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'write a cluster file from running directors (over SSH), an ipvsadm rules file or keepalived.conf files',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, {
      director: { type: 'string', multiple: true }, host: { type: 'string', multiple: true }, 'ssh-config': { type: 'string' },
      cluster: { type: 'string' }, output: { type: 'string', short: 'o' }, force: { type: 'boolean' },
      'trust-store': { type: 'string' }, verbose: { type: 'boolean' }, keepalived: { type: 'boolean' },
    });
    const directors = values.director ?? [];
    const force = values.force ?? false;
    const keepalived = values.keepalived ?? false;
    if (keepalived && values.cluster !== undefined) throw new UsageError('--cluster is for a rules file import (keepalived clusters are named after their VRRP instance)');
    if (keepalived && values.host?.length) throw new UsageError('--host is not read with --keepalived (real servers are imported as addresses)');
    if (keepalived && positionals.length > 0) {
      if (directors.length > 0) throw new UsageError('either KEEPALIVED_CONF files or --director, not both');
      return importKeepalivedFiles(positionals, values.output, force, io);
    }
    if (positionals.length > 1) throw new UsageError('at most one RULES_FILE (keepalived.conf files: --keepalived)');
    if (positionals.length === 1) {
      if (directors.length > 0 || values.host?.length) throw new UsageError('either RULES_FILE or --director, not both');
      return importRules(positionals[0], values.cluster, values.output, force, io);
    }
    if (directors.length === 0) throw new UsageError(keepalived ? '--keepalived needs KEEPALIVED_CONF files or --director DEST' : '--director DEST or a RULES_FILE is needed');
    if (values.cluster !== undefined) throw new UsageError('--cluster is for a rules file import (clusters are named after their directors)');
    const sshConfig = values['ssh-config'] !== undefined ? resolve(io.cwd ?? process.cwd(), values['ssh-config']) : undefined;
    if (sshConfig !== undefined && values['ssh-config'] !== undefined && !existsSync(sshConfig)) {
      io.stderr.write(`lvsctl import: --ssh-config ${values['ssh-config']}: no such file\n`);
      return 2;
    }
    const log = values.verbose ? (l: string) => io.stderr.write(`debug: ${l}\n`) : undefined;
    const command = ['lvsctl import', ...(keepalived ? ['--keepalived'] : []), ...directors.map((d) => `--director ${d}`), ...(values.host ?? []).map((h) => `--host ${h}`), ...(values['ssh-config'] !== undefined ? [`--ssh-config ${values['ssh-config']}`] : [])].join(' ');
    let imported;
    try {
      imported = keepalived ? await importKeepalivedDirectors({
        directors, home: homedir(), header: [`Imported by: ${command}`],
        ...(sshConfig !== undefined && values['ssh-config'] !== undefined ? { sshConfig: { path: sshConfig, label: values['ssh-config'] } } : {}),
        connect: { trustStorePath: values['trust-store'] ?? DEFAULT_TRUST_STORE, prompts: terminalPrompts(), ...(log ? { log } : {}) },
      }) : await importDirectors({
        directors, hosts: values.host ?? [], home: homedir(), header: [`Imported by: ${command}`],
        ...(sshConfig !== undefined && values['ssh-config'] !== undefined ? { sshConfig: { path: sshConfig, label: values['ssh-config'] } } : {}),
        connect: { trustStorePath: values['trust-store'] ?? DEFAULT_TRUST_STORE, prompts: terminalPrompts(), ...(log ? { log } : {}) },
      });
    } catch (err) {
      if (err instanceof ImportUsageError) throw new UsageError(err.message);
      throw err;
    }
    if (!imported.ok) {
      for (const f of imported.failures) io.stderr.write(`lvsctl import: ${f.host} (${f.destination}): ${f.message}\n`);
      io.stderr.write('lvsctl import: nothing was written\n');
      return 4;
    }
    if (keepalived) { const none = nothingImported(imported.result, io); if (none !== undefined) return none; }
    return output(imported.result, values.output, force, io);
  },
};
