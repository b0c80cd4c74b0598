/**
 * Changes to a host as values: each is an argv (quoted only by shellQuote when it is sent) and a line for
 * humans. A list of them runs in ONE exec (`batchCommand`): each action's exit code and output come back,
 * and the batch stops at the first failure so that later actions never run on a half-changed host.
 */
import { shellQuote } from '../ssh/shellQuote';
import type { CommandOutput, RemoteCommand } from '../ssh/remoteCommand';
import { sysctlArgName } from './sysctlNames';

export interface RemoteAction {
  /** What it does, for plans and logs: `ip addr add 10.0.0.1/32 dev lo`. */
  description: string;
  argv: readonly string[];
  /**
   * Data the action reads as ONE line of its stdin (file contents, base64): never an argument, so it is not
   * visible in `ps` and not bounded by ARG_MAX. A batch sends the lines of its actions in order.
   */
  input?: string;
}

export interface ActionOutcome {
  action: RemoteAction;
  /** `undefined` when the batch stopped before this action. */
  exitCode?: number;
  output: string;
}

const MARK = '@@lvs-action@@';

/**
 * Writes a file atomically (temp file + rename) with a mode; the directory is created. The content is the
 * next line of stdin, base64 (the shell's `read` takes one byte at a time, so it never eats a later action's
 * line); the line is read first, whatever happens next.
 */
const WRITE_FILE = 'IFS= read -r c || exit 90; umask 022; mkdir -p -- "$(dirname -- "$1")" && printf %s "$c" | base64 -d > "$1.lvs-tmp" && chmod "$2" "$1.lvs-tmp" && mv -f -- "$1.lvs-tmp" "$1"';

export function describeArgv(argv: readonly string[]): string {
  return shellQuote(argv);
}

function action(argv: readonly string[], description = describeArgv(argv)): RemoteAction {
  return { argv, description };
}

export function addAddressAction(a: { address: string; prefix: number; dev: string; label?: string; nodad?: boolean; family: 'inet' | 'inet6' }): RemoteAction {
  const argv = ['ip', ...(a.family === 'inet6' ? ['-6'] : []), 'addr', 'add', `${a.address}/${a.prefix}`, 'dev', a.dev];
  if (a.label !== undefined && a.family === 'inet') argv.push('label', a.label);
  if (a.nodad && a.family === 'inet6') argv.push('nodad');
  return action(argv);
}

export function delAddressAction(a: { address: string; prefix: number; dev: string; family: 'inet' | 'inet6' }): RemoteAction {
  return action(['ip', ...(a.family === 'inet6' ? ['-6'] : []), 'addr', 'del', `${a.address}/${a.prefix}`, 'dev', a.dev]);
}

export function setSysctlAction(key: string, value: string): RemoteAction {
  const arg = `${sysctlArgName(key)}=${value}`;
  return action(['sysctl', '-q', '-w', arg], `sysctl -q -w ${arg}`);
}

export function modprobeAction(module: string): RemoteAction {
  return action(['modprobe', '--', module]);
}

export function linkAction(dev: string, state: 'up' | 'down'): RemoteAction {
  return action(['ip', 'link', 'set', 'dev', dev, state]);
}

export function writeFileAction(path: string, content: string, mode = '0644'): RemoteAction {
  return {
    ...action(['sh', '-c', WRITE_FILE, 'lvs-write', path, mode], `write ${path} (${Buffer.byteLength(content)} bytes, mode ${mode})`),
    input: Buffer.from(content, 'utf8').toString('base64'),
  };
}

export function removeFileAction(path: string): RemoteAction {
  return action(['rm', '-f', '--', path]);
}

/** Removes a directory if it is empty (ours, e.g. /var/lib/vscode-lvs); never fails. */
export function removeEmptyDirAction(path: string): RemoteAction {
  return action(['sh', '-c', 'rmdir -- "$1" 2>/dev/null; true', 'lvs-rmdir', path], `rmdir ${path} (if empty)`);
}

export function symlinkAction(target: string, path: string): RemoteAction {
  return action(['sh', '-c', 'mkdir -p -- "$(dirname -- "$2")" && ln -sfn -- "$1" "$2"', 'lvs-link', target, path], `ln -sfn ${target} ${path}`);
}

/**
 * One exec for many actions: `sh -c SCRIPT` where SCRIPT is the actions' quoted command lines, each
 * followed by a marker line with its index and exit code. Stops at the first failure. The actions' inputs
 * are the command's stdin, one line each, in order.
 */
export function batchCommand(actions: readonly RemoteAction[], timeoutMs = 120_000): RemoteCommand<ActionOutcome[]> {
  const lines = actions.map((a, i) =>
    `out=$(${shellQuote(a.argv)} 2>&1); rc=$?; printf '%s\\n' "$out"; echo "${MARK} ${i} $rc"; [ "$rc" -eq 0 ] || exit 0`);
  const script = lines.length ? lines.join('\n') : 'true';
  const input = actions.filter((a) => a.input !== undefined).map((a) => `${a.input}\n`).join('');
  return {
    argv: ['sh', '-c', script],
    ...(input ? { stdin: input } : {}),
    timeoutMs,
    parse: (output: CommandOutput) => parseBatchOutput(actions, output.stdout),
  };
}

export function parseBatchOutput(actions: readonly RemoteAction[], stdout: string): ActionOutcome[] {
  const outcomes: ActionOutcome[] = actions.map((a) => ({ action: a, output: '' }));
  let pending: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = line.startsWith(MARK) ? /^\S+ (\d+) (\d+)$/.exec(line) : null;
    if (m) {
      const o = outcomes[Number(m[1])];
      if (o) { o.exitCode = Number(m[2]); o.output = pending.join('\n').trim(); }
      pending = [];
    } else pending.push(line);
  }
  return outcomes;
}
