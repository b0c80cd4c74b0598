/**
 * The TextMate grammars, tokenized by VS Code's own engine: vscode-textmate with the Oniguruma WASM build.
 *
 * The grammars are found the way VS Code finds them: ours through package.json's `contributes.grammars`,
 * `source.yaml` (which the lvs-cluster grammar includes) from a copy of VS Code 1.100.3's built-in YAML
 * grammars in test/fixtures/grammars/yaml (the version `engines.vscode` names; see the README there).
 * Assertions are on the innermost scope of a token, without the grammar's suffix (`.ipvsadm-rules`).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { loadWASM, OnigScanner, OnigString } from 'vscode-oniguruma';
import type { IGrammar, IToken } from 'vscode-textmate';
import { INITIAL, parseRawGrammar, Registry } from 'vscode-textmate';

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

interface RawGrammar {
  scopeName: string;
  patterns: Rule[];
  repository: Record<string, Rule>;
}

/** scopeName → file: our contributions, then the YAML grammars VS Code ships. */
function grammarFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { contributes: { grammars: { scopeName: string; path: string }[] } };
  for (const g of manifest.contributes.grammars) files.set(g.scopeName, join(repo, g.path));
  const yamlDir = join(repo, 'test', 'fixtures', 'grammars', 'yaml');
  for (const f of readdirSync(yamlDir).filter((n) => n.endsWith('.tmLanguage.json'))) {
    const { scopeName } = JSON.parse(readFileSync(join(yamlDir, f), 'utf8')) as { scopeName: string };
    files.set(scopeName, join(yamlDir, f));
  }
  return files;
}

const files = grammarFiles();
const rules = JSON.parse(readFileSync(files.get('source.ipvsadm-rules') ?? '', 'utf8')) as RawGrammar;

let onigReady: Promise<void> | undefined;
function loadOniguruma(): Promise<void> {
  if (!onigReady) {
    const wasm = readFileSync(join(repo, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    onigReady = loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  }
  return onigReady;
}

const registry = new Registry({
  onigLib: loadOniguruma().then(() => ({
    createOnigScanner: (sources: string[]) => new OnigScanner(sources),
    createOnigString: (text: string) => new OnigString(text),
  })),
  loadGrammar: async (scopeName) => {
    const path = files.get(scopeName);
    return path ? parseRawGrammar(readFileSync(path, 'utf8'), path) : null;
  },
});

const grammars = new Map<string, IGrammar>();
before(async () => {
  for (const scope of ['source.ipvsadm-rules', 'source.lvs-cluster']) {
    const g = await registry.loadGrammar(scope);
    assert.ok(g, `${scope} loads`);
    grammars.set(scope, g);
  }
});

interface Line {
  text: string;
  tokens: IToken[];
}

/** Tokenizes a whole text, carrying the rule stack from line to line as the editor does. */
function tokenize(scope: string, text: string): Line[] {
  const grammar = grammars.get(scope);
  assert.ok(grammar, scope);
  let stack = INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return { text: line, tokens: r.tokens };
  });
}

/** Scopes (outermost first) of every token overlapping `part`, which must be exactly one token. */
function scopesAt(line: Line, part: string, from = 0): string[] {
  const at = line.text.indexOf(part, from);
  assert.ok(at >= 0, `"${part}" in "${line.text}"`);
  const over = line.tokens.filter((t) => t.startIndex < at + part.length && t.endIndex > at);
  const show = over.map((t) => `"${line.text.slice(t.startIndex, t.endIndex)}" ${t.scopes.join(' ')}`).join(' | ');
  assert.equal(over.length, 1, `"${part}" in "${line.text}" is one token: ${show}`);
  assert.equal(over[0].startIndex, at, `"${part}" starts its token: ${show}`);
  // The engine tokenizes the line with its newline: the last token may end one past the text.
  assert.equal(Math.min(over[0].endIndex, line.text.length), at + part.length, `"${part}" ends its token: ${show}`);
  return over[0].scopes;
}

/** The innermost scope of `part` on a one-line ipvsadm rules text, without the `.ipvsadm-rules` suffix. */
function rulesScope(text: string, part: string, from = 0): string {
  const scopes = scopesAt(tokenize('source.ipvsadm-rules', text)[0], part, from);
  return scopes[scopes.length - 1].replace(/\.ipvsadm-rules$/, '');
}

test('ipvsadm-rules grammar structure: scope name, names suffixed, includes resolve, every regex compiles in Oniguruma', async () => {
  await loadOniguruma();
  assert.equal(rules.scopeName, 'source.ipvsadm-rules');
  const visit = (rule: Rule, where: string): void => {
    assert.ok(rule.begin === undefined && rule.end === undefined, `${where}: the grammar is match-only (one line at a time)`);
    assert.ok(rule.match !== undefined || rule.include !== undefined || rule.patterns !== undefined, `${where}: empty rule`);
    if (rule.name) assert.match(rule.name, /\.ipvsadm-rules$/, where);
    if (rule.include) assert.ok(rule.include.startsWith('#') && rules.repository[rule.include.slice(1)], `${where}: ${rule.include} resolves`);
    if (rule.match !== undefined) {
      const source = rule.match;
      assert.doesNotThrow(() => new OnigScanner([source]), `${where}: ${source}`);
    }
    for (const [group, capture] of Object.entries(rule.captures ?? {})) {
      assert.match(group, /^\d+$/, where);
      if (capture.name) assert.match(capture.name, /\.ipvsadm-rules$/, where);
      capture.patterns?.forEach((r, i) => visit(r, `${where}.captures.${group}[${i}]`));
    }
    rule.patterns?.forEach((r, i) => visit(r, `${where}[${i}]`));
  };
  rules.patterns.forEach((r, i) => visit(r, `patterns[${i}]`));
  for (const [key, rule] of Object.entries(rules.repository)) visit(rule, `repository.${key}`);
  const text = JSON.stringify(rules);
  for (const key of Object.keys(rules.repository)) assert.ok(text.includes(`"#${key}"`), `#${key} is used`);
  // The check above can fail: Oniguruma refuses a broken pattern.
  assert.throws(() => new OnigScanner(['(-s|--scheduler']));
});

test('ipvsadm-rules: a service line', () => {
  const line = '-A -t 10.116.0.200:80 -s wrr';
  assert.equal(rulesScope(line, '-A'), 'keyword.control.command');
  assert.equal(rulesScope(line, '-t'), 'storage.type.protocol');
  assert.equal(rulesScope(line, '10.116.0.200'), 'constant.other.address.ipv4');
  assert.equal(rulesScope(line, ':'), 'punctuation.separator.port');
  assert.equal(rulesScope(line, '80'), 'constant.numeric.port');
  assert.equal(rulesScope(line, '-s'), 'keyword.other.option.scheduler');
  assert.equal(rulesScope(line, 'wrr'), 'support.constant.scheduler');
  assert.deepEqual(tokenize('source.ipvsadm-rules', line)[0].tokens[0].scopes.slice(0, 1), ['source.ipvsadm-rules']);
});

test('ipvsadm-rules: a real server line with method and weight', () => {
  const line = '-a -t 10.116.0.200:80 -r 10.116.0.11:8080 -m -w 2';
  assert.equal(rulesScope(line, '-a'), 'keyword.control.command');
  assert.equal(rulesScope(line, '-r'), 'keyword.other.option.real-server');
  assert.equal(rulesScope(line, '10.116.0.11'), 'constant.other.address.ipv4');
  assert.equal(rulesScope(line, '8080'), 'constant.numeric.port');
  assert.equal(rulesScope(line, '-m'), 'support.constant.forwarding-method.nat');
  assert.equal(rulesScope(line, '-w'), 'keyword.other.option.weight');
  assert.equal(rulesScope(line, '2', line.indexOf('-w')), 'constant.numeric');
  assert.equal(rulesScope('-a -t 1.2.3.4:80 -r 5.6.7.8 -w -3', '-3'), 'invalid.illegal.number');
});

test('ipvsadm-rules: IPv6, host names, service names, long options', () => {
  const v6 = '--add-server --tcp-service [2001:db8::1]:443 --real-server [2001:db8::11]:443 --gatewaying --weight 1';
  assert.equal(rulesScope(v6, '--add-server'), 'keyword.control.command');
  assert.equal(rulesScope(v6, '--tcp-service'), 'storage.type.protocol');
  assert.equal(rulesScope(v6, '['), 'punctuation.definition.address.begin');
  assert.equal(rulesScope(v6, '2001:db8::1'), 'constant.other.address.ipv6');
  assert.equal(rulesScope(v6, ']'), 'punctuation.definition.address.end');
  assert.equal(rulesScope(v6, '443'), 'constant.numeric.port');
  assert.equal(rulesScope(v6, '--real-server'), 'keyword.other.option.real-server');
  assert.equal(rulesScope(v6, '--gatewaying'), 'support.constant.forwarding-method.dr');
  const names = '-a -t vip:http -r rs1:http -g -w 1';
  assert.equal(rulesScope(names, 'vip'), 'entity.name.tag.host');
  assert.equal(rulesScope(names, 'http'), 'support.constant.service-name');
  assert.equal(rulesScope(names, 'rs1'), 'entity.name.tag.host');
  assert.equal(rulesScope(names, '-g'), 'support.constant.forwarding-method.dr');
  assert.equal(rulesScope('-D -t 10.0.0.1:80 -r %bad', '%bad'), 'invalid.illegal.address');
});

test('ipvsadm-rules: arguments after = and attached to short options, as popt and the lexer read them', () => {
  const eq = '-A --tcp-service=10.0.0.1:80 --scheduler=wrr --persistent=300';
  assert.equal(rulesScope(eq, '--tcp-service'), 'storage.type.protocol');
  assert.equal(rulesScope(eq, '='), 'punctuation.separator.key-value');
  assert.equal(rulesScope(eq, '10.0.0.1'), 'constant.other.address.ipv4');
  assert.equal(rulesScope(eq, '--scheduler'), 'keyword.other.option.scheduler');
  assert.equal(rulesScope(eq, 'wrr'), 'support.constant.scheduler');
  assert.equal(rulesScope(eq, '300'), 'constant.numeric.timeout');
  const attached = '-a -t10.0.0.1:80 -r10.0.0.2:80 -w3';
  assert.equal(rulesScope(attached, '-t'), 'storage.type.protocol');
  assert.equal(rulesScope(attached, '10.0.0.1'), 'constant.other.address.ipv4');
  assert.equal(rulesScope(attached, '10.0.0.2'), 'constant.other.address.ipv4');
  assert.equal(rulesScope(attached, '3', attached.indexOf('-w')), 'constant.numeric');
  assert.equal(rulesScope('-A -t 1.2.3.4:80 -swrr', 'wrr'), 'support.constant.scheduler');
  // A short option never takes `=`: -s=wrr is the scheduler "=wrr".
  assert.equal(rulesScope('-A -t 1.2.3.4:80 -s=wrr', '=wrr'), 'invalid.illegal.scheduler');
});

test('ipvsadm-rules: fwmark, schedulers and flags, persistence, netmask, thresholds, tunnels, pe', () => {
  const fw = '-A -f 10 -s sh -b sh-port,sh-fallback -p 300 -M 255.255.255.0 -6';
  assert.equal(rulesScope(fw, '-f'), 'storage.type.fwmark');
  assert.equal(rulesScope(fw, '10'), 'constant.numeric.fwmark');
  assert.equal(rulesScope(fw, 'sh', fw.indexOf('-s')), 'support.constant.scheduler');
  assert.equal(rulesScope(fw, '-b'), 'keyword.other.option.sched-flags');
  assert.equal(rulesScope(fw, 'sh-port'), 'support.constant.sched-flag');
  assert.equal(rulesScope(fw, ','), 'punctuation.separator.comma');
  assert.equal(rulesScope(fw, 'sh-fallback'), 'support.constant.sched-flag');
  assert.equal(rulesScope(fw, '-p', fw.indexOf(' -p')), 'keyword.other.option.persistent');
  assert.equal(rulesScope(fw, '300'), 'constant.numeric.timeout');
  assert.equal(rulesScope(fw, '255.255.255.0'), 'constant.other.netmask');
  assert.equal(rulesScope(fw, '-6'), 'keyword.other.flag');
  assert.equal(rulesScope('-A -f 0x1A -s mh -b mh-port', '0x1A'), 'constant.numeric.fwmark');
  assert.equal(rulesScope('-A -f mark -s rr', 'mark'), 'invalid.illegal.fwmark');
  for (const s of ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos']) {
    assert.equal(rulesScope(`-E -u 10.0.0.1:53 -s ${s}`, s, 18), 'support.constant.scheduler', s);
  }
  assert.equal(rulesScope('-A -t 1.2.3.4:80 -s roundrobin', 'roundrobin'), 'invalid.illegal.scheduler');
  assert.equal(rulesScope('-A -t 1.2.3.4:80 -s WRR', 'WRR'), 'invalid.illegal.scheduler');
  assert.equal(rulesScope('-A -t 1.2.3.4:80 -b sh-port,bogus', 'bogus'), 'invalid.illegal.sched-flag');
  const thresholds = '-a -t 1.2.3.4:80 -r 5.6.7.8:80 -x 100 -y 50';
  assert.equal(rulesScope(thresholds, '-x'), 'keyword.other.option.weight');
  assert.equal(rulesScope(thresholds, '100'), 'constant.numeric');
  const tun = '-a -t 1.2.3.4:80 -r 5.6.7.8:80 -i --tun-type gue --tun-port 6080 --tun-nocsum';
  assert.equal(rulesScope(tun, '-i'), 'support.constant.forwarding-method.tun');
  assert.equal(rulesScope(tun, '--tun-type'), 'keyword.other.option.tunnel');
  assert.equal(rulesScope(tun, 'gue'), 'support.constant.tunnel-type');
  assert.equal(rulesScope(tun, '6080'), 'constant.numeric.port');
  assert.equal(rulesScope(tun, '--tun-nocsum'), 'keyword.other.option.tunnel');
  assert.equal(rulesScope('-a -t 1.2.3.4:80 -r 5.6.7.8 -i --tun-type vxlan', 'vxlan'), 'invalid.illegal.tunnel-type');
  assert.equal(rulesScope('-A -u 1.2.3.4:5060 -s rr -p --pe sip', 'sip', 20), 'support.constant.pe');
  assert.equal(rulesScope('-A -u 1.2.3.4:5060 -s rr -p --pe sap', 'sap'), 'invalid.illegal.pe');
});

test('ipvsadm-rules: program names, list flags, commands without a service, unknown options', () => {
  const sudo = 'sudo ipvsadm -L -n --stats --exact';
  assert.equal(rulesScope(sudo, 'sudo'), 'support.function.sudo');
  assert.equal(rulesScope(sudo, 'ipvsadm'), 'support.function.ipvsadm');
  assert.equal(rulesScope(sudo, '-L'), 'keyword.control.command');
  assert.equal(rulesScope(sudo, '--stats'), 'keyword.other.flag');
  assert.equal(rulesScope(sudo, '--exact'), 'keyword.other.flag');
  assert.equal(rulesScope('ipvsadm-restore', 'ipvsadm-restore'), 'support.function.ipvsadm');
  assert.equal(rulesScope('ipvsadm -A -u 1.2.3.4:53 -s rr -o', '-o'), 'keyword.other.flag');
  assert.equal(rulesScope('-C', '-C'), 'keyword.control.command');
  const set = '--set 900 120 300';
  assert.equal(rulesScope(set, '--set'), 'keyword.control.command');
  assert.equal(rulesScope(set, '120'), 'constant.numeric');
  assert.equal(rulesScope('-A -t 1.2.3.4:80 --bogus-option', '--bogus-option'), 'variable.parameter.option');
});

test('ipvsadm-rules: # starts a comment only at the start of a line, as in the language service', () => {
  const [comment] = tokenize('source.ipvsadm-rules', '# saved by ipvsadm -S');
  assert.equal(scopesAt(comment, '#').at(-1), 'punctuation.definition.comment.ipvsadm-rules');
  assert.equal(scopesAt(comment, ' saved by ipvsadm -S').at(-1), 'comment.line.number-sign.ipvsadm-rules');
  // Nothing inside a comment is highlighted as a command or an option.
  assert.equal(comment.tokens.length, 2);
  assert.equal(rulesScope('   # indented', ' indented'), 'comment.line.number-sign');
  // ipvsadm -R has no trailing comments; the validator reports `#` and `weighted` as stray arguments.
  const [trailing] = tokenize('source.ipvsadm-rules', '-A -t 1.2.3.4:80 -s wrr # weighted');
  assert.ok(trailing.tokens.every((t) => !t.scopes.some((s) => s.startsWith('comment'))), 'no comment scope after a command');
});

test('ipvsadm-rules: every line of the real ipvsadm-save fixtures tokenizes without invalid scopes, every character scoped', () => {
  for (const fixture of ['dr/ipvsadm-save.txt', 'dr/ipvsadm-save_-n.txt', 'nat/ipvsadm-save.txt', 'nat/ipvsadm-save_-n.txt', 'lab/ipvsadm-save_-n.txt']) {
    const text = readFileSync(join(repo, 'test', 'fixtures', 'ipvs', fixture), 'utf8');
    const lines = tokenize('source.ipvsadm-rules', text).filter((l) => l.text.trim() !== '');
    assert.ok(lines.length > 0, fixture);
    for (const line of lines) {
      for (const t of line.tokens) {
        const part = line.text.slice(t.startIndex, t.endIndex);
        assert.ok(!t.scopes.some((s) => s.startsWith('invalid')), `${fixture}: "${part}" in "${line.text}": ${t.scopes.join(' ')}`);
        assert.ok(part.trim() === '' || t.scopes.length > 1, `${fixture}: "${part}" in "${line.text}" has no scope of its own`);
      }
      assert.equal(scopesAt(line, line.text.split(' ')[0]).at(-1), 'keyword.control.command.ipvsadm-rules', `${fixture}: ${line.text}`);
    }
  }
});

/** The innermost scope of `part` on line `lineNo` of a tokenized cluster file, and all its scopes. */
function clusterScope(lines: Line[], lineNo: number, part: string, from = 0): { inner: string; all: string[] } {
  const all = scopesAt(lines[lineNo], part, from);
  return { inner: all[all.length - 1], all };
}

const CLUSTER_FILE = `# DR example
version: 1
hosts:
  - name: node3
    address: 192.168.116.3/24     # the director's subnet
    interface: eth0
  - name: node6
    address: "2001:db8::6"
clusters:
  - name: web
    services:
      - name: http
        protocol: tcp
        vip: 192.168.116.200
        port: 80
        scheduler: wrr
        persistence: 300
        realServers:
          - host: node1
            method: dr
            weight: 0
`;

test('lvs-cluster grammar: VS Code\'s YAML grammar under the source.lvs-cluster scope', () => {
  const lines = tokenize('source.lvs-cluster', CLUSTER_FILE);
  for (const line of lines) for (const t of line.tokens) assert.equal(t.scopes[0], 'source.lvs-cluster', line.text);
  // Comments: a whole-line comment and one after a value (the value stays an address, not "…/24 # …").
  assert.equal(clusterScope(lines, 0, '#').inner, 'punctuation.definition.comment.yaml');
  assert.equal(clusterScope(lines, 0, ' DR example').inner, 'comment.line.number-sign.yaml');
  assert.equal(clusterScope(lines, 4, ' the director\'s subnet').inner, 'comment.line.number-sign.yaml');
  // Keys, at every depth.
  for (const [lineNo, key] of [[1, 'version'], [2, 'hosts'], [3, 'name'], [4, 'address'], [12, 'protocol'], [15, 'scheduler'], [17, 'realServers'], [18, 'host'], [20, 'weight']] as const) {
    const { inner, all } = clusterScope(lines, lineNo, key);
    assert.equal(inner, 'entity.name.tag.yaml', key);
    assert.ok(all.includes('meta.map.key.yaml'), `${key}: ${all.join(' ')}`);
  }
  // Scheduler, method, protocol and names are plain strings (none is read as a YAML boolean or null).
  for (const [lineNo, value] of [[15, 'wrr'], [19, 'dr'], [12, 'tcp'], [3, 'node3'], [18, 'node1']] as const) {
    const { inner, all } = clusterScope(lines, lineNo, value, lines[lineNo].text.indexOf(':'));
    assert.equal(inner, 'string.unquoted.plain.out.yaml', value);
    assert.ok(all.includes('meta.map.value.yaml'), `${value}: ${all.join(' ')}`);
  }
  // Addresses: a dotted quad with a prefix is one plain string; an IPv6 address is quoted.
  assert.equal(clusterScope(lines, 4, '192.168.116.3/24').inner, 'string.unquoted.plain.out.yaml');
  assert.equal(clusterScope(lines, 13, '192.168.116.200').inner, 'string.unquoted.plain.out.yaml');
  assert.equal(clusterScope(lines, 7, '2001:db8::6').inner, 'string.quoted.double.yaml');
  // Numbers: ports, timeouts, weights, the version.
  for (const [lineNo, value] of [[1, '1'], [14, '80'], [16, '300'], [20, '0']] as const) {
    assert.equal(clusterScope(lines, lineNo, value, lines[lineNo].text.indexOf(':')).inner, 'constant.numeric.integer.decimal.yaml', value);
  }
  assert.equal(clusterScope(lines, 3, '-').inner, 'punctuation.definition.block.sequence.item.yaml');
  // Nothing in the file is invalid YAML.
  for (const line of lines) for (const t of line.tokens) assert.ok(!t.scopes.some((s) => s.startsWith('invalid')), `${line.text}: ${t.scopes.join(' ')}`);
});

test('lvs-cluster grammar: the README example tokenizes as valid YAML with every key a map key', () => {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const example = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example, 'the README has a YAML example');
  const lines = tokenize('source.lvs-cluster', example);
  let keys = 0;
  for (const line of lines) {
    for (const t of line.tokens) assert.ok(!t.scopes.some((s) => s.startsWith('invalid')), `${line.text}: ${t.scopes.join(' ')}`);
    const key = /^[\s-]*([A-Za-z]+):/.exec(line.text)?.[1];
    if (key) {
      assert.equal(scopesAt(line, key).at(-1), 'entity.name.tag.yaml', line.text);
      keys++;
    }
  }
  assert.ok(keys >= 20, `${keys} keys`);
});
