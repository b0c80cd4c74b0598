/**
 * ipvsadm rules: parse + validate of a 10,000-line rules file, render of a 1,000 × 10 table (the parse
 * of a 10,000-entry `--stats --exact` listing is in stats.bench.ts).
 */
import { parseRules } from '../src/core/ipvs/rulesParser';
import { renderRules } from '../src/core/ipvs/rulesRenderer';
import type { IpvsTable } from '../src/core/ipvs/types';
import type { BenchResult } from './benchTypes';
import { medianMs } from './benchTypes';

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
  const rules = rulesText(1000, 9); // 10,000 lines
  const big = table(1000, 10);
  const rulesMs = await medianMs(() => parseRules(rules), 7, 2, 1000);
  return [
    { name: 'parse + validate rules, 10,000 lines', unit: 'ms', median: rulesMs },
    {
      name: 'render 1,000 services × 10 real servers',
      unit: 'ms',
      median: await medianMs(() => renderRules(big), 7, 2, 1000),
      baseline: { name: 'parse + validate of the same size', median: rulesMs },
    },
  ];
}
