/**
 * Files lvsctl writes on a director: the boot-time rules file of the distro's ipvsadm service, and the
 * record of the services lvsctl manages per cluster. Written atomically (temp file + mv) and only when the
 * content changes.
 */

import type { CommandOutput, RemoteCommand } from '../ssh/remoteCommand';

export type RulesFileStatus = 'written' | 'unchanged';

const WRITE_SCRIPT = [
  'f=$1',
  'mkdir -p "${f%/*}" || exit 1',
  't="$f.lvsctl-tmp.$$"',
  'cat > "$t" || { rm -f "$t"; exit 1; }',
  'if [ -f "$f" ] && cmp -s "$t" "$f"; then rm -f "$t"; echo unchanged; exit 0; fi',
  'chmod 0644 "$t" && mv -f "$t" "$f" && echo written',
].join('\n');

/** Writes `content` to `path` unless it already holds exactly that. */
export function writeFileIfChangedCommand(path: string, content: string): RemoteCommand<RulesFileStatus> {
  return {
    argv: ['sh', '-c', WRITE_SCRIPT, 'sh', path],
    stdin: content,
    timeoutMs: 30_000,
    parse: (o: CommandOutput) => (o.stdout.trim() === 'unchanged' ? 'unchanged' : 'written'),
  };
}

export interface RulesFileTarget {
  path: string;
  /** How it was chosen, for the report. */
  reason: string;
}

const DETECT_SCRIPT = [
  'for f in /etc/ipvsadm.rules /etc/sysconfig/ipvsadm; do [ -e "$f" ] && echo "exists $f"; done',
  'cat /etc/os-release 2>/dev/null',
  'true',
].join('\n');

/** Which file the distro's ipvsadm service restores at boot: an existing one, else by /etc/os-release. */
export function parseRulesFileTarget(o: CommandOutput): RulesFileTarget {
  const existing = /^exists (\S+)$/m.exec(o.stdout);
  if (existing) return { path: existing[1], reason: 'existing file' };
  const like = `${/^ID=(.*)$/m.exec(o.stdout)?.[1] ?? ''} ${/^ID_LIKE=(.*)$/m.exec(o.stdout)?.[1] ?? ''}`.replace(/"/g, '');
  if (/\b(rhel|fedora|centos|rocky|almalinux|suse|sles|opensuse)\b/.test(like)) return { path: '/etc/sysconfig/ipvsadm', reason: `os-release: ${like.trim()}` };
  return { path: '/etc/ipvsadm.rules', reason: like.trim() ? `os-release: ${like.trim()}` : 'default (Debian layout)' };
}

export function rulesFileTargetCommand(): RemoteCommand<RulesFileTarget> {
  return { argv: ['sh', '-c', DETECT_SCRIPT], timeoutMs: 30_000, parse: parseRulesFileTarget };
}
