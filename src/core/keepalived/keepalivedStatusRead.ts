/**
 * Reading a director's keepalived state in ONE remote exec: a small sh script asks the running keepalived for
 * its data dumps (`keepalived --signum=DATA`, SIGUSR1 on Linux, to the process of /run/keepalived.pid, which
 * hands it to its VRRP and checker children), waits until each child has written and closed its file
 * (keepalived creates the file under its final name before writing it, so being there is not enough: the
 * script waits until the child no longer holds it open), then prints the two dumps and `ipvsadm -S -n`
 * between marker lines. Paths are fixed; nothing of the cluster file reaches the command line.
 *
 * The dumps go to keepalived's tmp directory (/tmp, or $TMPDIR of the keepalived process); this reads /tmp.
 * Two readers at the same moment on one director may see each other's dump, which is the same state.
 */
import { splitSections } from '../apply/liveState';
import { parseRules } from '../ipvs/rulesParser';
import type { IpvsTable } from '../ipvs/types';
import type { CommandOutput, HostRunner, RemoteCommand } from '../ssh/remoteCommand';
import { KEEPALIVED_PID } from './keepalivedRemote';
import { KeepalivedDumpError, parseCheckDump, parseVrrpDump } from './keepalivedStatus';
import type { CheckDump, VrrpDump } from './keepalivedStatus';

export const VRRP_DUMP = '/tmp/keepalived.data';
export const CHECK_DUMP = '/tmp/keepalived_check.data';
/** The children's pid files (keepalived 2.x, default names). */
export const VRRP_PID = '/run/vrrp.pid';
export const CHECKERS_PID = '/run/checkers.pid';
/** Polls of 0.1 s the script waits for the dumps. */
const WAIT_POLLS = 100;

export type KeepalivedReading =
  | { running: false }
  | {
    running: true;
    pid: number;
    /** Absent when no VRRP child runs (a configuration without vrrp_instance). */
    vrrp?: VrrpDump;
    /** Absent when no checker child runs (a configuration without virtual_server). */
    check?: CheckDump;
    /** The IPVS table (`ipvsadm -S -n`); empty when ipvsadm is missing. */
    table: IpvsTable;
  };

export const STATUS_SCRIPT = [
  'm=@@lvsctl-section',
  `p=$(cat ${KEEPALIVED_PID} 2>/dev/null)`,
  'if [ -z "$p" ] || ! kill -0 "$p" 2>/dev/null; then echo "$m notrunning"; exit 0; fi',
  'w=',
  `for c in ${VRRP_PID}:${VRRP_DUMP} ${CHECKERS_PID}:${CHECK_DUMP}; do`,
  '  q=$(cat "${c%%:*}" 2>/dev/null)',
  '  if [ -n "$q" ] && kill -0 "$q" 2>/dev/null; then rm -f "${c#*:}" || exit 1; w="$w $q:${c#*:}"; fi',
  'done',
  's=$(keepalived --signum=DATA 2>/dev/null) || s=USR1',
  'kill -s "$s" "$p" || exit 1',
  'i=0',
  'while :; do',
  '  b=',
  '  for e in $w; do',
  '    f=${e#*:}',
  '    if [ ! -f "$f" ]; then b=1; else for d in /proc/"${e%%:*}"/fd/*; do [ "$(readlink "$d")" = "$f" ] && { b=1; break; }; done; fi',
  '  done',
  '  [ -z "$b" ] && break',
  '  i=$((i+1))',
  `  if [ $i -gt ${WAIT_POLLS} ]; then echo "keepalived (pid $p) did not finish writing its data dumps ($w) within ${WAIT_POLLS / 10} s" >&2; exit 1; fi`,
  '  sleep 0.1',
  'done',
  'echo "$m pid"; echo "$p"',
  'for e in $w; do echo "$m dump ${e#*:}"; cat "${e#*:}" || exit 1; done',
  'echo "$m save"; ipvsadm -S -n 2>/dev/null',
  'echo "$m end"',
].join('\n');

/** How the status script is named in messages (the whole script is in `keepalivedStatusCommand().argv`). */
export const STATUS_COMMAND_SUMMARY = `sh -c 'kill -s $(keepalived --signum=DATA) $(cat ${KEEPALIVED_PID}); cat ${VRRP_DUMP} ${CHECK_DUMP}; ipvsadm -S -n'`;

export function parseKeepalivedReading(o: CommandOutput): KeepalivedReading {
  const s = splitSections(o.stdout);
  if (s.has('notrunning')) return { running: false };
  if (!s.has('end')) throw new KeepalivedDumpError('the status output was cut (no end marker)');
  const pid = Number((s.get('pid')?.text ?? '').trim());
  const reading: KeepalivedReading = { running: true, pid, table: parseRules(s.get('save')?.text ?? '').table };
  const vrrp = s.get(`dump ${VRRP_DUMP}`);
  if (vrrp) reading.vrrp = parseVrrpDump(vrrp.text);
  const check = s.get(`dump ${CHECK_DUMP}`);
  if (check) reading.check = parseCheckDump(check.text);
  return reading;
}

export function keepalivedStatusCommand(): RemoteCommand<KeepalivedReading> {
  return { argv: ['sh', '-c', STATUS_SCRIPT], timeoutMs: 30_000, parse: parseKeepalivedReading };
}

/** keepalived does not run on the director (no live process in its pid file). */
export class KeepalivedNotRunningError extends Error {
  override readonly name = 'KeepalivedNotRunningError';
  constructor(readonly host: string, readonly command: string) {
    super(`${host}: keepalived is not running (${KEEPALIVED_PID} names no live process), so its state cannot be read ` +
      `(command: ${command}). Start it: lvsctl apply FILE, or systemctl start keepalived.`);
  }
}

export type RunningReading = Extract<KeepalivedReading, { running: true }>;

/** One director's keepalived state, in one exec; throws KeepalivedNotRunningError when none runs. */
export async function readKeepalivedStatus(run: HostRunner, host: string): Promise<RunningReading> {
  const command = keepalivedStatusCommand();
  const reading = await run(host, command);
  if (!reading.running) throw new KeepalivedNotRunningError(host, STATUS_COMMAND_SUMMARY);
  return reading;
}
