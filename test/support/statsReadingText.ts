/**
 * The sectioned output of one statistics reading (src/core/stats/statsReading.ts), built from the real
 * captures of the lab in test/fixtures/ipvs/{dr,nat}, for the stats unit tests.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/**
 * Runs a reading command's script with a local `sh`, `ipvsadm` on its PATH being a fake that prints the DR
 * fixtures (--stats, --rate, else the listing); the fake's folder is removed afterwards.
 */
export function runWithFakeIpvsadm(argv: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-ipvsadm-'));
  try {
    const f = (name: string): string => join(IPVS_FIXTURES, 'dr', name);
    writeFileSync(join(dir, 'ipvsadm'), `#!/bin/sh\ncase "$*" in\n*--stats*) cat '${f('ipvsadm_-Ln_--stats_--exact.txt')}';;\n*--rate*) cat '${f('ipvsadm_-Ln_--rate.txt')}';;\n*) cat '${f('ipvsadm_-Ln.txt')}';;\nesac\n`);
    chmodSync(join(dir, 'ipvsadm'), 0o755);
    return execFileSync(argv[0], argv.slice(1), { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
