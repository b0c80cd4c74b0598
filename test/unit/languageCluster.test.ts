/**
 * The cluster file language service: completion at many cursor positions (valid, partial and broken YAML),
 * hover, and the key table against the validator's key lists and the JSON schema.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Position } from '../../src/core/diagnostics';
import { ENUMS, OBJECT_KEYS } from '../../src/core/clusterFile/formatKeys';
import type { ObjectKind } from '../../src/core/clusterFile/formatKeys';
import { IPVS_SYSCTLS } from '../../src/core/clusterFile/ipvsSysctls';
import { CLUSTER_FILE_SPEC, ITEM, specAt } from '../../src/core/language/clusterKeys';
import type { FieldSpec, PathSegment } from '../../src/core/language/clusterKeys';
import { clusterCompletions, clusterHover, hostsOf } from '../../src/core/language/clusterLanguage';
import { cursorContext, shapeOf } from '../../src/core/language/yamlContext';

const repo = join(__dirname, '..', '..', '..');

/** Splits `text|more` into the text without the bar and the bar's position. */
function at(source: string): [string, Position] {
  const i = source.indexOf('|');
  assert.ok(i >= 0, 'test source needs a | cursor');
  const text = source.slice(0, i) + source.slice(i + 1);
  const lines = source.slice(0, i).split('\n');
  return [text, { line: lines.length - 1, character: lines[lines.length - 1].length }];
}

function labels(source: string): string[] {
  const [text, pos] = at(source);
  return clusterCompletions(text, pos).map((c) => c.label);
}

const FILE = `version: 1
hosts:
  - name: director
    address: 192.168.116.3
    interface: eth0
  - name: rs1
    address: 192.168.116.4
clusters:
  - name: web
    directors:
      - host: director
    services:
      - protocol: tcp
        vip: 192.168.116.200
        port: 80
        realServers:
          - host: rs1
            method: dr
`;

test('root keys on an empty document, as snippets with the right value shape', () => {
  const [text, pos] = at('|');
  const items = clusterCompletions(text, pos);
  assert.deepEqual(items.map((i) => i.label), ['version', 'hosts', 'clusters']);
  const hosts = items.find((i) => i.label === 'hosts');
  assert.equal(hosts?.insertText, 'hosts:\n  - $0');
  assert.equal(hosts?.insertTextFormat, 'snippet');
  assert.equal(items.find((i) => i.label === 'version')?.insertText, 'version: ${1|1|}');
});

test('root keys already present are not offered again', () => {
  assert.deepEqual(labels('version: 1\n|\nclusters: []\n'), ['hosts']);
});

test('host keys inside a hosts item, minus the ones the item has', () => {
  const got = labels('hosts:\n  - name: a\n    |\n    address: 10.0.0.1\n');
  assert.deepEqual(got, ['addresses', 'interface', 'ssh']);
});

test('keys of a new list item after `- `', () => {
  assert.deepEqual(labels('hosts:\n  - name: a\n  - |'), ['name', 'address', 'addresses', 'interface', 'ssh']);
});

test('compact sequences (dash at the key column) are understood', () => {
  const got = labels('clusters:\n- name: web\n  services:\n  - protocol: tcp\n    |');
  assert.ok(got.includes('scheduler') && got.includes('realServers') && !got.includes('protocol'), got.join());
});

test('service keys while the key is half typed (no colon yet: invalid YAML)', () => {
  const src = FILE.replace('        port: 80\n', '        port: 80\n        sch|\n');
  const [text, pos] = at(src);
  const items = clusterCompletions(text, pos);
  const scheduler = items.find((i) => i.label === 'scheduler');
  assert.ok(scheduler, items.map((i) => i.label).join());
  assert.deepEqual(scheduler.range, { start: { line: pos.line, character: 8 }, end: { line: pos.line, character: 11 } });
  assert.match(scheduler.insertText ?? '', /^scheduler: \$\{1\|rr,wrr,lc,wlc,/);
  for (const present of ['protocol', 'vip', 'port', 'realServers']) assert.ok(!items.some((i) => i.label === present), present);
});

test('ssh keys and strictHostKeyChecking values', () => {
  assert.ok(labels('hosts:\n  - name: a\n    ssh:\n      |').includes('strictHostKeyChecking'));
  assert.deepEqual(labels('hosts:\n  - name: a\n    ssh:\n      strictHostKeyChecking: |'), ['yes', 'accept-new', 'ask', 'no']);
});

test('scheduler values with glossary documentation, replacing the typed prefix', () => {
  const [text, pos] = at('clusters:\n  - services:\n      - scheduler: w|rr\n');
  const items = clusterCompletions(text, pos);
  assert.deepEqual(items.map((i) => i.label), ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos']);
  const wlc = items.find((i) => i.label === 'wlc');
  assert.match(wlc?.documentation ?? '', /Weighted Least-Connection/);
  assert.equal(wlc?.detail, 'Weighted Least-Connection');
  // The range covers the whole word under the cursor (`wrr`), so choosing replaces it.
  assert.deepEqual(wlc?.range, { start: { line: 2, character: 19 }, end: { line: 2, character: 22 } });
});

test('forwarding methods, protocols, tunnel types and families', () => {
  assert.deepEqual(labels(FILE.replace('method: dr', 'method: |')), ['dr', 'nat', 'tun']);
  assert.deepEqual(labels(FILE.replace('protocol: tcp', 'protocol: |')), ['tcp', 'udp', 'sctp']);
  assert.deepEqual(labels('clusters:\n  - services:\n      - realServers:\n          - tunnel:\n              type: |'), ['ipip', 'gue', 'gre']);
  assert.deepEqual(labels('clusters:\n  - services:\n      - realServers:\n          - tunnel: { type: g|'), ['ipip', 'gue', 'gre']);
  assert.deepEqual(labels('clusters:\n  - services:\n      - fwmark: 1\n        family: |'), ['ipv4', 'ipv6']);
});

test('scheduler flags in a flow list and in a block list', () => {
  const flags = ['flag-1', 'flag-2', 'flag-3', 'sh-fallback', 'sh-port', 'mh-fallback', 'mh-port'];
  assert.deepEqual(labels('clusters:\n  - services:\n      - schedulerFlags: [sh-port, |]'), flags);
  assert.deepEqual(labels('clusters:\n  - services:\n      - schedulerFlags:\n          - |'), flags);
});

test('host references: directors[].host, realServers[].host and ssh.proxyJump offer the hosts of the file', () => {
  assert.deepEqual(labels(FILE.replace('- host: director', '- host: |')), ['director', 'rs1']);
  assert.deepEqual(labels(FILE.replace('- host: rs1', '- host: r|')), ['director', 'rs1']);
  assert.deepEqual(labels(FILE.replace('    interface: eth0\n', '    interface: eth0\n    ssh:\n      proxyJump: |\n')), ['director', 'rs1']);
});

test('host references still work when the YAML is broken elsewhere', () => {
  const broken = FILE.replace('    address: 192.168.116.4\n', '    address: [192.168.116.4\n  - name: "rs2"\n') + '  - name: {{{\n';
  const [text, pos] = at(broken.replace('- host: director', '- host: |'));
  const names = clusterCompletions(text, pos).map((c) => c.label);
  assert.ok(names.includes('director') && names.includes('rs1') && names.includes('rs2'), names.join());
  assert.ok(!names.some((n) => n.includes('{')), names.join());
});

test('hostsOf reads the document when it parses', () => {
  assert.deepEqual(hostsOf(FILE), [{ name: 'director', address: '192.168.116.3' }, { name: 'rs1', address: '192.168.116.4' }]);
});

test('sysctl names under sysctls, with this file\'s defaults as values', () => {
  const [text, pos] = at('clusters:\n  - name: web\n    sysctls:\n      expire_nodest_conn: 1\n      |');
  const items = clusterCompletions(text, pos);
  const names = items.map((i) => i.label);
  assert.ok(names.includes('conn_reuse_mode') && names.includes('expire_quiescent_template'));
  assert.ok(!names.includes('expire_nodest_conn'));
  assert.equal(items.find((i) => i.label === 'expire_quiescent_template')?.insertText, 'expire_quiescent_template: ${1:1}');
  assert.equal(items.find((i) => i.label === 'pmtu_disc')?.insertText, 'pmtu_disc: ${1:1}');
});

test('booleans offer true/false; flow-mapping keys complete inside braces', () => {
  assert.deepEqual(labels('clusters:\n  - prune: |'), ['true', 'false']);
  assert.deepEqual(labels('clusters:\n  - services:\n      - persistence: { timeout: 300, |'), ['netmask']);
});

test('an existing key keeps its colon: completion inserts the name only', () => {
  const [text, pos] = at('clusters:\n  - services:\n      - sche|duler: rr\n');
  const item = clusterCompletions(text, pos).find((i) => i.label === 'scheduler');
  assert.equal(item?.insertText, undefined);
  assert.deepEqual(item?.range, { start: { line: 2, character: 8 }, end: { line: 2, character: 17 } });
});

test('nothing in comments, in block scalars, or outside the format', () => {
  assert.deepEqual(labels('# hosts: |'), []);
  assert.deepEqual(labels('version: 1 # |'), []);
  assert.deepEqual(labels('clusters:\n  - name: web\n    note: |\n      some |text'), []);
  assert.deepEqual(labels('foo:\n  |'), []);
  assert.deepEqual(labels('clusters:\n  - services:\n      - vip: |'), []);
});

test('tabs and CRLF line ends do not confuse the context', () => {
  assert.deepEqual(labels('hosts:\r\n  - name: a\r\n    ssh:\r\n      strictHostKeyChecking: |\r\n'), ['yes', 'accept-new', 'ask', 'no']);
});

test('yamlContext: line shapes', () => {
  assert.deepEqual(shapeOf('  - - name: x # c'), { dashes: [2, 4], contentCol: 6, key: 'name', afterColon: 11, value: 'x' });
  assert.deepEqual(shapeOf('    '), { dashes: [], contentCol: -1 });
  assert.deepEqual(shapeOf('  -'), { dashes: [2], contentCol: 4 });
  assert.equal(shapeOf('"quoted key": 1').key, 'quoted key');
  assert.equal(shapeOf('url: http://x').key, 'url');
  assert.equal(shapeOf('- http://x').key, undefined);
  const ctx = cursorContext('clusters:\n  - services:\n      - realServers:\n          - weight: ', { line: 3, character: 20 });
  assert.equal(ctx.kind, 'value');
  if (ctx.kind === 'value') assert.deepEqual(ctx.mapping.path, ['clusters', ITEM, 'services', ITEM, 'realServers', ITEM]);
});

test('hover: keys with type, description and path', () => {
  const [text, pos] = at(FILE.replace('vip: 192', 'v|ip: 192'));
  const hover = clusterHover(text, pos);
  assert.ok(hover);
  assert.match(hover.contents, /\*\*vip\*\* — `IP address`/);
  assert.match(hover.contents, /`clusters\[\]\.services\[\]\.vip`/);
  assert.deepEqual(hover.range, { start: { line: pos.line, character: 8 }, end: { line: pos.line, character: 11 } });
});

test('hover: scheduler, method, sysctl, scheduler flag, host reference', () => {
  const text = `${FILE}        scheduler: mh\n        schedulerFlags: [mh-port, mh-fallback]\n    sysctls:\n      conn_reuse_mode: 0\n`
    .replace('method: dr', 'method: tun');
  const lines = text.split('\n');
  const hoverOn = (needle: string, offset = 1): string | undefined => {
    const line = lines.findIndex((l) => l.includes(needle));
    return clusterHover(text, { line, character: lines[line].indexOf(needle) + offset })?.contents;
  };
  assert.match(hoverOn('scheduler: mh', 12) ?? '', /Maglev Hashing/);
  assert.match(hoverOn('method: tun', 9) ?? '', /Tunnelling/);
  assert.match(hoverOn('conn_reuse_mode') ?? '', /net\.ipv4\.vs\.conn_reuse_mode/);
  assert.match(hoverOn('mh-fallback') ?? '', /mh-fallback.*scheduler flag/s);
  assert.match(hoverOn('host: rs1', 7) ?? '', /\*\*rs1\*\* — host of this file, address `192\.168\.116\.4`/);
  assert.equal(hoverOn('address: 192.168.116.3', 12), undefined);
});

test('hover works on broken YAML', () => {
  const text = 'clusters:\n  - services:\n      - scheduler: sed\n        realServers: [\n';
  const hover = clusterHover(text, { line: 2, character: 21 });
  assert.match(hover?.contents ?? '', /Shortest Expected Delay/);
});

// ---- the key table against the validator's key lists and the schema ------------------------------------

const KIND_PATHS: Readonly<Record<ObjectKind, PathSegment[]>> = {
  root: [],
  host: ['hosts', ITEM],
  ssh: ['hosts', ITEM, 'ssh'],
  cluster: ['clusters', ITEM],
  director: ['clusters', ITEM, 'directors', ITEM],
  service: ['clusters', ITEM, 'services', ITEM],
  persistence: ['clusters', ITEM, 'services', ITEM, 'persistence'],
  realServer: ['clusters', ITEM, 'services', ITEM, 'realServers', ITEM],
  tunnel: ['clusters', ITEM, 'services', ITEM, 'realServers', ITEM, 'tunnel'],
  vrrp: ['clusters', ITEM, 'vrrp'],
  healthCheck: ['clusters', ITEM, 'services', ITEM, 'healthCheck'],
  sorryServer: ['clusters', ITEM, 'services', ITEM, 'sorryServer'],
  bgp: ['clusters', ITEM, 'bgp'],
  bgpPeer: ['clusters', ITEM, 'bgp', 'peers', ITEM],
};

test('every mapping of the key table has exactly the keys the validator knows', () => {
  for (const [kind, path] of Object.entries(KIND_PATHS) as [ObjectKind, PathSegment[]][]) {
    const spec = specAt(path);
    assert.equal(spec?.type, 'object', kind);
    if (spec?.type === 'object') assert.deepEqual(Object.keys(spec.fields), [...OBJECT_KEYS[kind]], kind);
  }
});

test('enumerated keys offer exactly the values the validator accepts', () => {
  const enumOf = (path: PathSegment[]): readonly (string | number)[] | undefined => {
    let spec: FieldSpec | undefined = specAt(path);
    if (spec?.type === 'list') spec = spec.item;
    return spec?.type === 'enum' ? spec.values : undefined;
  };
  const svc = KIND_PATHS.service;
  const rs = KIND_PATHS.realServer;
  assert.deepEqual(enumOf([...svc, 'protocol']), ENUMS.protocol);
  assert.deepEqual(enumOf([...svc, 'family']), ENUMS.family);
  assert.deepEqual(enumOf([...svc, 'scheduler']), ENUMS.scheduler);
  assert.deepEqual(enumOf([...svc, 'schedulerFlags']), ENUMS.schedulerFlag);
  assert.deepEqual(enumOf([...svc, 'pe']), ENUMS.pe);
  assert.deepEqual(enumOf([...rs, 'method']), ENUMS.method);
  assert.deepEqual(enumOf([...rs, 'tunnel', 'type']), ENUMS.tunnelType);
  assert.deepEqual(enumOf([...rs, 'tunnel', 'checksum']), ENUMS.tunnelChecksum);
  assert.deepEqual(enumOf([...KIND_PATHS.ssh, 'strictHostKeyChecking']), ENUMS.strictHostKeyChecking);
  const sysctls = specAt([...KIND_PATHS.cluster, 'sysctls']);
  assert.equal(sysctls?.type, 'map');
  if (sysctls?.type === 'map') assert.deepEqual([...sysctls.keys].sort(), Object.keys(IPVS_SYSCTLS).sort());
});

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  $ref?: string;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
}

test('the key table matches schemas/lvs-cluster.schema.json', (t) => {
  const schemaPath = join(repo, 'schemas', 'lvs-cluster.schema.json');
  if (!existsSync(schemaPath)) {
    t.skip('schema not written yet');
    return;
  }
  const root = JSON.parse(readFileSync(schemaPath, 'utf8')) as JsonSchema;
  const resolve = (s: JsonSchema): JsonSchema => {
    let cur = s;
    for (let i = 0; i < 20 && cur.$ref; i++) {
      const ref: string = cur.$ref;
      const parts = ref.replace(/^#\//, '').split('/');
      let node: unknown = root;
      for (const p of parts) node = (node as Record<string, unknown>)[p];
      cur = node as JsonSchema;
    }
    return cur;
  };
  /** Property names of an object schema, through $ref / allOf / oneOf / anyOf. */
  const propsOf = (s: JsonSchema): Map<string, JsonSchema> => {
    const r = resolve(s);
    const out = new Map<string, JsonSchema>(Object.entries(r.properties ?? {}));
    for (const sub of [...(r.allOf ?? []), ...(r.oneOf ?? []), ...(r.anyOf ?? [])]) for (const [k, v] of propsOf(sub)) out.set(k, v);
    return out;
  };
  const itemsOf = (s: JsonSchema): JsonSchema | undefined => {
    const r = resolve(s);
    if (r.items) return r.items;
    for (const sub of [...(r.oneOf ?? []), ...(r.anyOf ?? [])]) {
      const found = itemsOf(sub);
      if (found) return found;
    }
    return undefined;
  };
  const walk = (spec: FieldSpec, schema: JsonSchema, where: string): void => {
    if (spec.type === 'object') {
      const props = propsOf(schema);
      assert.deepEqual([...props.keys()].sort(), Object.keys(spec.fields).sort(), `keys of ${where || 'the root'}`);
      for (const [k, sub] of Object.entries(spec.fields)) {
        const s = props.get(k);
        if (s) walk(sub, s, `${where}.${k}`);
      }
    } else if (spec.type === 'list' && spec.item.type === 'object') {
      const items = itemsOf(schema);
      assert.ok(items, `${where} is a list in the schema`);
      walk(spec.item, items, `${where}[]`);
    }
  };
  walk(CLUSTER_FILE_SPEC, root, '');
});

test('large files: completion and hover stay fast, on valid and on broken YAML', () => {
  const hosts = Array.from({ length: 3000 }, (_, i) => `  - name: node${i}\n    address: 10.${(i >> 8) & 255}.${i & 255}.1\n    interface: eth0\n`).join('');
  const services = Array.from({ length: 1000 }, (_, i) => `      - protocol: tcp\n        vip: 10.200.${(i >> 8) & 255}.${i & 255}\n        port: 80\n        scheduler: wlc\n        realServers:\n          - host: node${i}\n            port: 80\n            method: dr\n`).join('');
  const valid = `version: 1\nhosts:\n${hosts}clusters:\n  - name: big\n    directors:\n      - host: node0\n    services:\n${services}`;
  for (const text of [valid, valid.replace('  - name: node7\n', '  - name: [node7\n')]) {
    const [t, pos] = at(`${text}          - host: |\n`);
    const started = Date.now();
    const items = clusterCompletions(t, pos);
    const hover = clusterHover(t, { line: pos.line - 1, character: 20 });
    const elapsed = Date.now() - started;
    assert.ok(items.length >= 2999, String(items.length));
    assert.match(hover?.contents ?? '', /Direct Routing/);
    assert.ok(elapsed < 1500, `${elapsed} ms for ${t.split('\n').length} lines`);
  }
});

test('hostsOf: block style by lines (address before or after name), flow style through the YAML document', () => {
  assert.deepEqual(hostsOf('hosts:\n- address: 10.0.0.1\n  name: a\n- name: b\n'), [{ name: 'a', address: '10.0.0.1' }, { name: 'b' }]);
  assert.deepEqual(hostsOf('hosts: [{ name: a, address: 10.0.0.1 }, { name: b, addresses: [fd00::2] }]\n'), [
    { name: 'a', address: '10.0.0.1' },
    { name: 'b', address: 'fd00::2' },
  ]);
  assert.deepEqual(hostsOf('clusters:\n  - name: notahost\n'), []);
});
