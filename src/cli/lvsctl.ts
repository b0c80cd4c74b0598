/**
 * lvsctl — the command-line face of the core: the same validation, rendering (and, as they land,
 * planning and applying) as the extension, for terminals and CI pipelines.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from './cliIo';
import type { CliCommand, CliIo } from './cliIo';
import { doctorCommand } from './doctorCommand';
import { failoverCommand } from './failoverCommand';
import { importCommand } from './importCommand';
import { prepareCommand } from './prepareCommand';
import { applyCommand } from './applyCommand';
import { planCommand } from './planCommand';
import { renderCommand } from './renderCommand';
import { statsCommand } from './statsCommand';
import { statusCommand } from './statusCommand';
import { validateCommand } from './validateCommand';

const COMMANDS: readonly CliCommand[] = [validateCommand, renderCommand, planCommand, applyCommand, statusCommand, failoverCommand, statsCommand, prepareCommand, doctorCommand, importCommand];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'lvsctl — manage Linux Virtual Server (IPVS) clusters described in a YAML cluster file',
    '',
    'Usage: lvsctl <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `lvsctl <command> --help` for the options of a command.',
    '',
    'Exit codes: 0 ok, 1 the input has errors, 2 wrong usage or unreadable input.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`lvsctl: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`lvsctl ${command.name}: ${err.message}\n\n${command.usage}\n`);
      return 2;
    }
    throw err;
  }
}

/** The package version, from the package.json above this file (works bundled in dist/ and compiled in out/). */
function version(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'vscode-lvs' && pkg.version) return pkg.version;
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
