/**
 * The in-memory ipvsadm stays linear on any rules file: doubling the input at most doubles the work the
 * machine reports (entries written or visited; never wall time). Issue 19: N `-a` then N `-d` in one
 * service rebuilt the index on every delete.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IpvsMachine } from '../../src/core/ipvs/ipvsEngine';
import { interpretLine } from '../../src/core/ipvs/rulesInterpreter';
import { lexRules } from '../../src/core/ipvs/rulesLexer';
import { parseRules } from '../../src/core/ipvs/rulesParser';

function addThenDelete(n: number): string {
  const lines = ['-A -t 10.0.0.1:80 -s rr'];
  const rs = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:80`;
  for (let i = 0; i < n; i++) lines.push(`-a -t 10.0.0.1:80 -r ${rs(i)} -g -w 1`);
  for (let i = 0; i < n; i++) lines.push(`-d -t 10.0.0.1:80 -r ${rs(i)}`);
  return lines.join('\n');
}

function machineWork(text: string): number {
  const machine = new IpvsMachine();
  const cache = new Map();
  for (const line of lexRules(text).lines) interpretLine(line, machine, cache);
  machine.snapshot();
  return machine.work;
}

test('N -a then N -d in one service: doubling N at most doubles the machine\'s work', () => {
  const small = machineWork(addThenDelete(1000));
  const large = machineWork(addThenDelete(2000));
  assert.ok(small >= 2000, `work ${small}`);
  assert.ok(large <= 2.1 * small, `work ${small} → ${large}`);
});

test('adds, deletes and re-adds keep the kernel\'s order and answers', () => {
  const r = parseRules([
    '-A -t 10.0.0.1:80 -s rr',
    '-a -t 10.0.0.1:80 -r 10.0.0.2:80', '-a -t 10.0.0.1:80 -r 10.0.0.3:80', '-a -t 10.0.0.1:80 -r 10.0.0.4:80',
    '-d -t 10.0.0.1:80 -r 10.0.0.2:80', '-d -t 10.0.0.1:80 -r 10.0.0.2:80',
    '-e -t 10.0.0.1:80 -r 10.0.0.3:80 -w 5', '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -w 2',
  ].join('\n'));
  assert.deepEqual(r.lines.map((l) => l.error), [undefined, undefined, undefined, undefined, undefined, 'No such destination', undefined, undefined]);
  assert.deepEqual(r.table.services[0].realServers.map((s) => [s.address, s.weight]), [['10.0.0.3', 5], ['10.0.0.4', 1], ['10.0.0.2', 2]]);
});
