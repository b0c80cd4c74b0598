import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatDiagnostic } from '../core/diagnostics';
import type { Diagnostic } from '../core/diagnostics';
import { classifyFileText } from '../core/fileKinds';
import type { FileKind } from '../core/fileKinds';
import { destinationPool } from '../core/import/importDirectors';
import { parseDestination } from '../core/import/importNames';
import { checkConfOnHostCommand, confCheckFindings } from '../core/keepalived/confCheckOnHost';
import type { SshPool } from '../core/ssh/connectionPool';
import { validateText } from '../core/validateText';
import { parseCommandArgs, UsageError } from './cliIo';
import type { CliCommand, CliIo } from './cliIo';
import { DEFAULT_TRUST_STORE, terminalPrompts } from './sshSession';

const USAGE = `Usage: lvsctl validate [--json] [--kind cluster|rules|keepalived] [--on DEST [--ssh-config FILE] [--trust-store PATH]] FILE...

Validates cluster files (lvs.yaml, *.lvs.yaml, *.lvs.yml), ipvsadm rules files (ipvsadm.rules,
*.ipvsadm, ipvsadm-save*, ipvsadm) and keepalived configurations (keepalived.conf, *.keepalived.conf,
*.conf under a keepalived folder) — told apart by name, as the editor does; any other *.yaml/*.yml
with top-level "version:" and "clusters:" (like the lab's lvs-ha.yaml) is a cluster file; --kind overrides.
Prints file:line:col: severity code: message per finding; exits 1 if any finding is an error.

Options:
  --json         print {"diagnostics":[{file, range, severity, code, message}]} (0-based ranges)
  --kind KIND    treat every FILE as a cluster file, as ipvsadm rules or as a keepalived.conf
  --on DEST      also check each keepalived.conf FILE with the keepalived -t of the director DEST
                 ([user@]host or ssh://[user@]host[:port], resolved as ssh resolves it): the text goes
                 into a private file in its /etc/keepalived (includes resolve as for the real file),
                 nothing is reloaded; its messages are printed on the lines they name (docs/keepalived-conf.md)
  --ssh-config FILE   resolve DEST with this ssh config (as ssh -F)
  --trust-store PATH  host keys accepted here (default ~/.config/vscode-lvs/known_hosts)`;

interface FileDiagnostic extends Omit<Diagnostic, 'fixes'> {
  file: string;
}

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check cluster files and ipvsadm rules files, print diagnostics',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const parsed = parseCommandArgs(args, {
      json: { type: 'boolean' }, kind: { type: 'string' }, on: { type: 'string' }, 'ssh-config': { type: 'string' }, 'trust-store': { type: 'string' },
    });
    const { values, positionals } = parsed;
    if (positionals.length === 0) throw new UsageError('no FILE given');
    const forced = values.kind;
    if (forced !== undefined && forced !== 'cluster' && forced !== 'rules' && forced !== 'keepalived') {
      throw new UsageError(`--kind must be 'cluster', 'rules' or 'keepalived', not '${forced}'`);
    }

    const on = values.on;
    if (on === undefined && (values['ssh-config'] !== undefined || values['trust-store'] !== undefined)) throw new UsageError('--ssh-config and --trust-store go with --on DEST');
    const dest = on === undefined ? undefined : parseDestination(on);
    if (on !== undefined && !dest) throw new UsageError(`--on: '${on}' is no ssh destination ([user@]host or ssh://[user@]host[:port])`);
    let pool: SshPool | undefined;
    if (on !== undefined && dest) {
      const sshConfig = values['ssh-config'] !== undefined ? resolve(io.cwd ?? process.cwd(), values['ssh-config']) : undefined;
      pool = destinationPool(new Map([[on, { dest }]]), {
        connect: { trustStorePath: values['trust-store'] ?? DEFAULT_TRUST_STORE, prompts: terminalPrompts() },
        ...(sshConfig !== undefined ? { sshConfig: { path: sshConfig, label: values['ssh-config'] ?? sshConfig } } : {}),
      });
    }
    try {
      return await validateFiles(positionals, forced as FileKind | undefined, values.json === true, io, pool && on !== undefined ? { pool, on } : undefined);
    } finally {
      pool?.close();
    }
  },
};

/** Validates each file here, and each keepalived.conf on `remote` too when given. */
async function validateFiles(positionals: readonly string[], forced: FileKind | undefined, json: boolean, io: CliIo,
  remote: { pool: SshPool; on: string } | undefined): Promise<number> {
  const all: FileDiagnostic[] = [];
  let unreadable = false;
  for (const file of positionals) {
    let text: string;
    try {
      text = await readFile(resolve(io.cwd ?? process.cwd(), file), 'utf8');
    } catch (err) {
      io.stderr.write(`lvsctl validate: ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}\n`);
      unreadable = true;
      continue;
    }
    const kind: FileKind | undefined = forced ?? classifyFileText(file, text);
    if (!kind) {
      io.stderr.write(
        `lvsctl validate: ${file}: not a cluster file (lvs.yaml, *.lvs.yaml, *.lvs.yml, or *.yaml with top-level version: and clusters:) ` +
          `nor an ipvsadm rules file (ipvsadm.rules, *.ipvsadm, ipvsadm-save*) nor a keepalived.conf; use --kind cluster|rules|keepalived\n`,
      );
      unreadable = true;
      continue;
    }
    for (const d of validateText(kind, text)) {
      all.push({ file, range: d.range, severity: d.severity, code: d.code, message: d.message });
    }
    if (remote && kind === 'keepalived') {
      try {
        const check = await remote.pool.run(remote.on, checkConfOnHostCommand(text));
        const f = confCheckFindings(check, text);
        for (const d of f.diagnostics) all.push({ file, range: d.range, severity: d.severity, code: `${d.code} on ${remote.on}`, message: d.message });
        for (const m of f.elsewhere) io.stderr.write(`${file}: ${remote.on}: ${m}\n`);
        io.stderr.write(`${file}: ${remote.on}: ${f.summary}\n`);
        if (check.exitCode === undefined) unreadable = true;
      } catch (err) {
        io.stderr.write(`lvsctl validate: ${file}: on ${remote.on}: ${(err as Error).message}\n`);
        unreadable = true;
      }
    } else if (remote) {
      io.stderr.write(`lvsctl validate: ${file}: --on checks keepalived.conf files only; this one is checked here\n`);
    }
  }

  if (json) {
    io.stdout.write(`${JSON.stringify({ diagnostics: all }, null, 2)}\n`);
  } else {
    for (const d of all) io.stdout.write(`${formatDiagnostic(d.file, d)}\n`);
    const errors = all.filter((d) => d.severity === 'error').length;
    const warnings = all.filter((d) => d.severity === 'warning').length;
    io.stderr.write(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${positionals.length} file${positionals.length === 1 ? '' : 's'}\n`);
  }
  if (all.some((d) => d.severity === 'error')) return 1;
  return unreadable ? 2 : 0;
}
