/** shellQuote: hostile argv survives a real POSIX shell unchanged; NUL is refused. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { commandLine, effectiveArgv } from '../../src/core/ssh/remoteCommand';
import { shellQuote } from '../../src/core/ssh/shellQuote';

/** What argv a POSIX shell builds from `printf '%s\0' <quoted>`: the proof that quoting is exact. */
function throughShell(argv: string[]): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${shellQuote(argv)}`], { encoding: 'utf8' });
  const parts = out.split('\0');
  parts.pop();
  return parts;
}

const dir = mkdtempSync(join(tmpdir(), 'ssh-quote-'));
const marker = join(dir, 'PWNED');
const hostile = [
  `$(touch ${marker})`, `\`touch ${marker}\``, `'; touch ${marker}; '`, `"; touch ${marker}; "`,
  `a\nb\ntouch ${marker}`, `x;touch ${marker}`, `x|touch ${marker}`, `x&touch ${marker}&`, `x&&y||z`,
  `$HOME`, `\${IFS}`, `*`, `?`, `[a-z]`, `~`, `~root`, `-rf`, `--`, ``, ` `, `\\`, `'`, `''`, `"`, `!!`, `#comment`,
  `a b\tc`, `>out`, `<in`, `2>&1`, `{a,b}`, `%s`, `FOO=bar`, `é ünïcödé ✓`, `\r\n`,
];

test('hostile strings arrive unchanged as argv and nothing in them runs', () => {
  try {
    assert.deepEqual(throughShell(hostile), hostile);
    for (const h of hostile) assert.deepEqual(throughShell([h]), [h]);
    assert.equal(existsSync(marker), false, 'a quoted command substitution ran');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an assignment-looking first word is quoted, so it is not an assignment', () => {
  assert.equal(shellQuote(['FOO=bar', 'x']), `'FOO=bar' x`);
});

test('plain words stay readable', () => {
  assert.equal(shellQuote(['ipvsadm', '-Ln', '--exact', '10.0.0.1:80']), 'ipvsadm -Ln --exact 10.0.0.1:80');
  assert.equal(shellQuote(['echo', "it's"]), `echo 'it'\\''s'`);
});

test('NUL bytes and empty argv are refused', () => {
  assert.throws(() => shellQuote(['a\0b']), /NUL/);
  assert.throws(() => shellQuote([]), /empty/);
});

test('property: any argv without NUL survives /bin/sh', () => {
  fc.assert(fc.property(
    fc.array(fc.string({ unit: 'binary' }).filter((s) => !s.includes('\0')), { minLength: 1, maxLength: 5 }),
    (argv) => { assert.deepEqual(throughShell(argv), argv); },
  ), { numRuns: 150 });
});

test('sudo wrapping happens on argv, then the same quoting', () => {
  assert.deepEqual(effectiveArgv(['id', '-u'], 'non-interactive'), ['sudo', '-n', '--', 'id', '-u']);
  const withPassword = effectiveArgv(['id'], 'password-on-stdin');
  assert.deepEqual([withPassword.slice(0, 7), withPassword.slice(8)], [['sudo', '-S', '-p', '', '--', 'sh', '-c'], ['lvs-sudo', 'id']]);
  assert.equal(commandLine(['echo', '$(x)'], 'non-interactive'), `sudo -n -- echo '$(x)'`);
  assert.match(commandLine(['id'], 'password-on-stdin'), /^sudo -S -p '' -- sh -c '.*' lvs-sudo id$/s);
});
