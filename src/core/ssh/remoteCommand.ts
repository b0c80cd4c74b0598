/**
 * A remote command as a value: argv, optional stdin, a timeout and a parser for its output. Runners execute
 * these; dry-runs, previews and logs just read them. `commandLine` is the only way one becomes a string.
 */
import { shellQuote } from './shellQuote';

export interface CommandOutput {
  stdout: string;
  stderr: string;
  /** `null` when the command was killed by a signal or the connection dropped. */
  exitCode: number | null;
  signal?: string;
}

export interface RemoteCommand<T> {
  argv: readonly string[];
  stdin?: string | Buffer;
  /** Default 60 s. When it runs out, the remote process group is killed (TERM, then KILL). */
  timeoutMs?: number;
  /** Cancels the command: its remote process group is killed as on a timeout. */
  signal?: AbortSignal;
  /** Exit codes that are not failures (default: only 0). */
  okExitCodes?: readonly number[];
  /** Default true: runs through `sudo` on hosts whose settings say `sudo: true`. */
  privileged?: boolean;
  parse(output: CommandOutput): T;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;

/** A command whose result is its raw output. */
export function rawCommand(argv: readonly string[], options: Omit<RemoteCommand<CommandOutput>, 'argv' | 'parse'> = {}): RemoteCommand<CommandOutput> {
  return { ...options, argv, parse: (output) => output };
}

export type SudoMode = 'none' | 'non-interactive' | 'password-on-stdin';

/** The argv actually sent: `sudo -n -- argv` or `sudo -S -p '' -- argv` (password first line of stdin). */
export function effectiveArgv(argv: readonly string[], sudo: SudoMode): string[] {
  switch (sudo) {
    case 'none': return [...argv];
    case 'non-interactive': return ['sudo', '-n', '--', ...argv];
    case 'password-on-stdin': return ['sudo', '-S', '-p', '', '--', ...argv];
  }
}

export function commandLine(argv: readonly string[], sudo: SudoMode = 'none'): string {
  return shellQuote(effectiveArgv(argv, sudo));
}
