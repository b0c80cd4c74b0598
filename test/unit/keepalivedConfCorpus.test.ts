/**
 * The sample configurations Debian's keepalived 2.2.7 package ships (test/fixtures/keepalived/samples,
 * see the README there): no false error. The only errors are those keepalived 2.2.7 reports itself.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateKeepalivedConf } from '../../src/core/keepalivedConf/confValidator';
import { keepalivedSymbols } from '../../src/core/keepalivedConf/confLanguage';

const dir = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'keepalived', 'samples');
const samples = readdirSync(dir).filter((f) => f.startsWith('keepalived.conf.'));

/**
 * file → the errors expected, as `line code`. keepalived.conf.vrrp.lvs_syncd lists VI_2 and VI_3 directly
 * in vrrp_sync_group; keepalived 2.2.7's vrrp_sync_group only knows `group { }` (vrrp_parser.c), so it
 * reports "Unknown keyword 'VI_2'" and the group stays empty.
 */
const EXPECTED_ERRORS: Readonly<Record<string, string[]>> = {
  'keepalived.conf.vrrp.lvs_syncd': ['4 KAL003', '5 KAL003'],
};

test('the 25 Debian samples are all here', () => {
  assert.equal(samples.length, 25);
});

for (const file of samples) {
  test(`${file}: no error keepalived 2.2.7 would not report, and an outline`, () => {
    const text = readFileSync(join(dir, file), 'utf8');
    const { diagnostics, parsed } = validateKeepalivedConf(text);
    const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.range.start.line + 1} ${d.code}`);
    assert.deepEqual(errors, EXPECTED_ERRORS[file] ?? [], diagnostics.map((d) => `${d.range.start.line + 1} ${d.code} ${d.message}`).join('\n'));
    // Warnings are only old spellings (lb_algo, lb_kind, lvs_sync_daemon_interface, SMTP host blocks).
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'warning' && d.code !== 'KAL005'), []);
    assert.deepEqual(parsed.problems, []);
    assert.ok(keepalivedSymbols(text).length > 0);
    // The same file with Windows line ends reads the same.
    const crlf = validateKeepalivedConf(text.replace(/\n/g, '\r\n')).diagnostics;
    assert.deepEqual(crlf.map((d) => [d.code, d.range]), diagnostics.map((d) => [d.code, d.range]));
  });
}
