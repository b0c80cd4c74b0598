/** lvsctl end to end through its `main()`, with real files in a temp directory and captured streams. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli/lvsctl';
import { CLASSIC_DR_EXAMPLE } from '../builders/clusterFileText';

let dir: string;

const CLASSIC = CLASSIC_DR_EXAMPLE; // the README's node3/node1/node2 example

const BROKEN = CLASSIC.replace('scheduler: rr', 'scheduler: rrr').replace('address: 192.168.116.5\n', 'address: 192.168.116.500\n');

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: dir,
  });
  return { code, stdout, stderr };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lvsctl-test-'));
  writeFileSync(join(dir, 'lvs.yaml'), CLASSIC);
  writeFileSync(join(dir, 'broken.lvs.yaml'), BROKEN);
  writeFileSync(join(dir, 'web.ipvsadm'), '# hand-written, unsorted\n-A -t 10.0.0.2:80 -s wlc\n-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.12:80 -g\n-a -t 10.0.0.1:80 -r 10.0.0.11:80 -g -w 3\n');
  writeFileSync(join(dir, 'bad.ipvsadm'), '-a -t 10.0.0.1:80 -r 10.0.0.11:80 -g\n');
  writeFileSync(join(dir, 'notes.txt'), 'hello\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('validate: a clean classic DR file passes with exit 0', async () => {
  const r = await run('validate', 'lvs.yaml');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /0 errors, 0 warnings in 1 file/);
});

test('validate: errors print file:line:col: severity code: message and exit 1', async () => {
  const r = await run('validate', 'broken.lvs.yaml');
  assert.equal(r.code, 1);
  const lines = r.stdout.trim().split('\n');
  const sched = lines.find((l) => l.includes('"rrr"'));
  assert.ok(sched, r.stdout);
  assert.match(sched, /^broken\.lvs\.yaml:25:20: error LVS\d{3}: /);
  const addr = lines.find((l) => l.includes('192.168.116.500'));
  assert.ok(addr, r.stdout);
  assert.match(addr, /^broken\.lvs\.yaml:12:14: error LVS\d{3}: /);
});

test('validate --json: LSP-shaped diagnostics with 0-based ranges', async () => {
  const r = await run('validate', '--json', 'broken.lvs.yaml', 'bad.ipvsadm');
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout) as { diagnostics: Array<{ file: string; range: { start: { line: number; character: number } }; severity: string; code: string; message: string }> };
  const sched = out.diagnostics.find((d) => d.message.includes('"rrr"'));
  assert.ok(sched);
  assert.equal(sched.file, 'broken.lvs.yaml');
  assert.deepEqual(sched.range.start, { line: 24, character: 19 });
  assert.equal(sched.severity, 'error');
  const rules = out.diagnostics.filter((d) => d.file === 'bad.ipvsadm');
  assert.ok(rules.length >= 1 && rules.every((d) => /^IPVSADM\d{3}$/.test(d.code)), JSON.stringify(rules));
  for (const d of out.diagnostics) assert.ok(['error', 'warning', 'information', 'hint'].includes(d.severity));
});

test('validate: an unknown kind of file is a usage problem (exit 2) unless --kind says what it is', async () => {
  const r = await run('validate', 'notes.txt');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /notes\.txt: not a cluster file/);
  const forced = await run('validate', '--kind', 'rules', 'notes.txt');
  assert.equal(forced.code, 1);
  assert.match(forced.stdout, /^notes\.txt:1:1: error IPVSADM/);
  const conf = await run('validate', '--kind', 'keepalived', 'notes.txt');
  assert.match(conf.stdout, /^notes\.txt:\d+:\d+: error KAL/, conf.stdout);
});

test('validate: a missing file is reported and exits 2', async () => {
  const r = await run('validate', 'nope.lvs.yaml');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nope\.lvs\.yaml: no such file/);
});

test('render: the classic cluster as ipvsadm -S -n prints it', async () => {
  const r = await run('render', 'lvs.yaml');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    '-A -t 192.168.116.200:80 -s rr\n' +
      '-a -t 192.168.116.200:80 -r 192.168.116.4:80 -g -w 1\n' +
      '-a -t 192.168.116.200:80 -r 192.168.116.5:80 -g -w 1\n',
  );
  const named = await run('render', 'lvs.yaml', '--cluster', 'web');
  assert.equal(named.stdout, r.stdout);
});

test('render: unknown cluster and files with errors render nothing', async () => {
  const unknown = await run('render', 'lvs.yaml', '--cluster', 'db');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no cluster 'db'.*web/);
  const broken = await run('render', 'broken.lvs.yaml');
  assert.equal(broken.code, 1);
  assert.equal(broken.stdout, '');
  assert.match(broken.stderr, /has errors; nothing was done/);
});

test('render: a rules file comes out sorted and spelled as ipvsadm-save does', async () => {
  const r = await run('render', 'web.ipvsadm');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    '-A -t 10.0.0.1:80 -s rr\n' +
      '-a -t 10.0.0.1:80 -r 10.0.0.11:80 -g -w 3\n' +
      '-a -t 10.0.0.1:80 -r 10.0.0.12:80 -g -w 1\n' +
      '-A -t 10.0.0.2:80 -s wlc\n',
  );
});

test('usage: no command, unknown command, --help', async () => {
  assert.equal((await run()).code, 2);
  const unknown = await run('frobnicate');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  const help = await run('--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /validate/);
  assert.match(help.stdout, /render/);
  const sub = await run('render', '--help');
  assert.equal(sub.code, 0);
  assert.match(sub.stdout, /--cluster NAME/);
  const bad = await run('validate', '--bogus', 'lvs.yaml');
  assert.equal(bad.code, 2);
});
