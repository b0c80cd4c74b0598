/**
 * Remote commands run in a process group of their own, so a timeout or a cancel can end the whole command
 * (children included), not just the SSH channel: sshd does not kill a command when its channel closes, and
 * refuses the SSH `signal` request for root logins.
 *
 * Every command is sent wrapped: a POSIX `sh` (dash, bash, busybox ash) first makes sure it leads a process
 * group of its own, prints `LVS-PGID <pgid>` as the first stdout line, then execs the command (pid unchanged).
 * OpenSSH's session child calls setsid(), so the login shell already leads a fresh session: when it execs our
 * `sh` (bash, dash do for a single command), the group is `$$`. Otherwise `setsid` (util-linux or busybox; it
 * does not fork when the caller is not a group leader) makes a new session with the same pid. Without
 * `setsid`, the login shell's group is used only when the login shell is our parent; else the line says `-`
 * and nothing can be killed but by closing the channel.
 *
 * On timeout or cancel the runner reads that line and sends TERM, then KILL after 2 s, to the group, from a
 * second exec on the same connection (through sudo when the command used sudo: a non-root login cannot
 * signal root processes). `kill -SIG -PGID` is the one spelling dash, bash and busybox all accept.
 */
import { effectiveArgv } from './remoteCommand';
import type { SudoMode } from './remoteCommand';
import { shellQuote } from './shellQuote';

export const PGID_MARKER = 'LVS-PGID';

const WRAPPER = [
  'read -r s < /proc/$$/stat; s=${s##*) }; s=${s#* * }; g=${s%% *}',
  `if [ "$g" != "$$" ] && command -v setsid >/dev/null 2>&1; then printf '${PGID_MARKER} %s\\n' "$$"; exec setsid "$@"; fi`,
  `if [ "$g" = "$$" ] || [ "$g" = "$PPID" ]; then printf '${PGID_MARKER} %s\\n' "$g"; else printf '${PGID_MARKER} -\\n'; fi`,
  'exec "$@"',
].join('\n');

const KILLER = [
  'g=$1',
  'kill -TERM -"$g" 2>/dev/null || exit 0',
  'i=0',
  'while kill -0 -"$g" 2>/dev/null; do',
  '  i=$((i+1))',
  '  if [ "$i" -eq 20 ]; then kill -KILL -"$g" 2>/dev/null; fi',
  '  if [ "$i" -ge 60 ]; then echo "process group $g is still there after SIGKILL" >&2; exit 1; fi',
  '  sleep 0.1',
  'done',
].join('\n');

/** The line actually sent for `argv`: the wrapper around the (sudo-prefixed) argv. */
export function groupedCommandLine(argv: readonly string[], sudo: SudoMode): string {
  return shellQuote(['sh', '-c', WRAPPER, 'sh', ...effectiveArgv(argv, sudo)]);
}

/** TERM, then KILL after 2 s, to process group `pgid`; returns once the group is gone (exit 0). */
export function killGroupArgv(pgid: number): string[] {
  if (!Number.isSafeInteger(pgid) || pgid <= 1) throw new Error(`refusing to kill process group ${pgid}`);
  return ['sh', '-c', KILLER, 'sh', String(pgid)];
}

/**
 * Splits the wrapper's first stdout line from the command's own output. `pgid` is undefined when the line
 * has not (fully) arrived yet or says `-`; `rest` is what the command printed.
 */
export function splitPgidLine(stdout: Buffer): { seen: boolean; pgid?: number; rest: Buffer } {
  const nl = stdout.indexOf(0x0a);
  if (nl < 0) return { seen: false, rest: stdout };
  const m = new RegExp(`^${PGID_MARKER} (\\d+|-)$`).exec(stdout.subarray(0, nl).toString('latin1'));
  if (!m) return { seen: false, rest: stdout };
  const out: { seen: boolean; pgid?: number; rest: Buffer } = { seen: true, rest: stdout.subarray(nl + 1) };
  if (m[1] !== '-') out.pgid = Number(m[1]);
  return out;
}
