/**
 * `npm run bench`: runs every bench/*.bench.ts module (compiled to out/bench) and prints each figure
 * with its baseline and ratio. Figures are printed, never asserted: speed is reported, tests stay
 * independent of the machine's load. `npm run bench -- NAME` runs only modules whose name contains NAME.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from './benchTypes';

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
}

async function main(): Promise<void> {
  const filter = process.argv[2];
  const modules = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.js') && (!filter || f.includes(filter)))
    .sort();
  if (modules.length === 0) {
    console.error('no benchmark modules found in', __dirname);
    process.exitCode = 1;
    return;
  }
  for (const file of modules) {
    const mod = (await import(join(__dirname, file))) as { run(): Promise<BenchResult[]> };
    console.log(`\n## ${file.replace(/\.bench\.js$/, '')}`);
    for (const r of await mod.run()) {
      let line = `${r.name}: median ${fmt(r.median)} ${r.unit}`;
      if (r.baseline) {
        const ratio = r.ratio === 'faster'
          ? `${(r.baseline.median / r.median).toFixed(1)}× faster`
          : `ratio ${(r.median / r.baseline.median).toFixed(2)}×`;
        line += ` | baseline ${r.baseline.name}: ${fmt(r.baseline.median)} ${r.unit} | ${ratio}`;
      }
      if (r.goal) line += ` | goal ${r.goal}`;
      console.log(line);
    }
  }
}

void main();
