/**
 * lvsctl import --keepalived on files (a pair with includes, a sample without anything importable, usage
 * errors), and lvsctl validate of cluster files named freely (lvs-ha.yaml: a *.yaml with top-level version:
 * and clusters:) — the file kinds' content rule.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli/lvsctl';
import { classifyFileText } from '../../src/core/fileKinds';

const FIXTURES = resolve(__dirname, '../../../test/fixtures/keepalived');
let dir: string;

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: dir });
  return { code, stdout, stderr };
}

before(() => { dir = mkdtempSync(join(tmpdir(), 'lvsctl-import-ka-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

test('import --keepalived FILE FILE: the pair with its includes → a cluster file that validates under any .yaml name, warnings on stderr with file:line', async () => {
  const r = await run('import', '--keepalived', join(FIXTURES, 'import/pair/lvs1.conf'), join(FIXTURES, 'import/pair/lvs2.conf'), '-o', 'pair-ha.yaml');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /wrote pair-ha\.yaml \(1 cluster, 2 hosts, \d+ warnings\)/);
  assert.match(r.stderr, /warning: \S+\/pair\/conf\.d\/20-infra\.conf:38: "virtual_server_group extra"/);
  const text = readFileSync(join(dir, 'pair-ha.yaml'), 'utf8');
  assert.match(text, /^# Imported by: lvsctl import --keepalived /);
  assert.match(text, /engine: keepalived/);
  const v = await run('validate', 'pair-ha.yaml');
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stderr, /^0 errors, \d+ warnings? in 1 file/m);
  const again = await run('import', '--keepalived', join(FIXTURES, 'import/pair/lvs1.conf'), '-o', 'pair-ha.yaml');
  assert.equal(again.code, 2, 'an existing file is not replaced without --force');
});

test('import --keepalived: nothing importable writes nothing (exit 1); usage errors exit 2', async () => {
  const none = await run('import', '--keepalived', join(FIXTURES, 'samples/keepalived.conf.vrrp.routes'), '-o', 'none.yaml');
  assert.equal(none.code, 1);
  assert.match(none.stderr, /keepalived\.conf\.vrrp\.routes:15: vrrp_instance VI_1 holds no virtual server's address/);
  assert.match(none.stderr, /nothing was written/);
  assert.throws(() => readFileSync(join(dir, 'none.yaml')));
  assert.equal((await run('import', '--keepalived')).code, 2);
  assert.equal((await run('import', '--keepalived', 'a.conf', '--director', 'lvs1')).code, 2);
  assert.equal((await run('import', '--keepalived', '--director', 'lvs1', '--host', 'rs1')).code, 2);
  assert.equal((await run('import', '--keepalived', 'missing.conf')).code, 2);
  assert.equal((await run('import', 'a.rules', 'b.rules')).code, 2, 'two rules files are still refused');
});

test('validate: the lab\'s lvs-ha.yaml (no .lvs. in its name) is a cluster file by its content; other .yaml files still need --kind', async () => {
  writeFileSync(join(dir, 'lvs-ha.yaml'), readFileSync(join(FIXTURES, 'import/lab-ha.lvs.yaml'), 'utf8'));
  const ok = await run('validate', 'lvs-ha.yaml');
  assert.equal(ok.code, 0, ok.stderr);
  writeFileSync(join(dir, 'compose.yaml'), 'version: "3"\nservices:\n  web: {}\n');
  const other = await run('validate', 'compose.yaml');
  assert.equal(other.code, 2);
  assert.match(other.stderr, /compose\.yaml: not a cluster file/);
  writeFileSync(join(dir, 'broken-ha.yaml'), 'version: 1\nclusters:\n  - name: x\n    directors: []\n    services:\n      - { protocol: tcp, vip: 10.0.0.1, port: 80, scheduler: rrr, realServers: [] }\n');
  const broken = await run('validate', 'broken-ha.yaml');
  assert.equal(broken.code, 1, 'validated as a cluster file: its errors count');
  assert.match(broken.stdout, /broken-ha\.yaml:\d+:\d+: error LVS/);
});

test('classifyFileText: names first, then *.yaml / *.yml with top-level version: and clusters:', () => {
  const cluster = 'version: 1\nhosts: []\nclusters: []\n';
  assert.equal(classifyFileText('/x/lvs-ha.yaml', cluster), 'cluster');
  assert.equal(classifyFileText('/x/site.YML', cluster), 'cluster');
  assert.equal(classifyFileText('/x/ipvsadm.rules', cluster), 'rules', 'the name wins');
  assert.equal(classifyFileText('/x/notes.txt', cluster), undefined, 'only YAML names');
  assert.equal(classifyFileText('/x/a.yaml', 'clusters: []\n'), undefined, 'no version');
  assert.equal(classifyFileText('/x/a.yaml', 'version: 1\nspec:\n  clusters: []\n'), undefined, 'clusters not at the top level');
  assert.equal(classifyFileText('/x/keepalived/lvs.conf', ''), 'keepalived');
});
