/** A director's preview (core/operations/directorPreview.ts): what would change, as text and as a bounded summary. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planDirector, previewHasChanges, previewSummaryLines, previewText } from '../../src/core/operations/directorPreview';
import { live, loaded, MATCHING } from '../support/operationsFixtures';

test('planDirector/previewText: what would change, sysctls included', () => {
  const l = loaded();
  const p = planDirector('node3', l, { ...live(''), sysctls: {} });
  assert.ok(previewHasChanges(p));
  const text = previewText(p);
  assert.match(text, /^node3:\n/);
  assert.match(text, /sysctl net\.ipv4\.vs\.expire_nodest_conn: unset → 1/);
  assert.match(text, /-A -t 192\.168\.116\.200:80 -s rr/);
  assert.equal(previewHasChanges(planDirector('node3', l, live(MATCHING))), false);
  assert.match(previewText({ host: 'node3', sysctls: [], error: 'timed out' }), /cannot read the live table: timed out/);
});

test('previewSummaryLines: counts per director, then the exact lines while they fit, then how many more', () => {
  const l = loaded();
  const empty = planDirector('node3', l, { ...live(''), sysctls: {} });
  assert.deepEqual(previewSummaryLines([empty]), [
    'node3: 3 to add, 0 to change, 0 to drain, 0 to delete, 2 sysctls',
    '',
    'sysctl net.ipv4.vs.expire_nodest_conn=1',
    'sysctl net.ipv4.vs.expire_quiescent_template=1',
    '-A -t 192.168.116.200:80 -s rr',
    '-a -t 192.168.116.200:80 -r 192.168.116.4:80 -g -w 1 -x 0 -y 0',
    '-a -t 192.168.116.200:80 -r 192.168.116.5:80 -g -w 1 -x 0 -y 0',
  ]);
  const short = previewSummaryLines([empty, planDirector('node4', l, live(MATCHING)), { host: 'node5', sysctls: [], error: 'timed out' }], 6);
  assert.deepEqual(short, [
    'node3: 3 to add, 0 to change, 0 to drain, 0 to delete, 2 sysctls',
    'node4: matches the file',
    'node5: cannot be read (timed out)',
    '',
    'node3  sysctl net.ipv4.vs.expire_nodest_conn=1',
    'node3  sysctl net.ipv4.vs.expire_quiescent_template=1',
    '… 3 more (Show Plan Details)',
  ]);
});
