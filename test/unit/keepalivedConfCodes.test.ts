/**
 * Every KAL code, from its section of docs/keepalived-conf.md: the bad example raises it, the good one
 * raises neither it nor any error; every code is documented and every documented code exists. Then the
 * quick fixes, one by one.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Diagnostic, TextEdit } from '../../src/core/diagnostics';
import { KEEPALIVED_CODES } from '../../src/core/keepalivedConf/confCodes';
import type { KeepalivedCode } from '../../src/core/keepalivedConf/confCodes';
import type { IncludedFile } from '../../src/core/keepalivedConf/confParser';
import { validateKeepalivedConf } from '../../src/core/keepalivedConf/confValidator';

const repo = join(__dirname, '..', '..', '..');
const doc = readFileSync(join(repo, 'docs', 'keepalived-conf.md'), 'utf8');

/** A resolver over a fixed set of files: the pattern is matched literally, `*` as any name. */
const FILES: Record<string, string> = { '/etc/keepalived/keepalived.d/web.conf': 'global_defs {\n    router_id d1\n}\n' };
function resolve(pattern: string): IncludedFile[] {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
  return Object.keys(FILES).filter((p) => re.test(p)).map((path) => ({ path, text: FILES[path] }));
}

function diagnostics(text: string): Diagnostic[] {
  return validateKeepalivedConf(text, { resolveInclude: resolve }).diagnostics;
}

interface Section {
  bad: string;
  good: string;
}

function sections(): Map<string, Section> {
  const out = new Map<string, Section>();
  for (const part of doc.split(/^### /m).slice(1)) {
    const code = /^(KAL\d{3})/.exec(part)?.[1];
    const blocks = [...part.matchAll(/^(Bad|Good):\n\n```\n([\s\S]*?)```/gm)];
    const bad = blocks.find((b) => b[1] === 'Bad')?.[2];
    const good = blocks.find((b) => b[1] === 'Good')?.[2];
    if (code && bad !== undefined && good !== undefined) out.set(code, { bad, good });
  }
  return out;
}

const SECTIONS = sections();

test('every code is documented with a bad and a good example, and every documented code exists', () => {
  assert.deepEqual([...SECTIONS.keys()].sort(), Object.keys(KEEPALIVED_CODES).sort());
  for (const code of Object.keys(KEEPALIVED_CODES)) assert.match(doc, new RegExp(`\\| ${code} \\| ${KEEPALIVED_CODES[code as KeepalivedCode].severity} \\|`));
});

for (const code of Object.keys(KEEPALIVED_CODES) as KeepalivedCode[]) {
  test(`${code} (${KEEPALIVED_CODES[code].title}): raised on the bad example, not on the good one`, () => {
    const section = SECTIONS.get(code);
    assert.ok(section, `${code} documented`);
    const found = diagnostics(section.bad).filter((d) => d.code === code);
    assert.ok(found.length > 0, `${code} not raised on:\n${section.bad}\n${JSON.stringify(diagnostics(section.bad), null, 1)}`);
    assert.equal(found[0].severity, KEEPALIVED_CODES[code].severity);
    assert.ok(found[0].message.length > 20);
    const good = diagnostics(section.good).filter((d) => d.code === code || d.severity === 'error');
    assert.deepEqual(good, [], `good example of ${code}:\n${section.good}`);
  });
}

/** Applies edits (non-overlapping) to a text. */
function apply(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (l: number, c: number): number => lines.slice(0, l).reduce((n, s) => n + s.length + 1, 0) + c;
  const sorted = [...edits].sort((a, b) => offset(b.range.start.line, b.range.start.character) - offset(a.range.start.line, a.range.start.character));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start.line, e.range.start.character)) + e.newText + out.slice(offset(e.range.end.line, e.range.end.character));
  return out;
}

function fixed(text: string, code: KeepalivedCode): string {
  const d = diagnostics(text).find((x) => x.code === code);
  const fix = d?.fixes?.find((f) => f.preferred) ?? d?.fixes?.[0];
  assert.ok(fix, `${code} has a fix on:\n${text}`);
  return apply(text, fix.edits);
}

test('KAL005 renames every old spelling with a plain replacement', () => {
  const cases: [string, string][] = [
    ['virtual_server 10.0.0.1 80 {\n    lb_algo rr\n}\n', 'lvs_sched rr'],
    ['virtual_server 10.0.0.1 80 {\n    lb_kind NAT\n}\n', 'lvs_method NAT'],
    ['virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80 {\n    HTTP_GET {\n      nb_get_retry 3\n    }\n  }\n}\n', 'retry 3'],
    ['global_defs {\n    lvs_flush_onstop\n}\n', 'lvs_flush_on_stop'],
    ['global_defs {\n    vrrp_rlimit_rtime 10000\n}\n', 'vrrp_rlimit_rttime 10000'],
    ['vrrp_track_file f1 {\n    file /run/f1\n}\n', 'track_file f1'],
  ];
  for (const [text, expected] of cases) {
    const out = fixed(text, 'KAL005');
    assert.ok(out.includes(expected), `${out}`);
    assert.deepEqual(diagnostics(out).filter((d) => d.code === 'KAL005' || d.severity === 'error'), [], out);
  }
});

test('KAL005 moves lvs_sync_daemon_interface into global_defs as lvs_sync_daemon IF INSTANCE', () => {
  const instance = 'vrrp_instance VI_1 {\n    interface eth0\n    lvs_sync_daemon_interface eth1\n    virtual_router_id 51\n}\n';
  const withGlobals = `global_defs {\n    router_id d1\n}\n${instance}`;
  assert.equal(fixed(withGlobals, 'KAL005'), 'global_defs {\n    lvs_sync_daemon eth1 VI_1\n    router_id d1\n}\nvrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n}\n');
  const alone = fixed(instance, 'KAL005');
  assert.equal(alone, 'global_defs {\n    lvs_sync_daemon eth1 VI_1\n}\n\nvrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n}\n');
  assert.deepEqual(diagnostics(alone), []);
});

test('KAL003 suggests the closest keyword of the block, or names the block it belongs in', () => {
  assert.match(fixed('vrrp_instance VI_1 {\n    priorty 150\n}\n', 'KAL003'), /^ {4}priority 150$/m);
  const [misplaced] = diagnostics('vrrp_instance VI_1 {\n    lvs_sched rr\n}\n').filter((d) => d.code === 'KAL003');
  assert.match(misplaced.message, /belongs in virtual_server/);
  assert.deepEqual(misplaced.range, { start: { line: 1, character: 4 }, end: { line: 1, character: 13 } });
});

test('KAL003 wraps instance names of a vrrp_sync_group in group { }', () => {
  const text = 'vrrp_sync_group G {\n  VI_1\n}\nvrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n}\n';
  const out = fixed(text, 'KAL003');
  assert.match(out, /vrrp_sync_group G \{\n {2}group \{\n {4}VI_1\n {2}\}\n\}/);
  assert.deepEqual(diagnostics(out), []);
});

test('KAL008, KAL009, KAL010 offer the closest value', () => {
  assert.match(fixed('vrrp_instance VI_1 {\n    state master\n}\n', 'KAL008'), /state MASTER/);
  assert.match(fixed('virtual_server 10.0.0.1 80 {\n    lvs_sched wrrr\n}\n', 'KAL009'), /lvs_sched wrr\n/);
  assert.match(fixed('virtual_server 10.0.0.1 80 {\n    lvs_method nat\n}\n', 'KAL010'), /lvs_method NAT\n/);
});

test('ranges: values out of range point at the value, duplicates at the address', () => {
  const [d] = diagnostics('vrrp_instance VI_1 {\n    virtual_router_id 256\n}\n').filter((x) => x.code === 'KAL008');
  assert.deepEqual(d.range, { start: { line: 1, character: 22 }, end: { line: 1, character: 25 } });
  const [dup] = diagnostics('virtual_server 10.0.0.1 80 {\n}\nvirtual_server 10.0.0.1 80 {\n}\n').filter((x) => x.code === 'KAL011');
  assert.deepEqual(dup.range, { start: { line: 2, character: 15 }, end: { line: 2, character: 26 } });
  assert.match(dup.message, /line 1/);
});

test('values holding $NAME parameters are not judged', () => {
  const text = '$PRIO=300\nvrrp_instance VI_2 {\n    interface eth0\n    priority $PRIO\n}\nvirtual_server 10.0.0.1 ${PORT} {\n    lvs_sched ${S}\n}\n';
  assert.deepEqual(diagnostics(text), []);
});

test('@ID lines: both variants are checked, and never duplicates of each other', () => {
  const text = 'virtual_server 10.0.0.1 80 {\n@a  real_server 10.0.0.2 80 {\n@a  }\n@b  real_server 10.0.0.2 80 {\n@b  }\n@b  lvs_sched wrrr\n}\n';
  assert.deepEqual(diagnostics(text).map((d) => d.code), ['KAL009']);
});

test('value specs follow the 2.2.7 handlers: protocol in any case, whole seconds for vrrp_script timers', () => {
  assert.deepEqual(diagnostics('virtual_server 10.0.0.1 53 {\n    protocol udp\n}\n'), []);
  assert.deepEqual(diagnostics('virtual_server 10.0.0.1 53 {\n    protocol ICMP\n}\n').map((d) => d.code), ['KAL008']);
  const script = (v: string) => diagnostics(`vrrp_script s {\n    script /bin/true\n    interval ${v}\n}\n`).map((d) => d.code);
  assert.deepEqual(script('2'), []);
  assert.deepEqual(script('0'), []);
  assert.deepEqual(script('0.5'), ['KAL008']);
  assert.deepEqual(script('5000'), ['KAL008']);
  const advert = (v: string) => diagnostics(`vrrp_instance V {\n    advert_int ${v}\n}\n`).map((d) => d.code);
  assert.deepEqual([advert('0.01'), advert('1.5'), advert('0.001'), advert('256')], [[], [], ['KAL008'], ['KAL008']]);
  assert.deepEqual(diagnostics('vrrp_instance V {\n    state MASTER extra\n}\n').map((d) => d.code), ['KAL007']);
  assert.deepEqual(diagnostics('vrrp_script s {\n    weight -20 reverse\n}\n'), []);
});

test('KAL014: every kind of reference, order where keepalived needs it, and not when includes were not followed', () => {
  const codes = (text: string) => diagnostics(text).map((d) => `${d.code} ${d.range.start.line}`);
  const vi = (body: string) => `vrrp_instance VI_1 {\n    interface eth0\n${body}}\n`;
  assert.deepEqual(codes(vi('    track_script {\n        nope weight 10\n    }\n')), ['KAL014 3']);
  assert.deepEqual(codes(`track_file f {\n    file /run/f\n}\n${vi('    track_file {\n        f\n    }\n')}`), []);
  assert.deepEqual(codes(`${vi('    track_file {\n        f\n    }\n')}track_file f {\n    file /run/f\n}\n`), ['KAL014 3']);
  assert.deepEqual(codes('vrrp_sync_group G {\n    group {\n        VI_1\n        VI_9\n    }\n}\n' + vi('')), ['KAL014 3']);
  assert.deepEqual(codes('virtual_server group WEB {\n    lvs_sched rr\n}\nvirtual_server_group WEB {\n    10.0.0.1 80\n}\n'), []);
  assert.deepEqual(codes('virtual_server group WEB {\n    lvs_sched rr\n}\n'), ['KAL014 0']);
  const fileCheck = 'virtual_server 10.0.0.1 80 {\n    real_server 10.0.0.2 80 {\n        FILE_CHECK {\n            track_file maint\n        }\n    }\n}\n';
  assert.deepEqual(codes(fileCheck), ['KAL014 3']);
  assert.deepEqual(codes(`track_file maint {\n    file /run/maint\n}\n${fileCheck}`), []);
  const [late] = diagnostics(`${fileCheck}track_file maint {\n    file /run/maint\n}\n`);
  assert.match(late.message, /defined after this block \(line 8\)/);
  // The script may come from an include that was not read: say nothing.
  assert.deepEqual(validateKeepalivedConf(`include scripts.conf\n${vi('    track_script {\n        chk\n    }\n')}`).diagnostics, []);
});
