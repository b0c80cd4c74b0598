/**
 * `npm run bench`: runs every bench/*.bench.ts module (compiled to out/bench) and prints each figure
 * with its baseline and ratio. Figures are printed, never asserted: speed is reported, tests stay
 * independent of the machine's load. `npm run bench -- NAME` runs only modules whose name contains NAME.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from './benchTypes';

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
}

/** The first sentence of a module's header comment (tsc keeps it in the compiled file). */
function summaryOf(file: string): string {
  const header = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(join(__dirname, file), 'utf8'))?.[1] ?? '';
  const text = header.replace(/^\s*\* ?/gm, '').replace(/\s+/g, ' ').trim();
  const end = text.search(/\.(\s|$)/);
  return end >= 0 ? text.slice(0, end + 1) : text;
}

function printHelp(modules: string[]): void {
  console.log('usage: npm run bench [-- NAME]   (node out/bench/run.js [NAME])');
  console.log('Runs every benchmark module, or those whose name contains NAME; prints medians, baselines and ratios.\n');
  for (const file of modules) console.log(`  ${file.replace(/\.bench\.js$/, '').padEnd(10)} ${summaryOf(file)}`);
}

async function main(): Promise<void> {
  const arg = process.argv[2];
  const all = readdirSync(__dirname).filter((f) => f.endsWith('.bench.js')).sort();
  if (arg === '--help' || arg === '-h') {
    printHelp(all);
    return;
  }
  const modules = all.filter((f) => !arg || f.includes(arg));
  if (modules.length === 0) {
    console.error(all.length === 0 ? `no benchmark modules in ${__dirname} (run \`npm run build\`)` : `no benchmark module matches "${arg}"\n`);
    if (all.length > 0) printHelp(all);
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
