/**
 * One reading of a keepalived director for the statistics panel as ONE remote command: the IPVS counters
 * script (statsReading.ts) followed, in a subshell, by keepalived's status script (keepalivedStatusRead.ts),
 * so the VRRP role, the VIPs held and the checker verdicts come with the counters of the same tick, without a
 * second exec. The two outputs use different markers (`@@lvs-stats` / `@@lvsctl-section`), each parser reads
 * only its own. keepalived's part failing (not running, dumps not written) never loses the counters: it is
 * kept as that part's error.
 */
import { parseKeepalivedReading, STATUS_SCRIPT, type RunningReading } from '../keepalived/keepalivedStatusRead';
import type { CommandOutput, RemoteCommand } from '../ssh/remoteCommand';
import { parseStatsReading, readingScript, readingSections, type ReadingOptions, type StatsReading } from './statsReading';

export interface HaStatsReading extends StatsReading {
  keepalived: { reading: RunningReading } | { error: string };
}

export function parseHaStatsReading(output: CommandOutput, options: ReadingOptions = {}): HaStatsReading {
  const stats = parseStatsReading(output.stdout, readingSections(options));
  let keepalived: HaStatsReading['keepalived'];
  try {
    const k = parseKeepalivedReading(output);
    keepalived = k.running ? { reading: k } : { error: 'keepalived is not running (/run/keepalived.pid names no live process)' };
  } catch (err) {
    const words = output.stderr.trim();
    keepalived = { error: `${err instanceof Error ? err.message : String(err)}${words ? `: ${words.slice(0, 500)}` : ''}` };
  }
  return { ...stats, keepalived };
}

export function haStatsReadingCommand(options: ReadingOptions = {}): RemoteCommand<HaStatsReading> {
  return {
    argv: ['sh', '-c', `${readingScript(readingSections(options))}\n(\n${STATUS_SCRIPT}\n)`],
    // keepalived may take up to 10 s to write its dumps.
    timeoutMs: options.timeoutMs ?? 30_000,
    privileged: true,
    parse: (output) => parseHaStatsReading(output, options),
  };
}
