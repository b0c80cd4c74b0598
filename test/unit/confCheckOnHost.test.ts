/**
 * "Check on director…" (core/keepalived/confCheckOnHost.ts): keepalived -t's messages on an operator's
 * keepalived.conf become diagnostics on the lines they name. The fixture is real: broken.conf checked by the
 * lab's keepalived 2.2.7 through checkConfOnHostCommand (broken.out: the path it was checked under, then
 * keepalived's output, exit 5). The lab test (test/lab/keepalivedRender.test.ts) runs the command itself.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { CONF_CHECK_CODE, checkConfOnHostCommand, confCheckFindings } from '../../src/core/keepalived/confCheckOnHost';
import type { HostConfCheck } from '../../src/core/keepalived/confCheckOnHost';
import type { CommandOutput } from '../../src/core/ssh/remoteCommand';

const DIR = resolve(__dirname, '../../../test/fixtures/keepalived/check');
const TEXT = readFileSync(resolve(DIR, 'broken.conf'), 'utf8');
const [PATH, ...OUT] = readFileSync(resolve(DIR, 'broken.out'), 'utf8').trimEnd().split('\n');

/** What the command's parser makes of a run that printed `stdout` and exited `exitCode`. */
function parsed(stdout: string, exitCode: number, stderr = ''): HostConfCheck {
  const output: CommandOutput = { stdout, stderr, exitCode };
  return checkConfOnHostCommand(TEXT).parse(output);
}

test('the text goes on stdin, never on the command line; every exit code is a verdict', () => {
  const cmd = checkConfOnHostCommand(TEXT);
  assert.equal(cmd.stdin, TEXT);
  assert.ok(!cmd.argv.join(' ').includes('nonsense'), 'nothing of the text is in argv');
  assert.deepEqual(cmd.argv.slice(0, 2), ['sh', '-c']);
  assert.match(cmd.argv[2], /keepalived -t -f "\$f"/);
  assert.match(cmd.argv[2], /umask 077; mktemp "\$d\/\.lvsctl-check\.XXXXXX"/, 'a private file beside the live configuration');
  assert.match(cmd.argv[2], /rm -f "\$f"\nexit \$rc$/, 'removed before the verdict is returned');
  assert.equal(cmd.okExitCodes?.length, 256);
});

test('keepalived 2.2.7 on the broken fixture: each message on the line it names, the rest kept apart', () => {
  const check = parsed(`${PATH}\n${OUT.join('\n')}\n`, 5);
  assert.equal(check.path, PATH);
  assert.equal(check.exitCode, 5);
  const f = confCheckFindings(check, TEXT);
  const at = (line: number) => f.diagnostics.filter((d) => d.range.start.line === line - 1).map((d) => `${d.severity}: ${d.message}`);
  assert.deepEqual(at(16), ["error: Invalid lvs_scheduler 'nonsense' - ignoring"]);
  assert.deepEqual(at(17), ["error: invalid number 'abc'", 'error: persistence_timeout invalid']);
  assert.deepEqual(at(6), ["warning: WARNING - interface eth9 for vrrp_instance VI_1 doesn't exist"]);
  assert.deepEqual(at(7), ["error: number '300' outside range [1, 255]", "error: (VI_1): VRID '300' not valid - must be between 1 & 255"]);
  // `(Line 22)` without a file: the include that matched nothing, on the include's line.
  assert.deepEqual(at(22), ["error: Config files missing 'extra/*.conf'."]);
  assert.equal(f.diagnostics.length, 7);
  assert.ok(f.diagnostics.every((d) => d.code === CONF_CHECK_CODE));
  // The range covers the line's text without its indentation.
  const vrid = f.diagnostics.find((d) => d.range.start.line === 6);
  assert.deepEqual(vrid?.range, { start: { line: 6, character: 2 }, end: { line: 6, character: 'virtual_router_id 300'.length + 2 } });
  assert.deepEqual(f.elsewhere, [
    'Virtual server [10.116.0.201]:none:80: no protocol set - defaulting to UDP',
    'Virtual server [10.116.0.201]:udp:80: no forwarding method set, setting default NAT',
    'Non-existent interface specified in configuration',
  ]);
  assert.equal(f.summary, 'keepalived -t: 10 messages (exit 5: the configuration has errors or script-security problems)');
});

test('a line another file names, or one past the text, is not put on the open text', () => {
  const out = [`(/etc/keepalived/conf.d/web.conf: Line 3) persistence_timeout invalid`, `(${PATH}: Line 999) beyond`, '(Line 2) not an include line'].join('\n');
  const f = confCheckFindings({ exitCode: 5, path: PATH, output: out }, TEXT);
  assert.deepEqual(f.diagnostics, []);
  assert.deepEqual(f.elsewhere, ['(/etc/keepalived/conf.d/web.conf: Line 3) persistence_timeout invalid', '((checked file): Line 999) beyond', '(Line 2) not an include line']);
});

test('a clean check says so; warnings alone keep exit 0 and are warnings', () => {
  assert.deepEqual(confCheckFindings({ exitCode: 0, path: PATH, output: '' }, TEXT), { diagnostics: [], elsewhere: [], summary: 'keepalived -t: configuration ok' });
  const w = confCheckFindings({ exitCode: 0, path: PATH, output: `(${PATH}: Line 16) something keepalived accepted` }, TEXT);
  assert.equal(w.diagnostics[0].severity, 'warning');
  assert.equal(w.summary, 'keepalived -t: 1 message (exit 0: configuration ok)');
});

test('keepalived missing, or no private file: the check did not run, and says why', () => {
  const missing = parsed('', 127);
  assert.equal(missing.exitCode, undefined);
  assert.match(confCheckFindings(missing, TEXT).summary, /^keepalived -t did not run: keepalived is not installed/);
  const noFile = parsed('', 96, 'mktemp: failed to create file');
  assert.match(confCheckFindings(noFile, TEXT).summary, /no private file could be written/);
  assert.deepEqual(confCheckFindings(noFile, TEXT).elsewhere, ['mktemp: failed to create file']);
  // keepalived itself exiting 127 after the path was printed is its verdict, not "not installed".
  assert.equal(parsed(`${PATH}\n`, 127).exitCode, 127);
});
