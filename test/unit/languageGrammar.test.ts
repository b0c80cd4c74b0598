/**
 * The ipvsadm rules TextMate grammar: its structure, every regex compiled, and sample lines tokenized.
 *
 * vscode-textmate + vscode-oniguruma are not dependencies, so this file carries a small tokenizer for the
 * subset of TextMate the grammar uses (`match` rules, `captures` with names or nested `patterns`,
 * `include` of repository rules) with JavaScript regexes. It follows vscode-textmate's rules: at each
 * position the earliest match wins, ties go to the first rule, and nested capture patterns scan the line
 * cut at the capture's end from the capture's start. The grammar sticks to the regex syntax JavaScript and
 * Oniguruma share (no `\h`, `\G`, possessive quantifiers or inline options), which the structure test checks.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const repo = join(__dirname, '..', '..', '..');

interface Capture {
  name?: string;
  patterns?: Rule[];
}

interface Rule {
  match?: string;
  name?: string;
  captures?: Record<string, Capture>;
  include?: string;
  patterns?: Rule[];
  begin?: string;
  end?: string;
}

interface Grammar {
  scopeName: string;
  patterns: Rule[];
  repository: Record<string, Rule>;
}

const grammar = JSON.parse(readFileSync(join(repo, 'syntaxes', 'ipvsadm-rules.tmLanguage.json'), 'utf8')) as Grammar;

function compile(source: string): RegExp {
  return new RegExp(source, 'dg');
}

interface Compiled {
  re: RegExp;
  rule: Rule;
}

function flatten(rules: readonly Rule[], seen: Set<string> = new Set()): Compiled[] {
  const out: Compiled[] = [];
  for (const rule of rules) {
    if (rule.include) {
      assert.ok(rule.include.startsWith('#'), `only repository includes are used: ${rule.include}`);
      const key = rule.include.slice(1);
      const target = grammar.repository[key];
      assert.ok(target, `include ${rule.include} resolves`);
      if (seen.has(key)) continue;
      out.push(...flatten([target], new Set([...seen, key])));
    } else if (rule.match !== undefined) {
      out.push({ re: compile(rule.match), rule });
    } else if (rule.patterns) {
      out.push(...flatten(rule.patterns, seen));
    }
  }
  return out;
}

/** Scopes per character of `line` (outermost first). */
function tokenize(line: string): string[][] {
  const scopes: string[][] = [...line].map(() => [grammar.scopeName]);
  const mark = (start: number, end: number, scope: string): void => {
    for (let i = start; i < end; i++) scopes[i].push(scope);
  };
  const scan = (start: number, end: number, rules: Compiled[]): void => {
    const text = line.slice(0, end);
    let pos = start;
    while (pos < end) {
      let best: { m: RegExpExecArray; rule: Rule } | undefined;
      for (const { re, rule } of rules) {
        re.lastIndex = pos;
        const m = re.exec(text);
        if (m && (!best || m.index < best.m.index)) best = { m, rule };
      }
      if (!best) return;
      const { m, rule } = best;
      const mEnd = m.index + m[0].length;
      if (rule.name) mark(m.index, mEnd, rule.name);
      for (const [group, capture] of Object.entries(rule.captures ?? {})) {
        const span = m.indices?.[Number(group)];
        if (!span || span[0] === span[1]) continue;
        if (capture.name) mark(span[0], span[1], capture.name);
        if (capture.patterns) scan(span[0], span[1], flatten(capture.patterns));
      }
      pos = mEnd > pos ? mEnd : pos + 1;
    }
  };
  scan(0, line.length, flatten(grammar.patterns));
  return scopes;
}

/** The innermost scope of every character of `part` (the first occurrence in `line`), which must agree. */
function scopeOf(line: string, part: string, from = 0): string {
  const at = line.indexOf(part, from);
  assert.ok(at >= 0, `${part} in ${line}`);
  const scopes = tokenize(line);
  const inner = scopes.slice(at, at + part.length).map((s) => s[s.length - 1]);
  assert.ok(inner.every((s) => s === inner[0]), `one scope over "${part}" in "${line}": ${inner.join(' ')}`);
  return inner[0].replace(/\.ipvsadm-rules$/, '');
}

test('grammar structure: scope name, names suffixed, includes resolve, regexes compile', () => {
  assert.equal(grammar.scopeName, 'source.ipvsadm-rules');
  const visit = (rule: Rule, where: string): void => {
    assert.ok(rule.begin === undefined && rule.end === undefined, `${where}: the grammar is match-only`);
    assert.ok(rule.match !== undefined || rule.include !== undefined || rule.patterns !== undefined, `${where}: empty rule`);
    if (rule.name) assert.match(rule.name, /\.ipvsadm-rules$/, where);
    if (rule.match !== undefined) {
      assert.doesNotThrow(() => compile(rule.match ?? ''), where);
      assert.doesNotMatch(rule.match, /\\[hHGAzZ]|\(\?[imx-]+[):]|[*+?}]\+/, `${where}: Oniguruma-only syntax`);
    }
    for (const [group, capture] of Object.entries(rule.captures ?? {})) {
      assert.match(group, /^\d+$/, where);
      if (capture.name) assert.match(capture.name, /\.ipvsadm-rules$/, where);
      capture.patterns?.forEach((r, i) => visit(r, `${where}.captures.${group}[${i}]`));
    }
    rule.patterns?.forEach((r, i) => visit(r, `${where}[${i}]`));
  };
  grammar.patterns.forEach((r, i) => visit(r, `patterns[${i}]`));
  for (const [key, rule] of Object.entries(grammar.repository)) visit(rule, `repository.${key}`);
  // Every repository rule is reachable.
  const text = JSON.stringify(grammar);
  for (const key of Object.keys(grammar.repository)) assert.ok(text.includes(`"#${key}"`), `#${key} is used`);
});

test('the lvs-cluster grammar is YAML', () => {
  const g = JSON.parse(readFileSync(join(repo, 'syntaxes', 'lvs-cluster.tmLanguage.json'), 'utf8')) as Grammar;
  assert.equal(g.scopeName, 'source.lvs-cluster');
  assert.deepEqual(g.patterns, [{ include: 'source.yaml' }]);
});

test('tokenizes a service line', () => {
  const line = '-A -t 10.116.0.200:80 -s wrr';
  assert.equal(scopeOf(line, '-A'), 'keyword.control.command');
  assert.equal(scopeOf(line, '-t'), 'storage.type.protocol');
  assert.equal(scopeOf(line, '10.116.0.200'), 'constant.other.address.ipv4');
  assert.equal(scopeOf(line, ':'), 'punctuation.separator.port');
  assert.equal(scopeOf(line, '80'), 'constant.numeric.port');
  assert.equal(scopeOf(line, '-s'), 'keyword.other.option.scheduler');
  assert.equal(scopeOf(line, 'wrr'), 'support.constant.scheduler');
});

test('tokenizes a real server line with method and weight', () => {
  const line = '-a -t 10.116.0.200:80 -r 10.116.0.11:8080 -m -w 2';
  assert.equal(scopeOf(line, '-a'), 'keyword.control.command');
  assert.equal(scopeOf(line, '-r'), 'keyword.other.option.real-server');
  assert.equal(scopeOf(line, '10.116.0.11'), 'constant.other.address.ipv4');
  assert.equal(scopeOf(line, '8080'), 'constant.numeric.port');
  assert.equal(scopeOf(line, '-m'), 'support.constant.forwarding-method.nat');
  assert.equal(scopeOf(line, '-w'), 'keyword.other.option.weight');
  assert.equal(scopeOf(line, '2', line.indexOf('-w')), 'constant.numeric');
});

test('tokenizes IPv6, host names, service names, long options', () => {
  const v6 = '--add-server --tcp-service [2001:db8::1]:443 --real-server [2001:db8::11]:443 --gatewaying --weight 1';
  assert.equal(scopeOf(v6, '--add-server'), 'keyword.control.command');
  assert.equal(scopeOf(v6, '--tcp-service'), 'storage.type.protocol');
  assert.equal(scopeOf(v6, '['), 'punctuation.definition.address.begin');
  assert.equal(scopeOf(v6, '2001:db8::1'), 'constant.other.address.ipv6');
  assert.equal(scopeOf(v6, '443'), 'constant.numeric.port');
  assert.equal(scopeOf(v6, '--gatewaying'), 'support.constant.forwarding-method.dr');
  const names = '-a -t vip:http -r rs1:http -g -w 1';
  assert.equal(scopeOf(names, 'vip'), 'entity.name.tag.host');
  assert.equal(scopeOf(names, 'http'), 'support.constant.service-name');
  assert.equal(scopeOf(names, '-g'), 'support.constant.forwarding-method.dr');
});

test('tokenizes fwmark, persistence, netmask, flags, tunnels, comments and errors', () => {
  const fw = '-A -f 10 -s sh -b sh-port,sh-fallback -p 300 -M 255.255.255.0 -6';
  assert.equal(scopeOf(fw, '-f'), 'storage.type.fwmark');
  assert.equal(scopeOf(fw, '10'), 'constant.numeric.fwmark');
  assert.equal(scopeOf(fw, 'sh', fw.indexOf('-s')), 'support.constant.scheduler');
  assert.equal(scopeOf(fw, 'sh-port'), 'support.constant.sched-flag');
  assert.equal(scopeOf(fw, ','), 'punctuation.separator.comma');
  assert.equal(scopeOf(fw, '300'), 'constant.numeric.timeout');
  assert.equal(scopeOf(fw, '255.255.255.0'), 'constant.other.netmask');
  assert.equal(scopeOf(fw, '-6'), 'keyword.other.flag');
  const tun = '-a -t 1.2.3.4:80 -r 5.6.7.8:80 -i --tun-type gue --tun-port 6080 --tun-nocsum';
  assert.equal(scopeOf(tun, '-i'), 'support.constant.forwarding-method.tun');
  assert.equal(scopeOf(tun, 'gue'), 'support.constant.tunnel-type');
  assert.equal(scopeOf(tun, '6080'), 'constant.numeric.port');
  assert.equal(scopeOf(tun, '--tun-nocsum'), 'keyword.other.option.tunnel');
  assert.equal(scopeOf('# saved by ipvsadm -S', 'saved by ipvsadm -S'), 'comment.line.number-sign');
  assert.equal(scopeOf('-A -t 1.2.3.4:80 -s wrr # weighted', 'weighted'), 'comment.line.number-sign');
  assert.equal(scopeOf('-A -t 1.2.3.4:80 -s roundrobin', 'roundrobin'), 'invalid.illegal.scheduler');
  assert.equal(scopeOf('-A -t 1.2.3.4:80 -b sh-port,bogus', 'bogus'), 'invalid.illegal.sched-flag');
  assert.equal(scopeOf('ipvsadm -A -u 1.2.3.4:53 -s rr -o', 'ipvsadm'), 'support.function.ipvsadm');
  assert.equal(scopeOf('ipvsadm -A -u 1.2.3.4:53 -s rr -o', '-o'), 'keyword.other.flag');
});

test('every line of the real ipvsadm-save fixtures tokenizes without invalid scopes', () => {
  for (const fixture of ['dr/ipvsadm-save.txt', 'dr/ipvsadm-save_-n.txt', 'nat/ipvsadm-save.txt', 'nat/ipvsadm-save_-n.txt']) {
    const text = readFileSync(join(repo, 'test', 'fixtures', 'ipvs', fixture), 'utf8');
    for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
      const scopes = tokenize(line);
      assert.ok(!scopes.some((s) => s.some((x) => x.startsWith('invalid'))), `${fixture}: ${line}`);
      // Every non-space character is covered by some scope of the grammar.
      [...line].forEach((c, i) => assert.ok(c === ' ' || scopes[i].length > 1, `${fixture}: "${line}" column ${i}`));
    }
  }
});
