/**
 * package.json contributions agree with the files and the code: languages have grammars, configurations,
 * snippets and icons; file names agree with the CLI's classification; commands in the table are exactly
 * the contributed ones; snippets are valid JSON and, with their placeholders filled, valid files.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { classifyFile } from '../../src/core/fileKinds';
import type { FileKind } from '../../src/core/fileKinds';
import { validateText } from '../../src/core/validateText';
import { COMMAND_IDS } from '../../src/extension/commandIds';

const repo = join(__dirname, '..', '..', '..');

interface LanguageContribution {
  id: string;
  aliases?: string[];
  extensions?: string[];
  filenames?: string[];
  filenamePatterns?: string[];
  configuration?: string;
  icon?: { light: string; dark: string };
}

interface PackageJson {
  main: string;
  icon?: string;
  activationEvents?: string[];
  capabilities?: { untrustedWorkspaces?: { supported: boolean | 'limited'; description?: string } };
  contributes: {
    languages: LanguageContribution[];
    grammars: { language?: string; scopeName: string; path: string }[];
    snippets: { language: string; path: string }[];
    yamlValidation: { fileMatch: string | string[]; url: string }[];
    commands: { command: string; title: string; category?: string }[];
    configuration: { properties: Record<string, { type: string; default: unknown }> };
  };
}

const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as PackageJson;
const KIND: Readonly<Record<string, FileKind>> = { 'lvs-cluster': 'cluster', 'ipvsadm-rules': 'rules', keepalived: 'keepalived' };

test('the languages are contributed with configuration, grammar, snippets and icon files that exist', () => {
  const ids = pkg.contributes.languages.map((l) => l.id);
  assert.deepEqual(ids.sort(), ['ipvsadm-rules', 'keepalived', 'lvs-cluster']);
  for (const lang of pkg.contributes.languages) {
    assert.ok(lang.configuration && existsSync(join(repo, lang.configuration)), `${lang.id} configuration`);
    JSON.parse(readFileSync(join(repo, lang.configuration), 'utf8'));
    assert.ok(lang.icon && existsSync(join(repo, lang.icon.light)) && existsSync(join(repo, lang.icon.dark)), `${lang.id} icon`);
    const grammar = pkg.contributes.grammars.find((g) => g.language === lang.id);
    assert.ok(grammar, `${lang.id} grammar`);
    const g = JSON.parse(readFileSync(join(repo, grammar.path), 'utf8')) as { scopeName: string };
    assert.equal(g.scopeName, grammar.scopeName);
    assert.equal(grammar.scopeName, `source.${lang.id}`);
    const snippets = pkg.contributes.snippets.find((s) => s.language === lang.id);
    assert.ok(snippets && existsSync(join(repo, snippets.path)), `${lang.id} snippets`);
    assert.ok(pkg.activationEvents?.includes(`onLanguage:${lang.id}`), `${lang.id} activation`);
  }
  assert.ok(pkg.icon && existsSync(join(repo, pkg.icon)) && pkg.icon.endsWith('.png'), 'the marketplace icon is a PNG that exists');
});

test('the languages claim the file names the CLI classifies the same way', () => {
  for (const lang of pkg.contributes.languages) {
    const kind = KIND[lang.id];
    const samples = [
      ...(lang.filenames ?? []),
      ...(lang.filenamePatterns ?? []).map((p) => p.replace(/\*/g, 'x')),
      ...(lang.extensions ?? []).map((e) => `x${e}`),
    ];
    assert.ok(samples.length > 0);
    for (const name of samples) assert.equal(classifyFile(`/some/dir/${name}`), kind, `${name} is ${kind}`);
  }
  for (const name of ['lvs.yaml', 'web.lvs.yaml', 'web.lvs.yml']) {
    assert.ok(pkg.activationEvents?.includes(`workspaceContains:**/${name.startsWith('web') ? name.replace('web', '*') : name}`), name);
  }
});

test('yamlValidation points the cluster file names at the schema', (t) => {
  const matches = pkg.contributes.yamlValidation.flatMap((v) => (Array.isArray(v.fileMatch) ? v.fileMatch : [v.fileMatch]));
  for (const name of ['lvs.yaml', '*.lvs.yaml', '*.lvs.yml']) assert.ok(matches.includes(name), name);
  for (const v of pkg.contributes.yamlValidation) assert.equal(v.url, './schemas/lvs-cluster.schema.json');
  if (!existsSync(join(repo, 'schemas', 'lvs-cluster.schema.json'))) t.skip('schema not written yet');
});

test('every command of the table is contributed, and every contributed command is in the table', () => {
  const contributed = pkg.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(contributed, [...COMMAND_IDS].sort());
  for (const c of pkg.contributes.commands) {
    assert.match(c.command, /^lvs\./);
    assert.equal(c.category, 'LVS');
  }
});

test('settings are prefixed lvs. and the untrusted-workspace support is limited', () => {
  const props = pkg.contributes.configuration.properties;
  for (const key of Object.keys(props)) assert.match(key, /^lvs\./);
  assert.deepEqual(props['lvs.clusterFiles.globs'].default, []);
  assert.equal(props['lvs.validation.debounceMs'].default, 250);
  assert.equal(pkg.capabilities?.untrustedWorkspaces?.supported, 'limited');
  assert.ok((pkg.capabilities?.untrustedWorkspaces?.description ?? '').length > 20);
  assert.ok(!(pkg.activationEvents ?? []).includes('*'));
});

// ---- snippets ---------------------------------------------------------------------------------------------

interface Snippet {
  prefix: string | string[];
  body: string[];
  description?: string;
  isFileTemplate?: boolean;
}

function snippets(file: string): Record<string, Snippet> {
  return JSON.parse(readFileSync(join(repo, 'snippets', file), 'utf8')) as Record<string, Snippet>;
}

/** The text a snippet inserts when every placeholder keeps its default (first choice; mirrors copy it). */
function expandSnippet(body: readonly string[]): string {
  const text = body.join('\n');
  const defaults = new Map<string, string>();
  const first = /\$\{(\d+):((?:[^{}\\]|\\.)*)\}|\$\{(\d+)\|([^|]*)\|\}/g;
  for (const m of text.matchAll(first)) {
    const index = m[1] ?? m[3];
    if (!defaults.has(index)) defaults.set(index, m[2] ?? (m[4] ?? '').split(',')[0]);
  }
  return text
    .replace(first, (_m, a: string | undefined, _b, c: string | undefined) => defaults.get(a ?? c ?? '') ?? '')
    .replace(/\$\{(\d+)\}|\$(\d+)/g, (_m, a: string | undefined, b: string | undefined) => defaults.get(a ?? b ?? '') ?? '')
    .replace(/\\([$}\\])/g, '$1');
}

test('expandSnippet fills defaults, choices and mirrors', () => {
  assert.equal(expandSnippet(['a: ${1:x}', 'b: ${2|p,q|}', 'c: $1 ${1}', '$0']), 'a: x\nb: p\nc: x x\n');
});

/** Where each cluster snippet goes in a file, so its expansion can be validated as a whole file. */
const CLUSTER_HOST = 'version: 1\nhosts:\n  - name: director\n    address: 192.168.116.3\n    interface: eth0\n  - name: rs1\n    address: 192.168.116.4\n    interface: eth0\n';
function indent(text: string, spaces: number): string {
  return text.split('\n').map((l) => (l.trim() === '' ? l : ' '.repeat(spaces) + l)).join('\n');
}
const CLUSTER_PLACES: Readonly<Record<string, (body: string) => string>> = {
  host: (b) => `version: 1\nhosts:\n${indent(b, 2)}\n  - name: director\n    address: 192.168.116.3\n    interface: eth0\nclusters:\n  - name: web\n    directors:\n      - host: director\n    services:\n      - protocol: tcp\n        vip: 192.168.116.200\n        port: 80\n        realServers:\n          - host: node1\n            port: 80\n            method: dr\n`,
  service: (b) => `${CLUSTER_HOST}clusters:\n  - name: web\n    directors:\n      - host: director\n    services:\n${indent(b, 6)}\n`,
  realServer: (b) => `${CLUSTER_HOST}clusters:\n  - name: web\n    directors:\n      - host: director\n    services:\n      - protocol: tcp\n        vip: 192.168.116.200\n        port: 80\n        realServers:\n${indent(b, 10)}\n`,
  file: (b) => b,
};
const CLUSTER_SNIPPET_PLACE: Readonly<Record<string, keyof typeof CLUSTER_PLACES>> = {
  'LVS: DR cluster file': 'file',
  'LVS: NAT cluster file': 'file',
  'LVS: TUN cluster file': 'file',
  'LVS: host': 'host',
  'LVS: virtual service': 'service',
  'LVS: persistent service': 'service',
  'LVS: fwmark service': 'service',
  'LVS: NAT virtual service': 'service',
  'LVS: real server': 'realServer',
  'LVS: TUN real server': 'realServer',
};

test('snippet files are valid, every snippet has a prefix, a description and a $0', () => {
  for (const file of ['lvs-cluster.code-snippets', 'ipvsadm-rules.code-snippets']) {
    for (const [name, s] of Object.entries(snippets(file))) {
      assert.ok(Array.isArray(s.body) && s.body.length > 0, name);
      assert.ok((Array.isArray(s.prefix) ? s.prefix : [s.prefix]).every((p) => /^(lvs|ipvsadm)-[a-z-]+$/.test(p)), name);
      assert.ok((s.description ?? '').length > 10, name);
      assert.ok(s.body.join('\n').includes('$0'), name);
    }
  }
  assert.deepEqual(Object.keys(snippets('lvs-cluster.code-snippets')).sort(), Object.keys(CLUSTER_SNIPPET_PLACE).sort());
});

test('every cluster file snippet, filled with its defaults, validates without errors', () => {
  for (const [name, s] of Object.entries(snippets('lvs-cluster.code-snippets'))) {
    const text = CLUSTER_PLACES[CLUSTER_SNIPPET_PLACE[name]](expandSnippet(s.body));
    const errors = validateText('cluster', text).filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => `${d.code} ${d.range.start.line + 1}: ${d.message}`), [], `${name}:\n${text}`);
  }
});

test('every ipvsadm rules snippet, filled with its defaults, validates without errors', () => {
  for (const [name, s] of Object.entries(snippets('ipvsadm-rules.code-snippets'))) {
    let text = expandSnippet(s.body);
    // A lone real-server line needs its service.
    if (!text.includes('-A ')) text = `-A -t 192.168.116.200:80 -s wlc\n${text}`;
    const errors = validateText('rules', text).filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => `${d.code}: ${d.message}`), [], `${name}:\n${text}`);
  }
});
