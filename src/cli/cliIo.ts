import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

/** What a CLI command may touch: its streams and the file system through node:fs. Tests pass buffers. */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  /** Working directory for relative paths (default: process.cwd()). */
  cwd?: string;
}

/** Thrown for a wrong invocation: the message is printed with the command's usage; exit code 2. */
export class UsageError extends Error {}

/** A command of lvsctl: a name, one line of help, its usage text and what it does. Returns the exit code. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Parses a command's arguments (positionals allowed); a wrong option becomes a UsageError (exit 2). */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, allowPositionals: true, options });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
