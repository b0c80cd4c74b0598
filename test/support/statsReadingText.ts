/**
 * The sectioned output of one statistics reading (src/core/stats/statsReading.ts), built from the real
 * captures of the lab in test/fixtures/ipvs/{dr,nat}, for the stats unit tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SectionName } from '../../src/core/stats/statsReading';

export const IPVS_FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'ipvs');

export function fixture(mode: string, name: string): string {
  return readFileSync(join(IPVS_FIXTURES, mode, name), 'utf8');
}

export function sectioned(parts: [SectionName, string, number?][]): string {
  return parts.map(([n, t, st]) => `@@lvs-stats begin ${n}\n${t}${t.endsWith('\n') ? '' : '\n'}@@lvs-stats end ${n} ${st ?? 0}\n`).join('');
}

/** The DR capture's three listings as one reading (a changed --stats text may stand in for the capture's). */
export function drOutput(stats = fixture('dr', 'ipvsadm_-Ln_--stats_--exact.txt')): string {
  return sectioned([['stats', stats], ['rate', fixture('dr', 'ipvsadm_-Ln_--rate.txt')], ['list', fixture('dr', 'ipvsadm_-Ln.txt')]]);
}
