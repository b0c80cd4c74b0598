/**
 * The rendered bird.conf files against the real BIRD 2.0.12 of the lab: every director's file of every
 * active-active cluster the renderer's tests use passes `bird -p -c FILE` (parse only: exit 0, nothing
 * printed), and a file with one broken value does not (BIRD names the file and line). Runs on `director`
 * only, in /tmp, starting no daemon.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderBirdConfs } from '../../src/core/bird/renderBirdConf';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { ensureLab, labRun, labSkipReason } from '../support/lab';
import { EVERY_BGP_KEY, LAB_ECMP } from '../builders/birdFiles';

const skip = labSkipReason();
const DIR = '/tmp/bird-render-test';

function confs(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const [label, text, cluster] of [['lab-ecmp', LAB_ECMP, 'lab-ecmp'], ['every', EVERY_BGP_KEY, 'every-bgp']] as const) {
    const { model } = validateClusterFile(text);
    for (const r of renderBirdConfs(model, cluster, `${label}.yaml`)) out.push({ name: `${cluster}-${r.director}.conf`, text: r.text });
  }
  return out;
}

describe('rendered bird.conf on the real BIRD', { skip }, () => {
  test('bird -p accepts every rendered file and refuses a broken one', async () => {
    await ensureLab();
    const files = confs();
    assert.equal(files.length, 4);
    const broken = files[0].text.replace('hold time 6;', 'hold time 70000;');
    assert.notEqual(broken, files[0].text);
    const all = [...files, { name: 'broken.conf', text: broken }];
    const input = all.map((f) => `${f.name} ${Buffer.from(f.text).toString('base64')}\n`).join('');
    const script = `set -e; rm -rf ${DIR}; mkdir -p ${DIR}; ` +
      `while read -r n b; do printf '%s' "$b" | base64 -d > ${DIR}/$n; done; set +e; ` +
      `for f in ${DIR}/*.conf; do bird -p -c $f > $f.out 2>&1; rc=$?; echo "== $(basename $f) $rc"; cat $f.out; done; rm -rf ${DIR}`;
    const out = await labRun('director', script, { input });
    const results = new Map<string, { code: number; output: string }>();
    for (const chunk of out.split(/^== /m).slice(1)) {
      const [head, ...rest] = chunk.split('\n');
      const [name, code] = head.split(' ');
      results.set(name, { code: Number(code), output: rest.join('\n').trim() });
    }
    for (const f of files) {
      const r = results.get(f.name);
      assert.ok(r, `${f.name}: no result in\n${out}`);
      assert.equal(r.code, 0, `${f.name}: bird -p exit ${r.code}\n${r.output}\n${f.text}`);
      assert.equal(r.output, '', `${f.name}: bird printed warnings`);
    }
    const b = results.get('broken.conf');
    assert.ok(b && b.code !== 0, `broken.conf accepted:\n${out}`);
    assert.match(b.output, /broken\.conf:\d+:\d+/);
  });
});
