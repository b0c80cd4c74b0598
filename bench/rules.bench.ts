/**
 * ipvsadm rules and listings: parse of a 10,000-entry `--stats --exact` output (goal ≤ 10 ms),
 * parse + validate of a 10,000-line rules file, render of a 1,000 × 10 table.
 */
import { parseRules } from '../src/core/ipvs/rulesParser';
import { renderRules } from '../src/core/ipvs/rulesRenderer';
import { parseStatsListing } from '../src/core/ipvs/statsParser';
import type { IpvsTable } from '../src/core/ipvs/types';
import type { BenchResult } from './benchTypes';
import { medianMs } from './benchTypes';

function statsText(services: number, perService: number): string {
  const lines = ['IP Virtual Server version 1.2.1 (size=4096)', 'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes', '  -> RemoteAddress:Port'];
  const col = (n: number): string => ` ${String(n).padStart(8)}`;
  for (let s = 0; s < services; s++) {
    lines.push(`TCP  10.${s >> 16}.${(s >> 8) & 255}.${s & 255}:80`.padEnd(33) + [s * 7, s * 31, s * 29, s * 4100, 12345678901234].map(col).join(''));
    for (let r = 0; r < perService; r++) {
      lines.push(`  -> 172.16.${s & 255}.${r + 1}:8080`.padEnd(33) + [r, r * 5, r * 4, r * 700, r * 900].map(col).join(''));
    }
  }
  return lines.join('\n') + '\n';
}

function rulesText(services: number, perService: number): string {
  const lines: string[] = ['# generated'];
  for (let s = 0; s < services; s++) {
    const vip = `10.${s >> 16}.${(s >> 8) & 255}.${s & 255}`;
    lines.push(`-A -t ${vip}:443 -s wrr -p 300 -M 255.255.255.0`);
    for (let r = 0; r < perService; r++) lines.push(`-a -t ${vip}:443 -r 172.16.${s & 255}.${r + 1}:8443 -m -w ${r + 1}`);
  }
  return lines.join('\n') + '\n';
}

function table(services: number, perService: number): IpvsTable {
  return parseRules(rulesText(services, perService)).table;
}

export async function run(): Promise<BenchResult[]> {
  const stats = statsText(1000, 9); // 10,000 entries
  const rules = rulesText(1000, 9); // 10,000 lines
  const big = table(1000, 10);
  const rulesMs = await medianMs(() => parseRules(rules));
  return [
    { name: 'parse --stats --exact, 10,000 entries', unit: 'ms', median: await medianMs(() => parseStatsListing(stats), 15, 3), goal: '≤ 10 ms' },
    { name: 'parse + validate rules, 10,000 lines', unit: 'ms', median: rulesMs },
    {
      name: 'render 1,000 services × 10 real servers',
      unit: 'ms',
      median: await medianMs(() => renderRules(big)),
      baseline: { name: 'parse + validate of the same size', median: rulesMs },
    },
  ];
}
