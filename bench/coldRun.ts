/**
 * Child process of coldMs (benchTypes.ts): times the FIRST call of a parser or planner in a fresh
 * process and prints the milliseconds. Not a benchmark module (no `.bench` in its name).
 */
import { parseStatsListing } from '../src/core/ipvs/statsParser';
import { planTable } from '../src/core/plan/planTable';
import { bigTable, listing } from './generators';

function time(fn: () => unknown): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const kind = process.argv[2];
if (kind === 'stats') {
  const text = listing('stats', 1000, 9);
  console.log(time(() => parseStatsListing(text)));
} else if (kind === 'plan') {
  const desired = bigTable(1000, 10, 0.01);
  const live = bigTable(1000, 10);
  console.log(time(() => planTable(desired, { table: live })));
} else {
  console.error('usage: coldRun stats|plan');
  process.exit(2);
}
