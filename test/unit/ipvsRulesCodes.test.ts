/**
 * Every IPVSADM code: a failing case that raises it (on the expected token) and a passing case that
 * does not raise it and has no error at all.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RULES_CODES } from '../../src/core/ipvs/rulesCodes';
import type { RulesCode } from '../../src/core/ipvs/rulesCodes';
import { parseRules } from '../../src/core/ipvs/rulesParser';

const validateRules = (text: string) => parseRules(text).diagnostics;

const S = '-A -t 10.0.0.1:80 -s rr\n';
const S6 = '-A -t [2001:db8::1]:80 -s rr\n';

/** code → [bad, the text of the token it must point at, good]. */
export const CASES: Record<RulesCode, [string, string, string]> = {
  IPVSADM001: ['-t 10.0.0.1:80 -s rr', '-t', '-A -t 10.0.0.1:80 -s rr'],
  IPVSADM002: ['-A -t 10.0.0.1:80 --schedular rr', '--schedular', '-A -t 10.0.0.1:80 --scheduler rr'],
  IPVSADM003: ['-A -t 10.0.0.1:80 -s rr -w 2', '-w', '-A -t 10.0.0.1:80 -s rr'],
  IPVSADM004: [S + '-a -t 10.0.0.1:80 -m', '-a', S + '-a -t 10.0.0.1:80 -r 10.0.0.11 -m'],
  IPVSADM005: ['-A -t 10.0.0.1:80 -s rr -s wrr', '-s', '-A -t 10.0.0.1:80 -s wrr'],
  IPVSADM006: ['-A -t 10.0.0.1:80 -s', '-s', '-A -t 10.0.0.1:80 -s rr'],
  IPVSADM007: ['-A -t 10.0.0.300:80 -s rr', '10.0.0.300:80', '-A -t 10.0.0.30:80 -s rr'],
  IPVSADM008: ['-A -t vip:80 -s rr', 'vip:80', '-A -t 10.0.0.1:80 -s rr'],
  IPVSADM009: ['-A -t 10.0.0.1:htttp -s rr', '10.0.0.1:htttp', '-A -t 10.0.0.1:http -s rr'],
  IPVSADM010: ['-A -t 10.0.0.1:65536 -s rr', '10.0.0.1:65536', '-A -t 10.0.0.1:65535 -s rr'],
  IPVSADM011: ['-A -t 10.0.0.1:0 -s rr', '10.0.0.1:0', '-A -t 10.0.0.1:0 -s rr -p 600'],
  IPVSADM012: ['-A -t 10.0.0.1:80 -s wrrr', 'wrrr', '-A -t 10.0.0.1:80 -s wrr'],
  IPVSADM013: ['-A -t 10.0.0.1:80 -s rr -b sh-port', 'sh-port', '-A -t 10.0.0.1:80 -s sh -b sh-port'],
  IPVSADM014: ['-A -t 10.0.0.1:80 -s rr -b flag-1', 'flag-1', '-A -t 10.0.0.1:80 -s sh -b flag-1'],
  IPVSADM015: ['-A -t 10.0.0.1:80 -s rr -p 0', '0', '-A -t 10.0.0.1:80 -s rr -p 600'],
  IPVSADM016: ['-A -t 10.0.0.1:80 -s rr -p -M 255.255.0.x', '255.255.0.x', '-A -t 10.0.0.1:80 -s rr -p -M 255.255.0.0'],
  IPVSADM017: ['-A -t 10.0.0.1:80 -s rr -M 255.255.255.0', '-M', '-A -t 10.0.0.1:80 -s rr -p -M 255.255.255.0'],
  IPVSADM018: ['-A -f 0 -s rr', '0', '-A -f 1 -s rr'],
  IPVSADM019: [S + '-a -t 10.0.0.1:80 -r 10.0.0.11 -w 70000', '70000', S + '-a -t 10.0.0.1:80 -r 10.0.0.11 -w 65535'],
  IPVSADM020: [S + '-a -t 10.0.0.1:80 -r 10.0.0.11 -y 10', '10', S + '-a -t 10.0.0.1:80 -r 10.0.0.11 -x 100 -y 10'],
  IPVSADM021: ['-A -t 10.0.0.1:80 -s rr -o', '-o', '-A -u 10.0.0.1:53 -s rr -o'],
  IPVSADM022: ['-A -t 10.0.0.1:80 -s rr -6', '-6', '-A -f 1 -6 -s rr'],
  IPVSADM023: ['-A -u 10.0.0.1:5060 -s rr -p --pe sipp', 'sipp', '-A -u 10.0.0.1:5060 -s rr -p --pe sip'],
  IPVSADM024: ['-a -t 10.0.0.1:80 -r 10.0.0.11\n' + S, '10.0.0.1:80', S + '-a -t 10.0.0.1:80 -r 10.0.0.11'],
  IPVSADM025: [S + '-A -t 10.0.0.1:80 -s wrr', '10.0.0.1:80', S + '-E -t 10.0.0.1:80 -s wrr'],
  IPVSADM026: ['-E -t 10.0.0.1:80 -s rr', '10.0.0.1:80', S + '-E -t 10.0.0.1:80 -s rr'],
  IPVSADM027: [S + '-a -t 10.0.0.1:80 -r 10.0.0.11\n-a -t 10.0.0.1:80 -r 10.0.0.11 -w 2', '10.0.0.11',
    S + '-a -t 10.0.0.1:80 -r 10.0.0.11\n-e -t 10.0.0.1:80 -r 10.0.0.11 -w 2'],
  IPVSADM028: [S + '-d -t 10.0.0.1:80 -r 10.0.0.11', '10.0.0.11', S + '-a -t 10.0.0.1:80 -r 10.0.0.11\n-d -t 10.0.0.1:80 -r 10.0.0.11'],
  IPVSADM029: ['-A -t 10.0.0.1:80 -s rr -p 300\n-E -t 10.0.0.1:80 -s wrr', '-E', '-A -t 10.0.0.1:80 -s rr -p 300\n-E -t 10.0.0.1:80 -s wrr -p 300'],
  IPVSADM030: [S + '-a -t 10.0.0.1:80 -r 10.0.0.11:8080 -g', '10.0.0.11:8080', S + '-a -t 10.0.0.1:80 -r 10.0.0.11:8080 -m'],
  IPVSADM031: [S6 + '-a -t [2001:db8::1]:80 -r 10.0.0.11 -m', '10.0.0.11', S6 + '-a -t [2001:db8::1]:80 -r [2001:db8::11]:80 -m'],
  IPVSADM032: [S + '-a -t 10.0.0.1:80 -r 10.0.0.11 -m --tun-type gue', '--tun-type', S + '-a -t 10.0.0.1:80 -r 10.0.0.11 -i --tun-type gue --tun-port 6080'],
  IPVSADM033: [S + '-a -t 10.0.0.1:80 -r 10.0.0.11 -i --tun-type gue', '--tun-type', S + '-a -t 10.0.0.1:80 -r 10.0.0.11 -i --tun-type gue --tun-port 6080'],
  IPVSADM034: [S + '-a -t 10.0.0.1:80 -r 10.0.0.11 -i --tun-type vxlan', 'vxlan', S + '-a -t 10.0.0.1:80 -r 10.0.0.11 -i --tun-type gre'],
  IPVSADM035: [S + '-L -n', '-L', S],
  IPVSADM036: ['-A -t 10.0.0.1:80 -s rr -p -M 24', '24', '-A -t 10.0.0.1:80 -s rr -p -M 255.255.255.0'],
  IPVSADM037: ['--set 900 120 abc', 'abc', '--set 900 120 300'],
};

function tokenText(text: string, d: { range: { start: { line: number; character: number }; end: { line: number; character: number } } }): string {
  return text.split('\n')[d.range.start.line].slice(d.range.start.character, d.range.end.character);
}

for (const code of Object.keys(RULES_CODES) as RulesCode[]) {
  test(`${code} (${RULES_CODES[code].title}): raised on the bad case, not on the good one`, () => {
    const [bad, token, good] = CASES[code];
    const found = validateRules(bad).filter((d) => d.code === code);
    assert.ok(found.length > 0, `${code} not raised on:\n${bad}\n${JSON.stringify(validateRules(bad), null, 1)}`);
    assert.equal(found[0].severity, RULES_CODES[code].severity);
    assert.equal(tokenText(bad, found[0]), token);
    assert.ok(found[0].message.length > 20);
    const goodDiags = validateRules(good);
    assert.deepEqual(goodDiags.filter((d) => d.code === code || d.severity === 'error'), [], `good case of ${code}:\n${good}`);
  });
}

test('every code has a case and every case a code', () => {
  assert.deepEqual(Object.keys(CASES).sort(), Object.keys(RULES_CODES).sort());
});

test('IPVSADM012 offers the closest scheduler as the preferred fix', () => {
  const [d] = validateRules('-A -t 10.0.0.1:80 -s wrrr').filter((x) => x.code === 'IPVSADM012');
  const preferred = d.fixes?.find((f) => f.preferred);
  assert.equal(preferred?.edits[0].newText, 'wrr');
  assert.deepEqual(preferred?.edits[0].range, { start: { line: 0, character: 21 }, end: { line: 0, character: 25 } });
});

test('IPVSADM029 lists what -E and -e reset and offers to keep it', () => {
  const text = '-A -u 10.0.0.1:53 -s sh -b sh-port -p 60 -M 255.255.255.0 -o\n-a -u 10.0.0.1:53 -r 10.0.0.2 -m -w 3 -x 9 -y 2\n-E -u 10.0.0.1:53\n-e -u 10.0.0.1:53 -r 10.0.0.2';
  const ds = validateRules(text).filter((d) => d.code === 'IPVSADM029');
  assert.equal(ds.length, 2);
  assert.match(ds[0].message, /scheduler sh → wlc/);
  assert.match(ds[0].message, /persistence 60 s → off/);
  assert.equal(ds[0].fixes?.[0].edits[0].newText, ' -s sh -b sh-port -p 60 -M 255.255.255.0 -o');
  assert.match(ds[1].message, /weight 3 → 1/);
  assert.equal(ds[1].fixes?.[0].edits[0].newText, ' -m -w 3 -x 9 -y 2');
  assert.deepEqual(ds[1].fixes?.[0].edits[0].range.start, { line: 3, character: 29 });
});

test('IPVSADM030 replaces the port with the service port', () => {
  const [d] = validateRules(S + '-a -t 10.0.0.1:80 -r 10.0.0.11:8080 -i').filter((x) => x.code === 'IPVSADM030');
  assert.equal(d.fixes?.[0].edits[0].newText, '10.0.0.11:80');
});

test('IPVSADM036 offers the dotted form of a prefix length', () => {
  const [d] = validateRules('-A -t 10.0.0.1:80 -p -M 24').filter((x) => x.code === 'IPVSADM036');
  assert.equal(d.fixes?.[0].edits[0].newText, '255.255.255.0');
  assert.match(d.message, /0\.0\.0\.24/);
});

test('old -S spellings "ops" and "pe sip" get a fix', () => {
  const ds = validateRules('-A -u 10.0.0.1:53 -s rr -p 300 pe sip ops').filter((x) => x.code === 'IPVSADM006');
  assert.deepEqual(ds.map((d) => d.fixes?.[0].edits[0].newText), ['--pe', '-o']);
});

test('comments, blank lines and CRLF are accepted', () => {
  assert.deepEqual(validateRules('# web\r\n\r\n   # indented comment\r\n-A -t 10.0.0.1:80 -s rr\r\n\n'), []);
});

test('long options, --opt=value and attached short arguments are understood', () => {
  assert.deepEqual(validateRules('--add-service --tcp-service=10.0.0.1:80 --scheduler rr\n-a -t10.0.0.1:80 -r 10.0.0.2 --masquerading --weight=3'), []);
});

test('flags on a scheduler that ignores them only warn; sh and mh flags are fine', () => {
  assert.deepEqual(validateRules('-A -t 10.0.0.1:80 -s mh -b mh-fallback,mh-port'), []);
  assert.deepEqual(validateRules('-A -t 10.0.0.1:80 -s wlc -b flag-2').map((d) => d.severity), ['warning']);
});
