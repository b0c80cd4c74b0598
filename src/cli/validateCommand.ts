import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatDiagnostic } from '../core/diagnostics';
import type { Diagnostic } from '../core/diagnostics';
import { classifyFileText } from '../core/fileKinds';
import type { FileKind } from '../core/fileKinds';
import { validateText } from '../core/validateText';
import { parseCommandArgs, UsageError } from './cliIo';
import type { CliCommand, CliIo } from './cliIo';

const USAGE = `Usage: lvsctl validate [--json] [--kind cluster|rules] FILE...

Validates cluster files (lvs.yaml, *.lvs.yaml, *.lvs.yml) and ipvsadm rules files (ipvsadm.rules,
*.ipvsadm, ipvsadm-save*, ipvsadm) — told apart by name, as the editor does; any other *.yaml/*.yml
with top-level "version:" and "clusters:" (like the lab's lvs-ha.yaml) is a cluster file; --kind overrides.
Prints file:line:col: severity code: message per finding; exits 1 if any finding is an error.

Options:
  --json         print {"diagnostics":[{file, range, severity, code, message}]} (0-based ranges)
  --kind KIND    treat every FILE as a cluster file or as ipvsadm rules`;

interface FileDiagnostic extends Omit<Diagnostic, 'fixes'> {
  file: string;
}

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check cluster files and ipvsadm rules files, print diagnostics',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const parsed = parseCommandArgs(args, { json: { type: 'boolean' }, kind: { type: 'string' } });
    const { values, positionals } = parsed;
    if (positionals.length === 0) throw new UsageError('no FILE given');
    const forced = values.kind;
    if (forced !== undefined && forced !== 'cluster' && forced !== 'rules') {
      throw new UsageError(`--kind must be 'cluster' or 'rules', not '${forced}'`);
    }

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
      const kind: FileKind | undefined = (forced as FileKind | undefined) ?? classifyFileText(file, text);
      if (!kind) {
        io.stderr.write(
          `lvsctl validate: ${file}: not a cluster file (lvs.yaml, *.lvs.yaml, *.lvs.yml, or *.yaml with top-level version: and clusters:) ` +
            `nor an ipvsadm rules file (ipvsadm.rules, *.ipvsadm, ipvsadm-save*); use --kind cluster|rules\n`,
        );
        unreadable = true;
        continue;
      }
      for (const d of validateText(kind, text)) {
        all.push({ file, range: d.range, severity: d.severity, code: d.code, message: d.message });
      }
    }

    if (values.json) {
      io.stdout.write(`${JSON.stringify({ diagnostics: all }, null, 2)}\n`);
    } else {
      for (const d of all) io.stdout.write(`${formatDiagnostic(d.file, d)}\n`);
      const errors = all.filter((d) => d.severity === 'error').length;
      const warnings = all.filter((d) => d.severity === 'warning').length;
      io.stderr.write(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${positionals.length} file${positionals.length === 1 ? '' : 's'}\n`);
    }
    if (all.some((d) => d.severity === 'error')) return 1;
    return unreadable ? 2 : 0;
  },
};
