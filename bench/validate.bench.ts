/**
 * Cluster file validation speed: full validation (parse + structure + every semantic rule) of a generated
 * 1 000 services × 10 real servers file (~850 KiB) against the bare `yaml.parseDocument` of the same text,
 * and a 100 × 10 file, which must validate well inside a keystroke debounce.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseDocument } from 'yaml';
import { validateClusterFile } from '../src/core/clusterFile/validate';
import { generateClusterFileText } from '../test/builders/clusterFileText';
import type { BenchResult } from './benchTypes';

/** A full GC before each timed run, so that neither side pays for the other's garbage. */
function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return typeof gc === 'function' ? gc : () => undefined;
}

/** Medians of `a` and `b` run alternately, so that the machine's load weighs on both alike. */
function interleavedMedians(a: () => unknown, b: () => unknown, runs: number, warmup: number): [number, number] {
  const gc = gcFunction();
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    gc();
    const t0 = performance.now();
    a();
    const t1 = performance.now();
    gc();
    const t2 = performance.now();
    b();
    const t3 = performance.now();
    if (i >= warmup) {
      ta.push(t1 - t0);
      tb.push(t3 - t2);
    }
  }
  const median = (xs: number[]): number => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return [median(ta), median(tb)];
}

// eslint-disable-next-line @typescript-eslint/require-await -- the bench runner awaits every module's run()
export async function run(): Promise<BenchResult[]> {
  const large = generateClusterFileText({ services: 1000, realServersPerService: 10 });
  const small = generateClusterFileText({ services: 100, realServersPerService: 10 });
  const kib = (t: string): string => `${Math.round(Buffer.byteLength(t) / 1024)} KiB`;
  const [parse, validate] = interleavedMedians(() => parseDocument(large), () => validateClusterFile(large), 7, 1);
  // The validator parses with uniqueKeys and prettyErrors off; against that parse, the ratio is the walk's own cost.
  const options = { prettyErrors: false, uniqueKeys: false, keepSourceTokens: false };
  const [leanParse, validateAgain] = interleavedMedians(() => parseDocument(large, options), () => validateClusterFile(large), 7, 1);
  const [smallParse, smallValidate] = interleavedMedians(() => parseDocument(small), () => validateClusterFile(small), 15, 3);
  return [
    {
      name: `validateClusterFile 1000×10 (${kib(large)})`, unit: 'ms', median: validate,
      baseline: { name: 'yaml.parseDocument', median: parse }, goal: '≤ 1.2× the bare parse',
    },
    {
      name: `validateClusterFile 1000×10 vs the same parse options`, unit: 'ms', median: validateAgain,
      baseline: { name: 'yaml.parseDocument (uniqueKeys, prettyErrors off)', median: leanParse }, goal: '≤ 1.2× the bare parse',
    },
    {
      name: `validateClusterFile 100×10 (${kib(small)})`, unit: 'ms', median: smallValidate,
      baseline: { name: 'yaml.parseDocument', median: smallParse }, goal: 'well inside a 300 ms keystroke debounce',
    },
  ];
}
