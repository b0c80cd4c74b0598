/**
 * "Check on director…": a keepalived.conf as the operator has it open, checked by a director's own
 * `keepalived -t` (its version, its interfaces, its scripts, its include files), and keepalived's messages
 * turned into diagnostics on the lines they name.
 *
 * The text goes on stdin into a private file (mode 0600) beside the director's live configuration, in
 * /etc/keepalived, so relative `include`s resolve as they would for the real file (keepalived resolves them
 * from the including file's directory); /tmp when /etc/keepalived does not exist. The file is removed
 * whatever happens. Nothing runs but `keepalived -t -f`: no reload, no service touched. Nothing of the text
 * reaches the command line.
 */
import type { Diagnostic, Severity } from '../diagnostics';
import type { RemoteCommand } from '../ssh/remoteCommand';
import { confCheckMeaning } from './keepalivedRemote';

export const CONF_CHECK_CODE = 'keepalived -t';

/** Exit codes of the script that are not keepalived's verdict. */
const NOT_INSTALLED = 127;
const NO_TEMP_FILE = 96;

export interface HostConfCheck {
  /** keepalived's exit code (0: configuration ok); undefined when keepalived did not run. */
  exitCode?: number;
  /** Why keepalived did not run. */
  problem?: string;
  /** The path the text was checked under on the director (keepalived's messages name it). */
  path?: string;
  /** keepalived's messages, as printed. */
  output: string;
}

/** The remote check of `text` (one exec). */
export function checkConfOnHostCommand(text: string): RemoteCommand<HostConfCheck> {
  const script = [
    `command -v keepalived >/dev/null 2>&1 || exit ${NOT_INSTALLED}`,
    `if [ -d /etc/keepalived ]; then d=/etc/keepalived; else d=/tmp; fi`,
    `f=$(umask 077; mktemp "$d/.lvsctl-check.XXXXXX") || exit ${NO_TEMP_FILE}`,
    `trap 'rm -f "$f"' HUP INT TERM`,
    `cat > "$f" || { rm -f "$f"; exit ${NO_TEMP_FILE}; }`,
    `echo "$f"`,
    `keepalived -t -f "$f" 2>&1`,
    `rc=$?`,
    `rm -f "$f"`,
    `exit $rc`,
  ].join('\n');
  return {
    argv: ['sh', '-c', script],
    stdin: text,
    timeoutMs: 60_000,
    maxOutputBytes: 4 * 1024 * 1024,
    okExitCodes: Array.from({ length: 256 }, (_, i) => i),
    parse: (o) => {
      const code = o.exitCode ?? -1;
      const lines = o.stdout.split('\n');
      const path = lines[0]?.trim() || undefined;
      const output = `${lines.slice(1).join('\n')}${o.stderr}`.trim();
      if (code === NOT_INSTALLED && !path) return { problem: 'keepalived is not installed (no keepalived on the PATH)', output: o.stderr.trim() };
      if (code === NO_TEMP_FILE && !path) return { problem: 'no private file could be written for the check (mktemp or write failed)', output: o.stderr.trim() };
      return { exitCode: code, path, output };
    },
  };
}

/**
 * keepalived's location prefix (report_config_error): `(FILE: Line N) message`; `(Line N) message` without a
 * file for an include that matched nothing (`Config files missing '…'`), on the include's own line.
 */
const LOCATION = /^\((?:([^)]+?): )?Line (\d+)\) ?(.*)$/;
const INCLUDE_LINE = /^\s*include\s/;

export interface ConfCheckFindings {
  /** Messages on lines of the checked text. */
  diagnostics: Diagnostic[];
  /** Messages that name another file (an include) or no line, as keepalived printed them. */
  elsewhere: string[];
  /** One line: what the check says, e.g. `keepalived -t: configuration ok` or `… 2 problems (exit 5: …)`. */
  summary: string;
}

function severityOf(message: string, exitCode: number): Severity {
  if (/^WARNING\b/i.test(message)) return 'warning';
  return exitCode === 0 ? 'warning' : 'error';
}

/** keepalived's verdict on `text` (what checkConfOnHostCommand read) as diagnostics on its lines. */
export function confCheckFindings(check: HostConfCheck, text: string): ConfCheckFindings {
  if (check.exitCode === undefined) {
    return { diagnostics: [], elsewhere: check.output ? [check.output] : [], summary: `keepalived -t did not run: ${check.problem ?? 'unknown reason'}` };
  }
  const lines = text.split('\n');
  const diagnostics: Diagnostic[] = [];
  const elsewhere: string[] = [];
  for (const raw of check.output.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const m = LOCATION.exec(line);
    const n = m ? Number(m[2]) : 0;
    const here = m !== null && n >= 1 && n <= lines.length && (m[1] === undefined ? INCLUDE_LINE.test(lines[n - 1]) : m[1] === check.path);
    if (m && here) {
      const body = lines[n - 1].replace(/\r$/, '');
      const start = body.length - body.trimStart().length;
      diagnostics.push({
        range: { start: { line: n - 1, character: start }, end: { line: n - 1, character: Math.max(start, body.trimEnd().length) } },
        severity: severityOf(m[3], check.exitCode),
        code: CONF_CHECK_CODE,
        message: m[3] || 'keepalived names this line',
      });
    } else {
      elsewhere.push(check.path ? line.split(check.path).join('(checked file)') : line);
    }
  }
  const count = diagnostics.length + elsewhere.length;
  const verdict = confCheckMeaning(check.exitCode);
  const summary = check.exitCode === 0 && count === 0
    ? 'keepalived -t: configuration ok'
    : `keepalived -t: ${count} message${count === 1 ? '' : 's'} (exit ${check.exitCode}: ${verdict})`;
  return { diagnostics, elsewhere, summary };
}
