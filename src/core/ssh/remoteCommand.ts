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
  /**
   * Cap on captured stdout and on captured stderr, each (default 64 MiB): past it the command is stopped and
   * fails with an error naming host and command. Raise it for listings of huge tables.
   */
  maxOutputBytes?: number;
  /** Default true: runs through `sudo` on hosts whose settings say `sudo: true`. */
  privileged?: boolean;
  parse(output: CommandOutput): T;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;

/** Runs one command on a host by name (an SshPool's `run`, or a fake in tests). */
export type HostRunner = <T>(host: string, command: RemoteCommand<T>) => Promise<T>;

/** A command whose result is its raw output. */
export function rawCommand(argv: readonly string[], options: Omit<RemoteCommand<CommandOutput>, 'argv' | 'parse'> = {}): RemoteCommand<CommandOutput> {
  return { ...options, argv, parse: (output) => output };
}

export type SudoMode = 'none' | 'non-interactive' | 'password-on-stdin';

/** The line on stdin after the sudo password: what comes after it is the command's own stdin. */
export const SUDO_STDIN_BEGIN = 'LVS-STDIN-BEGIN';

/**
 * Under `sudo -S` the command's stdin is `password\n`, this marker line, then the command's input. sudo reads
 * the password line only when it asks for one; when it does not (NOPASSWD, cached credentials, a `sudo -n`
 * failure misread), the line would be the command's first input. This guard, run by sudo before the command,
 * drops every line up to the marker, so the password never reaches the command and never mixes with its input.
 */
const SUDO_STDIN_GUARD = `while IFS= read -r l; do [ "$l" = ${SUDO_STDIN_BEGIN} ] && exec "$@"; done; echo 'lvs: no stdin marker after the sudo password' >&2; exit 91`;

/** `password\n` + the marker line + the command's stdin: what a `password-on-stdin` command is sent. */
export function sudoPasswordStdin(password: string, stdin?: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${password}\n${SUDO_STDIN_BEGIN}\n`), stdin ?? Buffer.alloc(0)]);
}

/**
 * The argv actually sent: `sudo -n -- argv`, or `sudo -S -p '' -- sh -c GUARD lvs-sudo argv` (password first
 * line of stdin, see SUDO_STDIN_GUARD).
 */
export function effectiveArgv(argv: readonly string[], sudo: SudoMode): string[] {
  switch (sudo) {
    case 'none': return [...argv];
    case 'non-interactive': return ['sudo', '-n', '--', ...argv];
    case 'password-on-stdin': return ['sudo', '-S', '-p', '', '--', 'sh', '-c', SUDO_STDIN_GUARD, 'lvs-sudo', ...argv];
  }
}

export function commandLine(argv: readonly string[], sudo: SudoMode = 'none'): string {
  return shellQuote(effectiveArgv(argv, sudo));
}
