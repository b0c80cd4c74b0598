/**
 * A live director's keepalived.conf and the files its includes match, read over SSH. keepalived's glob is
 * run here (includeResolver.ts) over a snapshot of the director's files; what the snapshot lacks (a folder
 * to list, a file to read) is fetched in the next round, one exec per round with a constant script whose
 * arguments are the paths (quoted like every argv). A configuration without includes takes one exec; each
 * level of includes one more (at most MAX_ROUNDS).
 */
import type { IncludeFileSystem } from '../keepalivedConf/includeResolver';
import { parseConf } from '../keepalivedConf/confParser';
import { createIncludeResolver } from '../keepalivedConf/includeResolver';
import type { CommandOutput, RemoteCommand } from '../ssh/remoteCommand';

export const DEFAULT_KEEPALIVED_CONF = '/etc/keepalived/keepalived.conf';
const MAX_ROUNDS = 8;
/** Files larger than this are not read (keepalived.conf files are a few KiB). */
const MAX_FILE_BYTES = 1024 * 1024;
const MARK = '@@lvs-ka@@';

export type RemoteEntry = { kind: 'dir'; names: string[] } | { kind: 'file'; text: string } | { kind: 'none'; why: string };

/** Lists each folder argument, prints each file argument base64-encoded; constant apart from its arguments. */
export const SNAPSHOT_SCRIPT = [
  `m='${MARK}'`,
  'for p in "$@"; do',
  '  if [ -d "$p" ]; then echo "$m dir $p"; for f in "$p"/* "$p"/.*; do [ -e "$f" ] && echo "${f##*/}"; done',
  `  elif [ -f "$p" ] && [ -r "$p" ]; then n=$(wc -c < "$p"); if [ "$n" -gt ${MAX_FILE_BYTES} ]; then echo "$m none $p larger than ${MAX_FILE_BYTES} bytes"; else echo "$m file $p"; base64 < "$p"; fi`,
  '  elif [ -e "$p" ]; then echo "$m none $p not readable"',
  '  else echo "$m none $p no such file"; fi',
  'done',
  'echo "$m end"',
].join('\n');

/** A path the snapshot script can take: absolute, no line break (the output is line-framed). */
export function isSnapshotPath(path: string): boolean {
  return path.startsWith('/') && !/[\n\r\0]/.test(path) && path.length <= 4096;
}

export function parseSnapshot(output: CommandOutput): Map<string, RemoteEntry> {
  const out = new Map<string, RemoteEntry>();
  let current: { path: string; kind: 'dir' | 'file'; lines: string[] } | undefined;
  const flush = (): void => {
    if (!current) return;
    if (current.kind === 'dir') out.set(current.path, { kind: 'dir', names: current.lines.filter((n) => n !== '.' && n !== '..' && n !== '') });
    else out.set(current.path, { kind: 'file', text: Buffer.from(current.lines.join(''), 'base64').toString('utf8') });
    current = undefined;
  };
  let ended = false;
  for (const line of output.stdout.split('\n')) {
    if (line.startsWith(`${MARK} `)) {
      flush();
      const rest = line.slice(MARK.length + 1);
      if (rest === 'end') { ended = true; break; }
      const m = /^(dir|file|none) (\/.*)$/.exec(rest);
      if (!m) continue;
      if (m[1] === 'none') {
        const n = /^(\/.*?) (no such file|not readable|larger than \d+ bytes)$/.exec(m[2]);
        out.set(n ? n[1] : m[2], { kind: 'none', why: n ? n[2] : 'unreadable' });
      } else current = { path: m[2], kind: m[1] as 'dir' | 'file', lines: [] };
    } else if (current) current.lines.push(line);
  }
  if (!ended) throw new Error(`the file listing ended early (exit ${output.exitCode ?? output.signal ?? '?'}): ${output.stderr.trim() || 'no output'}`);
  return out;
}

export function snapshotCommand(paths: readonly string[], timeoutMs = 30_000): RemoteCommand<Map<string, RemoteEntry>> {
  for (const p of paths) if (!isSnapshotPath(p)) throw new Error(`not a path to read: ${JSON.stringify(p)}`);
  return { argv: ['sh', '-c', SNAPSHOT_SCRIPT, 'lvs-import-keepalived', ...paths], timeoutMs, parse: parseSnapshot };
}

export interface RemoteConf {
  path: string;
  text: string;
  /** The snapshot as an include file system (complete for every include of `text`). */
  fs: IncludeFileSystem;
  /** Execs it took. */
  rounds: number;
}

/** Reads `mainPath` and everything its includes match, through `run` (one exec per round). */
export async function readRemoteKeepalivedConf(run: (command: RemoteCommand<Map<string, RemoteEntry>>) => Promise<Map<string, RemoteEntry>>,
  mainPath = DEFAULT_KEEPALIVED_CONF): Promise<RemoteConf> {
  const known = new Map<string, RemoteEntry>();
  let wanted = [mainPath];
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    for (const [p, e] of await run(snapshotCommand(wanted))) known.set(p, e);
    const main = known.get(mainPath);
    if (!main || main.kind !== 'file') throw new Error(`${mainPath}: ${main?.kind === 'none' ? main.why : main?.kind === 'dir' ? 'is a folder' : 'not read'}`);
    const missing = new Set<string>();
    const fs: IncludeFileSystem = {
      readDir: (p) => { const e = known.get(p); if (!e) { missing.add(p); return undefined; } return e.kind === 'dir' ? e.names : undefined; },
      isDirectory: (p) => { const e = known.get(p); if (!e) { missing.add(p); return false; } return e.kind === 'dir'; },
      readFile: (p) => { const e = known.get(p); if (!e) { missing.add(p); return undefined; } return e.kind === 'file' ? e.text : undefined; },
    };
    parseConf(main.text, { resolveInclude: createIncludeResolver(fs, mainPath) });
    wanted = [...missing].filter(isSnapshotPath);
    if (wanted.length === 0) return { path: mainPath, text: main.text, fs, rounds: round };
  }
  throw new Error(`${mainPath}: includes nested deeper than ${MAX_ROUNDS} levels`);
}
