/**
 * The keepalived.conf lexer and parser (ranges, braces anywhere, comments, quotes, @ID lines, $NAME
 * definitions, includes through a resolver, a seeded fuzz run that must never throw and stays linear),
 * and the editor data: hover, outline, folding, completion.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lexConf } from '../../src/core/keepalivedConf/confLexer';
import { keepalivedCompletions, keepalivedFoldingRanges, keepalivedHover, keepalivedSymbols } from '../../src/core/keepalivedConf/confLanguage';
import { parseConf } from '../../src/core/keepalivedConf/confParser';
import type { ConfNode } from '../../src/core/keepalivedConf/confParser';
import { validateKeepalivedConf } from '../../src/core/keepalivedConf/confValidator';
import { blockKeywords } from '../../src/core/keepalivedConf/keywords';

const r = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

test('statements, blocks and their ranges', () => {
  const text = 'vrrp_instance VI_1 {\n    state MASTER   # main\n    virtual_ipaddress { 10.0.0.1/24 dev eth0 }\n}\n';
  const { nodes, comments, problems } = parseConf(text);
  assert.deepEqual(problems, []);
  assert.equal(nodes.length, 1);
  const vi = nodes[0];
  assert.equal(vi.keyword.text, 'vrrp_instance');
  assert.deepEqual(vi.args.map((a) => a.text), ['VI_1']);
  assert.deepEqual(vi.range, r(0, 0, 3, 1));
  assert.deepEqual(vi.block?.open, r(0, 19, 0, 20));
  const [state, vip] = vi.block?.children ?? [];
  assert.deepEqual(state.range, r(1, 4, 1, 16));
  assert.deepEqual(vip.block?.children.map((n) => [n.keyword.text, ...n.args.map((a) => a.text)]), [['10.0.0.1/24', 'dev', 'eth0']]);
  assert.deepEqual(vip.range, r(2, 4, 2, 46));
  assert.deepEqual(comments, [r(1, 19, 1, 25)]);
});

test('a { on the next line opens the block of the keyword before it; ! comments; escaped # and quotes', () => {
  const text = '! header\nvirtual_server 10.0.0.1 80\n{\n    real_server 10.0.0.2 80 {\n        MISC_CHECK {\n            misc_path "/bin/check --flag # not a comment"\n        }\n    }\n}\nglobal_defs {\n    router_id a\\#b\n}\n';
  const { nodes, problems, comments } = parseConf(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(comments, [r(0, 0, 0, 8)]);
  assert.equal(nodes.length, 2);
  const misc = nodes[0].block?.children[0].block?.children[0].block?.children[0] as ConfNode;
  assert.equal(misc.args[0].text, '/bin/check --flag # not a comment');
  assert.ok(misc.args[0].quoted);
  assert.equal(nodes[1].block?.children[0].args[0].text, 'a#b');
});

test('extra }, unclosed block, stray { and unterminated quotes are problems, not exceptions', () => {
  assert.deepEqual(parseConf('}\n').problems.map((p) => p.kind), ['extra-close']);
  assert.deepEqual(parseConf('global_defs {\n  router_id a\n').problems.map((p) => [p.kind, p.subject]), [['unclosed', 'global_defs']]);
  assert.deepEqual(parseConf('global_defs {\n}\n{\n}\n').problems.map((p) => p.kind), ['stray-open']);
  assert.deepEqual(parseConf('vrrp_script s {\n  script "/bin/x\n}\n').problems.map((p) => p.kind), ['unterminated-quote']);
});

test('@ID and @^ID lines carry their condition; $NAME= definitions (multi-line too) are not statements', () => {
  const text = '$IF=eth0\n$MULTI=a \\\n  b \\\n  c\n@high priority 170\n@^low priority 85\n';
  const parsed = parseConf(text);
  assert.deepEqual(parsed.definitions.map((d) => d.text), ['IF', 'MULTI']);
  assert.deepEqual(parsed.nodes.map((n) => [n.keyword.text, n.condition?.id, n.condition?.negated]), [['priority', 'high', false], ['priority', 'low', true]]);
  assert.deepEqual(parsed.nodes[0].keyword.range, r(4, 6, 4, 14));
});

test('include: resolved in place by the callback, relative to the including file, cycles stopped', () => {
  const files: Record<string, string> = {
    '/k/rs/a.conf': 'real_server 10.0.0.2 80 {\n  weight 1\n}\ninclude more.conf\n',
    '/k/rs/more.conf': 'real_server 10.0.0.3 80 {\n}\ninclude a.conf\n',
  };
  const calls: [string, string | undefined][] = [];
  const resolveInclude = (pattern: string, from: string | undefined) => {
    calls.push([pattern, from]);
    const dir = from ? from.slice(0, from.lastIndexOf('/') + 1) : '/k/';
    const path = pattern.startsWith('/') ? pattern : dir + pattern;
    return path.endsWith('*.conf') ? [{ path: '/k/rs/a.conf', text: files['/k/rs/a.conf'] }] : files[path] ? [{ path, text: files[path] }] : [];
  };
  const text = 'virtual_server 10.0.0.1 80 {\n  include rs/*.conf\n}\n';
  const parsed = parseConf(text, { resolveInclude });
  assert.deepEqual(calls, [['rs/*.conf', undefined], ['more.conf', '/k/rs/a.conf'], ['a.conf', '/k/rs/more.conf']]);
  const servers = parsed.nodes[0].block?.children ?? [];
  assert.deepEqual(servers.map((n) => [n.args[0].text, n.file]), [['10.0.0.2', '/k/rs/a.conf'], ['10.0.0.3', '/k/rs/more.conf']]);
  assert.deepEqual(parsed.problems.map((p) => [p.kind, p.file, p.subject]), [['include-cycle', '/k/rs/more.conf', '/k/rs/a.conf']]);
  assert.deepEqual(parsed.includes[0].matched, ['/k/rs/a.conf']);
  // Without a resolver the include is recorded, nothing is read and nothing is reported.
  assert.equal(parseConf(text).includes[0].matched, undefined);
  assert.deepEqual(validateKeepalivedConf(text).diagnostics, []);
  // Included statements take part in duplicates, reported where the open text repeats them.
  const dup = validateKeepalivedConf('virtual_server 10.0.0.1 80 {\n  include rs/*.conf\n  real_server 10.0.0.2 80 {\n  }\n}\n', { resolveInclude }).diagnostics;
  assert.deepEqual(dup.map((d) => [d.code, d.range.start.line]), [['KAL011', 2]]);
  assert.match(dup[0].message, /\/k\/rs\/a\.conf:1/);
});

test('~SEQ lines are read as the statement after the parenthesis', () => {
  const { nodes } = parseConf('virtual_server 10.0.0.1 80 {\n~SEQ(N, 1, 3) real_server 10.0.0.$N 80 {\n  }\n}\n');
  const rs = nodes[0].block?.children[0];
  assert.equal(rs?.keyword.text, 'real_server');
  assert.ok(rs?.repeated);
  assert.ok(rs?.args[0].hasParameter);
});

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['{', '}', '"', '#', '!', '\\', '\n', ' ', '\t', '@', '@^', '$', '${', '~SEQ(', ')', 'include ', 'vrrp_instance', 'virtual_server', 'real_server', 'priority', '300', '10.0.0.1', 'HTTP_GET', 'url', 'lb_algo', 'x', '=', '\r\n'];

test('fuzz: 400 seeded random texts never throw, and every range lies inside the text', () => {
  for (let seed = 1; seed <= 400; seed++) {
    const next = prng(seed);
    const n = Math.floor(next() * 80);
    let text = '';
    for (let i = 0; i < n; i++) text += PIECES[Math.floor(next() * PIECES.length)];
    const lines = text.split('\n');
    const inside = (p: { line: number; character: number }): boolean => p.line < lines.length && p.character <= lines[p.line].length;
    let result;
    try {
      result = validateKeepalivedConf(text);
      keepalivedSymbols(text);
      keepalivedFoldingRanges(text);
      keepalivedHover(text, { line: 0, character: 3 });
      keepalivedCompletions(text, { line: Math.min(1, lines.length - 1), character: 0 });
    } catch (err) {
      assert.fail(`seed ${seed} threw ${String(err)} on ${JSON.stringify(text)}`);
    }
    for (const d of result.diagnostics) assert.ok(inside(d.range.start) && inside(d.range.end), `seed ${seed}: ${JSON.stringify(d)} in ${JSON.stringify(text)}`);
  }
});

test('linear: tokens and nodes grow in proportion to the text, nesting and long lines included', () => {
  const unit = 'virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80 { weight 1 }\n}\n';
  const small = parseConf(unit.repeat(100));
  const big = parseConf(unit.repeat(1000));
  assert.equal(big.nodes.length, small.nodes.length * 10);
  // Deep nesting and a line full of `${` without `}` (the lexer's worst cases) are read in one pass.
  const deep = parseConf('a {\n'.repeat(5000));
  assert.equal(deep.problems.length, 5000);
  const long = lexConf('x ' + '${'.repeat(20000));
  assert.equal(long.lines[0].tokens.length, 40001, 'x, then $ and { for each unclosed ${');
});

// ---- editor data ----

const SAMPLE = '# directors\n# web\nglobal_defs {\n    router_id d1\n}\nvrrp_instance VI_1 {\n    state MASTER\n    lb_kind DR\n}\nvirtual_server 10.0.0.1 80 {\n    lvs_sched wrr\n    lb_algo rr\n    real_server 10.0.0.2 80 {\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n    \n}\n';

test('hover: keyword meaning, block and version; deprecated; schedulers', () => {
  const h = keepalivedHover(SAMPLE, { line: 6, character: 6 });
  assert.match(h?.contents ?? '', /\*\*state\*\* — in vrrp_instance · keepalived 1\.3\.0 or older/);
  assert.match(h?.contents ?? '', /MASTER/);
  assert.deepEqual(h?.range, r(6, 4, 6, 9));
  assert.match(keepalivedHover(SAMPLE, { line: 11, character: 5 })?.contents ?? '', /Deprecated since keepalived 1\.1\.5: write `lvs_sched`/);
  assert.match(keepalivedHover(SAMPLE, { line: 10, character: 15 })?.contents ?? '', /Weighted Round Robin/);
  assert.match(keepalivedHover(SAMPLE, { line: 14, character: 14 })?.contents ?? '', /in TCP_CHECK/);
  assert.equal(keepalivedHover(SAMPLE, { line: 0, character: 3 }), undefined);
  assert.match(keepalivedHover('global_defs {\n  json_version 2\n}\n', { line: 1, character: 4 })?.contents ?? '', /keepalived 2\.2\.8[\s\S]*Not in keepalived 2\.2\.7/);
});

test('outline: every block with its values, nested', () => {
  const symbols = keepalivedSymbols(SAMPLE);
  assert.deepEqual(symbols.map((s) => [s.name, s.kind, s.detail]), [['global_defs', 'namespace', ''], ['vrrp_instance VI_1', 'object', 'MASTER'], ['virtual_server 10.0.0.1 80', 'module', 'wrr']]);
  const vi = keepalivedSymbols('vrrp_instance V {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority 100\n}\n')[0];
  assert.equal(vi.detail, 'BACKUP · priority 100 · vrid 51 · eth0');
  assert.equal(symbols[2].children[0].name, 'real_server 10.0.0.2 80');
  assert.deepEqual(symbols[2].children[0].children.map((s) => [s.name, s.kind]), [['TCP_CHECK', 'event']]);
  assert.deepEqual(symbols[2].range, r(9, 0, 18, 1));
  assert.deepEqual(symbols[2].selectionRange, r(9, 0, 9, 14));
});

test('folding: blocks up to the line before their }, and comment runs', () => {
  assert.deepEqual(keepalivedFoldingRanges(SAMPLE), [
    { startLine: 0, endLine: 1, kind: 'comment' },
    { startLine: 2, endLine: 3 },
    { startLine: 5, endLine: 7 },
    { startLine: 9, endLine: 17 },
    { startLine: 12, endLine: 15 },
    { startLine: 13, endLine: 14 },
  ]);
});

test('completion: keywords of the block at the cursor, values after their keyword', () => {
  const inVs = keepalivedCompletions(SAMPLE, { line: 17, character: 4 }).map((c) => c.label);
  assert.ok(inVs.includes('lvs_sched') && inVs.includes('real_server') && inVs.includes('persistence_timeout'));
  assert.ok(!inVs.includes('priority') && !inVs.includes('lb_algo'), 'no keyword of another block, no old spelling');
  assert.equal(inVs.length, [...blockKeywords('virtual_server').values()].filter((k) => !k.deprecated).length);
  const top = keepalivedCompletions(SAMPLE, { line: 19, character: 0 });
  const vi = top.find((c) => c.label === 'vrrp_instance');
  assert.equal(vi?.insertText, 'vrrp_instance ${1:name} {\n\t$0\n}');
  assert.equal(vi?.insertTextFormat, 'snippet');
  const sched = keepalivedCompletions('virtual_server 10.0.0.1 80 {\n    lvs_sched w\n}\n', { line: 1, character: 15 });
  assert.ok(sched.some((c) => c.label === 'wrr'));
  assert.deepEqual(sched[0].range, r(1, 14, 1, 15));
  assert.deepEqual(keepalivedCompletions('vrrp_instance V {\n    state \n}\n', { line: 1, character: 10 }).map((c) => c.label), ['MASTER', 'BACKUP']);
  assert.deepEqual(keepalivedCompletions('vrrp_instance V {\n    virtual_ipaddress {\n        \n    }\n}\n', { line: 2, character: 8 }), []);
  const scripts = 'vrrp_script chk_a {\n}\nvrrp_script chk_b {\n}\nvrrp_instance V {\n    track_script {\n        \n    }\n}\n';
  assert.deepEqual(keepalivedCompletions(scripts, { line: 6, character: 8 }).map((c) => [c.label, c.kind, c.detail]), [['chk_a', 'reference', 'vrrp_script chk_a'], ['chk_b', 'reference', 'vrrp_script chk_b']]);
  assert.deepEqual(keepalivedCompletions('# lvs_sched ', { line: 0, character: 12 }), []);
});

test('snippets: each one, filled with its defaults, validates without any diagnostic', () => {
  const file = join(__dirname, '..', '..', '..', 'snippets', 'keepalived.code-snippets');
  const snippets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { prefix: string; body: string[]; description: string }>;
  assert.equal(Object.keys(snippets).length, 5);
  for (const [name, s] of Object.entries(snippets)) {
    assert.match(s.prefix, /^keepalived-[a-z-]+$/, name);
    assert.ok(s.description.length > 10 && s.body.join('\n').includes('$0'), name);
    const defaults = new Map<string, string>();
    const text = s.body.join('\n')
      .replace(/\$\{(\d+):([^}]*)\}|\$\{(\d+)\|([^|]*)\|\}/g, (_m, a: string | undefined, b: string | undefined, c: string | undefined, d: string | undefined) => {
        const value = b ?? (d ?? '').split(',')[0];
        defaults.set(a ?? c ?? '', value);
        return value;
      })
      .replace(/\$\{(\d+)\}|\$(\d+)/g, (_m, a: string | undefined, b: string | undefined) => defaults.get(a ?? b ?? '') ?? '');
    assert.deepEqual(validateKeepalivedConf(text).diagnostics, [], `${name}:\n${text}`);
  }
});
