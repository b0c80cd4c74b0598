/** Host-preparation reports (core/operations/prepareReport.ts): the confirmation's bounded summary. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prepareSummaryLines } from '../../src/core/operations/prepareReport';

test('prepareSummaryLines: one line per host that changes, the rest together, bounded', () => {
  const step = (title: string, outcome: 'will change' | 'already done') => ({ id: title, title, why: '', outcome, actions: [] });
  const report = (host: string, roles: string[], titles: string[], done = 0) => ({
    host, roles, mode: 'prepare' as const, dryRun: true, ok: true, execs: 1,
    steps: [...titles.map((t) => step(t, 'will change')), ...Array.from({ length: done }, (_, i) => step(`done ${i}`, 'already done'))],
  });
  const reports = [report('director', ['director'], ['VIP 10.116.0.200/32 on eth0', 'ipvs modules loaded']), report('rs1', ['DR real server'], ['arp_ignore=1 on all'], 2), report('rs2', ['DR real server'], [], 4)];
  assert.deepEqual(prepareSummaryLines(reports), [
    'director (director): 2 changes — VIP 10.116.0.200/32 on eth0; ipvs modules loaded',
    'rs1 (DR real server): 1 change — arp_ignore=1 on all',
    'rs2: nothing to change',
  ]);
  const many = Array.from({ length: 20 }, (_, i) => report(`rs${i}`, [], ['x'.repeat(200)]));
  const lines = prepareSummaryLines(many, 5);
  assert.equal(lines.length, 5);
  assert.equal(lines[4], '… 16 more hosts');
  assert.ok(lines.every((x) => x.length <= 110), lines.join('\n'));
});
