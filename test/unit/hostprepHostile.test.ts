/**
 * Host preparation against hostile input from the host itself: a tampered record of prepared changes, state
 * arguments that glob, and file contents that must travel on stdin (not argv), through a real `sh`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { STATE_SCRIPT, parseHostState, stateArgs } from '../../src/core/hostprep/hostState';
import { DEFAULT_STATE_FILE, PREPARED_FILES, SYSCTL_FILE } from '../../src/core/hostprep/persistence';
import { emptyRecord, parseRecord } from '../../src/core/hostprep/prepRecord';
import { batchCommand, removeFileAction, writeFileAction } from '../../src/core/hostprep/remoteAction';
import { teardownPlan } from '../../src/core/hostprep/teardownPlan';
import { commandLine, effectiveArgv, sudoPasswordStdin } from '../../src/core/ssh/remoteCommand';

const noState = parseHostState('');

test('a tampered record cannot make teardown delete or overwrite a file prepare never writes', () => {
  for (const path of ['/etc/passwd', '/root/.ssh/authorized_keys', '/etc/sysctl.d/90-lvs.conf.d/x', '/var/lib/vscode-lvs/hostprep.json']) {
    for (const before of [null, 'root::0:0::/:/bin/sh\n']) {
      const record = { ...emptyRecord(), files: { [path]: before } };
      assert.throws(() => teardownPlan('web1', record, noState, DEFAULT_STATE_FILE), /unsafe values: file .*not one prepare writes/, path);
    }
  }
  // Sysctls outside net.*, contents that are not text.
  assert.throws(() => teardownPlan('web1', { ...emptyRecord(), sysctls: { 'kernel.core_pattern': '1' } }, noState, DEFAULT_STATE_FILE), /sysctl "kernel.core_pattern"/);
  assert.throws(() => teardownPlan('web1', parseRecord(JSON.stringify({ version: 1, files: { [SYSCTL_FILE]: { x: 1 } } }), 'r'), noState, DEFAULT_STATE_FILE), /content/);
  // What prepare does write is still torn down.
  for (const path of PREPARED_FILES) {
    const state = parseHostState(`@@lvs@@ path ${path} present\n`);
    const plan = teardownPlan('web1', { ...emptyRecord(), files: { [path]: null } }, state, DEFAULT_STATE_FILE);
    assert.deepEqual(plan.steps.find((s) => s.id === `file ${path}`)?.actions, [removeFileAction(path)]);
  }
});

test('the state reader does not glob the arp query (set -- $v was unquoted)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostprep-glob-'));
  try {
    writeFileSync(join(dir, 'aaa-a-file'), '');
    // A device that does not exist: arping (if any) fails at once, nothing is sent.
    const args = stateArgs({ arp: [{ dev: 'lvsnoif0', source: '10.255.0.1', vip: '*' }] });
    const out = execFileSync('sh', ['-c', commandLine(['sh', '-c', STATE_SCRIPT, 'lvs-state', ...args])], { cwd: dir, encoding: 'utf8' });
    assert.match(out, /^@@lvs@@ arp \*$/m, out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('file contents travel on stdin, one base64 line per write, never in argv; later actions read their own', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostprep-stdin-'));
  try {
    const big = `${'x'.repeat(300_000)}\n`; // past a single argument's limit (MAX_ARG_STRLEN, 128 KiB)
    const small = 'line one\nline two without newline at the end';
    const actions = [writeFileAction(join(dir, 'a'), big), writeFileAction(join(dir, 'sub', 'b'), small, '0600'), writeFileAction(join(dir, 'c'), '')];
    const batch = batchCommand(actions);
    for (const a of actions) assert.ok(!a.argv.some((w) => w.includes('line one') || w.includes('xxxx')), a.description);
    const out = execFileSync('sh', ['-c', commandLine(batch.argv)], { encoding: 'utf8', input: batch.stdin });
    assert.deepEqual(batch.parse({ stdout: out, stderr: '', exitCode: 0 }).map((o) => o.exitCode), [0, 0, 0]);
    assert.equal(readFileSync(join(dir, 'a'), 'utf8'), big);
    assert.equal(readFileSync(join(dir, 'sub', 'b'), 'utf8'), small);
    assert.equal(readFileSync(join(dir, 'c'), 'utf8'), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sudo -S: the password never reaches the command, whether sudo reads it or not', () => {
  // The guard that sudo runs before the command, through a real sh (no sudo here: "sudo read it" is the
  // stdin without its first line, "sudo did not" the whole of it).
  const argv = effectiveArgv(['cat'], 'password-on-stdin');
  const guarded = argv.slice(argv.indexOf('--') + 1);
  const input = sudoPasswordStdin('s3cret', Buffer.from('payload\nLVS-STDIN-BEGIN\nmore'));
  const notRead = execFileSync('sh', ['-c', commandLine(guarded)], { input, encoding: 'utf8' });
  const read = execFileSync('sh', ['-c', commandLine(guarded)], { input: input.subarray(input.indexOf(0x0a) + 1), encoding: 'utf8' });
  assert.equal(notRead, 'payload\nLVS-STDIN-BEGIN\nmore');
  assert.equal(read, notRead);
});
