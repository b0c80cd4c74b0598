/**
 * The keepalived TextMate grammar, tokenized by VS Code's own engine (vscode-textmate with the Oniguruma
 * WASM build, as test/unit/languageGrammar.test.ts does for the other grammars). Assertions are on the
 * innermost scope of a token, without the `.keepalived` suffix.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { loadWASM, OnigScanner, OnigString } from 'vscode-oniguruma';
import type { IGrammar, IToken } from 'vscode-textmate';
import { INITIAL, parseRawGrammar, Registry } from 'vscode-textmate';

const repo = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { contributes: { grammars: { scopeName: string; path: string }[] } };
const path = join(repo, manifest.contributes.grammars.find((g) => g.scopeName === 'source.keepalived')?.path ?? '');

let grammar: IGrammar | undefined;
before(async () => {
  const wasm = readFileSync(join(repo, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  const ready = loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new Registry({
    onigLib: ready.then(() => ({ createOnigScanner: (s: string[]) => new OnigScanner(s), createOnigString: (s: string) => new OnigString(s) })),
    loadGrammar: async (scope) => (scope === 'source.keepalived' ? parseRawGrammar(readFileSync(path, 'utf8'), path) : null),
  });
  grammar = (await registry.loadGrammar('source.keepalived')) ?? undefined;
  assert.ok(grammar);
});

function tokenize(text: string): { text: string; tokens: IToken[] }[] {
  assert.ok(grammar);
  let stack = INITIAL;
  return text.split('\n').map((line) => {
    const r = (grammar as IGrammar).tokenizeLine(line, stack);
    stack = r.ruleStack;
    return { text: line, tokens: r.tokens };
  });
}

/** Innermost scope of `part` (exactly one token) on line `line` of `text`. */
function scope(text: string, line: number, part: string): string {
  const l = tokenize(text)[line];
  const at = l.text.indexOf(part);
  assert.ok(at >= 0, `"${part}" in "${l.text}"`);
  const over = l.tokens.filter((t) => t.startIndex < at + part.length && t.endIndex > at);
  const show = over.map((t) => `"${l.text.slice(t.startIndex, t.endIndex)}" ${t.scopes.join(' ')}`).join(' | ');
  assert.equal(over.length, 1, `"${part}" is one token: ${show}`);
  assert.equal(over[0].startIndex, at, show);
  assert.equal(Math.min(over[0].endIndex, l.text.length), at + part.length, show);
  return over[0].scopes[over[0].scopes.length - 1].replace(/\.keepalived$/, '');
}

const CONF = [
  'vrrp_instance VI_1 {   # the VIP',
  '    state MASTER',
  '    priority 150',
  '    virtual_ipaddress {',
  '        192.168.116.200/24 dev eth0',
  '        2001:db8::10/64',
  '    }',
  '}',
  '! old style comment',
  'virtual_server 10.0.0.1 80 {',
  '    lvs_sched wrr',
  '    lb_kind DR',
  '    real_server 10.0.0.2 80 {',
  '        HTTP_GET {',
  '            url { path "/health check" }',
  '        }',
  '    }',
  '}',
  '@high router_id ${NAME}',
  '$NAME=director1',
  'include /etc/keepalived/conf.d/*.conf',
].join('\n');

test('blocks, their names and braces', () => {
  assert.equal(scope(CONF, 0, 'vrrp_instance'), 'storage.type.block');
  assert.equal(scope(CONF, 0, 'VI_1'), 'entity.name.section');
  assert.equal(scope(CONF, 0, '{'), 'punctuation.section.block.begin');
  assert.equal(scope(CONF, 7, '}'), 'punctuation.section.block.end');
  assert.equal(scope(CONF, 9, 'virtual_server'), 'storage.type.block');
  assert.equal(scope(CONF, 13, 'HTTP_GET'), 'entity.name.type.checker');
});

test('keywords, constants, numbers and addresses', () => {
  assert.equal(scope(CONF, 1, 'state'), 'keyword.other');
  assert.equal(scope(CONF, 1, 'MASTER'), 'constant.language');
  assert.equal(scope(CONF, 2, '150'), 'constant.numeric');
  assert.equal(scope(CONF, 4, '192.168.116.200/24'), 'constant.numeric.ip-address');
  assert.equal(scope(CONF, 5, '2001:db8::10/64'), 'constant.numeric.ip-address');
  assert.equal(scope(CONF, 9, '10.0.0.1'), 'constant.numeric.ip-address');
  assert.equal(scope(CONF, 10, 'wrr'), 'constant.language.scheduler');
  assert.equal(scope(CONF, 11, 'lb_kind'), 'invalid.deprecated');
});

test('comments (# and !), strings, conditions, parameters, includes', () => {
  assert.equal(scope(CONF, 0, '# the VIP'), 'comment.line.number-sign');
  assert.equal(scope(CONF, 8, '! old style comment'), 'comment.line.exclamation');
  assert.equal(scope(CONF, 14, '/health check'), 'string.quoted.double');
  assert.equal(scope(CONF, 18, '@'), 'keyword.control.conditional');
  assert.equal(scope(CONF, 18, 'high'), 'entity.name.tag');
  assert.equal(scope(CONF, 18, 'router_id'), 'keyword.other');
  assert.equal(scope(CONF, 18, '${NAME}'), 'variable.other.parameter');
  assert.equal(scope('@^low\tvirtual_server 10.0.0.1 80 {', 0, 'virtual_server'), 'storage.type.block');
  assert.equal(scope('@^low\tvirtual_server 10.0.0.1 80 {', 0, '{'), 'punctuation.section.block.begin');
  assert.equal(scope('@a state MASTER', 0, 'MASTER'), 'constant.language');
  // Only the first word after the condition is a keyword.
  const [user] = tokenize('@a script_user root');
  const root = user.tokens.find((t) => t.endIndex > user.text.indexOf('root') && t.startIndex <= user.text.indexOf('root'));
  assert.deepEqual(root?.scopes, ['source.keepalived', 'meta.condition.keepalived']);
  assert.equal(scope(CONF, 19, '$NAME'), 'variable.other.definition');
  assert.equal(scope(CONF, 20, 'include'), 'keyword.control.import');
  assert.equal(scope(CONF, 20, '/etc/keepalived/conf.d/*.conf'), 'string.unquoted.path');
});
