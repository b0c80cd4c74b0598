/**
 * The rendered keepalived.conf files against the real keepalived 2.2.7 of the lab: every director's file of
 * every cluster the renderer's tests use passes `keepalived -t -f FILE` (exit 0, nothing printed), and a
 * file with one broken value does not (exit ≠ 0, keepalived names the line). Runs on `director` only, in
 * /tmp, touching no running service.
 *
 * "Check on director…" (core/keepalived/confCheckOnHost.ts) through the real SSH layer: an operator's broken
 * keepalived.conf gets keepalived's messages on its own lines, a rendered one passes, and the private file
 * the check writes in /etc/keepalived is gone afterwards.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { renderKeepalivedConfs } from '../../src/core/keepalived/renderKeepalivedConf';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkConfOnHostCommand, confCheckFindings } from '../../src/core/keepalived/confCheckOnHost';
import { clusterSshPool } from '../../src/core/operations/clusterPool';
import { ensureLab, labRun, labSkipReason } from '../support/lab';
import { lvsctl } from '../support/labCli';
import { EVERY_KEY, LAB_HA } from '../builders/keepalivedFiles';

const skip = labSkipReason();
const DIR = '/tmp/keepalived-render-test';
/** The misc check script EVERY_KEY names: keepalived -t checks that it exists and is safe to run as root. */
const SCRIPT = '/usr/local/bin/check-mail';

function confs(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const [label, text, clusters] of [['lab-ha', LAB_HA, ['lab-ha']], ['every', EVERY_KEY, ['every', 'strict']]] as const) {
    const { model } = validateClusterFile(text);
    for (const c of clusters) for (const r of renderKeepalivedConfs(model, c, `${label}.yaml`)) out.push({ name: `${c}-${r.director}.conf`, text: r.text });
  }
  return out;
}

describe('rendered keepalived.conf on the real keepalived', { skip }, () => {
  test('keepalived -t accepts every rendered file and refuses a broken one', async () => {
    await ensureLab();
    const files = confs();
    assert.equal(files.length, 6);
    const broken = files[0].text.replace('virtual_router_id 116', 'virtual_router_id 300');
    const all = [...files, { name: 'broken.conf', text: broken }];
    // One exec: the files come base64-encoded on stdin, one per line; each -t's exit code and output come back.
    const input = all.map((f) => `${f.name} ${Buffer.from(f.text).toString('base64')}\n`).join('');
    const script = `set -e; rm -rf ${DIR}; mkdir -p ${DIR}; printf '#!/bin/sh\\nexit 0\\n' > ${SCRIPT}; chmod 755 ${SCRIPT}; ` +
      `while read -r n b; do printf '%s' "$b" | base64 -d > ${DIR}/$n; done; set +e; ` +
      `for f in ${DIR}/*.conf; do keepalived -t -f $f > $f.out 2>&1; rc=$?; echo "== $(basename $f) $rc"; cat $f.out; done; rm -rf ${DIR} ${SCRIPT}`;
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
      assert.equal(r.code, 0, `${f.name}: keepalived -t exit ${r.code}\n${r.output}\n${f.text}`);
      assert.equal(r.output, '', `${f.name}: keepalived printed warnings`);
    }
    const b = results.get('broken.conf');
    assert.ok(b && b.code !== 0, `broken.conf accepted:\n${out}`);
    assert.match(b.output, /Line \d+.*300/);
  });

  test('Check on director: keepalived -t of the director on an open text, its messages on the lines they name', async () => {
    const lab = await ensureLab();
    const { model } = validateClusterFile(fs.readFileSync(lab.lvsYaml, 'utf8'));
    const trustDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lvs-confcheck-trust-'));
    const pool = clusterSshPool(model, { trustStorePath: path.join(trustDir, 'known_hosts'), prompts: {}, agentSocket: null });
    try {
      const good = confs()[0].text;
      const broken = good.replace('virtual_router_id 116', 'virtual_router_id 300');
      const brokenLine = broken.split('\n').findIndex((l) => l.includes('virtual_router_id 300'));
      assert.ok(brokenLine > 0);
      const ok = await pool.run('director', checkConfOnHostCommand(good));
      assert.equal(ok.exitCode, 0, ok.output);
      assert.match(ok.path ?? '', /^\/etc\/keepalived\/\.lvsctl-check\./);
      assert.equal(confCheckFindings(ok, good).summary, 'keepalived -t: configuration ok');
      const bad = await pool.run('director', checkConfOnHostCommand(broken));
      assert.notEqual(bad.exitCode, 0);
      const f = confCheckFindings(bad, broken);
      const onLine = f.diagnostics.filter((d) => d.range.start.line === brokenLine).map((d) => d.message);
      assert.ok(onLine.some((m) => /300/.test(m)), `keepalived's complaint on line ${brokenLine + 1}:\n${bad.output}`);
      assert.ok(f.diagnostics.every((d) => d.range.start.line === brokenLine), `no message on another line:\n${bad.output}`);
      // lvsctl validate --on: the same check from the command line, the lab's ssh config resolving `director`.
      const conf = path.join(trustDir, 'keepalived.conf');
      fs.writeFileSync(conf, broken);
      const cli = await lvsctl(['validate', '--on', 'director', '--ssh-config', path.join(path.dirname(lab.lvsYaml), 'ssh_config'),
        '--trust-store', path.join(trustDir, 'cli-trust'), conf]);
      assert.equal(cli.code, 1, cli.stderr);
      assert.match(cli.stdout, new RegExp(`^${conf.replace(/[.\\/]/g, '\\$&')}:${brokenLine + 1}:\\d+: error keepalived -t on director: .*300`, 'm'), cli.stdout);
      assert.match(cli.stderr, /: director: keepalived -t: \d+ messages? \(exit \d+: /, cli.stderr);
      assert.equal((await labRun('director', 'ls -a /etc/keepalived | grep -c lvsctl-check || true')).trim(), '0', 'the private files are removed');
    } finally {
      pool.close();
      fs.rmSync(trustDir, { recursive: true, force: true });
    }
  });
});
