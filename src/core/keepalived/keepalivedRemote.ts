/**
 * What lvsctl runs on a director of a keepalived cluster, each as a RemoteCommand value: read the live state
 * in one exec (configuration file, keepalived binary and process, systemd, IPVS table, addresses), write the
 * new configuration beside the old one, check it with the director's own `keepalived -t`, swap it in
 * atomically (keeping the previous one), reload or start keepalived, and restore the previous configuration.
 * Paths are fixed; nothing of the cluster file reaches these command lines (the configuration goes on stdin).
 */

import { splitSections } from '../apply/liveState';
import type { Diagnostic } from '../diagnostics';
import { parseRules } from '../ipvs/rulesParser';
import type { IpvsTable } from '../ipvs/types';
import type { CommandOutput, RemoteCommand } from '../ssh/remoteCommand';
import { shellQuote } from '../ssh/shellQuote';

export const KEEPALIVED_CONF = '/etc/keepalived/keepalived.conf';
/** The new configuration, written beside the live one (same directory: the swap is one rename). */
export const KEEPALIVED_CONF_NEW = `${KEEPALIVED_CONF}.lvsctl-new`;
/** The configuration the last swap replaced, for the restore. */
export const KEEPALIVED_CONF_PREV = `${KEEPALIVED_CONF}.lvsctl-prev`;
/** Marks that there was no configuration before the last swap. */
export const KEEPALIVED_CONF_ABSENT = `${KEEPALIVED_CONF}.lvsctl-absent`;
/** keepalived's default pid file (Debian, RHEL). */
export const KEEPALIVED_PID = '/run/keepalived.pid';
/** Serialises keepalived applies on one director. */
export const KEEPALIVED_LOCK_DIR = '/run/vscode-lvs-keepalived';

export interface KeepalivedLive {
  /** The live keepalived.conf; undefined when there is none. */
  conf?: string;
  /** Path of the keepalived binary; undefined when it is not installed. */
  binary?: string;
  /** Pid of the running keepalived; undefined when none runs. */
  pid?: number;
  /** The host runs systemd (then keepalived is a systemd unit). */
  systemd: boolean;
  /** The IPVS table (`ipvsadm -S -n`); empty when ipvsadm is missing. */
  table: IpvsTable;
  tableDiagnostics: Diagnostic[];
  /** Every address on the host's interfaces, canonical text, as `address dev`. */
  addresses: { address: string; dev: string }[];
}

const LIVE_SCRIPT = [
  'm=@@lvsctl-section',
  'sec() { printf "%s %s\\n" "$m" "$1"; }',
  `sec conf; if [ -f ${KEEPALIVED_CONF} ]; then echo present; cat ${KEEPALIVED_CONF}; echo; else echo absent; fi`,
  'sec bin; command -v keepalived || echo none',
  `sec pid; p=$(cat ${KEEPALIVED_PID} 2>/dev/null); if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then echo "$p"; else echo none; fi`,
  'sec systemd; if [ -d /run/systemd/system ]; then echo yes; else echo no; fi',
  'sec save; ipvsadm -S -n 2>/dev/null',
  'sec addr; ip -o addr show',
  'sec end',
].join('\n');

export function parseKeepalivedLive(o: CommandOutput): KeepalivedLive {
  const s = splitSections(o.stdout);
  const confSection = s.get('conf')?.text ?? 'absent\n';
  const conf = confSection.startsWith('present\n') ? confSection.slice('present\n'.length).replace(/\n$/, '') : undefined;
  const bin = (s.get('bin')?.text ?? '').trim();
  const pidText = (s.get('pid')?.text ?? '').trim();
  const rules = parseRules(s.get('save')?.text ?? '');
  const addresses: { address: string; dev: string }[] = [];
  for (const line of (s.get('addr')?.text ?? '').split('\n')) {
    const m = /^\d+:\s+(\S+)\s+inet6?\s+([0-9a-fA-F:.]+)\/\d+/.exec(line);
    if (m) addresses.push({ dev: m[1], address: m[2] });
  }
  const live: KeepalivedLive = {
    systemd: (s.get('systemd')?.text ?? '').trim() === 'yes',
    table: rules.table,
    tableDiagnostics: rules.diagnostics,
    addresses,
  };
  if (conf !== undefined) live.conf = conf;
  if (bin !== '' && bin !== 'none') live.binary = bin;
  if (/^\d+$/.test(pidText)) live.pid = Number(pidText);
  return live;
}

export function keepalivedLiveCommand(): RemoteCommand<KeepalivedLive> {
  return { argv: ['sh', '-c', LIVE_SCRIPT], timeoutMs: 30_000, parse: parseKeepalivedLive };
}

/** Writes the new configuration beside the live one, mode 0644 like the live one. */
export function writeNewConfCommand(text: string): RemoteCommand<void> {
  const script = `mkdir -p /etc/keepalived && cat > ${KEEPALIVED_CONF_NEW} && chmod 0644 ${KEEPALIVED_CONF_NEW}`;
  return { argv: ['sh', '-c', script], stdin: text, timeoutMs: 30_000, parse: () => undefined };
}

export interface ConfCheck {
  exitCode: number;
  /** keepalived's messages (it prints them on stderr). */
  output: string;
}

/** What an exit code of `keepalived -t` means (keepalived's config_test_exit; 2.2.7 uses 5 for most errors). */
export function confCheckMeaning(code: number): string {
  switch (code) {
    case 0: return 'configuration ok';
    case 3: return 'keepalived cannot run with this configuration (file missing, bad interface or fatal error)';
    case 4: return 'the configuration has errors (keepalived would start, ignoring them)';
    case 5: return 'the configuration has errors or script-security problems';
    default: return `keepalived -t failed (exit ${code})`;
  }
}

/** `keepalived -t -f NEW`: every exit code is a verdict, not a failure of the command. */
export function checkNewConfCommand(): RemoteCommand<ConfCheck> {
  // keepalived 2.2.7 exits 0 for a missing file: check that the file is there first.
  const script = `[ -s ${KEEPALIVED_CONF_NEW} ] || { echo "${KEEPALIVED_CONF_NEW} is missing or empty" >&2; exit 3; }; exec keepalived -t -f ${KEEPALIVED_CONF_NEW}`;
  return {
    argv: ['sh', '-c', script],
    timeoutMs: 60_000,
    okExitCodes: Array.from({ length: 256 }, (_, i) => i),
    parse: (o) => ({ exitCode: o.exitCode ?? -1, output: `${o.stdout}${o.stderr}`.trim() }),
  };
}

/** Keeps the live configuration (or notes that there was none) and renames the new one over it. */
export function swapConfCommand(): RemoteCommand<void> {
  const script = [
    `rm -f ${KEEPALIVED_CONF_PREV} ${KEEPALIVED_CONF_ABSENT}`,
    `if [ -f ${KEEPALIVED_CONF} ]; then cp -p ${KEEPALIVED_CONF} ${KEEPALIVED_CONF_PREV} || exit 1; else : > ${KEEPALIVED_CONF_ABSENT}; fi`,
    `mv -f ${KEEPALIVED_CONF_NEW} ${KEEPALIVED_CONF}`,
  ].join('\n');
  return { argv: ['sh', '-c', script], timeoutMs: 30_000, parse: () => undefined };
}

export type ReloadAction = 'reloaded' | 'started' | 'stopped';

/**
 * Makes keepalived read the configuration: systemd's unit when the host runs systemd, else SIGHUP to the pid
 * file's process, else start it (it daemonizes and writes the pid file). With `stopIfNoConf`, a host left
 * without configuration (a restore to "there was none") gets keepalived stopped instead.
 */
export function reloadCommand(stopIfNoConf = false): RemoteCommand<ReloadAction> {
  const script = [
    `if ${stopIfNoConf ? 'true' : 'false'} && [ ! -f ${KEEPALIVED_CONF} ]; then`,
    '  if [ -d /run/systemd/system ]; then systemctl stop keepalived || exit 1; else',
    `    p=$(cat ${KEEPALIVED_PID} 2>/dev/null); if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then kill -TERM "$p" || exit 1; fi; fi`,
    '  echo stopped; exit 0',
    'fi',
    'if [ -d /run/systemd/system ]; then',
    '  if systemctl is-active -q keepalived; then systemctl reload keepalived && echo reloaded; else systemctl start keepalived && echo started; fi',
    '  exit $?',
    'fi',
    `p=$(cat ${KEEPALIVED_PID} 2>/dev/null)`,
    'if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then kill -HUP "$p" && echo reloaded; exit $?; fi',
    `keepalived -f ${KEEPALIVED_CONF} -p ${KEEPALIVED_PID} && echo started`,
  ].join('\n');
  return {
    argv: ['sh', '-c', script],
    timeoutMs: 60_000,
    parse: (o) => {
      const word = o.stdout.trim().split('\n').pop();
      return word === 'started' || word === 'stopped' ? word : 'reloaded';
    },
  };
}

/** Puts back what the last swap replaced: the previous file, or no file when there was none. */
export function restoreConfCommand(): RemoteCommand<void> {
  const script = [
    `if [ -f ${KEEPALIVED_CONF_PREV} ]; then mv -f ${KEEPALIVED_CONF_PREV} ${KEEPALIVED_CONF} || exit 1`,
    `elif [ -f ${KEEPALIVED_CONF_ABSENT} ]; then rm -f ${KEEPALIVED_CONF} ${KEEPALIVED_CONF_ABSENT} || exit 1`,
    'else echo "no previous configuration to restore" >&2; exit 1; fi',
  ].join('\n');
  return { argv: ['sh', '-c', script], timeoutMs: 30_000, parse: () => undefined };
}

/** Removes a new configuration that was refused (the live one stays untouched). */
export function discardNewConfCommand(): RemoteCommand<void> {
  return { argv: ['rm', '-f', KEEPALIVED_CONF_NEW], timeoutMs: 30_000, parse: () => undefined };
}

/**
 * The VIPs as host addresses on `lo` (`ip addr add VIP/32|/128 dev lo`, one argv each, joined with &&):
 * while keepalived starts on a director that already carries them (a cluster moving from the ipvsadm engine)
 * it first deletes them from the interface and adds them back only once it is master; on `lo` the director
 * keeps accepting (and answering ARP for) the VIPs meanwhile. Addresses already on `dev` are skipped (another
 * `dev`: a failed apply puts them back where it found them).
 */
export function bridgeVipsCommand(vips: readonly string[], dev = 'lo'): RemoteCommand<void> {
  const adds = vips.map((v) => `{ ip -o addr show dev ${shellQuote([dev])} | grep -qF ${shellQuote([` ${v}/`])} || ${shellQuote(['ip', 'addr', 'add', `${v}/${v.includes(':') ? 128 : 32}`, 'dev', dev])}; }`);
  return { argv: ['sh', '-c', adds.join(' && ') || 'true'], timeoutMs: 30_000, parse: () => undefined };
}

/** Removes what bridgeVipsCommand added (an address already gone is no failure). */
export function unbridgeVipsCommand(vips: readonly string[]): RemoteCommand<void> {
  const dels = vips.map((v) => `{ ! ip -o addr show dev lo | grep -qF ${shellQuote([` ${v}/`])} || ${shellQuote(['ip', 'addr', 'del', `${v}/${v.includes(':') ? 128 : 32}`, 'dev', 'lo'])}; }`);
  return { argv: ['sh', '-c', dels.join(' && ') || 'true'], timeoutMs: 30_000, parse: () => undefined };
}
