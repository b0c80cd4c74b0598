/** Completions and hovers for rules files. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rulesCompletions, rulesHover } from '../../src/core/ipvs/rulesLanguage';

const text = '-A -t 10.0.0.1:80 -s rr\n-A -u 10.0.0.1:53 -s sh\n-a -t \n-A -t 10.0.0.2:80 -s w\n-A -f 3 -s sh -b sh-fallback,\n-a -t 10.0.0.1:80 -r 10.0.0.5 \n\n';

test('commands at the start of a line', () => {
  const labels = rulesCompletions(text, { line: 6, character: 0 }).map((c) => c.label);
  assert.ok(['-A', '-E', '-D', '-a', '-e', '-d', '-C', '-Z'].every((c) => labels.includes(c)));
  assert.ok(!labels.includes('-L'));
});

test('services defined in the file after -t of a real-server line', () => {
  const items = rulesCompletions(text, { line: 2, character: 6 });
  assert.deepEqual(items.map((c) => c.label), ['10.0.0.1:80', '10.0.0.2:80']);
  assert.equal(items[0].kind, 'service');
});

test('schedulers after -s, filtered by the typed prefix', () => {
  const items = rulesCompletions(text, { line: 3, character: 22 });
  assert.deepEqual(items.map((c) => c.label), ['wrr', 'wlc']);
  assert.match(items[0].documentation, /Weighted Round Robin/);
});

test('-b flags of the line scheduler, after a comma', () => {
  const items = rulesCompletions(text, { line: 4, character: 29 });
  assert.deepEqual(items.map((c) => c.label), ['flag-3', 'sh-fallback', 'sh-port']);
  assert.equal(items[2].insertText, 'sh-fallback,sh-port');
});

test('options valid for the command, forwarding methods included', () => {
  const items = rulesCompletions(text, { line: 5, character: 30 });
  const labels = items.map((c) => c.label);
  assert.ok(['-g', '-m', '-i', '-w', '-x', '-y', '--tun-type'].every((l) => labels.includes(l)));
  assert.ok(!labels.includes('-s') && !labels.includes('-t') && !labels.includes('-r'));
  assert.equal(items.find((c) => c.label === '-m')?.kind, 'method');
});

test('hover: command, option, scheduler', () => {
  assert.match(rulesHover(text, { line: 0, character: 1 })?.markdown ?? '', /add-service/);
  const s = rulesHover(text, { line: 0, character: 22 });
  assert.match(s?.markdown ?? '', /Round Robin/);
  assert.deepEqual(s?.range, { start: { line: 0, character: 21 }, end: { line: 0, character: 23 } });
  assert.match(rulesHover(text, { line: 5, character: 1 })?.markdown ?? '', /real server/);
  assert.equal(rulesHover(text, { line: 6, character: 0 }), undefined);
});
