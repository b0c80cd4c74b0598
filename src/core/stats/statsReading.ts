/**
 * One reading of a director's IPVS counters as ONE remote command: a sectioned shell script runs
 * `ipvsadm -Ln --stats --exact`, `ipvsadm -Ln --rate --exact` and `ipvsadm -Ln` (plus `--thresholds` /
 * `--persistent-conn` when asked), each section framed by marker lines carrying its exit status, so a
 * single SSH exec per director per tick gives everything. The existing listing parsers read the sections.
 */
import type { IpvsListing } from '../ipvs/listParser';
import { parseIpvsListing } from '../ipvs/listParser';
import type { RateCounters, StatsCounters, StatsListing } from '../ipvs/statsParser';
import { parseRateListing, parseStatsListing } from '../ipvs/statsParser';
import type { CommandOutput, RemoteCommand } from '../ssh/remoteCommand';

export interface ReadingOptions {
  /** Also read `ipvsadm -Ln --thresholds` (upper/lower thresholds per real server). */
  thresholds?: boolean;
  /** Also read `ipvsadm -Ln --persistent-conn` (PersistConn per real server). */
  persistentConn?: boolean;
  /** Default 15 s: a tick must not hang the poller. */
  timeoutMs?: number;
}

export type SectionName = 'stats' | 'rate' | 'list' | 'thresholds' | 'persistent';

const SECTION_ARGS: Readonly<Record<SectionName, readonly string[]>> = {
  stats: ['-Ln', '--stats', '--exact'],
  rate: ['-Ln', '--rate', '--exact'],
  list: ['-Ln'],
  thresholds: ['-Ln', '--thresholds'],
  persistent: ['-Ln', '--persistent-conn'],
};

/** Marker lines: `@@lvs-stats begin <name>` / `@@lvs-stats end <name> <exit status>`. */
const MARK = '@@lvs-stats';

export interface StatsReading {
  stats: StatsListing<StatsCounters>;
  rate: StatsListing<RateCounters>;
  list: IpvsListing;
  thresholds?: IpvsListing;
  persistent?: IpvsListing;
}

export class StatsReadingError extends Error {}

export function readingSections(options: ReadingOptions = {}): SectionName[] {
  const s: SectionName[] = ['stats', 'rate', 'list'];
  if (options.thresholds) s.push('thresholds');
  if (options.persistentConn) s.push('persistent');
  return s;
}

/** The script run by `sh -c`: fixed text, no interpolation of anything that came from a file. */
export function readingScript(sections: readonly SectionName[]): string {
  const lines = ['LC_ALL=C; export LC_ALL'];
  for (const s of sections) {
    lines.push(`echo '${MARK} begin ${s}'; ipvsadm ${SECTION_ARGS[s].join(' ')} 2>&1; echo "${MARK} end ${s} $?"`);
  }
  return lines.join('\n');
}

export function statsReadingCommand(options: ReadingOptions = {}): RemoteCommand<StatsReading> {
  const sections = readingSections(options);
  return {
    argv: ['sh', '-c', readingScript(sections)],
    timeoutMs: options.timeoutMs ?? 15_000,
    privileged: true,
    parse: (output: CommandOutput) => parseStatsReading(output.stdout, sections),
  };
}

/** Splits the sectioned output; throws StatsReadingError (with ipvsadm's own words) when a section failed. */
export function splitSections(stdout: string): Map<string, { text: string; status: number }> {
  const out = new Map<string, { text: string; status: number }>();
  let name: string | undefined;
  let start = 0;
  let pos = 0;
  while (pos < stdout.length) {
    let end = stdout.indexOf('\n', pos);
    if (end === -1) end = stdout.length;
    if (stdout.startsWith(MARK, pos)) {
      const words = stdout.slice(pos, end).trim().split(' ');
      if (words[1] === 'begin') {
        name = words[2];
        start = end + 1;
      } else if (words[1] === 'end' && name !== undefined && words[2] === name) {
        out.set(name, { text: stdout.slice(start, pos), status: Number(words[3]) });
        name = undefined;
      }
    }
    pos = end + 1;
  }
  return out;
}

export function parseStatsReading(stdout: string, sections: readonly SectionName[] = ['stats', 'rate', 'list']): StatsReading {
  const parts = splitSections(stdout);
  for (const s of sections) {
    const part = parts.get(s);
    if (!part) throw new StatsReadingError(`the output has no '${s}' section (is this a POSIX shell?): ${stdout.slice(0, 200)}`);
    if (part.status !== 0) {
      const text = part.text.trim();
      const hint = part.status === 127 ? ' (ipvsadm is not installed or not on PATH)' : '';
      throw new StatsReadingError(`ipvsadm ${SECTION_ARGS[s as SectionName].join(' ')} exited with ${part.status}${hint}${text ? `: ${text.slice(0, 500)}` : ''}`);
    }
  }
  const text = (s: SectionName): string => parts.get(s)?.text ?? '';
  const reading: StatsReading = {
    stats: parseStatsListing(text('stats')),
    rate: parseRateListing(text('rate')),
    list: parseIpvsListing(text('list')),
  };
  if (sections.includes('thresholds')) reading.thresholds = parseIpvsListing(text('thresholds'));
  if (sections.includes('persistent')) reading.persistent = parseIpvsListing(text('persistent'));
  return reading;
}
