/**
 * Runs one RemoteCommand on an open connection: sudo when the host asks for it (non-interactive first, then
 * with the caller's sudo password prompt if there is one), timeout, and errors that name host, argv, stderr.
 */
import { destinationOf } from './destination';
import { DEFAULT_MAX_OUTPUT_BYTES, execOnClient } from './execChannel';
import type { ExecOptions, ExecResult } from './execChannel';
import { groupedCommandLine, killGroupArgv } from './processGroup';
import { terminalSafe } from './terminalText';
import { SshCommandError, SudoPasswordRequiredError } from './errors';
import { DEFAULT_COMMAND_TIMEOUT_MS, commandLine, sudoPasswordStdin } from './remoteCommand';
import type { CommandOutput, RemoteCommand, SudoMode } from './remoteCommand';
import type { SshConnection } from './connect';
import type { DebugLog, SshPrompts } from './types';

export interface RunContext {
  prompts: SshPrompts;
  log?: DebugLog;
  /** The cluster file's name, for the sudo question. */
  source?: string;
}

const SUDO_NEEDS_PASSWORD = /a password is required|a terminal is required/i;
const SUDO_WRONG_PASSWORD = /incorrect password|Sorry, try again/i;

/** True when `sudo -n` refused because it wants a password (exit 1 and sudo's own message). */
export function sudoWantsPassword(output: Pick<CommandOutput, 'exitCode' | 'stderr'>): boolean {
  return output.exitCode === 1 && SUDO_NEEDS_PASSWORD.test(output.stderr);
}

export async function runCommand<T>(conn: SshConnection, command: RemoteCommand<T>, ctx: RunContext): Promise<T> {
  const host = conn.host;
  const useSudo = host.sudo && (command.privileged ?? true);
  const first = await execute(conn, command, useSudo ? 'non-interactive' : 'none', command.stdin, ctx);
  if (useSudo && sudoWantsPassword(first)) {
    const ask = ctx.prompts.sudoPassword;
    if (!ask) throw sudoError(host.alias, command.argv, first, `sudo on ${host.alias} needs a password for ${host.user}. Fix: allow the commands without a password (a sudoers rule "${host.user} ALL=(root) NOPASSWD: ALL" or a narrower one), connect as root, or run where a sudo password prompt is available.`);
    // Bound to what this connection really reached: address, port and the host key it verified.
    const password = await ask({ host: host.alias, user: host.user, destination: destinationOf(host, ctx.source, conn.hostKeyFingerprint) });
    if (password === undefined) throw sudoError(host.alias, command.argv, first, `sudo on ${host.alias} needs a password for ${host.user} and none was given.`);
    if (/[\r\n\0]/.test(password)) throw sudoError(host.alias, command.argv, first, 'the sudo password cannot contain a newline or NUL');
    const stdin = sudoPasswordStdin(password, toBuffer(command.stdin));
    ctx.log?.(`${host.alias}: sudo -n needs a password; retrying with sudo -S (password on stdin, then a marker line, then the command's input)`);
    const second = await execute(conn, command, 'password-on-stdin', stdin, ctx, sudoPasswordStdin(password));
    if (second.exitCode !== 0 && SUDO_WRONG_PASSWORD.test(second.stderr)) {
      throw sudoError(host.alias, command.argv, second, `sudo on ${host.alias} did not accept the password for ${host.user}.`);
    }
    return finish(host.alias, command, second);
  }
  return finish(host.alias, command, first);
}

function sudoError(host: string, argv: readonly string[], out: CommandOutput, message: string): SudoPasswordRequiredError {
  return new SudoPasswordRequiredError(host, argv, out.exitCode, out.stderr, `${host}: ${commandLine(argv)}: ${message}`);
}

function toBuffer(v: string | Buffer | undefined): Buffer | undefined {
  return v === undefined ? undefined : Buffer.isBuffer(v) ? v : Buffer.from(v);
}

async function execute<T>(conn: SshConnection, command: RemoteCommand<T>, sudo: SudoMode, stdin: string | Buffer | undefined, ctx: RunContext, sudoInput?: Buffer): Promise<CommandOutput> {
  const timeoutMs = command.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const line = commandLine(command.argv, sudo);
  const host = conn.host.alias;
  ctx.log?.(`${host}: exec ${line}`);
  const started = Date.now();
  const execOptions: ExecOptions = { grouped: true };
  if (command.signal) execOptions.signal = command.signal;
  if (command.maxOutputBytes !== undefined) execOptions.maxOutputBytes = command.maxOutputBytes;
  const r: ExecResult = await execOnClient(conn.client, groupedCommandLine(command.argv, sudo), toBuffer(stdin), timeoutMs, execOptions);
  const output: CommandOutput = { stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), exitCode: r.exitCode };
  if (r.signal !== undefined) output.signal = r.signal;
  ctx.log?.(`${host}: exit ${r.exitCode ?? r.signal ?? '-'} after ${Date.now() - started} ms`);
  const argv = command.argv;
  if (r.timedOut || r.cancelled || r.overflow) {
    const cap = command.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    const what = r.overflow ? `printed more than ${cap} bytes on ${r.overflow} (the limit for this command), so it was stopped`
      : r.timedOut ? `timed out after ${timeoutMs} ms` : 'cancelled';
    const killed = await killRemoteGroup(conn, r.pgid, sudo, sudoInput, ctx);
    throw new SshCommandError(host, argv, null, output.stderr, `${host}: ${line}: ${what}; ${killed}`, r.timedOut, { cancelled: r.cancelled });
  }
  if (r.transportError) {
    throw new SshCommandError(host, argv, null, output.stderr,
      `${host}: ${line}: ${r.transportError.message}`, false, { cause: r.transportError });
  }
  return output;
}

/**
 * Ends a timed-out or cancelled command's remote process group (TERM, then KILL) from a second exec on the
 * same connection, with the same sudo as the command. Says what happened, for the error message.
 */
async function killRemoteGroup(conn: SshConnection, pgid: number | undefined, sudo: SudoMode, sudoInput: Buffer | undefined, ctx: RunContext): Promise<string> {
  const host = conn.host.alias;
  if (pgid === undefined) return 'the channel was closed (the remote process group is unknown, so the command may still run)';
  if (conn.closed) return `the connection is gone; remote process group ${pgid} may still run`;
  ctx.log?.(`${host}: killing remote process group ${pgid}`);
  const k = await execOnClient(conn.client, commandLine(killGroupArgv(pgid), sudo), sudoInput, KILL_TIMEOUT_MS);
  if (k.exitCode === 0) return `its remote process group ${pgid} was killed`;
  const why = k.transportError?.message ?? (k.timedOut ? `timed out after ${KILL_TIMEOUT_MS} ms` : terminalSafe(k.stderr.toString('utf8')).trim() || `exit ${k.exitCode ?? k.signal ?? '-'}`);
  return `killing its remote process group ${pgid} failed: ${why}`;
}

const KILL_TIMEOUT_MS = 15_000;

function finish<T>(host: string, command: RemoteCommand<T>, out: CommandOutput): T {
  const ok = command.okExitCodes ?? [0];
  if (out.exitCode === null || !ok.includes(out.exitCode)) {
    const status = out.exitCode === null ? `was killed by ${out.signal ?? 'a signal'}` : `exited with ${out.exitCode}`;
    // Remote text: no escape sequence reaches a terminal or the log through our message.
    const stderr = terminalSafe(out.stderr).trim();
    throw new SshCommandError(host, command.argv, out.exitCode, out.stderr,
      `${host}: ${commandLine(command.argv)} ${status}${stderr ? `: ${stderr.length > 4000 ? `${stderr.slice(0, 4000)}…` : stderr}` : ''}`);
  }
  // Parsers see stderr without terminal control sequences: whatever they quote of it in a message or return
  // to a caller (raw commands) can reach a terminal or the log. stdout is data and stays as printed.
  try {
    return command.parse({ ...out, stderr: terminalSafe(out.stderr) });
  } catch (err) {
    // A parser refusing what the host printed: the error keeps its class (callers test for it), names the host,
    // and carries no control sequence of the text it quotes.
    if (err instanceof Error) {
      err.message = terminalSafe(err.message);
      if (!err.message.startsWith(`${host}: `)) err.message = `${host}: ${err.message}`;
    }
    throw err;
  }
}
