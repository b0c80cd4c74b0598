/**
 * The BIRD side of `lvsctl plan`: the live bird.conf against the rendered one per director (the source-file
 * comment aside), BIRD to start, a foreign file. The live run is test/lab/birdEcmp.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BirdDirectorPlan } from '../../src/core/bird/applyBirdCluster';
import { birdConfDiff, birdPlanJson, birdPlanText } from '../../src/core/bird/birdPlanText';
import { renderBirdConf } from '../../src/core/bird/renderBirdConf';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { LAB_ECMP } from '../builders/birdFiles';

const model = validateClusterFile(LAB_ECMP).model;
const conf = renderBirdConf({ model, cluster: 'lab-ecmp', director: 'director2', sourceLabel: 'lvs-ecmp.yaml' });

function plan(liveConf: string | undefined, running = true): BirdDirectorPlan {
  return { host: 'director2', conf, changes: !running || liveConf !== conf, live: { running, systemd: false, binary: '/usr/sbin/bird', protocols: [], ...(liveConf !== undefined ? { conf: liveConf } : {}) } };
}

describe('lvsctl plan: the BIRD side', () => {
  it('no diff when the live file is the rendered one, even from another source file name', () => {
    const renamed = renderBirdConf({ model, cluster: 'lab-ecmp', director: 'director2', sourceLabel: 'elsewhere.yaml' });
    assert.notEqual(renamed, conf);
    assert.equal(birdConfDiff(plan(renamed)), '');
    assert.equal(birdPlanText(plan(conf)), 'director2: (BIRD)\n  = /etc/bird/bird.conf matches the file\n');
  });

  it('a changed hold time is a two-line diff; no live file is all added, and BIRD to start', () => {
    const text = birdPlanText(plan(conf.replace('hold time 6;', 'hold time 90;')));
    assert.match(text, /^ {2}~ \/etc\/bird\/bird\.conf:$/m);
    assert.match(text, /^ {4}--- director2:\/etc\/bird\/bird\.conf$/m);
    assert.match(text, /^ {4}-    hold time 90;$/m);
    assert.match(text, /^ {4}\+    hold time 6;$/m);
    assert.equal(text.split('\n').filter((l) => /^ {4}[-+] /.test(l)).length, 2);
    const none = birdPlanText(plan(undefined, false));
    assert.match(none, /--- director2:\/etc\/bird\/bird\.conf \(none\)/);
    assert.match(none, /^ {2}\+ BIRD is not running: apply starts it$/m);
    assert.equal((birdPlanJson(plan(undefined, false)) as { changes: boolean }).changes, true);
  });

  it('a hand-written file is named as needing --take-over', () => {
    const p = { ...plan('protocol device {}\n'), foreignConf: 'not written by lvsctl' };
    assert.match(birdPlanText(p), /! \/etc\/bird\/bird\.conf is not written by lvsctl: apply replaces it only with --take-over/);
  });
});
