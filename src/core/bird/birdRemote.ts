/**
 * What lvsctl runs on an active-active director for BIRD, each as a RemoteCommand value: read the live state
 * in one exec (bird.conf, the bird binary, whether BIRD answers on its control socket, its protocols), write
 * the new configuration beside the live one, check it with the director's own `bird -p -c NEW` (parse only),
 * swap it in (keeping the previous one), reload (`birdc configure`) or start BIRD, read the sessions and the
 * exported routes back, and restore the previous configuration. Paths are fixed; nothing of the cluster file
 * reaches these command lines (the configuration goes on stdin; protocol names are lvsctl's own).
 */

import { SECTION_MARK, splitSections } from '../apply/liveState';
import type { CommandOutput, RemoteCommand } from '../ssh/remoteCommand';

export const BIRD_CONF = '/etc/bird/bird.conf';
export const BIRD_CONF_NEW = `${BIRD_CONF}.lvsctl-new`;
export const BIRD_CONF_PREV = `${BIRD_CONF}.lvsctl-prev`;
/** Marks that there was no bird.conf before the last swap (the restore then stops BIRD and removes the file). */
export const BIRD_CONF_ABSENT = `${BIRD_CONF}.lvsctl-absent`;
/** Debian's control socket and the pid file lvsctl gives a BIRD it starts itself (hosts without systemd). */
export const BIRD_SOCKET = '/run/bird/bird.ctl';
export const BIRD_PID = '/run/bird/bird.pid';
/** Serialises BIRD applies on one director. */
export const BIRD_LOCK_DIR = '/run/vscode-lvs-bird';

export interface BirdProtocol {
  name: string;
  proto: string;
  state: string;
  /** The Info column (`Established`, `Active  Socket: Connection refused`, …). */
  info: string;
}

export interface BirdLive {
  /** The live bird.conf; undefined when there is none. */
  conf?: string;
  /** Path of the bird binary; undefined when BIRD is not installed. */
  binary?: string;
  /** BIRD answers on its control socket. */
  running: boolean;
  systemd: boolean;
  protocols: BirdProtocol[];
}

const BIRDC = `birdc -s ${BIRD_SOCKET}`;

const LIVE_SCRIPT = [
  `m=${SECTION_MARK}`,
  'sec() { printf "%s %s\\n" "$m" "$1"; }',
  `sec conf; if [ -f ${BIRD_CONF} ]; then echo present; cat ${BIRD_CONF}; echo; else echo absent; fi`,
  'sec bin; command -v bird || echo none',
  `sec running; if ${BIRDC} show status >/dev/null 2>&1; then echo yes; else echo no; fi`,
  `sec protocols; ${BIRDC} show protocols 2>/dev/null`,
  'sec systemd; if [ -d /run/systemd/system ]; then echo yes; else echo no; fi',
  'sec end',
].join('\n');

/** `birdc show protocols` rows (the header and the banner skipped). */
export function parseBirdProtocols(text: string): BirdProtocol[] {
  const out: BirdProtocol[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(\S+)\s+(\S+)\s+(up|down|start|stop|flush)\s+(\S+(?:\s\d\d:\d\d:\d\d\S*)?)\s*(.*)$/.exec(line);
    if (!m || m[1] === 'Name') continue;
    out.push({ name: m[1], proto: m[2], state: m[4], info: m[6].trim() });
  }
  return out;
}

export function parseBirdLive(o: CommandOutput): BirdLive {
  const s = splitSections(o.stdout);
  const confSection = s.get('conf')?.text ?? 'absent\n';
  const conf = confSection.startsWith('present\n') ? confSection.slice('present\n'.length).replace(/\n$/, '') : undefined;
  const bin = (s.get('bin')?.text ?? '').trim();
  const live: BirdLive = {
    running: (s.get('running')?.text ?? '').trim() === 'yes',
    systemd: (s.get('systemd')?.text ?? '').trim() === 'yes',
    protocols: parseBirdProtocols(s.get('protocols')?.text ?? ''),
  };
  if (conf !== undefined) live.conf = conf;
  if (bin !== '' && bin !== 'none') live.binary = bin;
  return live;
}

export function birdLiveCommand(): RemoteCommand<BirdLive> {
  return { argv: ['sh', '-c', LIVE_SCRIPT], timeoutMs: 30_000, parse: parseBirdLive };
}

/** Writes the new configuration beside the live one (0644: it holds no secret; Debian's BIRD runs as user bird). */
export function writeNewBirdConfCommand(text: string): RemoteCommand<void> {
  return {
    argv: ['sh', '-c', 'mkdir -p "${1%/*}" && cat > "$1" && chmod 0644 "$1"', 'sh', BIRD_CONF_NEW],
    stdin: text,
    timeoutMs: 30_000,
    parse: () => undefined,
  };
}

export interface BirdConfCheck {
  exitCode: number;
  output: string;
}

/** `bird -p -c NEW`: parses the file and exits (0 = valid); starts nothing. */
export function checkNewBirdConfCommand(): RemoteCommand<BirdConfCheck> {
  return {
    argv: ['bird', '-p', '-c', BIRD_CONF_NEW],
    timeoutMs: 30_000,
    okExitCodes: Array.from({ length: 256 }, (_, i) => i),
    parse: (o) => ({ exitCode: o.exitCode ?? -1, output: `${o.stdout}${o.stderr}`.trim() }),
  };
}

export function discardNewBirdConfCommand(): RemoteCommand<void> {
  return { argv: ['rm', '-f', BIRD_CONF_NEW], timeoutMs: 30_000, parse: () => undefined };
}

/** NEW becomes the live file; the live one (or the fact that there was none) is kept for the restore. */
export function swapBirdConfCommand(): RemoteCommand<void> {
  const script = [
    `if [ -f ${BIRD_CONF} ]; then cp -p ${BIRD_CONF} ${BIRD_CONF_PREV} && rm -f ${BIRD_CONF_ABSENT} || exit 1;`,
    `else rm -f ${BIRD_CONF_PREV}; : > ${BIRD_CONF_ABSENT} || exit 1; fi`,
    `mv -f ${BIRD_CONF_NEW} ${BIRD_CONF}`,
  ].join('\n');
  return { argv: ['sh', '-c', script], timeoutMs: 30_000, parse: () => undefined };
}

export type BirdReload = 'reconfigured' | 'started';

const RELOAD_SCRIPT = [
  `if ${BIRDC} show status >/dev/null 2>&1; then`,
  `  out=$(${BIRDC} configure 2>&1); echo "$out"`,
  '  case "$out" in *Reconfigured*|*"Reconfiguration in progress"*|*"Nothing to do"*) echo "@@reconfigured"; exit 0;; esac',
  '  exit 3',
  'fi',
  // systemd: Debian's bird.service (it reads /etc/bird/bird.conf, socket /run/bird/bird.ctl).
  'if [ -d /run/systemd/system ]; then systemctl restart bird || exit 4',
  `else mkdir -p /run/bird && bird -c ${BIRD_CONF} -s ${BIRD_SOCKET} -P ${BIRD_PID} || exit 4; fi`,
  `i=0; while ! ${BIRDC} show status >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 50 ] && exit 5; sleep 0.1; done`,
  'echo "@@started"',
].join('\n');

/** Reloads a running BIRD (`birdc configure`), or starts it (systemd unit, else the daemon with lvsctl's paths). */
export function reloadBirdCommand(): RemoteCommand<BirdReload> {
  return {
    argv: ['sh', '-c', RELOAD_SCRIPT],
    timeoutMs: 30_000,
    parse: (o) => (o.stdout.includes('@@started') ? 'started' : 'reconfigured'),
  };
}

/** Puts the previous configuration back and reloads; with none before, stops BIRD and removes the file. */
export function restoreBirdConfCommand(): RemoteCommand<void> {
  const script = [
    `if [ -f ${BIRD_CONF_ABSENT} ]; then`,
    `  ${BIRDC} down >/dev/null 2>&1; if [ -d /run/systemd/system ]; then systemctl stop bird; fi`,
    `  rm -f ${BIRD_CONF} ${BIRD_CONF_ABSENT}; exit 0`,
    'fi',
    `[ -f ${BIRD_CONF_PREV} ] || exit 6`,
    `mv -f ${BIRD_CONF_PREV} ${BIRD_CONF} || exit 1`,
    `if ${BIRDC} show status >/dev/null 2>&1; then ${BIRDC} configure; fi`,
  ].join('\n');
  return { argv: ['sh', '-c', script], timeoutMs: 30_000, parse: () => undefined };
}

/** The prefixes BIRD exports to a protocol (`birdc show route export NAME`), as `address/len`. */
export function exportedRoutesCommand(protocol: string): RemoteCommand<string[]> {
  if (!/^lvs_peer\d+$/.test(protocol)) throw new Error(`not a protocol lvsctl renders: ${protocol}`);
  return {
    argv: ['birdc', '-s', BIRD_SOCKET, 'show', 'route', 'export', protocol],
    timeoutMs: 30_000,
    parse: (o) => [...o.stdout.matchAll(/^([0-9a-fA-F.:]+\/\d+)\s/gm)].map((m) => m[1]),
  };
}
